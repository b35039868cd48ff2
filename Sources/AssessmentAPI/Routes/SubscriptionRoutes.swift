import Foundation
import Hummingbird
import Notify
import Workflow

/// Webhook subscriptions: institutions, reviewers and applicants for their own notifications, the
/// bureau for any recipient (platforms, `applicant:*`).
struct SubscriptionRoutes {
    let notifier: Notifier

    var endpoints: Endpoints {
        var routes = Endpoints(audience: "subscriptions")
        routes.add(
            .post, "/v1/subscriptions", "Subscribe an HTTPS endpoint to my notifications; the secret is shown once", access: .recipient,
            body: SubscribeBody.self, reply: .created(SubscriptionSecretView.self, "Subscribed"), refuses: [404]
        ) { _, context, body in
            let own = try context.recipient()
            if let named = body.recipient, named != own.description, own != .bureau {
                throw Problem(.forbidden, "you may subscribe to your own notifications (\(own)) only", zh: "只能订阅您自己的通知（\(own)）")
            }
            let (id, secret) = try await notifier.subscribe(
                SubscriptionRequest(
                    recipient: body.recipient ?? own.description, url: body.url, events: body.events ?? [], trustRootsPEM: body.trustRootsPEM,
                    clientCertificatePEM: body.clientCertificatePEM, clientKeyPEM: body.clientKeyPEM))
            return SubscriptionSecretView(id: id, secret: secret)
        }
        routes.add(
            .get, "/v1/subscriptions", "My subscriptions (the bureau: all)", access: .recipient, query: QueryParameter.page,
            reply: .ok(Page<SubscriptionView>.self, "A page")
        ) { request, context in
            let own = try context.recipient()
            let (after, limit) = try request.page()
            let items = try await notifier.subscriptions(recipient: own == .bureau ? nil : own.description, after: after, limit: limit)
            return Page(items, limit: limit, key: \.id, item: SubscriptionView.init)
        }
        routes.add(
            .post, "/v1/subscriptions/{id}/rotate-secret", "A new signing secret; the old one signs too during the overlap",
            access: .recipient, body: RotateBody.self, reply: .ok(SubscriptionSecretView.self, "Rotated")
        ) { _, context, body in
            let subscription = try await ownSubscription(context)
            let hours = body.overlapHours ?? 24
            let secret = try await notifier.rotateSecret(subscription: subscription.id, overlap: .milliseconds(Int64(hours * 3_600_000)))
            return SubscriptionSecretView(id: subscription.id, secret: secret)
        }
        routes.add(
            .get, "/v1/subscriptions/{id}/dead", "Dead-lettered deliveries of a subscription", access: .recipient, query: QueryParameter.page,
            reply: .ok(Page<DeadDeliveryView>.self, "A page")
        ) { request, context in
            let subscription = try await ownSubscription(context)
            let (after, limit) = try request.page()
            let dead = try await notifier.deadDeliveries(subscription: subscription.id, after: after, limit: limit)
            return Page(dead, limit: limit, key: \.id) {
                DeadDeliveryView(
                    id: $0.id, event: $0.event, idempotencyKey: $0.idempotencyKey, attempts: $0.attempts, lastError: $0.lastError,
                    finishedAt: $0.finishedAt)
            }
        }
        routes.add(
            .post, "/v1/subscriptions/{id}/redrive", "Send a subscription's dead-lettered deliveries again", access: .recipient,
            reply: .json(.accepted, RedrivenView.self, "How many were sent again")
        ) { _, context in
            RedrivenView(redriven: try await notifier.redrive(nil, subscription: try await ownSubscription(context).id))
        }
        return routes
    }

    /// The subscription, if the caller owns it (the bureau owns all); another's reads as not found.
    func ownSubscription(_ context: APIContext) async throws -> SubscriptionSummary {
        let own = try context.recipient()
        let subscription = try await notifier.subscription(try context.id())
        guard own == .bureau || subscription.recipient == own.description else {
            throw Problem(.notFound, "no subscription has the id \(subscription.id)", zh: "没有编号为 \(subscription.id) 的订阅")
        }
        return subscription
    }
}

struct SubscribeBody: RequestBody, Documented {
    var url: String
    var events: [String]?
    var recipient: String?
    var trustRootsPEM: String?
    var clientCertificatePEM: String?
    var clientKeyPEM: String?

    func validate() {}  // the notifier checks the URL, the events and the PEMs

    static var schema: JSONSchema {
        .object(
            required: ["url": .string("https:// only")],
            optional: [
                "events": .array(of: .oneOf(NotificationEvent.self), "all events unless given"),
                "recipient": .string("the bureau may name any recipient; others their own only"),
                "trustRootsPEM": .string("private CA certificates the endpoint's certificate chains to"),
                "clientCertificatePEM": .string("for mutual TLS"), "clientKeyPEM": .string("for mutual TLS; sealed at rest"),
            ])
    }
}

struct RotateBody: RequestBody, Documented {
    var overlapHours: Double?

    func validate() throws {
        if let overlapHours { try Bounds.check(overlapHours, "overlapHours", Bounds.overlapHours) }
    }

    static var schema: JSONSchema { .object(optional: ["overlapHours": .number(Bounds.overlapHours, "24 unless given")]) }
}

struct SubscriptionView: Encodable, Sendable, Documented {
    let id: Int64
    let recipient: String
    let url: String
    let events: [String]
    let active: Bool
    let mutualTLS: Bool
    let privateTrustRoots: Bool
    let previousSecretUntil: Date?

    init(_ summary: SubscriptionSummary) {
        (id, recipient, url, events, active) = (summary.id, summary.recipient, summary.url, summary.events, summary.active)
        (mutualTLS, privateTrustRoots, previousSecretUntil) = (summary.mutualTLS, summary.privateTrustRoots, summary.previousSecretUntil)
    }

    static var schema: JSONSchema {
        .object(
            required: [
                "id": .integer(), "recipient": .string(), "url": .string(), "events": .array(of: .oneOf(NotificationEvent.self)),
                "active": .boolean, "mutualTLS": .boolean, "privateTrustRoots": .boolean,
            ],
            optional: ["previousSecretUntil": .dateTime.orNull])
    }
}

struct DeadDeliveryView: Encodable, Sendable, Documented {
    let id: Int64
    let event: String
    let idempotencyKey: String
    let attempts: Int
    let lastError: String?
    let finishedAt: Date?

    static var schema: JSONSchema {
        .object(
            required: ["id": .integer(), "event": .oneOf(NotificationEvent.self), "idempotencyKey": .string(), "attempts": .integer()],
            optional: ["lastError": .string().orNull, "finishedAt": .dateTime.orNull])
    }
}

struct SubscriptionSecretView: ResponseEncodable, Sendable, Documented {
    let id: Int64
    /// Shown this once.
    let secret: String

    static var schema: JSONSchema { .object(required: ["id": .integer(), "secret": .string("shown once")]) }
}

struct RedrivenView: ResponseEncodable, Sendable, Documented {
    let redriven: Int
    static var schema: JSONSchema { .object(required: ["redriven": .integer()]) }
}
