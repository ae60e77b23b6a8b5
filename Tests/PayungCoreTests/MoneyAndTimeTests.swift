import Foundation
import Testing
@testable import PayungCore

@Suite("Rupiah")
struct RupiahTests {
    @Test("formats with dots between thousands",
          arguments: [(0, "Rp0"), (5, "Rp5"), (999, "Rp999"), (1000, "Rp1.000"), (16800, "Rp16.800"),
                      (604_800_000, "Rp604.800.000"), (42_000_000, "Rp42.000.000"), (-800_000, "-Rp800.000"),
                      (Int64.max, "Rp9.223.372.036.854.775.807")])
    func formats(amount: Int64, text: String) {
        #expect(Rupiah(amount).formatted == text)
    }

    @Test("parses what people type",
          arguments: [("Rp16.800", 16800), ("Rp 16.800", 16800), ("16800", 16800), ("16.800", 16800),
                      ("rp604.800.000", 604_800_000), ("16.800,00", 16800), ("-Rp800.000", -800_000),
                      ("Rp-800.000", -800_000), ("Rp0", 0)])
    func parses(text: String, amount: Int64) {
        #expect(Rupiah(parsing: text) == Rupiah(amount))
    }

    @Test("refuses what is not whole rupiah", arguments: ["", "Rp", "16.80", "1.6800", "16,8", "16.800,50", "abc", "Rp16.800.", "99999999999999999999"])
    func refuses(text: String) {
        #expect(Rupiah(parsing: text) == nil)
    }

    @Test("round-trips and does budget arithmetic")
    func arithmetic() {
        let premium = Rupiah(16800)
        #expect(premium * 3000 * 12 == Rupiah(604_800_000))
        #expect(Rupiah(parsing: (premium * 3000 * 12).formatted) == Rupiah(604_800_000))
        #expect(Rupiah(604_800_000) - Rupiah(604_000_000) == Rupiah(800_000))
        var total = Rupiah.zero
        total += premium
        #expect(total == premium && Rupiah(1) < Rupiah(2))
    }

    @Test func json() throws {
        let data = try JSONEncoder().encode([Rupiah(16800)])
        #expect(String(decoding: data, as: UTF8.self) == "[16800]")
        #expect(try JSONDecoder().decode([Rupiah].self, from: data) == [Rupiah(16800)])
    }
}

@Suite("Dates and months")
struct CalendarTests {
    @Test func indonesianFormatting() {
        #expect(CalendarDate(year: 2023, month: 6, day: 22)!.indonesian == "22 Juni 2023")
        #expect(CalendarDate(year: 2025, month: 1, day: 1)!.indonesian == "1 Januari 2025")
        #expect(YearMonth(year: 2024, month: 12)!.indonesian == "Desember 2024")
        #expect(IndonesianMonth.names.count == 12)
    }

    @Test func calendarDateValidity() {
        #expect(CalendarDate(year: 2023, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 2023, month: 4, day: 31) == nil)
        #expect(CalendarDate(year: 2023, month: 13, day: 1) == nil)
        #expect(CalendarDate(iso: "2023-06-22") == CalendarDate(year: 2023, month: 6, day: 22))
        #expect(CalendarDate(iso: "2023-6-22") == nil)
        #expect(CalendarDate(iso: "2023-02-30") == nil)
        #expect(CalendarDate(year: 2023, month: 6, day: 2)!.iso == "2023-06-02")
    }

    @Test func ageInWholeYears() {
        let birth = CalendarDate(year: 1985, month: 6, day: 5)!
        #expect(birth.wholeYears(until: CalendarDate(year: 2023, month: 6, day: 4)!) == 37)
        #expect(birth.wholeYears(until: CalendarDate(year: 2023, month: 6, day: 5)!) == 38)
    }

    @Test func dayInJakarta() {
        // 2023-06-21 18:30 UTC is already 22 June in Jakarta (UTC+7).
        let instant = Date(timeIntervalSince1970: 1_687_372_200)
        #expect(CalendarDate(instant) == CalendarDate(year: 2023, month: 6, day: 22))
        #expect(CalendarDate(instant, timeZone: TimeZone(identifier: "UTC")!) == CalendarDate(year: 2023, month: 6, day: 21))
    }

    @Test func monthArithmetic() throws {
        let jan = try #require(YearMonth(year: 2025, month: 1))
        let dec = try #require(YearMonth(iso: "2025-12"))
        #expect(jan.distance(to: dec) == 11)
        #expect(dec.advanced(by: 1) == YearMonth(year: 2026, month: 1))
        #expect(jan.advanced(by: -1) == YearMonth(year: 2024, month: 12))
        #expect(Array(jan...dec).count == 12)
        #expect(YearMonth(year: 2024, month: 2)!.lastDay.day == 29)
        #expect(YearMonth(iso: "2025-13") == nil && YearMonth(iso: "25-01") == nil)
        #expect(CalendarDate(year: 2025, month: 3, day: 9)!.yearMonth.iso == "2025-03")
    }

    @Test("the last day of the calendar has no day after it to trap on")
    func lastDay() {
        let last = CalendarDate(year: 9999, month: 12, day: 31)!
        #expect(last.dayAfter == last)
        #expect(CalendarDate(year: 2026, month: 12, day: 31)!.dayAfter == CalendarDate(year: 2027, month: 1, day: 1)!)
    }
}

@Suite("Spreadsheet values")
struct SpreadsheetValueTests {
    @Test("dates as people and spreadsheets write them",
          arguments: [("2023-06-22", "2023-06-22"), ("22/06/2023", "2023-06-22"), ("2/6/2023", "2023-06-02"),
                      ("22-06-2023", "2023-06-22"), ("22.06.2023", "2023-06-22"), ("45099", "2023-06-22"),
                      ("1", "1900-01-01"), ("59", "1900-02-28"), ("61", "1900-03-01"), ("2023-06-22T00:00:00", "2023-06-22")])
    func dates(raw: String, iso: String) {
        #expect(SpreadsheetValue.date(raw)?.iso == iso)
    }

    @Test("not dates", arguments: ["", "31/02/2023", "hello", "60", "45099.5", "22/06/23"])
    func notDates(raw: String) {
        #expect(SpreadsheetValue.date(raw) == nil)
    }

    @Test func serialRoundTrip() {
        for serial in [1, 59, 61, 36526, 45099, 73050] {
            #expect(SpreadsheetValue.excelSerial(of: SpreadsheetValue.excelSerial(serial)!) == serial)
        }
    }

    @Test func numbers() {
        #expect(SpreadsheetValue.integerText("3375014506850001.0") == "3375014506850001")
        #expect(SpreadsheetValue.integerText("3.37501E+15") == "3.37501E+15")
    }
}

@Suite("Indonesian timestamps")
struct IndonesianTimestampTests {
    @Test("an instant reads as day and time in WIB, the day changing at midnight WIB")
    func wib() {
        // 21:58 UTC on 21 November is 04.58 on 22 November in WIB (UTC+7).
        #expect(IndonesianTimestamp.format(Date(timeIntervalSince1970: 1_795_298_280)) == "22 November 2026 04.58 WIB")
        #expect(IndonesianTimestamp.format(Date(timeIntervalSince1970: 1_795_269_600)) == "21 November 2026 21.00 WIB")
    }
}
