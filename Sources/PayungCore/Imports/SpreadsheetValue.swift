import Foundation

/// Reading cell text as people and spreadsheets write it.
public enum SpreadsheetValue {
    /// A date from a cell: `YYYY-MM-DD`, `dd/mm/yyyy`, `d-m-yyyy`, `dd.mm.yyyy`,
    /// or an Excel serial number (1900 date system, as Excel and LibreOffice
    /// save by default: serial 1 is 1 January 1900, 60 is Excel's fictitious
    /// 29 February 1900).
    public static func date(_ raw: String) -> CalendarDate? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return nil }
        if let iso = CalendarDate(iso: String(text.prefix(10))) { return iso }
        for separator in ["/", "-", "."] where text.contains(separator) {
            let parts = text.split(separator: Character(separator)).map(String.init)
            guard parts.count == 3, let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]), parts[2].count == 4 else { continue }
            return CalendarDate(year: y, month: m, day: d)
        }
        if let serial = Double(text), serial >= 1, serial < 2_958_466, serial == serial.rounded(.down) {
            return excelSerial(Int(serial))
        }
        return nil
    }

    /// Day `serial` of Excel's 1900 date system.
    public static func excelSerial(_ serial: Int) -> CalendarDate? {
        guard serial != 60 else { return nil }
        let days = serial < 60 ? serial : serial - 1
        // 1 January 1900 is day 1.
        return CalendarDate(daysSince1900: days - 1)
    }

    /// The Excel serial number of a date (1900 date system).
    public static func excelSerial(of date: CalendarDate) -> Int {
        let days = date.daysSince1900 + 1
        return days < 60 ? days : days + 1
    }

    /// A number cell as digits: `3375014506850001`, `3375014506850001.0`.
    /// Numbers in exponent form keep that form, so identity parsers can
    /// reject them as such.
    public static func integerText(_ raw: String) -> String {
        guard !raw.contains("E"), !raw.contains("e") else { return raw }
        if let dot = raw.firstIndex(of: "."), raw[raw.index(after: dot)...].allSatisfy({ $0 == "0" }) {
            return String(raw[..<dot])
        }
        return raw
    }
}

extension CalendarDate {
    /// Days since 1 January 1900 (day 0), in the proleptic Gregorian calendar.
    var daysSince1900: Int {
        let y = year - (month <= 2 ? 1 : 0)
        let era = y / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 693_901
    }

    init?(daysSince1900 days: Int) {
        let z = days + 693_901
        let era = z / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.init(year: yoe + era * 400 + (m <= 2 ? 1 : 0), month: m, day: d)
    }
}

extension SpreadsheetValue {
    /// A contribution month from a cell, as BPJS files and people write it:
    /// `2026-05`, `05/2026`, `5-2026`, `202605`, `Mei 2026`, or any date
    /// `date(_:)` reads (the day is ignored). Two-digit years (`Mei-26`) are
    /// refused as ambiguous, and so are months outside 2000–2100.
    public static func month(_ raw: String) -> YearMonth? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, text.utf8.count <= 40 else { return nil }
        func checked(_ y: Int, _ m: Int) -> YearMonth? {
            guard (2000...2100).contains(y) else { return nil }
            return YearMonth(year: y, month: m)
        }
        if text.count == 7, let m = YearMonth(iso: text) { return checked(m.year, m.month) }
        if text.count == 6, text.allSatisfy(\.isASCII), let n = Int(text), n >= 200_001 { return checked(n / 100, n % 100) }
        for separator: Character in ["/", "-", "."] where text.contains(separator) {
            let parts = text.split(separator: separator).map(String.init)
            if parts.count == 2, parts[1].count == 4, let m = Int(parts[0]), let y = Int(parts[1]) { return checked(y, m) }
        }
        let words = text.split(whereSeparator: { $0 == " " || $0 == "-" }).map(String.init)
        if words.count == 2, let y = Int(words[1]), words[1].count == 4,
           let index = IndonesianMonth.names.firstIndex(where: { $0.lowercased() == words[0].lowercased() }) {
            return checked(y, index + 1)
        }
        if let day = date(text) { return checked(day.year, day.month) }
        return nil
    }
}
