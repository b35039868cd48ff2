import Logging
import NIOSSL
import PostgresNIO

extension DatabaseURL {
    /// Waits until the database accepts a connection (for several hosts: until one of them is a
    /// writable primary), trying again for `budget`, then throws the last failure, which names how
    /// it failed. A pooled client waits for its first connection without end, so a process pointed
    /// at a wrong host, or started while PostgreSQL restarts or fails over, would otherwise hang or
    /// fail without saying why.
    public func reach(budget: Duration = .seconds(30), logger: Logger) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + budget
        var pause = Duration.milliseconds(200)
        while true {
            do {
                if endpoints.count > 1 {
                    _ = try await PrimaryProbe.primary(of: self, logger: logger)
                } else {
                    let connection = try await PostgresConnection.connect(
                        configuration: try connectionConfiguration(endpoints[0]), id: 0, logger: logger)
                    try await connection.close()
                }
                return
            } catch  where clock.now + pause < deadline {
                logger.warning(
                    "cannot reach the database at \(place) yet; trying again", metadata: ["error": "\(DatabaseErrorSummary(error))"])
                try await Task.sleep(for: pause)
                pause = min(pause * 2, .seconds(3))
            }
        }
    }

    /// A single connection's configuration for `endpoint`, with the same TLS as `clientConfiguration`.
    func connectionConfiguration(_ endpoint: Endpoint) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS =
            switch tlsRequirement {
            case nil: .disable
            case (let configuration, let required)?:
                required ? .require(try NIOSSLContext(configuration: configuration)) : .prefer(try NIOSSLContext(configuration: configuration))
            }
        var configuration = PostgresConnection.Configuration(
            host: endpoint.host, port: endpoint.port, username: user, password: password, database: database, tls: tls)
        configuration.options.connectTimeout = .seconds(5)
        return configuration
    }
}
