import Vapor

/// What the base layout needs on every page.
struct PageContext: Encodable {
    struct NavItem: Encodable {
        let label: String
        let href: String
        let active: Bool
    }

    let title: String
    let nav: [NavItem]

    init(title: String, request: Request) {
        self.title = title
        let current = request.url.path
        let items: [(String, WebPath)] = [
            ("Beranda", .home),
            ("Cek NIK", .nikCheck),
            ("Wilayah", .regions),
        ]
        nav = items.map { label, path in
            NavItem(label: label, href: path.path,
                    active: path == .home ? current == "/" : current.hasPrefix(path.path))
        }
    }
}
