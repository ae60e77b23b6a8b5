import Foundation

/// Horizontal bars as inline SVG, drawn on the server (no script, prints
/// cleanly): one bar per row with its label above and its figure at the
/// end; a target, when there is one, as a thin outline behind the bar.
/// 360 px wide at most, so a phone shows it whole. Every text is escaped.
struct BarChart {
    struct Bar {
        let label: String
        let value: Int
        var target: Int? = nil
        let figure: String
    }

    let id: String
    let title: String
    let bars: [Bar]

    static let colour = "#0b6e4f", targetColour = "#8cc7b0", ink = "#1b2430"

    var svg: String {
        let width = 340.0, barHeight = 14.0, rowHeight = 36.0, top = 4.0, figureRoom = 96.0
        let height = top + rowHeight * Double(max(bars.count, 1))
        let scale = Double(max(bars.map { max($0.value, $0.target ?? 0) }.max() ?? 1, 1))
        let plot = width - figureRoom
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(AbsorptionChart.n(width)) \(AbsorptionChart.n(height))" width="100%" \
            class="bars" role="img" aria-labelledby="\(id)-judul" font-family="system-ui, sans-serif" font-size="12">\
            <title id="\(id)-judul">\(AbsorptionChart.escape(title))</title>
            """
        for (i, bar) in bars.enumerated() {
            let y = top + rowHeight * Double(i)
            out += "<text x=\"0\" y=\"\(AbsorptionChart.n(y + 11))\" fill=\"\(Self.ink)\">\(AbsorptionChart.escape(bar.label))</text>"
            if let target = bar.target {
                out += "<rect x=\"0\" y=\"\(AbsorptionChart.n(y + 16))\" width=\"\(AbsorptionChart.n(plot * Double(target) / scale))\" "
                    + "height=\"\(AbsorptionChart.n(barHeight))\" fill=\"none\" stroke=\"\(Self.targetColour)\" stroke-width=\"2\">"
                    + "<title>\(AbsorptionChart.escape("\(bar.label): target \(target)"))</title></rect>"
            }
            out += "<rect x=\"0\" y=\"\(AbsorptionChart.n(y + 16))\" width=\"\(AbsorptionChart.n(max(plot * Double(bar.value) / scale, bar.value > 0 ? 1 : 0)))\" "
                + "height=\"\(AbsorptionChart.n(barHeight))\" fill=\"\(Self.colour)\"><title>\(AbsorptionChart.escape("\(bar.label): \(bar.figure)"))</title></rect>"
            out += "<text x=\"\(AbsorptionChart.n(width))\" y=\"\(AbsorptionChart.n(y + 27))\" text-anchor=\"end\" fill=\"\(Self.ink)\">"
                + "\(AbsorptionChart.escape(bar.figure))</text>"
        }
        return out + "</svg>"
    }
}
