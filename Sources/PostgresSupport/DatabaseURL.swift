import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// A parsed `postgres://user:password@host:port/database?sslmode=…` connection URL.
///
/// As libpq's, it may name several hosts (`postgres://u@a:5432,b:5433/db`): the servers of a highly
/// available cluster, of which the driver uses whichever is the writable primary now
/// (`PrimaryRelay`). The password never appears in `description`, so a URL can be logged safely.
public struct DatabaseURL: Sendable, CustomStringConvertible {
    /// One server the URL names.
    public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
        /// The host name or address.
        public var host: String
        /// The TCP port.
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// `host:port`, an IPv6 address in brackets.
        public var description: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }
    }

    /// The servers, in the order they are tried: one, or the members of a failover cluster.
    public var endpoints: [Endpoint]
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
        // URLComponents reads one host: the list (libpq's multi-host form) is taken out first.
        let (single, endpoints) = try Self.splitHosts(string)
        guard let components = URLComponents(string: single),
            let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme)
        else {
            throw DatabaseURLError(reason: "DATABASE_URL must look like postgres://user:password@host:5432/database")
        }
        guard let endpoints, !endpoints.isEmpty else {
            throw DatabaseURLError(reason: "DATABASE_URL has no host")
        }
        self.endpoints = endpoints
        self.user = components.user.flatMap { $0.removingPercentEncoding } ?? "postgres"
        self.password = components.password.flatMap { $0.removingPercentEncoding }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        self.database = path.isEmpty ? user : path
        let query = components.queryItems ?? []
        self.sslMode = query.first { $0.name == "sslmode" }?.value ?? "prefer"
        guard ["disable", "prefer", "require", "verify-full"].contains(sslMode) else {
            throw DatabaseURLError(reason: "sslmode must be disable, prefer, require or verify-full, not \(sslMode)")
        }
        let pooled = query.first { $0.name == "pgbouncer" }?.value ?? "false"
        guard ["true", "false"].contains(pooled) else {
            throw DatabaseURLError(reason: "pgbouncer must be true or false, not \(pooled)")
        }
        self.transactionPooled = pooled == "true"
        // Every process of ours writes, so several hosts always mean "the primary"; libpq's `any`
        // would let a standby answer and every write fail.
        let attributes = query.first { $0.name == "target_session_attrs" }?.value ?? "read-write"
        guard ["read-write", "primary"].contains(attributes) || (attributes == "any" && endpoints.count == 1) else {
            throw DatabaseURLError(
                reason: "target_session_attrs must be read-write or primary (any only with one host), not \(attributes)")
        }
    }

    /// The string with its host list replaced by the first host, and the parsed list; nil when the
    /// string has no authority to read.
    private static func splitHosts(_ string: String) throws -> (String, [Endpoint]?) {
        guard let schemeEnd = string.range(of: "://") else { return (string, nil) }
        let rest = string[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        let at = authority.lastIndex(of: "@")
        let hostList = at.map { authority[authority.index(after: $0)...] } ?? authority
        guard !hostList.isEmpty else { return (string, nil) }
        var endpoints: [Endpoint] = []
        for item in hostList.split(separator: ",", omittingEmptySubsequences: false) {
            var host = Substring(item)
            var port = 5432
            if host.hasPrefix("[") {
                guard let close = host.firstIndex(of: "]") else { throw DatabaseURLError(reason: "DATABASE_URL has an unclosed [ in \(item)") }
                let after = host[host.index(after: close)...]
                host = host[host.index(after: host.startIndex)..<close]
                if !after.isEmpty {
                    guard after.hasPrefix(":"), let parsed = Int(after.dropFirst()) else {
                        throw DatabaseURLError(reason: "DATABASE_URL has a bad port in \(item)")
                    }
                    port = parsed
                }
            } else if let colon = host.lastIndex(of: ":") {
                guard let parsed = Int(host[host.index(after: colon)...]) else {
                    throw DatabaseURLError(reason: "DATABASE_URL has a bad port in \(item)")
                }
                port = parsed
                host = host[..<colon]
            }
            guard !host.isEmpty else { throw DatabaseURLError(reason: "DATABASE_URL has an empty host in its list") }
            guard (1...65_535).contains(port) else { throw DatabaseURLError(reason: "DATABASE_URL has a port outside 1–65535: \(port)") }
            endpoints.append(Endpoint(host: String(host), port: port))
        }
        let first = endpoints[0]
        let single = string[..<hostList.startIndex] + "\(first.description)" + string[authorityEnd...]
        return (String(single), endpoints)
    }

    /// Where the database is, for messages: `host:port[,host:port…]/database`.
    public var place: String { hostList + "/\(database)" }

    /// The same server and credentials, another database.
    public func with(database: String) -> DatabaseURL {
        var copy = self
        copy.database = database
        return copy
    }

    /// The URL as text, password included: for handing to a child process, never for logs.
    public var connectionString: String {
        var parts = URLComponents()
        parts.user = user
        parts.password = password
        parts.path = "/" + database
        parts.queryItems =
            [URLQueryItem(name: "sslmode", value: sslMode)] + (transactionPooled ? [URLQueryItem(name: "pgbouncer", value: "true")] : [])
        let credentials = (parts.percentEncodedUser ?? "") + (parts.percentEncodedPassword.map { ":" + $0 } ?? "")
        // Written out by hand: URLComponents holds one host, and the list must survive.
        return "postgres://\(credentials)@\(hostList)\(parts.percentEncodedPath)?\(parts.percentEncodedQuery ?? "")"
    }

    /// The URL with the password masked.
    public var description: String {
        "postgres://\(user)\(password == nil ? "" : ":***")@\(place)?sslmode=\(sslMode)" + (transactionPooled ? "&pgbouncer=true" : "")
    }

    private var hostList: String { endpoints.map(\.description).joined(separator: ",") }

    /// A PostgresNIO client configuration for this URL. For several hosts it leads to this process's
    /// `PrimaryRelay` for them, which joins each connection to the current primary: postgres-nio
    /// dials one address.
    public func clientConfiguration(maximumConnections: Int = 20, logger: Logger) throws -> PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if endpoints.count > 1 {
            let relay = try PrimaryRelay.serving(self, logger: logger)
            // Plain on loopback inside this process: the relay speaks TLS to the server itself.
            configuration = PostgresClient.Configuration(
                host: "127.0.0.1", port: relay.port, username: user, password: password, database: database, tls: .disable)
        } else {
            let tls: PostgresClient.Configuration.TLS =
                switch tlsRequirement {
                case nil: .disable
                case (let configuration, let required)?: required ? .require(configuration) : .prefer(configuration)
                }
            configuration = PostgresClient.Configuration(
                host: endpoints[0].host, port: endpoints[0].port, username: user, password: password, database: database, tls: tls)
        }
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
