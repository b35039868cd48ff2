/// What an applicant agreed to, and under which notice. The law asks for each of these on its own
/// (PIPL art. 14, 23 and 29), so each is given and recorded on its own, never bundled silently.
public struct PrivacyConsent: Sendable, Equatable {
    /// One thing consented to.
    public enum Purpose: String, Sendable, CaseIterable, Codable {
        /// Having read the notice and agreed to the processing it describes.
        case notice
        /// Processing the identity document number, sensitive personal information.
        case sensitiveData = "sensitive_data"
        /// Providing the application and its results to the institution and the bureau.
        case sharing

        /// What it means, for pages and refusals.
        public var label: LocalizedText {
            switch self {
            case .notice: LocalizedText(zh: "已阅读并同意个人信息保护说明", en: "read and accepted the privacy notice")
            case .sensitiveData: LocalizedText(zh: "同意处理敏感个人信息（身份证件号码）", en: "consent to processing the identity document number (sensitive)")
            case .sharing:
                LocalizedText(zh: "同意向评价机构和人社部门提供申报信息与结果", en: "consent to sharing applications and results with the institution and the bureau")
            }
        }
    }

    /// The notice version it was given under.
    public var noticeVersion: Int
    /// What was consented to.
    public var purposes: Set<Purpose>

    /// A consent.
    public init(noticeVersion: Int, purposes: Set<Purpose>) {
        self.noticeVersion = noticeVersion
        self.purposes = purposes
    }

    /// Everything, under the notice in force: what a registration through the API states explicitly.
    public static var currentInFull: PrivacyConsent {
        PrivacyConsent(noticeVersion: PrivacyNotice.current.version, purposes: Set(Purpose.allCases))
    }

    /// Refuses a consent that is not to the notice in force or leaves out something the
    /// evaluation cannot go without: an application is shared with the institution and the bureau
    /// by its nature, and identity is checked by the document number, so neither is optional here
    /// (PIPL art. 16 lets a service refuse only for what it needs; these it needs).
    public func check() throws(ConsentRefusal) {
        let current = PrivacyNotice.current.version
        guard noticeVersion == current else {
            throw ConsentRefusal(
                text: LocalizedText(
                    zh: "请阅读并同意现行的个人信息保护说明（第 \(current) 版），而不是第 \(noticeVersion) 版",
                    en: "read and accept the privacy notice in force (version \(current)), not version \(noticeVersion)"))
        }
        let missing = Purpose.allCases.filter { !purposes.contains($0) }
        guard missing.isEmpty else {
            throw ConsentRefusal(
                text: LocalizedText(
                    zh: "评审离不开以下同意，缺少：" + missing.map(\.label.zh).joined(separator: "；"),
                    en: "the evaluation cannot go ahead without: " + missing.map(\.label.en).joined(separator: "; ")))
        }
    }
}

/// A consent that cannot be accepted, and why.
public struct ConsentRefusal: DomainRefusal {
    /// What is missing or outdated.
    public let text: LocalizedText
}
