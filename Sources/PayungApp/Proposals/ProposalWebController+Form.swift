import Fluent
import Foundation
import PayungCore
import Vapor

extension ProposalWebController {
    /// The RT head's form, as posted (works without JS).
    struct ProposalForm: Content {
        /// Text, so a blank or garbled choice is answered at the field, not with a 400.
        var programID: String?
        var nik: String?
        var name: String?
        var phone: String?
        var street: String?
        var occupation: String?
        var heirName: String?
        var heirRelation: String?
        var heirPhone: String?
        var disability: String?
        var submit: String?
        var confirmWarnings: String?

        /// The values as typed, to fill the form again.
        var values: [String: String] {
            ["programID": programID ?? "", "nik": nik ?? "", "name": name ?? "", "phone": phone ?? "",
             "street": street ?? "", "occupation": occupation ?? "", "heirName": heirName ?? "",
             "heirRelation": heirRelation ?? "", "heirPhone": heirPhone ?? "", "disability": disability ?? ""]
        }

        /// The proposal it asks for, in the RT head's own neighbourhood.
        func input(programID: UUID, grant: RoleGrant) -> ProposalInput {
            let heir = heirName?.nilIfBlank.map { HeirInput(name: $0, relation: heirRelation?.nilIfBlank ?? "lainnya", phone: heirPhone?.nilIfBlank) }
            return ProposalInput(programID: programID, nik: nik ?? "", name: name ?? "", village: grant.region.dotted,
                                 rt: grant.rt, rw: grant.rw, street: street?.nilIfBlank, phone: phone?.nilIfBlank,
                                 occupation: occupation?.nilIfBlank, disability: disability?.nilIfBlank,
                                 heirs: heir.map { [$0] } ?? [], submit: submit == "1", confirmWarnings: confirmWarnings == "1")
        }
    }

    struct FormContext: Encodable {
        let page: PageContext
        let programs: [Option]
        let occupations: [Option]
        let form: [String: String]
        let village: String
        let villageName: String
        let neighbourhood: String
        var rt = ""
        var rw = ""
        /// Where the form posts: new proposal, or the correction of one.
        var action = WebPath.newProposal.path
        var editing = false
        let relations = HeirRelation.allCases.map { Option(value: $0.rawValue, label: $0.indonesianName) }
        var errors: [EntryIssue] = [] { didSet { index() } }
        var warnings: [EntryIssue] = []
        var message: String? = nil
        /// The first error of each field, shown under it (`aria-describedby`).
        var fieldErrors: [String: String] = [:]
        /// The field that gets the focus (`autofocus`): the first one in error.
        var firstInvalid = ""

        /// Form fields in page order; an issue about another field (the
        /// address, the program) is shown at the top only.
        static let fieldOrder = ["programID", "nik", "name", "occupation", "street", "phone", "disability", "heirName", "heirPhone"]

        private mutating func index() {
            var byField: [String: String] = [:]
            for issue in errors {
                let field = issue.field == "heirs" ? "heirName" : issue.field
                if byField[field] == nil { byField[field] = issue.message }
            }
            fieldErrors = byField
            firstInvalid = Self.fieldOrder.first { byField[$0] != nil } ?? ""
        }

        enum CodingKeys: String, CodingKey {
            case page, programs, occupations, form, village, villageName, neighbourhood, action, editing, relations, rt, rw
            case errors, warnings, message, fieldErrors, firstInvalid, summary
        }

        struct SummaryItem: Encodable { let message: String; let href: String }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(page, forKey: .page); try c.encode(programs, forKey: .programs); try c.encode(occupations, forKey: .occupations)
            try c.encode(form, forKey: .form); try c.encode(village, forKey: .village); try c.encode(villageName, forKey: .villageName)
            try c.encode(neighbourhood, forKey: .neighbourhood); try c.encode(action, forKey: .action); try c.encode(editing, forKey: .editing)
            try c.encode(relations, forKey: .relations); try c.encode(errors, forKey: .errors); try c.encode(warnings, forKey: .warnings)
            try c.encodeIfPresent(message, forKey: .message); try c.encode(fieldErrors, forKey: .fieldErrors)
            try c.encode(firstInvalid, forKey: .firstInvalid)
            try c.encode(rt, forKey: .rt); try c.encode(rw, forKey: .rw)
            // The summary links each error to its field; one about no field on the form (the address) is plain text.
            try c.encode(errors.map { e in
                let field = e.field == "heirs" ? "heirName" : e.field
                return SummaryItem(message: e.message, href: Self.fieldOrder.contains(field) ? "#" + field : "")
            }, forKey: .summary)
        }
    }

    /// The RT grant the form proposes under: one neighbourhood.
    private func neighbourhood(_ actor: Actor) throws -> RoleGrant {
        guard let grant = actor.grants.first(where: { $0.role == .rt }) else { throw AccessError.forbidden }
        return grant
    }

    private func formContext(_ req: Request, form: [String: String] = [:]) async throws -> FormContext {
        let actor = try req.requireActor()
        let grant = try neighbourhood(actor)
        // Programs that still take participants, running ones first; ended ones not at all.
        let today = req.today
        let programs = try await ProgramModel.query(on: req.db).filter(\.$regencyCode == grant.region.ancestor(at: .regency)!.dotted)
            .sort(\.$startMonth, .ascending).all()
            .filter { $0.takesNewParticipants(today: today) }
            .sorted { ($0.phase(today: today) == .running ? 0 : 1) < ($1.phase(today: today) == .running ? 0 : 1) }
        let programID = form["programID"].flatMap(UUID.init(uuidString:)) ?? programs.first?.id
        var occupations: [Option] = []
        if let programID {
            let codes = try await ProgramOccupationModel.query(on: req.db).filter(\.$programID == programID).all().map(\.occupationCode)
            occupations = try await OccupationModel.query(on: req.db).filter(\.$id ~~ codes).sort(\.$name).all()
                .map { Option(value: $0.id!, label: $0.name) }
        }
        let villageName = try await RegionQueries(db: req.db).find(grant.region)?.name ?? grant.region.dotted
        return FormContext(page: PageContext(title: "Usulan baru", request: req),
                           programs: programs.map { Option(value: $0.id!.uuidString, label: $0.labelWithPhase(today: today)) },
                           occupations: occupations, form: form, village: grant.region.dotted, villageName: villageName,
                           neighbourhood: "RT \(grant.rt ?? "")/RW \(grant.rw ?? "")", rt: grant.rt ?? "", rw: grant.rw ?? "")
    }

    func newForm(_ req: Request) async throws -> View {
        try await req.view.render("proposals/form", try await formContext(req))
    }

    /// The correction form of a draft or returned proposal, filled in.
    func editForm(_ req: Request) async throws -> View {
        let actor = try req.requireActor()
        let id = try req.uuidParameter("id", thing: "Usulan")
        let proposal = try await req.proposals.readable(id, actor: actor)
        guard [.draft, .returned].contains(proposal.statusValue), AccessPolicy.may(actor, .propose, at: proposal.location!) else {
            throw ProposalError.notEditable(proposal.statusValue)
        }
        let worker = try await WorkerModel.find(proposal.workerID, on: req.db)!
        let heir = try await HeirModel.query(on: req.db).filter(\.$workerID == worker.id!).first()
        var context = try await formContext(req, form: [
            "programID": proposal.programID.uuidString, "nik": worker.nik, "name": worker.name, "phone": worker.phone ?? "",
            "street": worker.street ?? "", "occupation": worker.occupationCode ?? "", "heirName": heir?.name ?? "",
            "heirRelation": heir?.relation ?? "", "heirPhone": heir?.phone ?? "", "disability": worker.disability ?? ""])
        context.action = WebPath.proposal(id).path + "/ubah"
        context.editing = true
        // The form shows the full NIK: the read leaves its audit row like the detail page.
        try await req.audit.record(AuditEntry(action: "proposal.view_full_nik", entity: "proposal", entityID: id.uuidString,
                                              regionCode: proposal.villageCode, note: "edit form"), by: req.auditActor)
        context.message = proposal.lastNote.map { "Catatan pemeriksa: \($0)" }
        return try await req.view.render("proposals/form", context)
    }

    func saveEdit(_ req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let grant = try neighbourhood(actor)
        let id = try req.uuidParameter("id", thing: "Usulan")
        let form = try req.content.decodeBounded(ProposalForm.self)
        let proposal = try await req.proposals.readable(id, actor: actor)
        // The program of a proposal never changes on correction.
        let input = form.input(programID: proposal.programID, grant: grant)
        func again(_ fill: (inout FormContext) -> Void, status: HTTPStatus) async throws -> Response {
            var context = try await formContext(req, form: form.values)
            context.action = WebPath.proposal(id).path + "/ubah"
            context.editing = true
            fill(&context)
            return try await render(context, status: status, req)
        }
        // The same entry checks as on saving, first, so each finding lands at its field.
        if let program = try await ProgramModel.find(proposal.programID, on: req.db),
           [.draft, .returned].contains(proposal.statusValue), AccessPolicy.may(actor, .propose, at: proposal.location!) {
            let issues = try await req.proposals.check(input, program: program, excluding: id)
            if let blocked = Self.blocked(issues, input) {
                return try await again({ $0.errors = blocked.errors; $0.warnings = blocked.warnings }, status: .unprocessableEntity)
            }
        }
        do {
            _ = try await req.proposals.update(id, input, actor: actor, by: req.auditActor)
            return req.redirect(to: WebPath.proposal(id).path + (input.submit == true ? "?ok=proposal_submitted" : "?ok=proposal_saved"))
        } catch let error as any DomainError where error.kind == .invalidInput || error.kind == .conflict {
            return try await again({ $0.message = error.message }, status: error.kind.status)
        }
    }

    func create(_ req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let grant = try neighbourhood(actor)
        let form = try req.content.decodeBounded(ProposalForm.self)
        func again(errors: [EntryIssue], warnings: [EntryIssue] = []) async throws -> Response {
            var context = try await formContext(req, form: form.values)
            context.errors = errors
            context.warnings = warnings
            return try await render(context, status: .unprocessableEntity, req)
        }
        guard let programID = form.programID.flatMap(UUID.init(uuidString:)), let program = try await ProgramModel.find(programID, on: req.db),
              program.regencyCode == grant.region.ancestor(at: .regency)?.dotted else {
            return try await again(errors: [EntryIssue(severity: .error, code: "program_missing", field: "programID", message: "Pilih program.")])
        }
        let input = form.input(programID: programID, grant: grant)
        let issues = try await req.proposals.check(input, program: program)
        if let blocked = Self.blocked(issues, input) {
            return try await again(errors: blocked.errors, warnings: blocked.warnings)
        }
        let (proposal, _) = try await req.proposals.propose(input, actor: actor, by: req.auditActor)
        return req.redirect(to: WebPath.proposal(proposal.id!).path + (input.submit == true ? "?ok=proposal_submitted" : "?ok=proposal_saved"))
    }

    /// What keeps the form from saving: errors, or warnings not yet
    /// confirmed when submitting. Nil when it may save.
    private static func blocked(_ issues: [EntryIssue], _ input: ProposalInput) -> (errors: [EntryIssue], warnings: [EntryIssue])? {
        let errors = issues.filter { $0.severity == .error }
        let warnings = issues.filter { $0.severity == .warning }
        guard !errors.isEmpty || (input.submit == true && !warnings.isEmpty && input.confirmWarnings != true) else { return nil }
        return (errors, warnings)
    }

    private func render(_ context: FormContext, status: HTTPStatus, _ req: Request) async throws -> Response {
        let response = try await req.view.render("proposals/form", context).encodeResponse(for: req)
        response.status = status
        return response
    }
}
