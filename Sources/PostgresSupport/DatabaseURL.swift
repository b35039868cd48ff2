import Foundation
import NIOSSL
import PostgresNIO

/// A parsed `postgres://user:password@host:port/database?sslmode=…` connection URL.
///
/// The password never appears in `description`, so a URL can be logged safely.
public struct DatabaseURL: Sendable, CustomStringConvertible {
    /// The host name or address.
    public var host: String
    /// The TCP port.
    public var port: Int
    /// The user name.
    public var user: String
    /// The password, if any.
    public var password: String?
    /// The database name.
    public var database: String
    /// `disable`, `prefer` (default) or `require`; `verify-full` verifies the server certificate.
    public var sslMode: String
    /// The URL leads to a transaction pooler such as PgBouncer (`pgbouncer=true`, as other clients
    /// spell it): consecutive transactions may run on different server sessions, so nothing may
    /// rely on session state, and LISTEN needs a direct session of its own.
    public var transactionPooled: Bool

    /// Parses a URL, or says what is wrong with it (without echoing a password).
    public init(_ string: String) throws {
        guard let components = URLComponents(string: string),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else {
            throw DatabaseURLError(reason: "DATABASE_URL must look like postgres://user:password@host:5432/database")
        }
        guard let host = components.host, !host.isEmpty else {
            throw DatabaseURLError(reason: "DATABASE_URL has no host")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.user = components.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        self.password = components.password.flatMap { $0.removingPercentEncoding }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = path.isEmpty ? user : path
        self.sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard ["disable", "prefer", "require", "verify-full"].contains(sslMode) else {
            throw DatabaseURLError(reason: "sslmode must be disable, prefer, require or verify-full, not \(sslMode)")
        }
        let pooled = components.queryItems?.first { $0.name == "pgbouncer" }?.value ?? "false"
        guard ["true", "false"].contains(pooled) else {
            throw DatabaseURLError(reason: "pgbouncer must be true or false, not \(pooled)")
        }
        self.transactionPooled = pooled == "true"
    }

    /// The same server and credentials, another database.
    public func with(database: String) -> DatabaseURL {
        var copy = self
        copy.database = database
        return copy
    }

    /// The URL as text, password included: for handing to a child process, never for logs.
    public var connectionString: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = user
        components.password = password
        components.host = host
        components.port = port
        components.path = "/" + database
        components.queryItems =
            [URLQueryItem(name: "sslmode", value: sslMode)] + (transactionPooled ? [URLQueryItem(name: "pgbouncer", value: "true")] : [])
        return components.string!
    }

    /// The URL with the password masked.
    public var description: String {
        "postgres://\(user)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)?sslmode=\(sslMode)"
            + (transactionPooled ? "&pgbouncer=true" : "")
    }

    /// A PostgresNIO client configuration for this URL.
    public func clientConfiguration(maximumConnections: Int = 20) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            switch tlsRequirement {
            case nil: .disable
            case (let configuration, let required)?: required ? .require(configuration) : .prefer(configuration)
            }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database, tls: tls
        )
        configuration.options.maximumConnections = maximumConnections
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }

    /// The TLS `sslmode` asks for, and whether it is required; nil for none. libpq's `prefer` and
    /// `require` encrypt without verifying; `verify-full` is the verifying mode.
    var tlsRequirement: (configuration: TLSConfiguration, required: Bool)? {
        switch sslMode {
        case "disable":
            return nil
        case "verify-full":
            return (.makeClientConfiguration(), true)
        default:
            var unverified = TLSConfiguration.makeClientConfiguration()
            unverified.certificateVerification = .none
            return (unverified, sslMode == "require")
        }
    }
}

/// A malformed database URL.
public struct DatabaseURLError: Error, CustomStringConvertible {
    /// What is wrong and how to fix it.
    public let reason: String
    /// The reason.
    public var description: String { reason }
}
