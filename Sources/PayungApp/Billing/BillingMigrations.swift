import Fluent
import Foundation
import SQLKit

/// Bills, their lines and the ledger. The ledger and issued lines are
/// insert-only, enforced by the database itself.
struct CreateBilling: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema(BillingRunModel.schema)
            .id()
            .field("program_id", .uuid, .required, .references("programs", "id"))
            .field("month", .string, .required)
            .field("due_date", .string, .required)
            .field("prepared_at", .datetime, .required)
            .field("prepared_by_user_id", .uuid)
            .field("prepared_by", .string, .required)
            .field("issued_at", .datetime)
            .field("issued_by_user_id", .uuid)
            .field("issued_by", .string)
            .field("line_count", .int, .required)
            .field("total", .int64, .required)
            .unique(on: "program_id", "month")
            .create()

        try await database.schema("bill_lines")
            .field("id", .int64, .identifier(auto: true))
            .field("run_id", .uuid, .required, .references(BillingRunModel.schema, "id"))
            .field("program_id", .uuid, .required)
            .field("kind", .string, .required)
            // No foreign key: the person-month may be removed later (a death); the line keeps what was billed.
            .field("coverage_month_id", .uuid, .required)
            .field("proposal_id", .uuid, .required)
            .field("nik", .string, .required)
            .field("month", .string, .required)
            .field("sponsor_id", .uuid)
            .field("payer_kind", .string)
            .field("segment", .string)
            .field("tariff_version_id", .string, .required)
            .field("income_basis", .int64, .required)
            .field("jkk", .int64, .required)
            .field("jkm", .int64, .required)
            .field("jht", .int64, .required)
            .field("amount", .int64, .required)
            .field("village_code", .string, .required)
            .field("occupation_code", .string)
            .create()
        // A person-month is debited once and credited once, across every bill.
        try await database.sql.raw("CREATE UNIQUE INDEX bill_lines_one_debit ON bill_lines (coverage_month_id) WHERE kind IN ('charge', 'late')").run()
        try await database.sql.raw("CREATE UNIQUE INDEX bill_lines_one_credit ON bill_lines (coverage_month_id) WHERE kind = 'credit'").run()
        try await database.sql.create(index: "bill_lines_run_idx").on("bill_lines").column("run_id").column("kind").run()
        try await database.sql.create(index: "bill_lines_program_idx").on("bill_lines").column("program_id").column("month").run()

        try await database.schema(LedgerEntryModel.schema)
            .id()
            .field("program_id", .uuid, .required, .references("programs", "id"))
            .field("sponsor_id", .uuid, .references("sponsors", "id"))
            .field("run_id", .uuid, .references(BillingRunModel.schema, "id"))
            .field("payment_id", .uuid)
            .field("kind", .string, .required)
            .field("amount", .int64, .required)
            .field("month", .string)
            .field("effective_on", .string, .required)
            .field("recorded_at", .datetime, .required)
            .field("recorded_by_user_id", .uuid)
            .field("recorded_by", .string, .required)
            .field("note", .string)
            .create()
        try await database.sql.create(index: "ledger_program_idx").on(LedgerEntryModel.schema).column("program_id").column("sponsor_id").run()
        try await database.sql.create(index: "ledger_run_idx").on(LedgerEntryModel.schema).column("run_id").run()

        // Nullable: a program created without it reads the BPU default (`PaymentWindow.bpu`).
        try await database.schema("programs").field("due_day", .int).update()
        try await Self.insertOnly(database)
    }

    /// The ledger never changes: UPDATE and DELETE fail in the database,
    /// whatever code (or hand) tries. Lines of an issued bill likewise.
    static func insertOnly(_ database: any Database) async throws {
        if database.kind == .postgresql {
            try await database.sql.raw("""
                CREATE FUNCTION payung_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'insert-only: % on % refused', TG_OP, TG_TABLE_NAME; END $$
                """).run()
            try await database.sql.raw("""
                CREATE TRIGGER ledger_insert_only BEFORE UPDATE OR DELETE ON ledger_entries
                FOR EACH ROW EXECUTE FUNCTION payung_refuse_change()
                """).run()
            try await database.sql.raw("""
                CREATE FUNCTION payung_refuse_issued_line_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF EXISTS (SELECT 1 FROM billing_runs WHERE id = OLD.run_id AND issued_at IS NOT NULL) THEN
                    RAISE EXCEPTION 'an issued bill never changes: % refused', TG_OP;
                  END IF;
                  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
                END $$
                """).run()
            try await database.sql.raw("""
                CREATE TRIGGER bill_lines_issued_fixed BEFORE UPDATE OR DELETE ON bill_lines
                FOR EACH ROW EXECUTE FUNCTION payung_refuse_issued_line_change()
                """).run()
            try await database.sql.raw("""
                CREATE FUNCTION payung_refuse_issued_run_change() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF OLD.issued_at IS NOT NULL THEN RAISE EXCEPTION 'an issued bill never changes: % refused', TG_OP; END IF;
                  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
                END $$
                """).run()
            try await database.sql.raw("""
                CREATE TRIGGER billing_runs_issued_fixed BEFORE UPDATE OR DELETE ON billing_runs
                FOR EACH ROW EXECUTE FUNCTION payung_refuse_issued_run_change()
                """).run()
        } else {
            for op in ["UPDATE", "DELETE"] {
                try await database.sql.raw(SQLQueryString("""
                    CREATE TRIGGER ledger_insert_only_\(unsafeRaw: op.lowercased()) BEFORE \(unsafeRaw: op) ON ledger_entries
                    BEGIN SELECT RAISE(ABORT, 'insert-only: ledger_entries'); END
                    """)).run()
                try await database.sql.raw(SQLQueryString("""
                    CREATE TRIGGER bill_lines_issued_fixed_\(unsafeRaw: op.lowercased()) BEFORE \(unsafeRaw: op) ON bill_lines
                    WHEN EXISTS (SELECT 1 FROM billing_runs WHERE id = OLD.run_id AND issued_at IS NOT NULL)
                    BEGIN SELECT RAISE(ABORT, 'an issued bill never changes'); END
                    """)).run()
                try await database.sql.raw(SQLQueryString("""
                    CREATE TRIGGER billing_runs_issued_fixed_\(unsafeRaw: op.lowercased()) BEFORE \(unsafeRaw: op) ON billing_runs
                    WHEN OLD.issued_at IS NOT NULL
                    BEGIN SELECT RAISE(ABORT, 'an issued bill never changes'); END
                    """)).run()
            }
        }
    }

    func revert(on database: any Database) async throws {
        if database.kind == .postgresql {
            try await database.sql.raw("DROP TRIGGER IF EXISTS ledger_insert_only ON ledger_entries").run()
            try await database.sql.raw("DROP TRIGGER IF EXISTS bill_lines_issued_fixed ON bill_lines").run()
            try await database.sql.raw("DROP TRIGGER IF EXISTS billing_runs_issued_fixed ON billing_runs").run()
        }
        try await database.schema("programs").deleteField("due_day").update()
        try await database.schema(LedgerEntryModel.schema).delete()
        try await database.schema("bill_lines").delete()
        try await database.schema(BillingRunModel.schema).delete()
        if database.kind == .postgresql {
            try await database.sql.raw("DROP FUNCTION IF EXISTS payung_refuse_change()").run()
            try await database.sql.raw("DROP FUNCTION IF EXISTS payung_refuse_issued_line_change()").run()
            try await database.sql.raw("DROP FUNCTION IF EXISTS payung_refuse_issued_run_change()").run()
        }
    }
}
