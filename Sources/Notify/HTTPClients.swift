import AsyncHTTPClient
import NIOSSL
import Synchronization

/// Runs `body` with an HTTP client that is closed when it returns or throws: the one place this
/// package makes and closes HTTP clients, so that no caller can forget to, or do it twice.
public func withHTTPClient<Result>(
    configuration: HTTPClient.Configuration = .init(), _ body: (HTTPClient) async throws -> Result
) async throws -> Result {
    let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    let result: Result
    do {
        result = try await body(client)
    } catch {
        try? await client.shutdown()
        throw error
    }
    try await client.shutdown()
    return result
}

/// The HTTP clients of one process's webhook deliveries: a shared client, and clients pinned to
/// the address `EndpointPolicy` vetted. Made by `withDeliveryHTTP`, which closes them.
public struct DeliveryHTTP: Sendable {
    let shared: HTTPClient
    let pinned: PinnedHTTPClients

    /// Runs `body` with the delivery clients of `configuration` (timeouts; TLS 1.2+ with chain and
    /// host name verified; no redirects, since one could lead to plain HTTP).
    public static func with<Result>(configuration: NotifyConfiguration, _ body: (DeliveryHTTP) async throws -> Result) async throws -> Result {
        var http = HTTPClient.Configuration()
        http.tlsConfiguration = Notifier.baseTLS()
        http.redirectConfiguration = .disallow
        http.timeout = .init(connect: .seconds(5), read: .nanoseconds(configuration.requestTimeout.nanoseconds))
        // Up to 32 connections to one endpoint: a busy receiver gets deliveries in parallel rather than queued behind 8.
        http.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 32)
        let pinned = PinnedHTTPClients(configuration: http)
        return try await withHTTPClient(configuration: http) { shared in
            let result: Result
            do {
                result = try await body(DeliveryHTTP(shared: shared, pinned: pinned))
            } catch {
                try? await pinned.closeAll()
                throw error
            }
            try await pinned.closeAll()
            return result
        }
    }
}

/// HTTP clients that connect a host name to the one address `EndpointPolicy` vetted, so that the
/// connection goes where the check looked: without the pin, the client would resolve the name
/// again and a DNS answer that changed in between (a rebinding) would lead it inside. The TLS
/// handshake still names and verifies the host, not the address.
///
/// One client per (name, address), kept for reuse of its connections; at most `capacity`, after
/// which a delivery gets a client of its own that ends with it.
final class PinnedHTTPClients: Sendable {
    private let configuration: HTTPClient.Configuration
    private let capacity: Int
    private let clients = Mutex<[String: HTTPClient]>([:])

    init(configuration: HTTPClient.Configuration, capacity: Int = 256) {
        self.configuration = configuration
        self.capacity = capacity
    }

    /// Runs `body` with a client that connects `host` to `address`.
    func with<Result>(host: String, address: String, _ body: (HTTPClient) async throws -> Result) async throws -> Result {
        let key = "\(host)|\(address)"
        var pinned = configuration
        pinned.dnsOverride = [host: address]
        let kept = clients.withLock { clients -> HTTPClient? in
            if let client = clients[key] { return client }
            guard clients.count < capacity else { return nil }
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: pinned)
            clients[key] = client
            return client
        }
        if let kept { return try await body(kept) }
        return try await withHTTPClient(configuration: pinned, body)
    }

    /// Closes every kept client.
    func closeAll() async throws {
        for client in clients.withLock({ clients in
            defer { clients = [:] }
            return Array(clients.values)
        }) {
            try await client.shutdown()
        }
    }
}
