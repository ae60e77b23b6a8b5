import Fluent

/// `proposals.ended_on`: the day a participation ended, as its ender said
/// (the coverage run stops after that month, not after the month it was typed).
struct AddParticipationEndDate: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("proposals").field("ended_on", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("proposals").deleteField("ended_on").update()
    }
}
