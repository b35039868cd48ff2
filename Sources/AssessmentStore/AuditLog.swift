import Assessment
import Foundation
import Logging
import PostgresNIO
import PostgresSupport

/// The append-only, hash-chained record of who did what and when.
///
/// An entry is written in two steps: the audited transaction appends it unchained (no lock, so
/// audited commands run side by side), and `seal` later chains settled entries in the order of
/// their transactions. `assess coordinator run` schedules the sealer every few seconds.
public enum AuditLog {
    /// Appends an entry in the caller's transaction; it joins the chain at the next seal after commit.
    public static func append(
        actor: Actor, action: String, subject: Subject, detail: [String: String] = [:],
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        let (actor, subject) = (actor.description, subject.description)
        let detailJSON = String(decoding: try JSONEncoder.sorted.encode(detail), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO audit_pending (actor, action, subject, detail)
            VALUES (\(actor), \(action), \(subject), \(detailJSON)::jsonb)
            """, logger: logger)
    }

    /// Appends one entry per subject, each with its action and detail (sorted JSON), in one statement.
    public static func append(
        actor: Actor, actions: [String], subjects: [Subject], details: [String], on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await connection.query(
            """
            INSERT INTO audit_pending (actor, action, subject, detail)
            SELECT \(actor.description), e.action, e.subject, e.detail::jsonb
            FROM unnest(\(actions)::text[], \(subjects.map(\.description))::text[], \(details)::text[]) WITH ORDINALITY AS e(action, subject, detail, n)
            ORDER BY e.n
            """, logger: logger)
    }

    /// An entry's detail as `append(actor:actions:subjects:details:)` takes it: JSON, keys sorted.
    public static func detailJSON(_ detail: [String: String]) throws -> String {
        String(decoding: try JSONEncoder.sorted.encode(detail), as: UTF8.self)
    }

    /// Entries of one action (about one subject when given), the newest first, sealed or still
    /// pending: what an auditor reads of one kind of event (the bureau: every identity number
    /// unsealed, by whom and why).
    public static func entries(
        action: String, subject: Subject? = nil, limit: Int, on connection: PostgresConnection, logger: Logger
    ) async throws -> [Entry] {
        var entries: [Entry] = []
        let about = subject?.description
        for try await (at, actor, subject, detail) in try await connection.query(
            """
            SELECT at, actor, subject, detail::text FROM (
                SELECT at, actor, subject, detail, seq AS n, 0 AS pending FROM audit_log
                WHERE action = \(action) AND (\(about)::text IS NULL OR subject = \(about))
                UNION ALL
                SELECT at, actor, subject, detail, id, 1 FROM audit_pending
                WHERE action = \(action) AND (\(about)::text IS NULL OR subject = \(about))) AS e
            ORDER BY at DESC, pending DESC, n DESC LIMIT \(limit)
            """, logger: logger
        ).decode((Date, String, String, String).self) {
            let fields = (try? JSONDecoder().decode([String: String].self, from: Data(detail.utf8))) ?? [:]
            entries.append(Entry(at: at, actor: actor, subject: subject, detail: fields))
        }
        return entries
    }

    /// One entry as read back.
    public struct Entry: Sendable {
        public let at: Date
        public let actor: String
        public let subject: String
        public let detail: [String: String]
    }

    /// Chains up to `batch` entries of finished transactions onto the log, in one transaction of
    /// its own; returns how many it sealed. Entries of transactions still running wait for a later seal.
    @discardableResult
    public static func seal(batch: Int = 10_000, client: PostgresClient, logger: Logger) async throws -> Int {
        try await client.withOpenConnection(logger: logger) { connection in
            try await connection.withTransaction(logger: logger) { try await seal(batch: batch, on: $0, logger: logger) }
        }
    }

    /// `seal` inside a caller's READ COMMITTED transaction, e.g. one that completes a job.
    @discardableResult
    public static func seal(batch: Int, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        for try await sealed in try await connection.query("SELECT audit_seal(\(Int32(clamping: batch)))", logger: logger).decode(Int.self) {
            return sealed
        }
        return 0
    }

    /// Entries appended but not yet sealed.
    public static func pending(client: PostgresClient, logger: Logger) async throws -> Int {
        for count in try await client.guardedQuery("SELECT count(*)::int FROM audit_pending", logger: logger).decode(Int.self) {
            return count
        }
        return 0
    }

    /// What a verification of the chain found.
    public struct Verification: Sendable, Equatable {
        /// Entries checked.
        public let entries: Int
        /// The first entry whose hash, link or number does not fit, or nil when the chain holds.
        public let firstBrokenEntry: Int64?
        /// Entries appended but not yet sealed into the chain.
        public let pending: Int

        public init(entries: Int, firstBrokenEntry: Int64?, pending: Int) {
            self.entries = entries
            self.firstBrokenEntry = firstBrokenEntry
            self.pending = pending
        }
    }

    /// Recomputes every entry's hash from its fields and the previous hash.
    public static func verify(on connection: PostgresConnection, logger: Logger) async throws -> Verification {
        let rows = try await connection.query(
            """
            SELECT count(*)::int, min(seq) FILTER (WHERE broken), (SELECT count(*)::int FROM audit_pending) FROM (
                SELECT seq,
                       hash <> audit_entry_hash(prev_hash, seq, at, actor, action, subject, detail)
                       OR prev_hash <> coalesce(lag(hash) OVER w, '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea)
                       OR seq <> coalesce(lag(seq) OVER w, 0) + 1 AS broken
                FROM audit_log WINDOW w AS (ORDER BY seq)
            ) AS checked
            """, logger: logger)
        for try await (count, broken, pending) in rows.decode((Int, Int64?, Int).self) {
            return Verification(entries: count, firstBrokenEntry: broken, pending: pending)
        }
        return Verification(entries: 0, firstBrokenEntry: nil, pending: 0)
    }
}

extension JSONEncoder {
    /// Sorted keys and ISO dates: the same value always encodes to the same text.
    static let sorted: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()
}
