import Foundation
import Logging
import PostgresNIO

/// The append-only, hash-chained record of who did what and when.
public enum AuditLog {
    /// Appends an entry in the caller's transaction. Entries are chained, so appends are
    /// serialized by a transaction-scoped lock: callers append last, just before they commit.
    public static func append(
        actor: String, action: String, subject: String, detail: [String: String] = [:],
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        let detailJSON = String(decoding: try JSONEncoder.sorted.encode(detail), as: UTF8.self)
        try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
        try await connection.query("""
            INSERT INTO audit_log (seq, at, actor, action, subject, detail, prev_hash, hash)
            SELECT p.seq + 1, now(), \(actor), \(action), \(subject), \(detailJSON)::jsonb, p.hash,
                   audit_entry_hash(p.hash, p.seq + 1, now(), \(actor), \(action), \(subject), \(detailJSON)::jsonb)
            FROM (SELECT seq, hash FROM audit_log
                  UNION ALL SELECT 0, '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea
                  ORDER BY seq DESC LIMIT 1) AS p
            """, logger: logger)
    }

    /// What a verification of the chain found.
    public struct Verification: Sendable, Equatable {
        /// Entries checked.
        public let entries: Int
        /// The first entry whose hash, link or number does not fit, or nil when the chain holds.
        public let firstBrokenEntry: Int64?
    }

    /// Recomputes every entry's hash from its fields and the previous hash.
    public static func verify(on connection: PostgresConnection, logger: Logger) async throws -> Verification {
        let rows = try await connection.query("""
            SELECT count(*)::int, min(seq) FILTER (WHERE broken) FROM (
                SELECT seq,
                       hash <> audit_entry_hash(prev_hash, seq, at, actor, action, subject, detail)
                       OR prev_hash <> coalesce(lag(hash) OVER w, '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea)
                       OR seq <> coalesce(lag(seq) OVER w, 0) + 1 AS broken
                FROM audit_log WINDOW w AS (ORDER BY seq)
            ) AS checked
            """, logger: logger)
        for try await (count, broken) in rows.decode((Int, Int64?).self) {
            return Verification(entries: count, firstBrokenEntry: broken)
        }
        return Verification(entries: 0, firstBrokenEntry: nil)
    }

    private static let lockKey: Int64 = 0x6175_6469_745f_6c67  // "audit_lg"
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
