import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import Workflow

/// The console's templates and stylesheet, read once from the module's resources.
struct ConsoleAssets: Sendable {
    let library: MustacheLibrary
    let stylesheet: String

    /// Nil only in a broken installation (the resource bundle missing): every page then answers 503.
    static let shared: ConsoleAssets? = try? load()

    private static func load() throws -> ConsoleAssets {
        guard let folder = Bundle.module.url(forResource: "Assets", withExtension: nil) else { throw CocoaError(.fileNoSuchFile) }
        var library = MustacheLibrary()
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".mustache") {
            try library.register(
                String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8), named: String(file.dropLast(".mustache".count)))
        }
        return ConsoleAssets(library: library, stylesheet: try String(contentsOf: folder.appendingPathComponent("console.css"), encoding: .utf8))
    }
}

/// One page to render: a template, its heading, and what it shows.
struct WebPage {
    let template: String
    let title: LocalizedText
    var values: [String: Any] = [:]
    var status: HTTPResponse.Status = .ok
    /// Seconds after which the browser reloads it: the dashboard's short poll.
    var refresh: Int?

    init(_ template: String, _ title: LocalizedText, _ values: [String: Any] = [:], status: HTTPResponse.Status = .ok, refresh: Int? = nil) {
        (self.template, self.title, self.values, self.status, self.refresh) = (template, title, values, status, refresh)
    }

    /// The page as HTML in the visitor's language, with the console's security headers and cookies.
    func response(_ context: APIContext) -> Response {
        // No visit when reading it failed: the page is still rendered, in Chinese, with no form that could be sent.
        let visit = context.visit ?? ConsoleVisit(language: .zh, csrf: "")
        let language = visit.language
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .contentLanguage: language == .zh ? "zh-CN" : "en",
            .cacheControl: "no-store",
            HTTPField.Name("Content-Security-Policy")!:
                "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff", HTTPField.Name("Referrer-Policy")!: "same-origin",
        ]
        for cookie in visit.cookies { headers.append(HTTPField(name: .setCookie, value: cookie.description)) }
        guard let assets = ConsoleAssets.shared else {
            return Response(
                status: .serviceUnavailable, headers: headers,
                body: .init(byteBuffer: ByteBuffer(string: "控制台模板缺失，请重新安装。The console's templates are missing; reinstall.")))
        }
        var values = self.values
        values["t"] = ConsoleText.strings(language)
        values["title"] = language == .zh ? title.zh : title.en
        values["htmlLang"] = language == .zh ? "zh-CN" : "en"
        values["otherLang"] = language == .zh ? "en" : "zh"
        values["switchPath"] = visit.switchPath
        values["otherLangName"] = language == .zh ? "English" : "中文"
        values["csrf"] = visit.csrf
        if let refresh { values["refresh"] = refresh }
        if let flash = visit.flash { values["flash"] = flash }
        values["nav"] = Self.navigation(for: context.principal, language)
        if let principal = context.principal {
            values["signedIn"] = true
            values["who"] = language == .zh ? principal.role.chineseName : principal.role.rawValue
        }
        let html = assets.library.render(values, withTemplate: template) ?? "template \(template) is missing"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The links of the header: what the visitor's role may open.
    static func navigation(for principal: Principal?, _ language: Language) -> [[String: String]] {
        var links = [("/console", "home"), ("/console/notices", "noticesTitle")]
        switch principal?.role {
        case nil: links.append(("/console/register", "register"))
        case .applicant: links.append(("/console/me", "meTitle"))
        case .bureau:
            links += [
                ("/console/bureau", "bureauTitle"), ("/console/certificates", "certificatesTitle"), ("/console/institutions", "institutionsTitle"),
                ("/console/document-access", "documentAccessTitle"),
                ("/ops", "opsTitle"), ("/ops/jobs", "jobsTitle"),
                ("/ops/notifications", "deadTitle"),
            ]
        case .operations: links += [("/ops", "opsTitle"), ("/ops/jobs", "jobsTitle"), ("/ops/notifications", "deadTitle")]
        case .institution:
            links += [("/console/institution", "roundsTitle"), ("/console/experts", "expertsTitle"), ("/console/corrections", "correctionsTitle")]
        case .reviewer:
            links += [
                ("/console/reviews", "reviewsTitle"), ("/console/meetings", "openVotes"), ("/console/sittings", "mySittings"),
                ("/console/remarks", "remarksTitle"),
            ]
        }
        return links.map { ["href": $0.0, "label": ConsoleText.text($0.1, language)] }
    }
}

extension Response {
    /// 303 See Other: after a form is handled, the browser loads the page that shows its effect.
    static func seeOther(_ location: String, _ context: APIContext) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        for cookie in context.visit?.cookies ?? [] { headers.append(HTTPField(name: .setCookie, value: cookie.description)) }
        return Response(status: .seeOther, headers: headers)
    }
}
