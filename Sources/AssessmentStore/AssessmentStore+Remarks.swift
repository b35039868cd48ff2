import Assessment
import Foundation
import PostgresNIO

/// A skills appeal's part as a member of its fresh panel re-marks it: by ticket, never by name,
/// and without the marks it had.
public struct RemarkRecord: Sendable {
    public let id: Int64
    public let ticket: String
    public let level: SkillLevel
    public let part: SkillsPart
    /// The member's own mark, once given.
    public let mark: Double?
}

extension AssessmentStore {
    /// Names the part a skills appeal asks to be re-marked.
    public func setAppealPart(application: Int64, part: SkillsPart, on connection: PostgresConnection) async throws {
        try await connection.query("UPDATE appeals SET part = \(part.rawValue) WHERE application_id = \(application)", logger: logger)
    }

    /// The part a skills appeal asks to be re-marked, or nil for an appeal of a whole result.
    public func appealPart(application: Int64, on connection: PostgresConnection) async throws -> SkillsPart? {
        let stored = try await first(
            "SELECT part FROM appeals WHERE application_id = \(application) AND part IS NOT NULL", as: String.self, on: connection)
        guard let part = stored else { return nil }
        return try Self.stored(SkillsPart.self, part, "an appeal's part")
    }

    /// Opens a set-apart appeal again, for a new draw; false when it was not set apart.
    public func reopenAppeal(application: Int64, on connection: PostgresConnection) async throws -> Bool {
        try await count(
            """
            WITH u AS (UPDATE appeals SET state = 'open', set_apart_reason = NULL
                       WHERE application_id = \(application) AND state = 'set_apart' RETURNING 1)
            SELECT count(*)::int FROM u
            """, on: connection) == 1
    }

    /// Records an appeal's fresh panel; false when it has one already.
    public func addRemarkPanel(application: Int64, reviewers: [ReviewerID], on connection: PostgresConnection) async throws -> Bool {
        let added = try await count(
            """
            WITH added AS (
                INSERT INTO appeal_remarks (application_id, reviewer_id) SELECT \(application), unnest(\(reviewers.map(\.rawValue))::text[])
                ON CONFLICT DO NOTHING RETURNING 1)
            SELECT count(*)::int FROM added
            """, on: connection)
        return added > 0 && added == reviewers.count
    }

    /// Whether an appeal's fresh panel was drawn.
    public func hasRemarkPanel(application: Int64, on connection: PostgresConnection) async throws -> Bool {
        try await first("SELECT 1 FROM appeal_remarks WHERE application_id = \(application) LIMIT 1", as: Int.self, on: connection) != nil
    }

    /// The open appeals `reviewer` re-marks, each with their own mark once given.
    public func remarks(of reviewer: String, on connection: PostgresConnection) async throws -> [RemarkRecord] {
        var records: [RemarkRecord] = []
        for try await (id, ticket, level, part, mark) in try await connection.query(
            """
            SELECT m.id, (SELECT c.ticket FROM sitting_candidates c WHERE c.application_id = p.id AND c.active AND c.ticket IS NOT NULL
                          ORDER BY c.sitting_id DESC LIMIT 1),
                   (p.target->'skill'->>'level')::int, a.part, m.mark
            FROM appeal_remarks m JOIN appeals a ON a.application_id = m.application_id JOIN applications p ON p.id = m.application_id
            WHERE m.reviewer_id = \(reviewer) AND a.state = 'open' AND a.part IS NOT NULL
            ORDER BY m.id
            """, logger: logger
        ).decode((Int64, String?, Int, String, Double?).self) {
            guard let ticket, let skillLevel = SkillLevel(rawValue: level) else {
                throw StoreError(.invalidStoredData, "re-marking \(id) names no seated skills candidate")
            }
            records.append(
                RemarkRecord(id: id, ticket: ticket, level: skillLevel, part: try Self.stored(SkillsPart.self, part, "an appeal's part"), mark: mark))
        }
        return records
    }

    /// The application a re-marking belongs to and the part appealed, with whether the appeal is
    /// still open, when `reviewer` holds it; nil otherwise.
    public func remarkAppeal(_ id: Int64, reviewer: String, on connection: PostgresConnection) async throws -> (
        application: Int64, part: SkillsPart, open: Bool
    )? {
        guard
            let (application, part, open) = try await first(
                """
                SELECT m.application_id, a.part, a.state = 'open' FROM appeal_remarks m JOIN appeals a ON a.application_id = m.application_id
                WHERE m.id = \(id) AND m.reviewer_id = \(reviewer) AND a.part IS NOT NULL
                """, as: (Int64, String, Bool).self, on: connection)
        else { return nil }
        return (application, try Self.stored(SkillsPart.self, part, "an appeal's part"), open)
    }

    /// Records a panel member's mark and returns every mark given and the panel's size; nil when
    /// they marked it already.
    public func giveRemark(_ id: Int64, mark: Double, on connection: PostgresConnection) async throws -> (marks: [Double], panel: Int)? {
        guard
            let application = try await first(
                "UPDATE appeal_remarks SET mark = \(mark), marked_at = now() WHERE id = \(id) AND mark IS NULL RETURNING application_id",
                as: Int64.self, on: connection)
        else { return nil }
        var (marks, panel) = ([Double](), 0)
        for try await given in try await connection.query(
            "SELECT mark FROM appeal_remarks WHERE application_id = \(application)", logger: logger
        ).decode(Double?.self) {
            panel += 1
            if let given { marks.append(given) }
        }
        return (marks, panel)
    }

    /// Replaces a part's mark with its appeal panel's, keeping the mark it replaced.
    public func applyAppealMark(sitting: Int64, application: Int64, part: SkillsPart, mark: Double, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE sitting_results SET appealed_from = mark, mark = \(mark)
            WHERE sitting_id = \(sitting) AND application_id = \(application) AND part = \(part.rawValue) AND appealed_from IS NULL
            """, logger: logger)
    }
}
