import Foundation
import Hummingbird
import NIOCore
import Workflow

/// What anyone may open: the home page with the certificate check, the check itself (the target
/// of every certificate's QR code), sign-in and sign-out.
struct PublicPages {
    let workflow: Workflow
    let trustedProxies: Set<String>
    /// The same per-address limit as the JSON look-up: certificate numbers are sequential.
    let lookups: ClientRateLimiter
    let scheme: String

    func add(to group: RouterGroup<APIContext>) {
        group.get { _, context in
            WebPage("home", .init(zh: "职称评审与职业技能等级认定", en: "Title evaluation and skills certification")).response(context)
        }
        group.get("assets/console.css") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
                body: .init(byteBuffer: ByteBuffer(string: ConsoleAssets.shared?.stylesheet ?? "")))
        }
        group.get("verify") { request, context in
            let query = request.uri.queryParameters
            guard let number = query["number"].map(String.init), !number.isEmpty, let name = query["name"].map(String.init), !name.isEmpty else {
                throw invalidField("name", "is required with the number: the holder's name as printed", zh: "须与编号一同填写：证书上印的持证人姓名")
            }
            try lookups.admit(context.clientAddress(request, trustedProxies: trustedProxies))
            guard number.count <= 64, name.count <= 100, let record = try await workflow.certificate(number: number),
                PersonName.same(name, record.content.holderName)
            else {
                throw Problem(.notFound, "no certificate has this number and holder name", zh: "没有此编号和持证人姓名的证书")
            }
            let values = Self.certificate(record, masked: true, context, base: Console.base(of: request, scheme: scheme))
            return WebPage("certificate", .init(zh: "证书核验结果", en: "Certificate check"), values).response(context)
        }
        group.get("notices") { _, context in
            let language = context.visit?.language ?? .zh
            let rounds = try await workflow.publishedNotices()
            return WebPage(
                "notices", .init(zh: "评审结果公示", en: "Results on public notice"),
                [
                    "rounds": rounds.map {
                        ["id": String($0.id), "name": $0.name, "institution": $0.institutionID, "state": ConsoleText.roundState($0.state, language)]
                    },
                    "hasRounds": !rounds.isEmpty,
                ]
            ).response(context)
        }
        group.get("notices/{id}") { _, context in
            let (round, entries) = try await workflow.publicNotice(round: try context.id(), after: 0, limit: 500)
            let notice = NoticeView(round: round, entries: entries, limit: 500)
            let english = context.visit?.language == .en
            return WebPage(
                "notice", .init(zh: "\(round.name) 评审结果公示", en: "\(round.name): results on public notice"),
                [
                    "id": String(round.id), "publishedOn": notice.publishedOn, "endsOn": notice.endsOn, "howToObject": notice.howToObject,
                    "items": notice.items.map {
                        [
                            "application": $0.application, "name": $0.name, "employer": $0.employer ?? "—",
                            "qualification": english ? $0.qualificationEnglish : $0.qualification, "result": $0.resultText,
                        ]
                    },
                    "hasItems": !notice.items.isEmpty, "open": round.state == .publicNotice,
                ]
            ).response(context)
        }
        group.post("notices/{id}/objections") { request, context in
            let round = try context.id()
            let form = context.visit?.form ?? FormFields()
            let application = try form.integer("application", in: Bounds.id)
            let body = ObjectionBody(
                filedBy: form.optional("filedBy") ?? "", contact: form.optional("contact") ?? "", statement: form.optional("statement") ?? "")
            try body.validate()
            // The objection must name a result of this notice, not any application of any round.
            let (_, entries) = try await workflow.publicNotice(round: round, after: application - 1, limit: 1)
            guard entries.first?.application == application else {
                throw invalidField("application", "is not a result of this notice", zh: "不是此公示中的结果")
            }
            _ = try await workflow.fileObjection(
                application: application, filedBy: body.filedBy, contact: body.contact, statement: body.statement,
                client: context.clientAddress(request, trustedProxies: trustedProxies))
            return Response.seeOther("/console/notices/\(round)?done=objected", context)
        }
        group.get("sign-in") { request, context in
            var values: [String: Any] = ["kinds": Self.documentKinds(context)]
            if let next = Self.safeNext(request.uri.queryParameters["next"].map(String.init)) { values["next"] = next }
            return WebPage("sign-in", .init(zh: "登录", en: "Sign in"), values).response(context)
        }
        group.post("sign-out") { _, context in
            if let token = context.visit?.sessionToken { try await workflow.endSession(token: token) }
            var context = context
            context.visit?.cookies.append(ConsoleVisit.cookie(ConsoleVisit.sessionCookie, "", maxAge: 0))
            return Response.seeOther("/console", context)
        }
        group.post("sign-in/token") { _, context in
            let form = context.visit?.form ?? FormFields()
            let token = try form.required("token", .init(zh: "访问令牌", en: "the access token"))
            guard token.count < 200, let principal = try await workflow.principal(forToken: token) else {
                throw Problem(.unauthorized, "the token is unknown, expired or revoked", zh: "令牌无效、已过期或已吊销")
            }
            // A session of its own, so that signing out ends it and leaves the issued token alone.
            let session = try await workflow.issueToken(role: principal.role, subject: principal.subject, validFor: Workflow.sessionLength)
            return Response.seeOther(Self.safeNext(form.optional("next")) ?? Self.landing(principal.role), Self.signedIn(session, context))
        }
    }

    /// A certificate's fields for its page, and the QR code of its public check.
    static func certificate(_ record: CertificateRecord, masked: Bool, _ context: APIContext, base: String) -> [String: Any] {
        let view = CertificateView(record)
        let content = record.content
        let english = context.visit?.language == .en
        let target =
            "\(base)/console/verify?number=\(ConsoleMiddleware.percentEncoded(content.number))&name=\(ConsoleMiddleware.percentEncoded(content.holderName))"
        var values: [String: Any] = [
            "number": content.number, "holder": masked ? view.holder : content.holderName, "holderDocument": view.holderDocument,
            "qualification": english ? view.qualificationEnglish ?? view.qualification : view.qualification,
            "level": english ? view.levelEnglish ?? view.level : view.level, "issuer": view.issuer, "issuedOn": view.issuedOn,
            "statusText": ConsoleText.text(
                "status.\(view.status == "invalid signature" ? "invalidSignature" : view.status)", context.visit?.language ?? .zh),
            "valid": view.status == "valid", "signatureValid": view.signatureValid, "target": target,
        ]
        if let basis = english ? view.basisEnglish ?? view.basis : view.basis { values["basis"] = basis }
        if let results = english ? view.resultsEnglish ?? view.results : view.results { values["results"] = results }
        if let code = QRCode(target) { values["qr"] = code.svg }
        return values
    }

    /// A local path to return to after signing in; anything else (another site) is dropped.
    static func safeNext(_ next: String?) -> String? {
        guard let next, next.count < 300, next.hasPrefix("/console") || next.hasPrefix("/ops"), !next.contains("//"), !next.contains("\\")
        else { return nil }
        return next
    }

    /// Where a role lands after signing in.
    static func landing(_ role: Principal.Role) -> String {
        switch role {
        case .applicant: "/console/me"
        case .bureau: "/console/bureau"
        case .operations: "/ops"
        case .institution: "/console/institution"
        case .reviewer: "/console/reviews"
        }
    }

    /// The context with a new session's cookie, and a fresh CSRF token: one fixed before signing in
    /// is not carried into the session.
    static func signedIn(_ session: String, _ context: APIContext) -> APIContext {
        var context = context
        context.visit?.cookies.append(
            ConsoleVisit.cookie(ConsoleVisit.sessionCookie, session, maxAge: Int(Workflow.sessionLength.components.seconds)))
        context.visit?.cookies.append(ConsoleVisit.cookie(ConsoleVisit.csrfCookie, ConsoleVisit.randomToken(), maxAge: nil))
        return context
    }

    /// The identity documents one registers and signs in with, for a select.
    static func documentKinds(_ context: APIContext) -> [[String: String]] {
        IdentityDocument.Kind.allCases.map {
            ["value": $0.rawValue, "label": context.visit?.language == .en ? $0.englishName : $0.chineseName]
        }
    }
}
