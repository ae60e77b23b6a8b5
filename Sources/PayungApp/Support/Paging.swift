import Vapor

/// Which page of a list a client asked for: `?page=2&size=50`. Sizes are
/// bounded so no list loads everything at once.
struct PageRequest: Sendable, Equatable {
    static let defaultSize = 50
    static let maxSize = 500

    let number: Int
    let size: Int

    init(number: Int = 1, size: Int = PageRequest.defaultSize) {
        self.number = max(1, number)
        self.size = min(max(1, size), PageRequest.maxSize)
    }

    init(_ request: Request) {
        self.init(number: (try? request.query.get(Int.self, at: "page")) ?? 1,
                  size: (try? request.query.get(Int.self, at: "size")) ?? PageRequest.defaultSize)
    }

    var offset: Int { (number - 1) * size }

    static let queryParameters: [APIOperation.QueryParameter] = [
        .init(name: "page", description: "Page number, from 1", schema: ["type": "integer", "minimum": 1]),
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
