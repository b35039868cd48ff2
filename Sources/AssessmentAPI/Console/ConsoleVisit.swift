import Crypto
import Foundation
import Hummingbird
import Workflow

/// What the console knows of one page request: the reader's language, the CSRF token its forms
/// carry, the session it signed in with, and the form it sent.
struct ConsoleVisit: Sendable {
    static let sessionCookie = "assess_session"
    static let csrfCookie = "assess_csrf"
    static let languageCookie = "assess_lang"

    var language: Language
    /// The token every form of the page carries back, equal to the visitor's CSRF cookie.
    var csrf: String
    /// The session token of the signed-in visitor (its cookie's value), for signing out.
    var sessionToken: String?
    /// The URL-encoded form a POST sent, its CSRF token already checked.
    var form = FormFields()
    /// The file a multipart form carried, on a route that takes one.
    var upload: MultipartForm.File?
    /// Cookies to set on the reply.
    var cookies: [Cookie] = []
    /// Where the language switch leads: this page again when it was a GET, else the home page
    /// (a refused form's page has no address to load again).
    var switchPath = "/console"
    /// What the page says of the form just handled (its address's `done`), in the visitor's language.
    var flash: String?

    /// A cookie as every console cookie is: Secure, HttpOnly, SameSite=Strict, for the whole site.
    static func cookie(_ name: String, _ value: String, maxAge: Int?) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: true, httpOnly: true, sameSite: .strict)
    }

    /// 256 random bits, URL-safe: a CSRF token.
    static func randomToken() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Whether `sent` is the visit's token, compared in constant time.
    func csrfMatches(_ sent: String?) -> Bool {
        guard let sent, sent.utf8.count == csrf.utf8.count else { return false }
        return zip(sent.utf8, csrf.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

/// The fields of an `application/x-www-form-urlencoded` body, and their values checked as the
/// JSON API checks its bodies: a refusal names the field and says what to send.
struct FormFields: Sendable {
    private var values: [String: [String]] = [:]

    init() {}

    /// Fields from name-value pairs: a query string's parameters.
    init(pairs: [(String, String)]) {
        for (name, value) in pairs { values[name, default: []].append(value) }
    }

    init(urlEncoded body: String) {
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (text: Substring) in String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            values[decode(parts[0]), default: []].append(parts.count > 1 ? decode(parts[1]) : "")
        }
    }

    /// Whether any name or value holds U+0000, which no field accepts and PostgreSQL's text cannot store.
    var containsNUL: Bool { values.contains { $0.key.contains("\0") || $0.value.contains { $0.contains("\0") } } }

    /// The field's value trimmed; nil when absent or blank.
    func optional(_ name: String) -> String? {
        guard let value = values[name]?.first?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    /// Every value the field was sent with (checkboxes), blanks dropped.
    func all(_ name: String) -> [String] {
        (values[name] ?? []).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

    /// The items a text field lists, one per line or separated by commas (either kind) or spaces.
    func list(_ name: String) -> [String] {
        (optional(name) ?? "").split(whereSeparator: { $0.isNewline || $0 == "," || $0 == "，" || $0 == " " }).map(String.init)
    }

    /// The field's value, or a 422 asking for it.
    func required(_ name: String, _ label: LocalizedText) throws -> String {
        guard let value = optional(name) else { throw invalidField(name, "is required: fill in \(label.en)", zh: "必填：请填写\(label.zh)") }
        return value
    }

    /// The field as a whole number in `range`, or a 422 saying the range.
    func integer<Number: FixedWidthInteger>(_ name: String, in range: ClosedRange<Number>) throws -> Number {
        guard let text = optional(name) else {
            throw invalidField(
                name, "is required: a whole number from \(range.lowerBound) to \(range.upperBound)",
                zh: "必填：\(range.lowerBound) 至 \(range.upperBound) 的整数")
        }
        return try Self.integer(text, name, in: range)
    }

    /// The field as a whole number in `range` when filled in.
    func optionalInteger<Number: FixedWidthInteger>(_ name: String, in range: ClosedRange<Number>) throws -> Number? {
        try optional(name).map { try Self.integer($0, name, in: range) }
    }

    /// The field as a finite number in `range` (a decimal point, no exponent), or a 422 saying the range.
    func number(_ name: String, in range: ClosedRange<Double>) throws -> Double {
        guard let text = optional(name), text.count <= 20, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") }),
            let value = Double(text)
        else {
            throw invalidField(
                name, "must be a number from \(range.lowerBound) to \(range.upperBound)", zh: "须为 \(range.lowerBound) 至 \(range.upperBound) 的数")
        }
        return try Bounds.check(value, name, range)
    }

    private static func integer<Number: FixedWidthInteger>(_ text: String, _ name: String, in range: ClosedRange<Number>) throws -> Number {
        guard text.count <= 20, let value = Number(text) else {
            throw invalidField(
                name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)", zh: "须为 \(range.lowerBound) 至 \(range.upperBound) 的整数"
            )
        }
        return try Bounds.check(value, name, range)
    }
}
