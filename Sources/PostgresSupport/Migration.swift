import Crypto
import Foundation

/// One numbered SQL file of the schema.
public struct Migration: Sendable, Equatable {
    /// The number that orders it, from the file name's leading digits.
    public let version: Int
    /// The file name.
    public let name: String
    /// The SQL, possibly several statements.
    public let sql: String

    /// SHA-256 of the SQL, hex: an applied file that changed afterwards is refused.
    public var checksum: String {
        SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A migration named like `0001_job_queue.sql`.
    public init(name: String, sql: String) throws {
        guard let version = Int(name.prefix { $0.isNumber }), version > 0 else {
            throw MigrationError(reason: "migration file \(name) must start with its number, like 0001_name.sql")
        }
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// Every `.sql` file of a folder, in order; two files with one number are refused.
    public static func load(from folder: URL) throws -> [Migration] {
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".sql") }
        return try ordered(
            names.map { name in
                try Migration(name: name, sql: String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8))
            })
    }

    /// `migrations` (from one folder or several: a library's and the application's) in order;
    /// two with one number are refused, since one `schema_migrations` table records them all.
    public static func ordered(_ migrations: [Migration]) throws -> [Migration] {
        let sorted = migrations.sorted { $0.version < $1.version }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.version == next.version {
            throw MigrationError(reason: "migrations \(previous.name) and \(next.name) share the number \(next.version)")
        }
        return sorted
    }
}

/// A migration that cannot be applied.
public struct MigrationError: Error, CustomStringConvertible {
    /// What is wrong and how to fix it.
    public let reason: String
    /// The reason.
    public var description: String { reason }

    /// An error with its reason.
    public init(reason: String) {
        self.reason = reason
    }
}
