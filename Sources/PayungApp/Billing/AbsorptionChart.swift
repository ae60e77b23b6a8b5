import Foundation
import PayungCore

/// The absorption chart as inline SVG, drawn on the server (no script):
/// per contribution month a bar billed and a bar paid, the pledge as a
/// line, a rupiah axis and month names. Every mark has a `<title>` a screen
/// reader (and a mouse) can read; every text is escaped.
struct AbsorptionChart {
    let title: String
    let months: [BudgetAbsorption.Month]

    static let billedColour = "#0b6e4f", paidColour = "#8cc7b0", pledgedColour = "#b45309"
    static let ink = "#1b2430", grid = "#d9ddd6"

    var svg: String {
        let left = 64.0, right = 8.0, top = 34.0, plotHeight = 150.0, bottom = 92.0
        let slot = months.count > 12 ? 22.0 : (360 - left - right) / Double(max(months.count, 1))
        let width = left + right + slot * Double(max(months.count, 1)), height = top + plotHeight + bottom
        let values = months.flatMap { [$0.pledged, $0.billed, $0.paid] }
        let (low, high, step) = Self.axis(min: min(values.min() ?? 0, 0), max: max(values.max() ?? 0, 0))
        func y(_ v: Int64) -> Double { top + plotHeight * (1 - Double(v - low) / Double(max(high - low, 1))) }
        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Self.n(width)) \(Self.n(height))" width="100%" role="img" \
            aria-labelledby="serapan-judul serapan-uraian" font-family="system-ui, sans-serif" font-size="12">\
            <title id="serapan-judul">\(Self.escape(title))</title>\
            <desc id="serapan-uraian">Batang hijau tua: ditagih; batang hijau muda: dibayar; garis jingga: komitmen; per bulan iuran.</desc>
            """
        // Legend.
        out += "<g fill=\"\(Self.ink)\"><rect x=\"\(Self.n(left))\" y=\"6\" width=\"10\" height=\"10\" fill=\"\(Self.billedColour)\"/>"
            + "<text x=\"\(Self.n(left + 14))\" y=\"15\">Ditagih</text>"
            + "<rect x=\"\(Self.n(left + 70))\" y=\"6\" width=\"10\" height=\"10\" fill=\"\(Self.paidColour)\"/>"
            + "<text x=\"\(Self.n(left + 84))\" y=\"15\">Dibayar</text>"
            + "<line x1=\"\(Self.n(left + 140))\" y1=\"11\" x2=\"\(Self.n(left + 156))\" y2=\"11\" stroke=\"\(Self.pledgedColour)\" stroke-width=\"2\"/>"
            + "<text x=\"\(Self.n(left + 160))\" y=\"15\">Komitmen</text></g>"
        // Rupiah axis and grid.
        var tick = low
        while tick <= high {
            out += "<line x1=\"\(Self.n(left))\" y1=\"\(Self.n(y(tick)))\" x2=\"\(Self.n(width - right))\" y2=\"\(Self.n(y(tick)))\" "
                + "stroke=\"\(tick == 0 ? Self.ink : Self.grid)\" stroke-width=\"1\"/>"
                + "<text x=\"\(Self.n(left - 4))\" y=\"\(Self.n(y(tick) + 4))\" text-anchor=\"end\" fill=\"\(Self.ink)\">\(Self.escape(Self.short(tick)))</text>"
            tick += step
        }
        // Bars and month names.
        var points: [String] = []
        for (i, m) in months.enumerated() {
            let x = left + slot * Double(i), bar = max(slot * 0.36, 1)
            for (offset, value, colour, word) in [(0.12, m.billed, Self.billedColour, "ditagih"), (0.5, m.paid, Self.paidColour, "dibayar")] {
                let y0 = y(max(value, 0)), y1 = y(min(value, 0))
                out += "<rect x=\"\(Self.n(x + slot * offset))\" y=\"\(Self.n(y0))\" width=\"\(Self.n(bar))\" height=\"\(Self.n(max(y1 - y0, 0)))\" "
                    + "fill=\"\(colour)\"><title>\(Self.escape("\(m.monthName): \(word) \(Rupiah(value).formatted)"))</title></rect>"
            }
            let cx = x + slot / 2
            points.append("\(Self.n(cx)),\(Self.n(y(m.pledged)))")
            out += "<circle cx=\"\(Self.n(cx))\" cy=\"\(Self.n(y(m.pledged)))\" r=\"2.5\" fill=\"\(Self.pledgedColour)\">"
                + "<title>\(Self.escape("\(m.monthName): komitmen \(Rupiah(m.pledged).formatted)"))</title></circle>"
            let month = YearMonth(iso: m.month)
            // Full month names (never abbreviated), the year on the first month and on each January.
            let label = month.map { i == 0 || $0.month == 1 ? $0.indonesian : IndonesianMonth.name($0.month) } ?? m.monthName
            let ly = top + plotHeight + 10
            out += "<text x=\"\(Self.n(cx))\" y=\"\(Self.n(ly))\" transform=\"rotate(-55 \(Self.n(cx)) \(Self.n(ly)))\" "
                + "text-anchor=\"end\" fill=\"\(Self.ink)\">\(Self.escape(label))</text>"
        }
        if points.count > 1 {
            out += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"\(Self.pledgedColour)\" stroke-width=\"2\">"
                + "<title>Komitmen per bulan</title></polyline>"
        }
        return out + "</svg>"
    }

    /// A rounded axis from `min` to `max` in 1-2-5 steps, about four of them.
    static func axis(min low: Int64, max high: Int64) -> (low: Int64, high: Int64, step: Int64) {
        let span = Swift.max(high - low, 1)
        var step: Int64 = 1
        outer: while true {
            for factor: Int64 in [1, 2, 5] where step * factor * 4 >= span {
                step *= factor
                break outer
            }
            step *= 10
        }
        let bottom = low < 0 ? -((-low + step - 1) / step) * step : 0
        let topValue = Swift.max(((high + step - 1) / step) * step, bottom + step)
        return (bottom, topValue, step)
    }

    /// "Rp0", "Rp500 rb", "Rp1,5 jt", "Rp2 M": short rupiah for axis labels.
    static func short(_ value: Int64) -> String {
        let sign = value < 0 ? "-" : "", v = value.magnitude
        for (unit, word) in [(UInt64(1_000_000_000_000), "T"), (1_000_000_000, "M"), (1_000_000, "jt"), (1_000, "rb")] where v >= unit {
            let whole = v / unit, tenth = (v % unit) * 10 / unit
            return "\(sign)Rp\(whole)\(tenth > 0 ? ",\(tenth)" : "") \(word)"
        }
        return "\(sign)Rp\(v)"
    }

    static func n(_ v: Double) -> String { String(format: "%.1f", v) }

    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
