import Foundation
import JobQueue
import Notify
import NotifyTesting
import PostgresNIO
import PostgresSupport
import TestSupport
import Testing

@Suite("Notification delivery over TLS")
struct DeliveryTests {
    @Test("a notification is delivered once over HTTPS, signed, with its idempotency key; the log shows the attempt")
    func delivered() async throws {
        let certificates = try Certificates()
        try await withNotifier { notifier, client, database in
            let receiver = WebhookReceiver(tls: try WebhookReceiver.serverTLS(certificates.server), secrets: [], logger: database.logger)
            try await withReceiver(receiver, logger: database.logger) { url in
                let (id, secret) = try await notifier.subscribe(
                    SubscriptionRequest(
                        recipient: "institution:inst", url: url, events: ["result"], trustRootsPEM: try certificates.caPEM))
                receiver.setSecrets([secret])
                try await owe(client, key: "result:application:7:institution:inst")
                try await owe(client, key: "other:1", event: "round closed")  // an event the subscription does not want
                try await owe(client, key: "other:2", recipient: "institution:elsewhere")  // someone else's
                try await eventually("the notification is delivered") {
                    try await deliveryState(client, key: "result:application:7:institution:inst") == "delivered"
                }
                #expect(receiver.accepted.map(\.idempotencyKey) == ["result:application:7:institution:inst"])
                #expect(receiver.badSignatures == 0)
                let body = try JSONSerialization.jsonObject(with: Data(receiver.accepted[0].body)) as? [String: Any]
                #expect(body?["event"] as? String == "result" && body?["recipient"] as? String == "institution:inst")
                #expect((body?["data"] as? [String: Any])?["subject"] as? String == "application:7")
                #expect(try await client.scalar("SELECT count(*)::int FROM notification_deliveries") == 1)
                #expect(try await client.scalar("SELECT count(*)::int FROM notification_outbox WHERE dispatched_at IS NULL") == 0)
                #expect(try await client.scalar("SELECT count(*)::int FROM notification_outbox WHERE delivered_at IS NOT NULL") == 1)
                let delivery = try await client.scalar("SELECT id::int FROM notification_deliveries")
                let log = try await notifier.deliveryLog(Int64(delivery))
                #expect(log.count == 1 && log[0].statusCode == 200 && log[0].error == nil)
                #expect(try await notifier.subscriptions().map(\.id) == [id])
                let host = URL(string: url)?.host?.lowercased() ?? ""
                #expect(
                    try await client.scalar("SELECT count(*)::int FROM jobs WHERE kind = 'notify.deliver' AND args ->> 'host' = \(host)") == 1,
                    "the delivery job names its receiving host, the key of the per-host limit")
                #expect(
                    try await client.scalar(
                        "SELECT key_concurrency FROM job_limits WHERE queue = 'notify' AND kind = 'notify.deliver' AND key_field = 'host'") == 16,
                    "at most 16 deliveries at once per receiving host, across all workers")
            }
        }
    }

    @Test("deliveries verify with PyPI's standardwebhooks, as a receiver would; a changed body or an old timestamp does not")
    func standardWebhooks() async throws {
        let certificates = try Certificates()
        try await withNotifier { notifier, client, database in
            let receiver = WebhookReceiver(tls: try WebhookReceiver.serverTLS(certificates.server), secrets: [], logger: database.logger)
            try await withReceiver(receiver, logger: database.logger) { url in
                let (_, secret) = try await notifier.subscribe(
                    SubscriptionRequest(
                        recipient: "institution:inst", url: url, trustRootsPEM: try certificates.caPEM))
                receiver.setSecrets([secret])
                try await owe(client, key: "result:application:9:institution:inst")
                try await eventually("the notification is delivered") {
                    try await deliveryState(client, key: "result:application:9:institution:inst") == "delivered"
                }
                let delivered = try #require(receiver.accepted.first)
                #expect(delivered.standardHeaders["webhook-id"] == "result:application:9:institution:inst")
                #expect(try await StandardWebhooksVerifier.verify(secret: secret, body: delivered.body, headers: delivered.standardHeaders) == "ok")
                var changed = delivered.body
                changed[changed.count / 2] ^= 0x01
                #expect(
                    try await StandardWebhooksVerifier.verify(secret: secret, body: changed, headers: delivered.standardHeaders)
                        == "WebhookVerificationError")
                var replayed = delivered.standardHeaders
                replayed["webhook-timestamp"] = String((Int(replayed["webhook-timestamp"] ?? "0") ?? 0) - 3_600)
                #expect(
                    try await StandardWebhooksVerifier.verify(secret: secret, body: delivered.body, headers: replayed) == "WebhookVerificationError")
            }
        }
    }

    @Test("a resolved name is connected to the address that was checked, and its certificate is still verified by the name")
    func pinnedToCheckedAddress() async throws {
        let ca = try DevelopmentCA()
        let nameOnly = try ca.issueServer(hosts: ["localhost"])  // no 127.0.0.1: verification must use the name
        var loopbackNetwork = fastConfiguration
        loopbackNetwork.endpoints = try EndpointPolicy(allowing: ["127.0.0.0/8"])  // the network, not the name
        try await withNotifier(configuration: loopbackNetwork) { notifier, client, database in
            let receiver = WebhookReceiver(tls: try WebhookReceiver.serverTLS(nameOnly), secrets: [], logger: database.logger)
            try await withReceiver(receiver, logger: database.logger) { url in
                let (_, secret) = try await notifier.subscribe(
                    SubscriptionRequest(
                        recipient: "institution:inst", url: url, trustRootsPEM: try ca.certificatePEM))
                receiver.setSecrets([secret])
                try await owe(client, key: "result:application:6:institution:inst")
                try await eventually("the notification is delivered") {
                    try await deliveryState(client, key: "result:application:6:institution:inst") == "delivered"
                }
                #expect(receiver.accepted.count == 1)
            }
        }
    }

    @Test("a name that resolves to loopback at delivery time gets nothing, though it was allowed when subscribed")
    func connectTimeCheck() async throws {
        let certificates = try Certificates()
        var publicOnly = fastConfiguration
        publicOnly.endpoints = .publicOnly
        try await withNotifier(configuration: publicOnly) { _, client, database in
            let receiver = WebhookReceiver(tls: try WebhookReceiver.serverTLS(certificates.server), secrets: [], logger: database.logger)
            try await withReceiver(receiver, logger: database.logger) { url in
                // Subscribed through a notifier whose operator allowed localhost, as if the name had
                // pointed elsewhere then; the delivering workers allow public addresses only.
                let subscriber = Notifier(client: client, secrets: .ephemeral(), configuration: fastConfiguration, logger: database.logger)
                let (_, secret) = try await subscriber.subscribe(
                    SubscriptionRequest(
                        recipient: "institution:inst", url: url, trustRootsPEM: try certificates.caPEM))
                receiver.setSecrets([secret])
                try await owe(client, key: "result:application:8:institution:inst")
                try await eventually("the delivery is dead-lettered") {
                    try await deliveryState(client, key: "result:application:8:institution:inst") == "dead"
                }
                #expect(receiver.requests == 0, "nothing reached the loopback receiver")
                #expect(
                    try await client.scalar(
                        """
                        SELECT count(*)::int FROM notification_deliveries WHERE last_error LIKE '%loopback%public addresses only%'
                        """) == 1)
            }
        }
    }

    @Test("receivers with an untrusted, an expired or a wrong-host certificate get nothing: refused, retried, dead-lettered")
    func badCertificates() async throws {
        let certificates = try Certificates()
        let stranger = try DevelopmentCA(name: "someone else's CA")
        let cases: [(String, DevelopmentCA.Issued)] = [
            ("untrusted", try stranger.issueServer(hosts: ["localhost"])),
            (
                "expired",
                try certificates.ca.issueServer(
                    hosts: ["localhost"], notBefore: Date().addingTimeInterval(-86_400 * 30),
                    notAfter: Date().addingTimeInterval(-86_400))
            ),
            ("wrong host", try certificates.ca.issueServer(hosts: ["wrong.example"])),
        ]
        try await withNotifier { notifier, client, database in
            for (name, issued) in cases {
                let receiver = WebhookReceiver(tls: try WebhookReceiver.serverTLS(issued), secrets: [], logger: database.logger)
                try await withReceiver(receiver, logger: database.logger) { url in
                    let (_, secret) = try await notifier.subscribe(
                        SubscriptionRequest(
                            recipient: "institution:\(name.replacingOccurrences(of: " ", with: "-"))", url: url, trustRootsPEM: try certificates.caPEM
                        ))
                    receiver.setSecrets([secret])
                    let key = "cert-case:\(name)"
                    try await owe(client, key: key, recipient: "institution:\(name.replacingOccurrences(of: " ", with: "-"))")
                    try await eventually(timeout: .seconds(90), "the \(name) receiver's delivery is dead-lettered") {
                        try await deliveryState(client, key: key) == "dead"
                    }
                    #expect(receiver.requests == 0, "no request reached the \(name) receiver")
                    let dead = try await notifier.deadDeliveries().first { $0.idempotencyKey == key }
                    #expect(dead?.attempts == fastConfiguration.maxAttempts, "\(name): retried up to the last attempt")
                    #expect(
                        dead?.lastError?.contains("TLS") == true || dead?.lastError?.lowercased().contains("certificate") == true,
                        "\(name): \(dead?.lastError ?? "no error")")
                }
            }
        }
    }

    @Test("mutual TLS: a subscription with the client certificate is delivered; one without is refused by the receiver")
    func mutualTLS() async throws {
        let certificates = try Certificates()
        let client = try certificates.ca.issueClient(name: "assess-notify")
        try await withNotifier { notifier, db, database in
            let receiver = WebhookReceiver(
                tls: try WebhookReceiver.serverTLS(certificates.server, clientCA: certificates.ca),
                secrets: [], logger: database.logger)
            try await withReceiver(receiver, logger: database.logger) { url in
                let (_, withCertificate) = try await notifier.subscribe(
                    SubscriptionRequest(
                        recipient: "institution:mutual", url: url, trustRootsPEM: try certificates.caPEM,
                        clientCertificatePEM: client.certificatePEM, clientKeyPEM: client.keyPEM))
                let (_, without) = try await notifier.subscribe(
                    SubscriptionRequest(
                        recipient: "institution:plain", url: url, trustRootsPEM: try certificates.caPEM))
                receiver.setSecrets([withCertificate, without])
                try await owe(db, key: "mtls:1", recipient: "institution:mutual")
                try await owe(db, key: "mtls:2", recipient: "institution:plain")
                try await eventually("both deliveries end") {
                    let first = try await deliveryState(db, key: "mtls:1")
                    let second = try await deliveryState(db, key: "mtls:2")
                    return first == "delivered" && second == "dead"
                }
                #expect(receiver.accepted.map(\.idempotencyKey) == ["mtls:1"])
                // Not a count of all requests: on a loaded machine a slow first request times out and is sent again.
                #expect(receiver.requests(forKey: "mtls:2") == 0, "without the client certificate nothing reached the receiver")
            }
        }
    }

    @Test("a receiver that fails twice then succeeds accepts exactly one delivery; 429 waits its Retry-After; 400 is not retried")
    func retries() async throws {
        let certificates = try Certificates()
        try await withNotifier { notifier, client, database in
            let receiver = WebhookReceiver(tls: try WebhookReceiver.serverTLS(certificates.server), secrets: [], logger: database.logger) { attempt in
                (attempt <= 2 ? 503 : 200, nil)
            }
            let limited = WebhookReceiver(tls: try WebhookReceiver.serverTLS(certificates.server), secrets: [], logger: database.logger) { attempt in
                attempt == 1 ? (429, 1) : (200, nil)
            }
            let refusing = WebhookReceiver(tls: try WebhookReceiver.serverTLS(certificates.server), secrets: [], logger: database.logger) { _ in
                (400, nil)
            }
            try await withReceiver(receiver, logger: database.logger) { flakyURL in
                try await withReceiver(limited, logger: database.logger) { limitedURL in
                    try await withReceiver(refusing, logger: database.logger) { refusingURL in
                        for (recipient, url, target) in [
                            ("institution:flaky", flakyURL, receiver), ("institution:limited", limitedURL, limited),
                            ("institution:refusing", refusingURL, refusing),
                        ] {
                            let (_, secret) = try await notifier.subscribe(
                                SubscriptionRequest(
                                    recipient: recipient, url: url, trustRootsPEM: try certificates.caPEM))
                            target.setSecrets([secret])
                        }
                        try await owe(client, key: "flaky", recipient: "institution:flaky")
                        try await owe(client, key: "limited", recipient: "institution:limited")
                        try await owe(client, key: "refused", recipient: "institution:refusing")
                        // About 17 s alone, most of it the retries' backoff; on two busy cores, with the
                        // whole suite alongside, it went past 30 s once: the bound is for a hang, not speed.
                        try await eventually(timeout: .seconds(90), "all three end") {
                            let flaky = try await deliveryState(client, key: "flaky")
                            let limited = try await deliveryState(client, key: "limited")
                            let refused = try await deliveryState(client, key: "refused")
                            return flaky == "delivered" && limited == "delivered" && refused == "dead"
                        }
                        #expect(receiver.requests == 3 && receiver.accepted.count == 1)
                        #expect(refusing.requests == 1, "a 400 is final")
                        #expect(
                            try await client.scalar(
                                """
                                SELECT count(*)::int FROM notification_attempts a JOIN notification_deliveries d ON d.id = a.delivery_id
                                JOIN notification_outbox o ON o.id = d.outbox_id WHERE o.idempotency_key = 'flaky'
                                """) == 3)
                        let gap = try await client.scalar(
                            """
                            SELECT (extract(epoch FROM max(a.at) - min(a.at)) * 1000)::int FROM notification_attempts a
                            JOIN notification_deliveries d ON d.id = a.delivery_id JOIN notification_outbox o ON o.id = d.outbox_id
                            WHERE o.idempotency_key = 'limited'
                            """)
                        #expect(gap >= 950, "the retry waited for Retry-After: 1 (\(gap) ms)")
                    }
                }
            }
        }
    }

    @Test("a receiver that is down throughout ends dead-lettered, and a re-drive delivers once it is up")
    func deadLetterAndRedrive() async throws {
        let certificates = try Certificates()
        try await withNotifier { notifier, client, database in
            let port = try freeLoopbackPortForTests()
            let (_, secret) = try await notifier.subscribe(
                SubscriptionRequest(
                    recipient: "institution:inst", url: "https://localhost:\(port)/hook", trustRootsPEM: try certificates.caPEM))
            try await owe(client, key: "down")
            // About 17 s alone on this machine, and past 30 s beside the whole suite: see the session note.
            try await eventually(timeout: .seconds(90), "the delivery is dead-lettered") { try await deliveryState(client, key: "down") == "dead" }
            let dead = try await notifier.deadDeliveries()
            #expect(dead.count == 1 && dead[0].attempts == fastConfiguration.maxAttempts)
            let receiver = WebhookReceiver(tls: try WebhookReceiver.serverTLS(certificates.server), secrets: [secret], logger: database.logger)
            try await withReceiver(receiver, port: port, logger: database.logger) { _ in
                #expect(try await notifier.redrive([dead[0].id]) == 1)
                try await eventually("the re-driven delivery arrives") { try await deliveryState(client, key: "down") == "delivered" }
                #expect(receiver.accepted.map(\.idempotencyKey) == ["down"])
                #expect(try await notifier.deadDeliveries().isEmpty)
                await #expect(throws: NotifyError.self) { try await notifier.redrive([dead[0].id]) }
            }
        }
    }

    @Test("secret rotation: during the overlap both secrets sign, so receivers on either secret accept")
    func rotation() async throws {
        let certificates = try Certificates()
        try await withNotifier { notifier, client, database in
            let oldSide = WebhookReceiver(tls: try WebhookReceiver.serverTLS(certificates.server), secrets: [], logger: database.logger)
            try await withReceiver(oldSide, logger: database.logger) { url in
                let (id, old) = try await notifier.subscribe(
                    SubscriptionRequest(
                        recipient: "institution:inst", url: url,
                        trustRootsPEM: try certificates.caPEM))
                oldSide.setSecrets([old])
                let new = try await notifier.rotateSecret(subscription: id, overlap: .seconds(3_600))
                #expect(new != old)
                try await owe(client, key: "rotated:1")
                try await eventually("delivered to a receiver still on the old secret") {
                    try await deliveryState(client, key: "rotated:1") == "delivered"
                }
                oldSide.setSecrets([new])
                try await owe(client, key: "rotated:2")
                try await eventually("delivered to a receiver on the new secret") { try await deliveryState(client, key: "rotated:2") == "delivered" }
                #expect(oldSide.badSignatures == 0)
                _ = try await notifier.rotateSecret(subscription: id, overlap: .zero)
                try await owe(client, key: "rotated:3")
                try await eventually("after an overlap of zero the replaced secret no longer signs") {
                    try await deliveryState(client, key: "rotated:3") == "dead"
                }
                #expect(oldSide.badSignatures >= 1)
            }
        }
    }
}

func freeLoopbackPortForTests() throws -> Int { try PostgresSupport.freeLoopbackPort() }
