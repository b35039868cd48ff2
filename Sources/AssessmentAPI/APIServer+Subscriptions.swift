import Foundation
import Hummingbird
import Notify

struct SubscribeBody: RequestBody {
    var url: String
    var events: [String]?
    var recipient: String?
    var trustRootsPEM: String?
    var clientCertificatePEM: String?
    var clientKeyPEM: String?

    func validate() {}  // the notifier checks the URL, the events and the PEMs
}

struct RotateBody: RequestBody {
    var overlapHours: Double?

    func validate() throws {
        if let overlapHours { try Bounds.check(overlapHours, "overlapHours", Bounds.overlapHours) }
    }
}

struct SubscriptionView: Encodable, Sendable {
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
}

struct DeadDeliveryView: Encodable, Sendable {
    let id: Int64
    let event: String
    let idempotencyKey: String
    let attempts: Int
    let lastError: String?
    let finishedAt: Date?
}

/// Webhook subscriptions over the API: institutions and applicants for their own notifications,
/// the bureau for any recipient (platforms, `applicant:*`).
extension APIServer {
    /// The recipient the caller's notifications go to, and whether it may name another.
    static func recipient(of context: APIContext) throws -> (own: String, mayNameAny: Bool) {
        guard let principal = context.principal else { throw Problem(.unauthorized, "send `Authorization: Bearer <token>`") }
        guard let recipient = principal.recipient else { throw Problem(.forbidden, "this token names no applicant") }
        return (recipient.description, recipient == .bureau)
    }

    /// The subscription, if the caller owns it (the bureau owns all); another's reads as not found.
    static func ownSubscription(_ notifier: Notifier, _ context: APIContext) async throws -> SubscriptionSummary {
        let (own, any) = try recipient(of: context)
        let subscription = try await notifier.subscription(try id(context))
        guard any || subscription.recipient == own else { throw Problem(.notFound, "no subscription has the id \(subscription.id)") }
        return subscription
    }

    func addSubscriptionRoutes(to router: Router<APIContext>, notifier: Notifier) {
        router.post("/v1/subscriptions") { request, context -> Response in
            let (own, any) = try Self.recipient(of: context)
            let body = try await Self.decode(SubscribeBody.self, request, context)
            if let named = body.recipient, named != own, !any { throw Problem(.forbidden, "you may subscribe to your own notifications (\(own)) only") }
            let (id, secret) = try await notifier.subscribe(SubscriptionRequest(
                recipient: body.recipient ?? own, url: body.url, events: body.events ?? [], trustRootsPEM: body.trustRootsPEM,
                clientCertificatePEM: body.clientCertificatePEM, clientKeyPEM: body.clientKeyPEM))
            return try JSONBody(CreatedSubscriptionView(id: id, secret: secret)).response(status: .created)
        }
        router.get("/v1/subscriptions") { request, context -> JSONBody<Page<SubscriptionView>> in
            let (own, any) = try Self.recipient(of: context)
            let (after, limit) = try Self.page(request)
            let items = try await notifier.subscriptions(recipient: any ? nil : own, after: after, limit: limit)
            return JSONBody(Page(items: items.map(SubscriptionView.init), next: items.count == limit ? items.last?.id : nil))
        }
        router.post("/v1/subscriptions/:id/rotate-secret") { request, context -> Response in
            let subscription = try await Self.ownSubscription(notifier, context)
            let body = try await Self.decode(RotateBody.self, request, context)
            let hours = body.overlapHours ?? 24
            let secret = try await notifier.rotateSecret(subscription: subscription.id, overlap: .milliseconds(Int64(hours * 3_600_000)))
            return try JSONBody(CreatedSubscriptionView(id: subscription.id, secret: secret)).response()
        }
        router.get("/v1/subscriptions/:id/dead") { request, context -> JSONBody<Page<DeadDeliveryView>> in
            let subscription = try await Self.ownSubscription(notifier, context)
            let (after, limit) = try Self.page(request)
            let dead = try await notifier.deadDeliveries(subscription: subscription.id, after: after, limit: limit)
            return JSONBody(Page(items: dead.map { DeadDeliveryView(id: $0.id, event: $0.event, idempotencyKey: $0.idempotencyKey,
                                                                    attempts: $0.attempts, lastError: $0.lastError, finishedAt: $0.finishedAt) },
                                 next: dead.count == limit ? dead.last?.id : nil))
        }
        router.post("/v1/subscriptions/:id/redrive") { _, context -> Response in
            let subscription = try await Self.ownSubscription(notifier, context)
            let count = try await notifier.redrive(nil, subscription: subscription.id)
            return try JSONBody(["redriven": count]).response(status: .accepted)
        }
    }
}

struct CreatedSubscriptionView: Encodable, Sendable {
    let id: Int64
    /// Shown this once.
    let secret: String
}
