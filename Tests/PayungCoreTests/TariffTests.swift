import PayungCore
import Testing

@Suite("BPU tariff: dated versions, brackets, the PP 50/2025 discount")
struct TariffTests {
    let book = TariffBook.seed
    let million = Rupiah(1_000_000)

    func month(_ iso: String) -> YearMonth { YearMonth(iso: iso)! }

    @Test("2026-02: a CSR-paid becak driver Rp8.400, a CSR-paid batik labourer Rp16.800")
    func february2026() throws {
        let driver = try book.price(month: month("2026-02"), insuredIncome: million, sector: .transport, excludedFromDiscount: false)
        #expect(driver.total == Rupiah(8_400) && driver.jkk == Rupiah(5_000) && driver.jkm == Rupiah(3_400))
        #expect(driver.versionID == "bpu-2015" && driver.discountID == "pp50-2025-transport")
        let batik = try book.price(month: month("2026-02"), insuredIncome: million, sector: .other, excludedFromDiscount: false)
        #expect(batik.total == Rupiah(16_800) && batik.discountID == nil)
    }

    @Test("2026-05: both Rp8.400; an APBD-paid member always Rp16.800", arguments: ["2025-12", "2026-01", "2026-05", "2026-12", "2027-03", "2027-04"])
    func apbdAlwaysFull(iso: String) throws {
        for sector in WorkSector.allCases {
            let apbd = try book.price(month: month(iso), insuredIncome: million, sector: sector,
                                      excludedFromDiscount: PayerKind.apbd.excludedFromDiscountByDefault)
            #expect(apbd.total == Rupiah(16_800) && apbd.discountID == nil)
        }
        if iso == "2026-05" {
            for sector in WorkSector.allCases {
                #expect(try book.price(month: month(iso), insuredIncome: million, sector: sector, excludedFromDiscount: false).total == Rupiah(8_400))
            }
        }
    }

    @Test("the discount windows end where the regulation says")
    func windows() throws {
        func csr(_ iso: String, _ sector: WorkSector) throws -> Int64 {
            try book.price(month: month(iso), insuredIncome: million, sector: sector, excludedFromDiscount: false).total.amount
        }
        #expect(try csr("2025-12", .transport) == 16_800)
        #expect(try csr("2027-03", .transport) == 8_400)
        #expect(try csr("2027-04", .transport) == 16_800)
        #expect(try csr("2026-03", .other) == 16_800)
        #expect(try csr("2026-04", .other) == 8_400)
        #expect(try csr("2027-01", .other) == 16_800)
    }

    @Test("brackets: Rp1.200.000 basis gives JKK Rp12.000; an unknown bracket is an error, not a guess")
    func brackets() throws {
        let p = try book.price(month: month("2025-06"), insuredIncome: Rupiah(1_150_000), sector: .other, excludedFromDiscount: true)
        #expect(p.incomeBasis == Rupiah(1_200_000) && p.jkk == Rupiah(12_000) && p.total == Rupiah(18_800))
        #expect(throws: TariffError.incomeOutsideBrackets(Rupiah(5_000_000))) {
            try book.price(month: month("2025-06"), insuredIncome: Rupiah(5_000_000), sector: .other, excludedFromDiscount: true)
        }
        #expect(throws: TariffError.noVersion(month("2015-06"))) {
            try book.price(month: month("2015-06"), insuredIncome: million, sector: .other, excludedFromDiscount: true)
        }
        let jht = try book.price(month: month("2025-06"), insuredIncome: million, sector: .other, excludedFromDiscount: true, includeJHT: true)
        #expect(jht.jht == Rupiah(20_000) && jht.total == Rupiah(36_800))
    }

    @Test("overlapping versions and discounts are refused; a superseding version takes over from its month")
    func versions() throws {
        let old = TariffVersion(id: "a", name: "A", legalBasis: "x", from: month("2015-07"), through: month("2026-12"),
                                jkkBasisPoints: 100, jkm: Rupiah(6_800), jhtBasisPoints: 200, brackets: IncomeBracket.known)
        let new = TariffVersion(id: "b", name: "B", legalBasis: "y", from: month("2027-01"), through: nil,
                                jkkBasisPoints: 100, jkm: Rupiah(7_000), jhtBasisPoints: 200, brackets: IncomeBracket.known)
        let book = try TariffBook(versions: [old, new], discounts: [])
        #expect(try book.price(month: month("2026-12"), insuredIncome: million, sector: .other, excludedFromDiscount: true).jkm == Rupiah(6_800))
        #expect(try book.price(month: month("2027-01"), insuredIncome: million, sector: .other, excludedFromDiscount: true).versionID == "b")
        let clash = TariffVersion(id: "c", name: "C", legalBasis: "z", from: month("2026-06"), through: nil,
                                  jkkBasisPoints: 100, jkm: Rupiah(1), jhtBasisPoints: 200, brackets: IncomeBracket.known)
        #expect(throws: TariffError.overlapping("A", "C")) { try TariffBook(versions: [old, clash], discounts: []) }
        let d1 = TariffDiscount.seed[0]
        let d2 = TariffDiscount(id: "x", name: "X", legalBasis: "x", from: month("2027-03"), through: month("2027-06"),
                                sectors: [.transport], offBasisPoints: 2_500)
        #expect(throws: TariffError.overlapping(d1.name, "X")) { try TariffBook(versions: [old], discounts: [d1, d2]) }
    }

    @Test("payer kinds: APBD and APBN excluded from the discount (confirmed), APBDes excluded but unconfirmed")
    func payers() {
        #expect(PayerKind.apbd.excludedFromDiscountByDefault && PayerKind.apbn.excludedFromDiscountByDefault)
        #expect(PayerKind.apbdes.excludedFromDiscountByDefault && !PayerKind.apbdes.exclusionConfirmed)
        #expect(!PayerKind.csr.excludedFromDiscountByDefault && !PayerKind.baznas.excludedFromDiscountByDefault)
        #expect(PayerKind.apbd.defaultSegment == .sg && PayerKind.csr.defaultSegment == .sc && PayerKind.apbdes.defaultSegment == .sd)
    }
}

@Suite("Tariff book changed by an admin: problems by field, supersede never reprices")
struct TariffAdminRuleTests {
    func month(_ iso: String) -> YearMonth { YearMonth(iso: iso)! }

    func version(_ id: String, from: String, through: String? = nil, jkm: Int64 = 7_000) -> TariffVersion {
        TariffVersion(id: id, name: id, legalBasis: "PP uji", from: month(from), through: through.map(month), jkkBasisPoints: 100,
                      jkm: Rupiah(jkm), jhtBasisPoints: 200, brackets: IncomeBracket.known)
    }

    @Test("superseding ends the old version the month before; the new one prices from its first month")
    func supersede() throws {
        let book = try TariffBook.seed.superseding(TariffVersion.seed, by: version("baru", from: "2027-01"), lastPriced: month("2026-12"))
        #expect(book.versions.first { $0.id == "bpu-2015" }?.through == month("2026-12"))
        #expect(try book.price(month: month("2026-12"), insuredIncome: Rupiah(1_000_000), sector: .other, excludedFromDiscount: true).versionID == "bpu-2015")
        let january = try book.price(month: month("2027-01"), insuredIncome: Rupiah(1_000_000), sector: .other, excludedFromDiscount: true)
        #expect(january.versionID == "baru" && january.total == Rupiah(17_000))
    }

    @Test("a replacement on or before a priced month, or not after the old start, is refused")
    func supersedeRefused() {
        #expect(throws: TariffError.supersededTooEarly(TariffVersion.seed.name, lastPriced: month("2026-12"))) {
            try TariffBook.seed.superseding(TariffVersion.seed, by: version("baru", from: "2026-12"), lastPriced: month("2026-12"))
        }
        #expect(throws: TariffError.self) {
            try TariffBook.seed.superseding(TariffVersion.seed, by: version("baru", from: "2015-07"), lastPriced: nil)
        }
        #expect(TariffError.used("Versi A", months: 3).code == "tariff_version_used")
        #expect(TariffError.used("Versi A", months: 3).message.contains("sudah dipakai menghitung 3 bulan-orang; buat versi pengganti"))
    }

    @Test("numbers out of bounds are named by field; overlapping brackets by row")
    func problems() {
        let bad = TariffVersion(id: "x", name: "", legalBasis: "PP", from: month("2027-01"), through: month("2026-01"), jkkBasisPoints: 10_001,
                                jkm: Rupiah(-1), jhtBasisPoints: 200,
                                brackets: [IncomeBracket(lower: Rupiah(1_000_000), upper: nil, basis: Rupiah(1_000_000)),
                                           IncomeBracket(lower: Rupiah(2_000_000), upper: Rupiah(2_500_000), basis: Rupiah(2_000_000))])
        #expect(Set(bad.problems.keys) == ["name", "through", "jkkBasisPoints", "jkm", "bracket2"])
        #expect(version("ok", from: "2027-01").problems.isEmpty)
        let discount = TariffDiscount(id: "d", name: "D", legalBasis: "PP", from: month("2027-01"), through: month("2027-02"), sectors: [],
                                      offBasisPoints: 0)
        #expect(Set(discount.problems.keys) == ["sectors", "offBasisPoints"])
    }
}
