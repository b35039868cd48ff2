import Foundation
import NIOSSL
import PostgresNIO

/// What a subscriber asks for.
public struct SubscriptionRequest: Sendable, Codable, Equatable {
    /// Whose notifications: `institution:<id>`, `applicant:<id>`, `reviewer:<id>`, `bureau`, every
    /// recipient of a kind (`applicant:*`, for a platform), or `*`.
    public var recipient: String
    /// An `https://` URL; plain HTTP is refused.
    public var url: String
    /// The events wanted (e.g. `result`, `certificate issued`); empty for all.
    public var events: [String]
    /// PEM certificates to trust instead of the system's roots (a private CA).
    public var trustRootsPEM: String?
    /// A PEM certificate chain and its PEM private key, for endpoints that require mutual TLS.
    public var clientCertificatePEM: String?
    public var clientKeyPEM: String?

    public init(
        recipient: String, url: String, events: [String] = [], trustRootsPEM: String? = nil,
        clientCertificatePEM: String? = nil, clientKeyPEM: String? = nil
    ) {
        self.recipient = recipient
        self.url = url
        self.events = events
        self.trustRootsPEM = trustRootsPEM
        self.clientCertificatePEM = clientCertificatePEM
        self.clientKeyPEM = clientKeyPEM
    }

    /// Refuses what could never deliver safely, saying which field to fix.
    func validate() throws {
        let recipientPattern = /^(\*|bureau|(applicant|reviewer|institution|platform):(\*|[A-Za-z0-9._-]{1,100}))$/
        guard recipient.wholeMatch(of: recipientPattern) != nil else {
            throw NotifyError(
                .invalidInput,
                """
                recipient must be institution:<id>, applicant:<id>, reviewer:<id>, platform:<id>, bureau, <kind>:* or *
                """, zh: "recipient 须为 institution:<编号>、applicant:<编号>、reviewer:<编号>、platform:<编号>、bureau、<类别>:* 或 *", field: "recipient")
        }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else {
            throw NotifyError(.invalidInput, "url is not a URL", zh: "url 不是网址", field: "url")
        }
        guard scheme == "https" else {
            throw NotifyError(
                .invalidInput, "url must start with https://: notifications are delivered over TLS only", zh: "url 须以 https:// 开头：通知只经 TLS 投递",
                field: "url")
        }
        guard let host = components.host, !host.isEmpty else { throw NotifyError(.invalidInput, "url has no host", zh: "url 缺少主机名", field: "url") }
        guard components.user == nil, components.password == nil else {
            throw NotifyError(
                .invalidInput, "url must not carry credentials; the signature authenticates each notification", zh: "url 不得含有凭据；每条通知由签名认证",
                field: "url")
        }
        guard url.utf8.count <= 2_000 else { throw NotifyError(.invalidInput, "url is longer than 2000 bytes", zh: "url 超过 2000 字节", field: "url") }
        guard events.count <= 50, events.allSatisfy({ !$0.isEmpty && $0.count <= 100 }) else {
            throw NotifyError(.invalidInput, "events must be at most 50 non-empty names", zh: "events 至多 50 个非空名称", field: "events")
        }
        if let trustRootsPEM { _ = try Self.certificates(trustRootsPEM, field: "trustRootsPEM") }
        switch (clientCertificatePEM, clientKeyPEM) {
        case (nil, nil): break
        case (let chain?, let key?):
            _ = try Self.certificates(chain, field: "clientCertificatePEM")
            _ = try Self.privateKey(key)
        default:
            throw NotifyError(
                .invalidInput, "clientCertificatePEM and clientKeyPEM go together", zh: "clientCertificatePEM 与 clientKeyPEM 须同时提供",
                field: "clientKeyPEM")
        }
    }

    static func certificates(_ pem: String, field: String) throws -> [NIOSSLCertificate] {
        guard let certificates = try? NIOSSLCertificate.fromPEMBytes(Array(pem.utf8)), !certificates.isEmpty else {
            throw NotifyError(.invalidInput, "\(field) holds no PEM certificate", zh: "\(field) 中没有 PEM 证书", field: field)
        }
        return certificates
    }

    static func privateKey(_ pem: String) throws -> NIOSSLPrivateKey {
        guard let key = try? NIOSSLPrivateKey(bytes: Array(pem.utf8), format: .pem) else {
            throw NotifyError(.invalidInput, "clientKeyPEM holds no PEM private key", zh: "clientKeyPEM 中没有 PEM 私钥", field: "clientKeyPEM")
        }
        return key
    }
}

/// A subscription as listed: no secret.
public struct SubscriptionSummary: Sendable, Codable, Equatable {
    public let id: Int64
    public let recipient: String
    public let url: String
    public let events: [String]
    public let active: Bool
    public let mutualTLS: Bool
    public let privateTrustRoots: Bool
    /// Until when the previous secret still signs, during a rotation.
    public let previousSecretUntil: Date?
}

extension Notifier {
    /// Registers an endpoint; returns its id and its signing secret, which is shown this once.
    public func subscribe(_ request: SubscriptionRequest) async throws -> (id: Int64, secret: String) {
        try request.validate()
        try await configuration.endpoints.check(host: URLComponents(string: request.url)?.host ?? "", unresolvable: .accept, field: "url")
        let secret = SecretBox.newSecret()
        let sealedKey = try request.clientKeyPEM.map { ByteBuffer(bytes: try secrets.seal($0)) }
        let rows = try await client.guardedQuery(
            """
            INSERT INTO notification_subscriptions
                (recipient, url, events, secret_sealed, trust_roots_pem, client_certificate_pem, client_key_sealed)
            VALUES (\(request.recipient), \(request.url), \(request.events), \(ByteBuffer(bytes: try secrets.seal(secret))),
                    \(request.trustRootsPEM), \(request.clientCertificatePEM), \(sealedKey))
            RETURNING id
            """, logger: logger)
        for id in try rows.decode(Int64.self) { return (id, secret) }
        throw NotifyError(.wrongState, "the subscription was not stored", zh: "订阅未能保存")
    }

    /// Replaces a subscription's secret; the old one keeps signing alongside for `overlap`, so
    /// that receivers can switch without dropping a notification. Returns the new secret.
    public func rotateSecret(subscription id: Int64, overlap: Duration = .seconds(86_400)) async throws -> String {
        guard overlap >= .zero, overlap <= .seconds(30 * 86_400) else {
            throw NotifyError(.invalidInput, "the overlap runs from 0 to 30 days", zh: "overlap 须为 0 至 30 天", field: "overlap")
        }
        let secret = SecretBox.newSecret()
        let rows = try await client.guardedQuery(
            """
            UPDATE notification_subscriptions
            SET previous_secret_sealed = secret_sealed, secret_sealed = \(ByteBuffer(bytes: try secrets.seal(secret))),
                previous_secret_until = now() + make_interval(secs => \(overlap.milliseconds / 1000)), updated_at = now()
            WHERE id = \(id) RETURNING id
            """, logger: logger)
        for _ in try rows.decode(Int64.self) { return secret }
        throw NotifyError(.notFound, "no subscription has the id \(id)", zh: "没有编号为 \(id) 的订阅")
    }

    /// Stops deliveries to a subscription; pending ones are dead-lettered when their turn comes.
    public func deactivate(subscription id: Int64) async throws {
        let rows = try await client.guardedQuery(
            """
            UPDATE notification_subscriptions SET active = false, updated_at = now() WHERE id = \(id) RETURNING id
            """, logger: logger)
        for _ in try rows.decode(Int64.self) { return }
        throw NotifyError(.notFound, "no subscription has the id \(id)", zh: "没有编号为 \(id) 的订阅")
    }

    /// One subscription, or a notFound error.
    public func subscription(_ id: Int64) async throws -> SubscriptionSummary {
        for summary in try await subscriptions(after: id - 1, limit: 1) where summary.id == id { return summary }
        throw NotifyError(.notFound, "no subscription has the id \(id)", zh: "没有编号为 \(id) 的订阅")
    }

    /// Subscriptions in id order after `after`, at most `limit`; with `recipient`, only its own.
    public func subscriptions(recipient: String? = nil, after: Int64 = 0, limit: Int = 100) async throws -> [SubscriptionSummary] {
        var summaries: [SubscriptionSummary] = []
        for (id, who, url, events, active, mutual, roots, until) in try await client.guardedQuery(
            """
            SELECT id, recipient, url, events, active, client_key_sealed IS NOT NULL, trust_roots_pem IS NOT NULL,
                   CASE WHEN previous_secret_until > now() THEN previous_secret_until END
            FROM notification_subscriptions
            WHERE id > \(after) AND (\(recipient)::text IS NULL OR recipient = \(recipient))
            ORDER BY id LIMIT \(min(max(limit, 1), 1_000))
            """, logger: logger
        ).decode((Int64, String, String, [String], Bool, Bool, Bool, Date?).self) {
            summaries.append(
                SubscriptionSummary(
                    id: id, recipient: who, url: url, events: events, active: active,
                    mutualTLS: mutual, privateTrustRoots: roots, previousSecretUntil: until))
        }
        return summaries
    }
}
