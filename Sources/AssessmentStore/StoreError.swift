import Assessment

/// A refused or failed store operation: a code a caller (the API) maps to a status, and a message
/// that says what to fix without personal data.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What kind of refusal, extensible.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name.
        public let description: String
        /// The input is malformed or breaks a rule (400/422).
        public static let invalidInput = Code(description: "invalidInput")
        /// No such record (404).
        public static let notFound = Code(description: "notFound")
        /// It exists already, or was done already (409).
        public static let duplicate = Code(description: "duplicate")
        /// The caller may not do this to this record (403).
        public static let forbidden = Code(description: "forbidden")
        /// The record is not in a state that allows it (409).
        public static let wrongState = Code(description: "wrongState")
        /// The caller could not be identified: an unknown, expired or revoked token, or a wrong
        /// password (401).
        public static let unauthenticated = Code(description: "unauthenticated")
        /// Too many of these from one client or about one record for now (429).
        public static let tooMany = Code(description: "tooMany")
        /// A stored record breaks a bound set after it was written: the step that read it fails
        /// cleanly instead of computing with it (409).
        public static let invalidStoredData = Code(description: "invalidStoredData")
    }

    /// What kind of refusal.
    public let code: Code
    /// What was wrong and how to fix it, in English.
    public let message: String
    /// The same in Chinese, where the message has been written in it; readers see English until then.
    public let chinese: String?
    /// The field at fault, where one is.
    public let field: String?
    /// For `tooMany`: when to try again at the latest.
    public let retryAfter: Duration?

    /// A refusal.
    public init(_ code: Code, _ message: String, zh chinese: String? = nil, field: String? = nil, retryAfter: Duration? = nil) {
        self.code = code
        self.message = message
        self.chinese = chinese
        self.field = field
        self.retryAfter = retryAfter
    }

    /// A refusal of the domain's rules, in both of its languages.
    public init(_ code: Code, _ refusal: some DomainRefusal, field: String? = nil) {
        self.init(code, refusal.text.en, zh: refusal.text.zh, field: field)
    }

    /// The message.
    public var description: String { message }

    /// No application has `id`, or none the caller may see: the two are told alike.
    public static func noApplication(_ id: Int64) -> StoreError {
        StoreError(.notFound, "no application has the id \(id)", zh: "没有编号为\(id)的申请")
    }

    /// No round has `id`, or none the caller may see.
    public static func noRound(_ id: Int64) -> StoreError {
        StoreError(.notFound, "no round has the id \(id)", zh: "没有编号为\(id)的评审轮次")
    }

    /// No applicant has `id`.
    public static func noApplicant(_ id: Int64) -> StoreError {
        StoreError(.notFound, "no applicant has the id \(id)", zh: "没有编号为\(id)的申请人")
    }

    /// Invalid input in `field`, saying what it must be in both languages.
    public static func invalid(_ field: String, _ message: LocalizedText) -> StoreError {
        StoreError(.invalidInput, "\(field) \(message.en)", zh: "\(field)：\(message.zh)", field: field)
    }
}
