import Foundation
import HTTPTypes
import Hummingbird
import Workflow

/// What every console page goes through: the visitor's language and CSRF cookie, the session
/// cookie read into the caller (the same principal the JSON API reads from a bearer token), every
/// POST's CSRF token checked before a handler runs, and every refusal rendered as a page.
struct ConsoleMiddleware: RouterMiddleware {
    typealias Context = APIContext
    let workflow: Workflow
    /// The most bytes of one evidence file, as the JSON API takes them.
    let maxFileBytes: Int
    /// The largest form accepted.
    static let maxFormBytes = 64 * 1024

    func handle(_ request: Request, context: APIContext, next: (Request, APIContext) async throws -> Response) async throws -> Response {
        var context = context
        var request = request
        do {
            let (visit, session) = try await visit(request)
            context.visit = visit
            if request.method == .get {
                context.visit?.switchPath = request.uri.path
                context.visit?.flash = Console.flash(request, visit.language)
            }
            // The cookie's holder; a page asked with a bearer token (a script) keeps that token's.
            if let session { (context.principal, context.consentNeeded) = (session.principal, session.consentNeeded) }
            // An applicant asked to accept a changed notice sees it before any page of theirs.
            if context.consentNeeded, request.method == .get, Self.applicantPagePrefixes.contains(where: request.uri.path.hasPrefix) {
                return .seeOther("/console/privacy", context)
            }
            if request.method == .post {
                let (form, upload) = try await Self.form(of: &request, maxFileBytes: maxFileBytes)
                // No form of ours is sent without the token its page carried: a cross-site form has none.
                guard context.visit?.csrfMatches(form.optional("csrf")) == true else {
                    throw Problem(
                        .forbidden, "the form has expired or came from another site; reload the page and send it again",
                        zh: "表单已过期或来自其他网站；请刷新页面后重新提交")
                }
                if form.containsNUL {
                    throw Problem(
                        .badRequest, "the form contains the NUL character, which no field accepts; remove it", zh: "表单含有 NUL 字符，任何栏目都不接受；请删除")
                }
                context.visit?.form = form
                context.visit?.upload = upload
            }
            return try await next(request, context)
        } catch {
            var problem = Problem.from(error)
            if problem.statusCode >= 500 {
                context.logger.error("console page failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
            }
            if problem.statusCode == 401, context.principal == nil, request.method == .get {
                return .seeOther("/console/sign-in?next=\(Self.percentEncoded(request.uri.path))", context)
            }
            // Even when the visit itself could not be read (the database away), the refusal is a page.
            problem = problem.localized(context.visit?.language ?? Language.preferred(request.headers[.acceptLanguage]))
            let errors = problem.errors.map { ["field": $0.field, "message": $0.message] }
            var page = WebPage(
                "problem", .init(zh: problem.title, en: problem.title),
                ["detail": problem.detail, "errors": errors, "hasErrors": !errors.isEmpty, "back": Self.back(request)], status: problem.status
            ).response(context)
            if let seconds = problem.retryAfterSeconds { page.headers[.retryAfter] = String(seconds) }
            return page
        }
    }

    /// A POST's form: URL-encoded (at most 64 KiB), or, on a route that takes a file (its path
    /// ends in `/files`, or `/import` for a CSV), multipart with the file (at most `maxFileBytes` and a form's worth more).
    static func form(of request: inout Request, maxFileBytes: Int) async throws -> (FormFields, MultipartForm.File?) {
        let type = request.headers[.contentType] ?? ""
        if request.uri.path.hasSuffix("/files") || request.uri.path.hasSuffix("/import"), let boundary = MultipartForm.boundary(of: type) {
            let body: ByteBuffer
            do {
                body = try await request.collectBody(upTo: maxFileBytes + maxFormBytes)
            } catch {
                throw Problem(.contentTooLarge, "the file is larger than \(maxFileBytes / 1024) KiB", zh: "文件超过 \(maxFileBytes / 1024) KiB")
            }
            guard let parts = MultipartForm(Array(body.readableBytesView), boundary: boundary) else {
                throw Problem(.badRequest, "the form could not be read; send it again from the page", zh: "无法读取表单；请从页面重新提交")
            }
            return (FormFields(pairs: parts.fields), parts.file)
        }
        guard type.lowercased().hasPrefix("application/x-www-form-urlencoded") else {
            throw Problem(.unsupportedMediaType, "console forms are sent URL-encoded", zh: "控制台表单须以 URL 编码提交")
        }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maxFormBytes)
        } catch {
            throw Problem(.contentTooLarge, "the form is larger than 64 KiB", zh: "表单超过 64 KiB")
        }
        return (FormFields(urlEncoded: String(buffer: body)), nil)
    }

    /// The visitor's language (a `lang` link, then its cookie, then `Accept-Language`), CSRF token
    /// and session, with the cookies that set or clear them.
    /// The pages that show an applicant's own data.
    static let applicantPagePrefixes = ["/console/me", "/console/applications"]

    private func visit(_ request: Request) async throws -> (ConsoleVisit, Session?) {
        let cookies = request.cookies
        var set: [Cookie] = []
        let language: Language
        if let chosen = request.uri.queryParameters["lang"].flatMap({ Language(rawValue: String($0)) }) {
            language = chosen
            set.append(ConsoleVisit.cookie(ConsoleVisit.languageCookie, chosen.rawValue, maxAge: 365 * 86_400))
        } else if let kept = cookies[ConsoleVisit.languageCookie].flatMap({ Language(rawValue: $0.value) }) {
            language = kept
        } else {
            language = Language.preferred(request.headers[.acceptLanguage])
        }
        var csrf = cookies[ConsoleVisit.csrfCookie]?.value ?? ""
        if csrf.count != 43 || !csrf.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            csrf = ConsoleVisit.randomToken()
            set.append(ConsoleVisit.cookie(ConsoleVisit.csrfCookie, csrf, maxAge: nil))
        }
        var visit = ConsoleVisit(language: language, csrf: csrf)
        var session: Session?
        if let token = cookies[ConsoleVisit.sessionCookie]?.value, !token.isEmpty {
            if token.count < 200, let holder = try await workflow.session(forToken: token) {
                (visit.sessionToken, session) = (token, holder)
            } else {
                set.append(ConsoleVisit.cookie(ConsoleVisit.sessionCookie, "", maxAge: 0))
            }
        }
        visit.cookies = set
        return (visit, session)
    }

    /// The page the refused form was on (its same-origin referrer), to correct it there.
    static func back(_ request: Request) -> String {
        guard let referrer = request.headers[.referer].flatMap(URLComponents.init(string:)), referrer.path.hasPrefix("/") else {
            return "/console"
        }
        let path = referrer.percentEncodedPath + (referrer.percentEncodedQuery.map { "?\($0)" } ?? "")
        return PublicPages.safeNext(path) ?? "/console"
    }

    static func percentEncoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(.init(charactersIn: "/-_.~"))) ?? "/console"
    }
}
