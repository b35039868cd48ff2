/// How a public notice (公示) shows applicants' names: in full, as most provinces publish title
/// results, or with all but the first character starred, where the policy protects them more.
public enum NoticeNames: String, Sendable, Hashable, Codable, CaseIterable {
    case full
    case masked

    /// `name` as the notice shows it.
    public func shown(_ name: String) -> String {
        switch self {
        case .full: name
        case .masked: Self.mask(name)
        }
    }

    /// The first character, the rest starred (at least one star, so a one-character name is hidden too).
    public static func mask(_ name: String) -> String {
        guard let first = name.first else { return "" }
        return String(first) + String(repeating: "*", count: max(1, name.count - 1))
    }
}

/// The texts every notice carries, Chinese first.
public enum PublicNoticeText {
    /// How to object, for the notice's readers.
    public static func howToObject(until end: CalendarDate) -> String {
        """
        如对公示结果有异议，请于 \(end) 前（含当日）通过 POST /v1/applications/{id}/objections 实名提出书面异议，写明事实与理由并留下联系方式；\
        受理机构将核实处理并答复。\
        To object to a result, file a written objection by \(end) (inclusive) at POST /v1/applications/{id}/objections, \
        with your name, the facts and your reasons, and a contact for the answer; the institution looks into it and replies.
        """
    }
}
