/// A refusal of the notification service: what is wrong, and where, said so a person can fix it.
public struct NotifyError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalidInput
        case notFound
        case wrongState
    }

    public let code: Code
    public let message: String
    /// The message in Chinese, which readers see first.
    public let chinese: String
    /// The request field at fault, if one is.
    public let field: String?

    public init(_ code: Code, _ message: String, zh chinese: String, field: String? = nil) {
        (self.code, self.message, self.chinese, self.field) = (code, message, chinese, field)
    }

    public var description: String { message }
}
