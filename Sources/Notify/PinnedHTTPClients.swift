import AsyncHTTPClient
import Synchronization

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
        let (client, isTemporary) = clients.withLock { clients -> (HTTPClient, Bool) in
            if let client = clients[key] { return (client, false) }
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: pinned)
            guard clients.count < capacity else { return (client, true) }
            clients[key] = client
            return (client, false)
        }
        guard isTemporary else { return try await body(client) }
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Closes every kept client.
    func shutdown() async throws {
        for client in clients.withLock({ clients in defer { clients = [:] }; return Array(clients.values) }) {
            try await client.shutdown()
        }
    }
}
