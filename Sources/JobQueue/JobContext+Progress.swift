import Foundation
import PostgresNIO

extension JobContext {
    /// The most metadata keys a job holds, and the longest key, value or progress message.
    public static let metadataLimits = (keys: 50, characters: 200)

    /// Records how far the job is, 0 to 100, with a short message: written at once, outside the
    /// job's transaction, so `assess jobs show` shows it while the job runs. A job whose lease was
    /// lost records nothing; returns whether it recorded.
    @discardableResult
    public func report(progress percent: Int, _ message: String = "") async throws -> Bool {
        guard (0...100).contains(percent) else {
            throw JobQueueError(code: .invalidOptions, message: "progress runs from 0 to 100, not \(percent)")
        }
        let text = String(message.filter { $0 != "\0" }.prefix(Self.metadataLimits.characters))
        return try await recorded(
            """
            UPDATE jobs SET progress = \(Int16(percent)), progress_message = nullif(\(text), '')
            WHERE id = \(job.id) AND lease_token = \(job.leaseToken) RETURNING 1
            """)
    }

    /// Adds structured metadata to the job (a round, a chunk, a count), replacing the values of
    /// keys it had: each key and value at most 200 characters, at most 50 keys in all. Returns
    /// whether it recorded: not when the lease was lost, nor when the job would hold more than 50 keys.
    @discardableResult
    public func record(metadata: [String: String]) async throws -> Bool {
        let limits = Self.metadataLimits
        if let bad = metadata.first(where: {
            $0.key.isEmpty || $0.key.count > limits.characters || $0.value.count > limits.characters || ($0.key + $0.value).contains("\0")
        }) {
            throw JobQueueError(
                code: .invalidOptions,
                message:
                    "metadata keys take 1 to \(limits.characters) characters and values at most \(limits.characters), without NUL; \(bad.key.prefix(40)) does not"
            )
        }
        guard metadata.count <= limits.keys else {
            throw JobQueueError(code: .invalidOptions, message: "a job holds at most \(limits.keys) metadata keys, not \(metadata.count)")
        }
        let json = String(decoding: try JSONEncoder().encode(metadata), as: UTF8.self)
        return try await recorded(
            """
            UPDATE jobs SET meta = coalesce(meta, '{}') || \(json)::jsonb
            WHERE id = \(job.id) AND lease_token = \(job.leaseToken)
              AND (SELECT count(*) FROM jsonb_object_keys(coalesce(meta, '{}') || \(json)::jsonb)) <= \(limits.keys)
            RETURNING 1
            """)
    }

    private func recorded(_ statement: PostgresQuery) async throws -> Bool {
        for _ in try await client.guardedQuery(statement, logger: logger) { return true }
        return false
    }
}
