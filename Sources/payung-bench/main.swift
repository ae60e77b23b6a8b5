import PayungApp

// Import benchmark: `swift run -c release payung-bench [rows]` (see BENCHMARKS.md).
try await ImportBenchmark.main(arguments: CommandLine.arguments)
