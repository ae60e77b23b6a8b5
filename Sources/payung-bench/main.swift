import PayungApp

// Benchmarks (see BENCHMARKS.md):
//   swift run -c release payung-bench [rows]                     the proposal import
//   swift run -c release payung-bench billing [participants]     a month's billing run
if CommandLine.arguments.dropFirst().first == "billing" {
    try await BillingBenchmark.main(arguments: CommandLine.arguments)
} else {
    try await ImportBenchmark.main(arguments: CommandLine.arguments)
}
