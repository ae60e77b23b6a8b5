import Vapor

/// Which page of a list a client asked for: `?page=2&size=50`. Sizes are
/// bounded so no list loads everything at once, and page numbers so that
/// `offset` can never overflow (`page=9223372036854775807` once stopped the
/// server).
struct PageRequest: Sendable, Equatable {
    static let defaultSize = 50
    /// Web lists people scroll on a phone: short pages keep them light (< 30 KB).
    static let webSize = 25
    static let maxSize = 500
    /// 1,000,000 pages of 500 rows: far beyond any list, far below `Int.max`.
    static let maxNumber = 1_000_000

    let number: Int
    let size: Int

    /// Clamps to the bounds: for the code's own pages (a client's go through `init(_ request:)`).
    init(number: Int = 1, size: Int = PageRequest.defaultSize) {
        self.number = min(max(1, number), PageRequest.maxNumber)
        self.size = min(max(1, size), PageRequest.maxSize)
    }

    /// A client's `?page=&size=`: absent means the defaults; anything that is
    /// not a whole number within the bounds is a 400 (`page_invalid`,
    /// `page_size_invalid`), never clamped silently, never trapped on.
    init(_ request: Request, defaultSize: Int = PageRequest.defaultSize) throws {
        func read(_ key: String) -> (present: Bool, value: Int?) {
            guard let raw = request.query[String.self, at: key] else { return (false, nil) }
            let text = raw.trimmingCharacters(in: .whitespaces)
            guard !text.isEmpty else { return (false, nil) }
            guard text.count <= 9, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return (true, nil) }
            return (true, Int(text))
        }
        let page = read("page"), size = read("size")
        try self.init(validating: page.present ? (page.value ?? -1) : nil, size: size.present ? (size.value ?? -1) : nil,
                      defaultSize: defaultSize)
    }

    /// Page and size as a client sent them (nil: the default), refused with
    /// a 400 when out of bounds.
    init(validating number: Int?, size: Int?, defaultSize: Int = PageRequest.defaultSize) throws {
        if let number, !(1...PageRequest.maxNumber).contains(number) {
            throw AppError.badRequest("page_invalid", "Nomor halaman harus bilangan bulat 1 sampai \(PageRequest.maxNumber).")
        }
        if let size, !(1...PageRequest.maxSize).contains(size) {
            throw AppError.badRequest("page_size_invalid", "Jumlah baris per halaman harus 1 sampai \(PageRequest.maxSize).")
        }
        self.init(number: number ?? 1, size: size ?? defaultSize)
    }

    /// At most 499,999,500: `number` and `size` are bounded on every path.
    var offset: Int { (number - 1) * size }

    static let queryParameters: [APIOperation.QueryParameter] = [
        .init(name: "page", description: "Page number, from 1 (at most \(maxNumber))", schema: ["type": "integer", "minimum": 1, "maximum": .int(maxNumber)]),
        .init(name: "size", description: "Rows per page (at most \(maxSize))", schema: ["type": "integer", "minimum": 1, "maximum": .int(maxSize)]),
    ]
}

/// One page of a list, with what a pager needs.
struct Page<Item: Sendable>: Sendable {
    let items: [Item]
    let page: PageRequest
    let total: Int

    var pageCount: Int { max(1, (total + page.size - 1) / page.size) }

    func map<T>(_ transform: (Item) throws -> T) rethrows -> Page<T> {
        Page<T>(items: try items.map(transform), page: page, total: total)
    }
}

/// A page as JSON: `{"items":[...],"page":1,"size":50,"total":123}`.
struct PageDTO<Item: Content>: Content {
    let items: [Item]
    let page: Int
    let size: Int
    let total: Int

    init(_ page: Page<Item>) {
        items = page.items
        self.page = page.page.number
        size = page.page.size
        total = page.total
    }

    static func schema(of item: String) -> JSON {
        Schema.object(["items": Schema.array(Schema.ref(item)), "page": Schema.integer(), "size": Schema.integer(),
                       "total": Schema.integer()], required: ["items", "page", "size", "total"])
    }
}

/// Links of a pager for a web list.
struct PagerContext: Encodable {
    let page: Int
    let pageCount: Int
    let total: Int
    let previous: String?
    let next: String?

    init<Item>(_ page: Page<Item>, path: String, query: [String: String]) {
        self.page = page.page.number
        pageCount = page.pageCount
        total = page.total
        func link(_ number: Int) -> String {
            var items = query.filter { !$0.value.isEmpty }.map { URLQueryItem(name: $0.key, value: $0.value) }
            items.append(URLQueryItem(name: "page", value: String(number)))
            var components = URLComponents()
            components.path = path
            components.queryItems = items.sorted { $0.name < $1.name }
            return components.string ?? path
        }
        previous = page.page.number > 1 ? link(page.page.number - 1) : nil
        next = page.page.number < page.pageCount ? link(page.page.number + 1) : nil
    }
}
