import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import Notify
import ServiceLifecycle
import Synchronization

/// The receiving end of notifications, as a subscriber would build it: HTTPS only, checks each
/// signature, and accepts each idempotency key once (a repeat is answered 200 and dropped).
/// The demo, the delivery benchmark and the tests deliver to it.
public final class WebhookReceiver: Sendable {
    /// A notification the receiver accepted.
    public struct Accepted: Sendable {
        public let idempotencyKey: String
        public let event: String
        public let body: [UInt8]
        /// The Standard Webhooks headers as received (`webhook-id`, `webhook-timestamp`,
        /// `webhook-signature`), for checks with other verifiers.
        public let standardHeaders: [String: String]
    }

    /// What the receiver answers the `attempt`th request (from 1) for one idempotency key:
    /// a status code, and a Retry-After in seconds if any. Non-2xx answers accept nothing.
    public typealias Reply = @Sendable (_ attempt: Int) -> (status: Int, retryAfterSeconds: Int?)

    private struct State {
        var secrets: [String]
        var accepted: [Accepted] = []
        var acceptedKeys: Set<String> = []
        var requestsByKey: [String: Int] = [:]
        var requests = 0
        var badSignatures = 0
    }

    private let state: Mutex<State>
    private let reply: Reply
    private let tls: TLSConfiguration
    private let logger: Logger

    /// A receiver serving `tls` that checks signatures against `secrets`.
    public init(tls: TLSConfiguration, secrets: [String], logger: Logger, reply: @escaping Reply = { _ in (200, nil) }) {
        self.state = Mutex(State(secrets: secrets))
        self.tls = tls
        self.reply = reply
        self.logger = logger
    }

    /// Server TLS from an issued certificate; with `clientCA`, clients must present a certificate it issued.
    public static func serverTLS(_ issued: DevelopmentCA.Issued, clientCA: DevelopmentCA? = nil) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMBytes(Array(issued.certificatePEM.utf8)).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(issued.keyPEM.utf8), format: .pem)))
        tls.minimumTLSVersion = .tlsv12
        if let clientCA {
            tls.certificateVerification = .noHostnameVerification
            tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(try clientCA.certificatePEM.utf8)))
        }
        return tls
    }

    /// Replaces the secrets signatures are checked against (a subscriber rotating its secret).
    public func setSecrets(_ secrets: [String]) { state.withLock { $0.secrets = secrets } }

    /// Notifications accepted, each idempotency key once, in arrival order.
    public var accepted: [Accepted] { state.withLock { $0.accepted } }
    /// Every request that reached a handler, duplicates and refusals included.
    public var requests: Int { state.withLock { $0.requests } }
    /// The requests for one idempotency key that reached a handler.
    public func requests(forKey key: String) -> Int { state.withLock { $0.requestsByKey[key, default: 0] } }
    /// Requests refused for a missing or wrong signature.
    public var badSignatures: Int { state.withLock { $0.badSignatures } }

    /// The server, as a service to run (e.g. in a ServiceGroup): 127.0.0.1 at `port` (0: any
    /// free port); `onReady` gets the port once it listens.
    public func service(port: Int = 0, onReady: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some Service {
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            return self.receive(headers: request.headers, body: Array(buffer: body))
        }
        return Application(
            router: router, server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "assess-webhook-receiver"),
            onServerRunning: { channel in await onReady(channel.localAddress?.port ?? port) }, logger: logger)
    }

    private func receive(headers: HTTPFields, body: [UInt8]) -> Response {
        let key = headers[HTTPField.Name("Assess-Idempotency-Key")!] ?? ""
        let event = headers[HTTPField.Name("Assess-Event")!] ?? ""
        let signature = headers[HTTPField.Name(WebhookSignature.headerName)!] ?? ""
        return state.withLock { state in
            state.requests += 1
            guard !key.isEmpty, state.secrets.contains(where: { WebhookSignature.verify(header: signature, body: body, secret: $0) }) else {
                state.badSignatures += 1
                return Response(status: .unauthorized)
            }
            state.requestsByKey[key, default: 0] += 1
            let (status, retryAfter) = reply(state.requestsByKey[key]!)
            var fields = HTTPFields()
            if let retryAfter { fields[.retryAfter] = "\(retryAfter)" }
            if (200..<300).contains(status), state.acceptedKeys.insert(key).inserted {
                let standard = ["webhook-id", "webhook-timestamp", "webhook-signature"].compactMap { name in
                    headers[HTTPField.Name(name)!].map { (name, $0) }
                }
                state.accepted.append(
                    Accepted(
                        idempotencyKey: key, event: event, body: body,
                        standardHeaders: Dictionary(uniqueKeysWithValues: standard)))
            }
            return Response(status: .init(code: status), headers: fields)
        }
    }
}
