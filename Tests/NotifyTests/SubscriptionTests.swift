import Foundation
import JobQueue
import Notify
import PostgresNIO
import TestSupport
import Testing

@Suite("Subscriptions, signatures and the delivery log")
struct SubscriptionTests {
    @Test("the outbox trigger asks for a dispatch in the notifier's queue, by the dispatch job's kind: the SQL and the Swift agree")
    func outboxTriggerNamesTheSwiftQueue() async throws {
        try await TestDatabase.with { client, _ in
            try await client.query(
                """
                INSERT INTO notification_outbox (idempotency_key, recipient, event, payload) VALUES ('pin', 'bureau', 'registered', '{}')
                """)
            let rows = try await client.query("SELECT queue, kind FROM jobs").decode((String, String).self)
            var jobs: [String] = []
            for try await (queue, kind) in rows { jobs.append("\(queue) \(kind)") }
            #expect(jobs == ["\(NotifyConfiguration.queueName) \(DispatchNotifications.kind)"])
        }
    }

    @Test("registration refuses http://, bad recipients, broken PEM and half a client identity, naming the field; nothing is stored")
    func refusals() async throws {
        let certificates = try Certificates()
        let client = try certificates.ca.issueClient(name: "c")
        try await withNotifier { notifier, db, _ in
            let valid = SubscriptionRequest(recipient: "institution:inst", url: "https://hooks.example/assess")
            var cases: [(SubscriptionRequest, String, String)] = []
            var plain = valid
            plain.url = "http://hooks.example/assess"
            cases.append((plain, "url", "https://"))
            var credentials = valid
            credentials.url = "https://user:password@hooks.example/assess"
            cases.append((credentials, "url", "credentials"))
            var recipient = valid
            recipient.recipient = "everyone"
            cases.append((recipient, "recipient", "institution:<id>"))
            var roots = valid
            roots.trustRootsPEM = "not a certificate"
            cases.append((roots, "trustRootsPEM", "no PEM certificate"))
            var half = valid
            half.clientCertificatePEM = client.certificatePEM
            cases.append((half, "clientKeyPEM", "go together"))
            var badKey = half
            badKey.clientKeyPEM = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
            cases.append((badKey, "clientKeyPEM", "no PEM private key"))
            for (request, field, text) in cases {
                do {
                    _ = try await notifier.subscribe(request)
                    Issue.record("accepted \(request)")
                } catch let error as NotifyError {
                    #expect(error.code == .invalidInput && error.field == field && error.message.contains(text), "\(error)")
                }
            }
            #expect(try await db.scalar("SELECT count(*)::int FROM notification_subscriptions") == 0)
            _ = try await notifier.subscribe(valid)
            await #expect(throws: NotifyError.self) { try await notifier.rotateSecret(subscription: 999) }
            await #expect(throws: NotifyError.self) { try await notifier.deactivate(subscription: 999) }
            // The secret is sealed at rest: the stored bytes are not the secret.
            let (id, secret) = try await notifier.subscribe(valid)
            #expect(
                try await db.scalar(
                    """
                    SELECT count(*)::int FROM notification_subscriptions WHERE id = \(id) AND position(convert_to(\(secret), 'UTF8') IN secret_sealed) > 0
                    """) == 0)
        }
    }

    @Test("webhooks cannot reach inside: loopback, private, link-local, CGNAT, unique-local, multicast and mapped forms are refused")
    func internalAddressesRefused() async throws {
        var publicOnly = fastConfiguration
        publicOnly.endpoints = .publicOnly
        try await withNotifier(configuration: publicOnly) { notifier, db, _ in
            let refused = [
                "https://169.254.169.254/latest/meta-data", "https://10.0.0.1/", "https://[::1]:5432/", "https://localhost:22/",
                "https://127.1.2.3/hook", "https://172.16.5.4/", "https://192.168.1.1/", "https://100.64.1.1/", "https://0.0.0.0/",
                "https://[::ffff:127.0.0.1]/", "https://[::ffff:a9fe:a9fe]/", "https://[fd00::1]/", "https://[fe80::1]/",
                "https://224.0.0.1/", "https://[ff02::1]/", "https://[::]/", "https://[64:ff9b::a00:1]/", "https://[2002:c0a8:101::1]/",
            ]
            for url in refused {
                do {
                    _ = try await notifier.subscribe(SubscriptionRequest(recipient: "institution:inst", url: url))
                    Issue.record("accepted \(url)")
                } catch let error as NotifyError {
                    #expect(
                        error.code == .invalidInput && error.field == "url" && error.message.contains("public addresses only"), "\(url): \(error)")
                }
            }
            #expect(try await db.scalar("SELECT count(*)::int FROM notification_subscriptions") == 0)
            // Public addresses, and names that do not resolve yet (they are checked again at every delivery).
            for url in ["https://8.8.8.8/hook", "https://[2606:4700::1111]/hook", "https://hooks.example/hook"] {
                _ = try await notifier.subscribe(SubscriptionRequest(recipient: "institution:inst", url: url))
            }
        }
        let gateway = try EndpointPolicy(allowing: ["10.20.0.0/16", "gateway.internal"])
        var allowing = fastConfiguration
        allowing.endpoints = gateway
        try await withNotifier(configuration: allowing) { notifier, _, _ in
            _ = try await notifier.subscribe(SubscriptionRequest(recipient: "institution:inst", url: "https://10.20.1.1/hook"))
            _ = try await notifier.subscribe(SubscriptionRequest(recipient: "institution:inst", url: "https://gateway.internal/hook"))
            await #expect(throws: NotifyError.self, "only the allowed network") {
                try await notifier.subscribe(SubscriptionRequest(recipient: "institution:inst", url: "https://10.21.0.1/hook"))
            }
        }
        #expect(throws: NotifyError.self) { try EndpointPolicy(allowing: ["10.0.0.0/33"]) }
    }

    @Test("a signature verifies for its body and secret only, and not when too old")
    func signatures() {
        let body = Array(#"{"event":"result"}"#.utf8)
        let now = Date()
        let header = WebhookSignature.header(body: body, timestamp: Int64(now.timeIntervalSince1970), secrets: ["whsec_a", "whsec_b"])
        #expect(WebhookSignature.verify(header: header, body: body, secret: "whsec_a", now: now))
        #expect(WebhookSignature.verify(header: header, body: body, secret: "whsec_b", now: now))
        #expect(!WebhookSignature.verify(header: header, body: body, secret: "whsec_c", now: now))
        #expect(!WebhookSignature.verify(header: header, body: Array(#"{"event":"resulT"}"#.utf8), secret: "whsec_a", now: now))
        #expect(!WebhookSignature.verify(header: header, body: body, secret: "whsec_a", now: now.addingTimeInterval(301)))
        #expect(!WebhookSignature.verify(header: "t=abc,v1=zz", body: body, secret: "whsec_a", now: now))
    }

    @Test("pruning drops delivery-log attempts older than the retention and keeps the rest")
    func pruning() async throws {
        try await withNotifier { notifier, db, database in
            let (subscription, _) = try await notifier.subscribe(SubscriptionRequest(recipient: "institution:x", url: "https://hooks.example/a"))
            try await owe(db, key: "pruned", recipient: "institution:x")
            try await eventually("the delivery exists") {
                try await db.scalar("SELECT count(*)::int FROM notification_deliveries") == 1
            }
            try await notifier.deactivate(subscription: subscription)
            try await db.query(
                """
                INSERT INTO notification_attempts (delivery_id, attempt, at, status_code, latency_ms)
                SELECT id, n, now() - make_interval(days => n * 10), 503, 1 FROM notification_deliveries, generate_series(1, 5) AS n
                """)
            let queue = JobQueueClient(client: db, logger: database.logger)
            _ = try await queue.enqueue(
                PruneDeliveryLog(retentionSeconds: 25 * 86_400),
                options: .init(queue: NotifyConfiguration.queueName))
            try await eventually("attempts older than 25 days are gone") {
                try await db.scalar("SELECT count(*)::int FROM notification_attempts WHERE status_code = 503") == 2
            }
        }
    }
}
