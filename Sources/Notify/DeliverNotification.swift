import AsyncHTTPClient
import Foundation
import JobQueue
import NIOCore
import NIOHTTP1
import NIOSSL
import PostgresNIO

/// POSTs one notification to one subscription's endpoint, signed, and records the attempt.
///
/// 2xx delivers. Network and TLS failures, 5xx and 429 retry with exponential backoff (at least
/// the receiver's Retry-After); any other status is final. A delivery that ends, delivered or
/// dead-lettered, is written in the transaction that completes the job; an attempt that will be
/// retried is logged on its own first, since the job's failure rolls nothing back.
public struct DeliverNotification: JobArgs {
    public static let kind = "notify.deliver"
    /// The delivery row.
    public var delivery: Int64
    /// The receiving host, lower-cased: the key of the per-host limit (`Migrations/sql/0038`),
    /// so that however many workers run, one receiver gets only so many deliveries at once.
    /// Jobs enqueued before it existed share the empty key.
    public var host: String?

    public init(delivery: Int64, host: String?) {
        self.delivery = delivery
        self.host = host
    }

    struct Handler: JobHandler {
        let notifier: Notifier
        let http: DeliveryHTTP

        func handle(_ args: DeliverNotification, context: JobContext) async throws {
            guard let delivery = try await notifier.loadDelivery(args.delivery) else {
                try await context.withTransaction { _ in }  // delivered, dead or gone meanwhile
                return
            }
            guard delivery.active else {
                try await context.withTransaction {
                    try await notifier.finish(delivery, as: .dead, attempt: nil, error: "the subscription was deactivated", on: $0)
                }
                return
            }
            let started = ContinuousClock.now
            let outcome = await notifier.post(delivery, over: http)
            let attempt = Attempt(statusCode: outcome.statusCode, latency: ContinuousClock.now - started, error: outcome.error)
            switch outcome.verdict {
            case .delivered:
                try await context.withTransaction { try await notifier.finish(delivery, as: .delivered, attempt: attempt, error: nil, on: $0) }
            case .final:
                try await context.withTransaction { try await notifier.finish(delivery, as: .dead, attempt: attempt, error: outcome.error, on: $0) }
            case .retry(let retryAfter):
                let reason = outcome.error ?? "failed"
                if context.job.attempt >= context.job.maxAttempts {
                    try await context.withTransaction {
                        try await notifier.finish(
                            delivery, as: .dead, attempt: attempt,
                            error: "\(reason) (after \(context.job.attempt) attempts)", on: $0)
                    }
                    return
                }
                try await notifier.transaction { try await notifier.record(attempt, of: delivery, error: reason, on: $0) }
                let backoff = notifier.configuration.backoff(afterAttempt: context.job.attempt)
                throw JobControl.retry(after: max(backoff, min(retryAfter ?? .zero, notifier.configuration.maxRetryAfter)), reason: reason)
            }
        }
    }
}

/// A delivery with everything its request needs.
struct PendingDelivery: Sendable {
    let id: Int64
    let outboxID: Int64
    let idempotencyKey: String
    let event: String
    let body: [UInt8]
    let subscription: Int64
    let subscriptionVersion: Date
    let url: String
    let active: Bool
    let secretSealed: [UInt8]
    let previousSecretSealed: [UInt8]?
    let trustRootsPEM: String?
    let clientCertificatePEM: String?
    let clientKeySealed: [UInt8]?
}

struct Attempt: Sendable {
    let statusCode: Int?
    let latency: Duration
    let error: String?
}

struct PostOutcome: Sendable {
    enum Verdict: Sendable {
        case delivered
        case retry(after: Duration?)
        case final
    }
    let verdict: Verdict
    let statusCode: Int?
    let error: String?
}

enum DeliveryEnd: String {
    case delivered, dead
}

extension Notifier {
    /// The delivery if it is still pending; its body is the outbox row as JSON, built once here.
    func loadDelivery(_ id: Int64) async throws -> PendingDelivery? {
        let rows = try await client.guardedQuery(
            """
            SELECT d.id, o.id, o.idempotency_key, o.event,
                   jsonb_build_object('id', o.idempotency_key, 'event', o.event, 'recipient', o.recipient,
                                      'created_at', o.created_at, 'data', o.payload)::text,
                   s.id, s.updated_at, s.url, s.active, s.secret_sealed,
                   CASE WHEN s.previous_secret_until > now() THEN s.previous_secret_sealed END,
                   s.trust_roots_pem, s.client_certificate_pem, s.client_key_sealed
            FROM notification_deliveries d
            JOIN notification_outbox o ON o.id = d.outbox_id
            JOIN notification_subscriptions s ON s.id = d.subscription_id
            WHERE d.id = \(id) AND d.state = 'pending'
            """, logger: logger)
        for row in try rows.decode(
            (Int64, Int64, String, String, String, Int64, Date, String, Bool, ByteBuffer, ByteBuffer?, String?, String?, ByteBuffer?).self)
        {
            return PendingDelivery(
                id: row.0, outboxID: row.1, idempotencyKey: row.2, event: row.3, body: Array(row.4.utf8), subscription: row.5,
                subscriptionVersion: row.6, url: row.7, active: row.8, secretSealed: Array(buffer: row.9),
                previousSecretSealed: row.10.map { Array(buffer: $0) }, trustRootsPEM: row.11, clientCertificatePEM: row.12,
                clientKeySealed: row.13.map { Array(buffer: $0) })
        }
        return nil
    }

    /// One HTTPS POST; never throws: every failure is an outcome to record.
    func post(_ delivery: PendingDelivery, over http: DeliveryHTTP) async -> PostOutcome {
        do {
            // Again at every delivery: the name's DNS answer may have changed since it was subscribed.
            // The connection then goes to the address checked, not to a second answer (PinnedHTTPClients).
            let host = URLComponents(string: delivery.url)?.host ?? ""
            let vetted = try await configuration.endpoints.check(host: host, unresolvable: .retry, field: nil)
            var request = HTTPClientRequest(url: delivery.url)
            request.method = .POST
            request.tlsConfiguration = try tlsConfiguration(for: delivery)
            var secretsInForce = [try secrets.open(delivery.secretSealed)]
            if let previous = delivery.previousSecretSealed { secretsInForce.append(try secrets.open(previous)) }
            let timestamp = Int64(Date().timeIntervalSince1970)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "assess-notify/1")
            request.headers.add(name: "Assess-Idempotency-Key", value: delivery.idempotencyKey)
            request.headers.add(name: "Assess-Event", value: delivery.event)
            request.headers.add(name: "Assess-Delivery", value: "\(delivery.id)")
            request.headers.add(
                name: WebhookSignature.headerName,
                value: WebhookSignature.header(body: delivery.body, timestamp: timestamp, secrets: secretsInForce))
            for (name, value) in WebhookSignature.standardHeaders(
                id: delivery.idempotencyKey, timestamp: timestamp, body: delivery.body, secrets: secretsInForce)
            {
                request.headers.add(name: name, value: value)
            }
            request.body = .bytes(ByteBuffer(bytes: delivery.body))
            let timeout = TimeAmount.nanoseconds(configuration.requestTimeout.nanoseconds)
            let prepared = request
            let send = { @Sendable (client: HTTPClient) async throws -> HTTPClientResponse in
                let response = try await client.execute(prepared, timeout: timeout)
                // Read (and drop) the body, so that the connection can serve the next delivery.
                var remaining = 64 * 1024
                for try await chunk in response.body {
                    remaining -= chunk.readableBytes
                    if remaining < 0 { break }
                }
                return response
            }
            let response: HTTPClientResponse
            if let vetted {
                response = try await http.pinned.with(host: host, address: vetted.description) { try await send($0) }
            } else {
                response = try await send(http.shared)
            }
            let code = Int(response.status.code)
            switch code {
            case 200..<300:
                return PostOutcome(verdict: .delivered, statusCode: code, error: nil)
            case 429, 500..<600:
                return PostOutcome(
                    verdict: .retry(after: Self.retryAfter(response.headers.first(name: "Retry-After"))),
                    statusCode: code, error: "the endpoint answered \(code)")
            case 300..<400:
                return PostOutcome(verdict: .final, statusCode: code, error: "the endpoint answered \(code); redirects are not followed")
            default:
                return PostOutcome(verdict: .final, statusCode: code, error: "the endpoint answered \(code)")
            }
        } catch let error as NotifyError {
            return PostOutcome(verdict: .final, statusCode: nil, error: error.message)
        } catch {
            return PostOutcome(verdict: .retry(after: nil), statusCode: nil, error: Self.describe(error))
        }
    }

    /// The subscription's TLS: the base settings, its own trust roots instead of the system's,
    /// and its client certificate when it has one.
    func tlsConfiguration(for delivery: PendingDelivery) throws -> TLSConfiguration {
        try tlsCache.configuration(subscription: delivery.subscription, version: delivery.subscriptionVersion) {
            var tls = Self.baseTLS()
            if let roots = delivery.trustRootsPEM {
                tls.trustRoots = .certificates(try SubscriptionRequest.certificates(roots, field: "trustRootsPEM"))
            }
            if let chain = delivery.clientCertificatePEM, let sealedKey = delivery.clientKeySealed {
                tls.certificateChain = try SubscriptionRequest.certificates(chain, field: "clientCertificatePEM").map { .certificate($0) }
                tls.privateKey = .privateKey(try SubscriptionRequest.privateKey(try secrets.open(sealedKey)))
            }
            return tls
        }
    }

    /// Writes an attempt to the delivery log and counts it.
    func record(_ attempt: Attempt, of delivery: PendingDelivery, error: String?, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            WITH counted AS (
                UPDATE notification_deliveries SET attempts = attempts + 1, last_error = \(error)
                WHERE id = \(delivery.id) RETURNING attempts
            )
            INSERT INTO notification_attempts (delivery_id, attempt, status_code, latency_ms, error)
            SELECT \(delivery.id), attempts, \(attempt.statusCode), \(attempt.latency.milliseconds), \(error) FROM counted
            """, logger: logger)
    }

    /// Ends a delivery: records the attempt (if one was made) and the final state; once every
    /// delivery of its outbox row is delivered, the row is marked delivered too.
    func finish(
        _ delivery: PendingDelivery, as end: DeliveryEnd, attempt: Attempt?, error: String?,
        on connection: PostgresConnection
    ) async throws {
        if let attempt { try await record(attempt, of: delivery, error: error, on: connection) }
        try await connection.query(
            """
            UPDATE notification_deliveries SET state = \(end.rawValue), last_error = \(error), finished_at = now()
            WHERE id = \(delivery.id) AND state = 'pending'
            """, logger: logger)
        if end == .delivered {
            try await connection.query(
                """
                UPDATE notification_outbox SET delivered_at = now()
                WHERE id = \(delivery.outboxID) AND delivered_at IS NULL
                  AND NOT EXISTS (SELECT 1 FROM notification_deliveries WHERE outbox_id = \(delivery.outboxID) AND state <> 'delivered')
                """, logger: logger)
        }
    }

    /// Retry-After as seconds or an HTTP date.
    static func retryAfter(_ value: String?) -> Duration? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        if let seconds = Int(value), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: value) else { return nil }
        return .milliseconds(Int64(max(0, date.timeIntervalSinceNow) * 1000))
    }

    /// A failure in a line for the delivery log: the kind of failure, never the URL (it may carry a token).
    static func describe(_ error: any Error) -> String {
        let text: String
        switch error {
        case let error as NIOSSLError: text = "TLS failed: \(error)"
        case let error as BoringSSLError: text = "TLS failed: \(error)"
        case let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout:
            text = "timed out: \(error)"
        default: text = "\(error)"
        }
        return String(text.prefix(500))
    }
}
