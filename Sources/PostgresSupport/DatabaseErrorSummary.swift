import Foundation
import PostgresNIO

/// Says what a database error was and what was being done, without the query's bound values, which
/// may hold personal data: the server's message and SQLSTATE, or how the connection failed, and the
/// statement's first words. postgres-nio's own description hides everything, to be safe.
public struct DatabaseErrorSummary: CustomStringConvertible, Sendable {
    let text: String

    /// Summarises any error; non-database errors keep their own description.
    public init(_ error: any Error) {
        if let transaction = error as? PostgresTransactionError {
            if let failure = transaction.beginError {
                text = "BEGIN failed: \(Self(failure))"
            } else if let failure = transaction.commitError {
                text = "COMMIT failed, so whether the transaction committed is unknown: \(Self(failure))"
            } else {
                text = transaction.closureError.map { "\(Self($0))" } ?? "the transaction failed"
            }
            return
        }
        guard let error = error as? PSQLError else {
            text = String(describing: error)
            return
        }
        var text: String
        if let message = error.serverInfo?[.message] {
            text = message + (error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? "")
        } else {
            switch error.code {
            case .connectionError: text = "could not connect" + (error.underlying.map { ": \($0)" } ?? "")
            case .serverClosedConnection: text = "the server closed the connection" + (error.underlying.map { ": \($0)" } ?? "")
            case .uncleanShutdown: text = "the connection ended without the server saying goodbye"
            case .clientClosedConnection: text = "the connection was being closed on our side"
            case .poolClosed: text = "the connection pool is shut down"
            case .queryCancelled: text = "the statement was cancelled"
            case .sslUnsupported: text = "the server does not offer TLS, which the URL's sslmode requires"
            default: text = "database \(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
            }
        }
        if let statement = error.query.map({ Self.firstWords(of: $0.sql) }), !statement.isEmpty {
            text += ", running `\(statement)`"
        }
        self.text = text
    }

    /// The summary.
    public var description: String { text }

    /// What a log line may say of `error`: the summary of a database error; of any other, its type
    /// only, since its description may carry what a caller sent.
    public static func loggable(_ error: any Error) -> String {
        isDatabaseError(error) ? "\(Self(error))" : String(reflecting: type(of: error))
    }

    /// Whether `error` came from the database or its connection, which this summary explains.
    public static func isDatabaseError(_ error: any Error) -> Bool {
        error is PSQLError || error is PostgresTransactionError || error is ConnectionClosedUnanswered || error is NoWritablePrimary
    }

    /// The statement's first line, cut to a length a log line carries.
    static func firstWords(of sql: String) -> String {
        let line = sql.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.first { !$0.isEmpty } ?? ""
        return line.count > 80 ? String(line.prefix(77)) + "…" : line
    }

    /// Whether `error` says the connection was lost, refused or shut down under us rather than that
    /// the statement failed: the same work on a fresh connection may succeed once the server is
    /// back (PostgreSQL restarting, a backend terminated, a failover).
    public static func isConnectionLoss(_ error: any Error) -> Bool {
        if error is ConnectionClosedUnanswered || error is NoWritablePrimary { return true }
        if let transaction = error as? PostgresTransactionError {
            return (transaction.beginError ?? transaction.closureError ?? transaction.commitError).map(isConnectionLoss) ?? false
        }
        guard let error = error as? PSQLError else { return false }
        if let state = error.serverInfo?[.sqlState] {
            // 08: connection exception; 57P01–57P03: terminated by an administrator, crash or
            // shutdown, or not accepting connections yet; 25006: a write reached a server that a
            // failover made read-only, whose connections the primary relay is closing.
            return state.hasPrefix("08") || ["57P01", "57P02", "57P03", "25006"].contains(state)
        }
        // `clientClosedConnection` too: the pool can hand out a connection it is closing because
        // its server ended it, and that statement fails so.
        return [.connectionError, .serverClosedConnection, .uncleanShutdown, .clientClosedConnection].contains(error.code)
    }
}
