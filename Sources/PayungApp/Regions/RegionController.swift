import PayungCore
import Vapor

/// Region lookups (public reference data): JSON API and the region browser.
struct RegionController {
    static let operations = (
        provinces: APIOperation(method: .GET, path: "/api/v1/regions", operationID: "listProvinces",
                                summary: "List the provinces", tag: "Wilayah", access: .public,
                                response: "RegionChildren"),
        show: APIOperation(method: .GET, path: "/api/v1/regions/{code}", operationID: "getRegion",
                           summary: "One region with its ancestors (dotted or undotted code)", tag: "Wilayah",
                           access: .public, response: "RegionDetail", errors: [404, 422]),
        children: APIOperation(method: .GET, path: "/api/v1/regions/{code}/children", operationID: "listRegionChildren",
                               summary: "The regions directly below a region", tag: "Wilayah",
                               access: .public, response: "RegionChildren", errors: [404, 422])
    )

    func register(api: APIRouter, web: any RoutesBuilder) {
        api.app.addAPISchemas(RegionDTO.schemas)
        api.on(Self.operations.provinces) { req in
            let provinces = try await RegionQueries(db: req.db).provinces()
            return RegionChildrenDTO(parent: nil, count: provinces.count, children: provinces.map(RegionDTO.init))
        }
        api.on(Self.operations.show) { req in
            let path = try await self.path(req)
            return RegionDetailDTO(region: RegionDTO(path.last!), ancestors: path.dropLast().map(RegionDTO.init))
        }
        api.on(Self.operations.children) { req in
            let path = try await self.path(req)
            let code = RegionCode(path.last!.id!)!
            let children = try await RegionQueries(db: req.db).children(of: code)
            return RegionChildrenDTO(parent: RegionDTO(path.last!), count: children.count, children: children.map(RegionDTO.init))
        }

        web.get(WebPath.regions.components, use: browseProvinces)
        web.get(WebPath.regions.components + [":code"], use: browseRegion)
    }

    /// The region named by the `code` parameter and its ancestors; 422 for a
    /// malformed code, 404 for an unknown one.
    private func path(_ req: Request) async throws -> [RegionModel] {
        let raw = req.parameters.get("code") ?? ""
        guard let code = RegionCode(raw) else {
            throw AppError.invalid("region_code_invalid",
                                   "Kode wilayah \"\(raw)\" tidak valid. Contoh: 33.75 atau 33.75.01.1001.")
        }
        let path = try await RegionQueries(db: req.db).path(to: code)
        guard path.last?.id == code.dotted else { throw AppError.notFound("Wilayah \(code.dotted)") }
        return path
    }

    struct BrowserContext: Encodable {
        let page: PageContext
        let region: RegionDTO?
        let ancestors: [RegionDTO]
        let children: [RegionDTO]
        let childLevelName: String
        let empty: Bool
    }

    private func browseProvinces(_ req: Request) async throws -> View {
        let provinces = try await RegionQueries(db: req.db).provinces().map(RegionDTO.init)
        return try await req.view.render("regions/browser", BrowserContext(
            page: PageContext(title: "Wilayah", request: req), region: nil, ancestors: [],
            children: provinces, childLevelName: RegionLevel.province.indonesianName, empty: provinces.isEmpty))
    }

    private func browseRegion(_ req: Request) async throws -> View {
        let path = try await self.path(req)
        let region = RegionDTO(path.last!)
        let code = RegionCode(region.code)!
        let children = try await RegionQueries(db: req.db).children(of: code).map(RegionDTO.init)
        return try await req.view.render("regions/browser", BrowserContext(
            page: PageContext(title: "\(region.levelName) \(region.name)", request: req), region: region,
            ancestors: path.dropLast().map(RegionDTO.init), children: children,
            childLevelName: code.level.child?.indonesianName ?? "", empty: children.isEmpty))
    }
}
