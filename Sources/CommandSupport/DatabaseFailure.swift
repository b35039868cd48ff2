import PostgresNIO
import PostgresSupport

/// A database error as it ends a command: which database, what it said or how the connection
/// failed, and what was being done; never postgres-nio's generic description, and never a bound
/// value, which may be personal data.
public struct DatabaseFailure: Error, CustomStringConvertible {
    public let description: String

    /// `error` explained, or nil when it is not a database error.
    public init?(_ error: any Error, at url: DatabaseURL?) {
        guard DatabaseErrorSummary.isDatabaseError(error) else { return nil }
        let place = url?.place
        let summary = DatabaseErrorSummary(error)
        description =
            place.map { "数据库 \($0) 出错 / the database at \($0) failed: \(summary)" } ?? "数据库出错 / the database failed: \(summary)"
    }
}
