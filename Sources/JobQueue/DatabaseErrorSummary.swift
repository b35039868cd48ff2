import PostgresNIO

/// Says what a database error was (server message and SQLSTATE, or the connection failure),
/// without the query's bound values, which may hold personal data.
public struct DatabaseErrorSummary: CustomStringConvertible, Sendable {
    let text: String

    /// Summarises any error; non-database errors keep their own description.
    public init(_ error: any Error) {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
                text = message + state
            } else {
                text = "database \(error.code)"
            }
        } else {
            text = String(describing: error)
        }
    }

    /// The summary.
    public var description: String { text }
}
