import Foundation
import Hummingbird
import Notify
import Workflow

/// The web console: server-rendered pages on the API's own router, for the people the product
/// serves (`/console`) and for its operators (`/ops`). Every page calls the workflow's commands
/// and queries (the queue's, for operators) as the JSON routes do, with the same bodies, checks
/// and refusals; sign-in is a session cookie instead of a bearer token.
struct Console {
    let workflow: Workflow
    let notifier: Notifier
    let trustedProxies: Set<String>
    let lookups: ClientRateLimiter
    let maxFileBytes: Int
    /// `https`, or `http` where the server speaks plain HTTP (behind a proxy, in tests).
    let scheme: String

    func mount(on router: Router<APIContext>) {
        router.get("/") { _, context in Response.seeOther("/console", context) }
        let console = router.group("console").add(middleware: ConsoleMiddleware(workflow: workflow, maxFileBytes: maxFileBytes))
        PublicPages(workflow: workflow, trustedProxies: trustedProxies, lookups: lookups, scheme: scheme).add(to: console)
        ApplicantPages(workflow: workflow, trustedProxies: trustedProxies, scheme: scheme).add(to: console)
        ApplicantRecordPages(workflow: workflow).add(to: console)
        BureauPages(workflow: workflow).add(to: console)
        InstitutionRegisterPages(workflow: workflow).add(to: console)
        ReviewerPages(workflow: workflow).add(to: console)
        InstitutionPages(workflow: workflow).add(to: console)
        RoundAdminPages(workflow: workflow).add(to: console)
        CommitteePages(workflow: workflow).add(to: console)
        ExpertPages(workflow: workflow).add(to: console)
        SittingPages(workflow: workflow).add(to: console)
        MarkingPages(workflow: workflow).add(to: console)
        OpsPages(queue: workflow.queue, notifier: notifier).add(
            to: router.group("ops").add(middleware: ConsoleMiddleware(workflow: workflow, maxFileBytes: maxFileBytes)))
    }

    /// The address a page was asked at (`ASSESS_PUBLIC_URL` when set), for links that leave the
    /// browser: a certificate's QR code.
    static func base(of request: Request, scheme: String) -> String {
        if let configured = ProcessInfo.processInfo.environment["ASSESS_PUBLIC_URL"], !configured.isEmpty {
            return configured.hasSuffix("/") ? String(configured.dropLast()) : configured
        }
        let host = request.head.authority ?? "localhost"
        return "\(scheme)://\(host)"
    }

    /// What a page says after a form was handled: the `done` of its address, among known outcomes.
    static func flash(_ request: Request, _ language: Language) -> String? {
        guard let done = request.uri.queryParameters["done"].map(String.init), ConsoleText.table["done.\(done)"] != nil else { return nil }
        let text = ConsoleText.text("done.\(done)", language)
        guard let count = request.uri.queryParameters["n"].flatMap({ Int(String($0)) }), (0...OpsPages.listLimit).contains(count) else { return text }
        return "\(text) (\(count))"
    }
}
