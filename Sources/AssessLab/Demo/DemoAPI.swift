import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Notify

/// The demo's people talk to the API as any client would: JSON over HTTPS, trusting the demo's
/// development CA, with their bearer tokens.
struct DemoAPI: Sendable {
    let base: String
    let http: HTTPClient

    /// A reply that is not the one a step expects: its status and the problem's detail.
    struct Refused: Error, CustomStringConvertible {
        let method: String
        let path: String
        let status: Int
        let detail: String

        var description: String { "\(method) \(path) answered \(status): \(detail)" }
    }

    /// Runs `body` with a client of the API at `base` that trusts `trustRootPEM`; its connections
    /// close when `body` returns (they would otherwise hold the API's graceful shutdown back).
    static func with<Result>(base: String, trustRootPEM: String, _ body: (DemoAPI) async throws -> Result) async throws -> Result {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(trustRootPEM.utf8)))
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 16)
        return try await withHTTPClient(configuration: configuration) { try await body(DemoAPI(base: base, http: $0)) }
    }

    /// Sends `json` (an object for JSONSerialization) and returns the status and decoded body.
    @discardableResult
    func send(
        _ method: HTTPMethod, _ path: String, token: String? = nil, json: [String: Any]? = nil, file: (bytes: [UInt8], type: String)? = nil,
        expect expected: Set<Int> = [200, 201, 202, 204]
    ) async throws -> (status: Int, body: [String: Any]) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        }
        if let file {
            request.headers.add(name: "Content-Type", value: file.type)
            request.body = .bytes(ByteBuffer(bytes: file.bytes))
        }
        let (response, bytes) = try await execute(request, upTo: 1 << 22)
        let body = (try? JSONSerialization.jsonObject(with: Data(buffer: bytes)) as? [String: Any]) ?? [:]
        let status = Int(response.status.code)
        guard expected.contains(status) else {
            throw Refused(method: method.rawValue, path: path, status: status, detail: body["detail"] as? String ?? String(buffer: bytes))
        }
        return (status, body)
    }

    /// The bytes of a file the API serves.
    func download(_ path: String, token: String) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: base + path)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let (response, bytes) = try await execute(request, upTo: 1 << 26)
        guard response.status == .ok else {
            throw Refused(method: "GET", path: path, status: Int(response.status.code), detail: String(buffer: bytes))
        }
        return Array(bytes.readableBytesView)
    }

    /// Sends `request`, again after the wait it names while the API answers 503 (its database
    /// connection was lost and it says to try again), for up to a minute: a season carries on
    /// through a database restart or a terminated backend, as a real client should.
    private func execute(_ request: HTTPClientRequest, upTo limit: Int) async throws -> (HTTPClientResponse, ByteBuffer) {
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            let response = try await http.execute(request, timeout: .seconds(60))
            let bytes = try await response.body.collect(upTo: limit)
            let wait = Duration.seconds(min(max(Int(response.headers.first(name: "Retry-After") ?? "") ?? 2, 1), 10))
            guard response.status == .serviceUnavailable, ContinuousClock.now + wait < deadline else { return (response, bytes) }
            try await Task.sleep(for: wait)
        }
    }

    /// Every item of a paginated list.
    func all(_ path: String, token: String) async throws -> [[String: Any]] {
        var items: [[String: Any]] = []
        var after: Int64 = 0
        let separator = path.contains("?") ? "&" : "?"
        while true {
            let page = try await send(.GET, "\(path)\(separator)limit=100&after=\(after)", token: token).body
            items += page["items"] as? [[String: Any]] ?? []
            guard let next = (page["next"] as? NSNumber)?.int64Value else { return items }
            after = next
        }
    }
}
