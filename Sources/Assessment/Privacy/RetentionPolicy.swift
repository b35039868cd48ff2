/// How long each class of personal data is kept (PIPL art. 19: no longer than the purpose needs).
/// A coordinator schedule removes or anonymises what has expired, every night; what it did is
/// written to the audit log as counts, never contents.
public struct RetentionPolicy: Sendable, Equatable {
    /// A class of data with its own time.
    public enum DataClass: String, Sendable, CaseIterable {
        /// Failed sign-ins (a keyed hash of the account or address, and the time).
        case signInFailures = "sign_in_failures"
        /// Session and API tokens, counted from their expiry or revocation.
        case sessions
        /// What a notification said, counted from when it was written, once it is delivered or
        /// has nowhere to go: its event, time and recipient stay, its payload is emptied.
        case notificationBodies = "notification_bodies"
        /// Applications that did not succeed (ineligible, failed, absent), with everything about
        /// them (scores, ballots' counts, objections, appeals, marks) and their files, counted from
        /// the day their round ended (its confirmation, or the end of its appeals or notice). The
        /// audit log keeps that they existed; certificates are never touched.
        case unsuccessfulApplications = "unsuccessful_applications"

        /// What it is, for the audit log and pages.
        public var label: LocalizedText {
            switch self {
            case .signInFailures: LocalizedText(zh: "登录失败记录", en: "failed sign-ins")
            case .sessions: LocalizedText(zh: "登录凭证", en: "sign-in tokens")
            case .notificationBodies: LocalizedText(zh: "通知内容", en: "notification contents")
            case .unsuccessfulApplications: LocalizedText(zh: "未通过的申报及其材料", en: "unsuccessful applications and their materials")
            }
        }
    }

    /// The days each class may be kept at most, and at least 1 day.
    public static let daysRange = 1...3_650

    /// Days kept per class.
    public private(set) var days: [DataClass: Int]

    /// The defaults the README states: 30 days for sign-in failures, tokens and notification
    /// contents, a year for unsuccessful applications.
    public static let standard = RetentionPolicy(
        days: [.signInFailures: 30, .sessions: 30, .notificationBodies: 30, .unsuccessfulApplications: 365])

    /// A policy; every class needs a number of days within `daysRange`.
    public init(days: [DataClass: Int]) {
        self.days = days
    }

    /// Days kept for `dataClass`, clamped to `daysRange`: a policy never deletes the same day,
    /// and a missing class keeps the longest time rather than deleting early.
    public func keep(_ dataClass: DataClass) -> Int {
        min(max(days[dataClass] ?? Self.daysRange.upperBound, Self.daysRange.lowerBound), Self.daysRange.upperBound)
    }
}
