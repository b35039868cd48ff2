import Assessment
import Foundation
import Logging
import PostgresNIO

/// The domain's tables: loads and saves `Assessment` values inside a caller's transaction, so
/// that a handler's writes, its follow-up jobs and its own completion commit together.
public struct AssessmentStore: Sendable {
    /// Seals and hashes identity numbers.
    public let vault: PersonalDataVault
    let logger: Logger

    /// A store whose personal data goes through `vault`.
    public init(vault: PersonalDataVault, logger: Logger) {
        self.vault = vault
        self.logger = logger
    }

    /// Reads what `json` wrote: dates as ISO 8601.
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    static func json<Value: Encodable>(_ value: Value) throws -> String {
        String(decoding: try JSONEncoder.sorted.encode(value), as: UTF8.self)
    }

    /// A stored document; one this build cannot read is stored data at fault, never the caller's
    /// input (a bare DecodingError would read as a malformed request).
    static func decode<Value: Decodable>(_ type: Value.Type, _ json: String) throws -> Value {
        do {
            return try decoder.decode(type, from: Data(json.utf8))
        } catch is DecodingError {
            throw StoreError(.invalidStoredData, "a stored \(Value.self) cannot be read by this version")
        }
    }

    /// Runs a query and returns its first row decoded, or nil.
    func first<each Column: PostgresDecodable>(
        _ query: PostgresQuery, as type: (repeat each Column).Type, on connection: PostgresConnection
    ) async throws -> (repeat each Column)? {
        for try await row in try await connection.query(query, logger: logger) {
            return try row.decode((repeat each Column).self)
        }
        return nil
    }

    /// A stored enumeration's value, or `invalidStoredData` naming `what` when a row holds a value
    /// this build does not know (written by a newer one, or by hand).
    static func stored<Value: RawRepresentable>(_ type: Value.Type, _ raw: Value.RawValue, _ what: String) throws -> Value {
        guard let value = Value(rawValue: raw) else { throw StoreError(.invalidStoredData, "\(what) is \(raw), which this version does not know") }
        return value
    }

    /// The number of rows a counting query returns in its first column.
    func count(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> Int {
        for try await value in try await connection.query(query, logger: logger).decode(Int.self) { return value }
        return 0
    }
}

extension CalendarDate {
    /// Parses the `YYYY-MM-DD` text of a `date` column.
    static func column(_ text: String) throws -> CalendarDate {
        guard let date = CalendarDate(iso: text) else { throw StoreError(.invalidInput, "unreadable date \(text)", zh: "无法识别的日期\(text)") }
        return date
    }
}

/// A row's cells read one after another, so reads of several records from one row (an
/// application and its round) each start where the one before ended.
struct StoredCells {
    private let cells: [PostgresCell]
    private var index = 0

    init(_ row: PostgresRow) { cells = Array(row) }

    /// The next cell, decoded; a row shorter than its reader is stored data that does not fit.
    mutating func next<Value: PostgresDecodable>(_ type: Value.Type) throws -> Value {
        guard index < cells.count else { throw StoreError(.invalidStoredData, "a row ended before its record was read") }
        defer { index += 1 }
        return try cells[index].decode(Value.self)
    }
}
