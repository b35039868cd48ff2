/// The states of a review round, in order.
public enum RoundState: String, Sendable, Hashable, Codable, CaseIterable {
    case draft
    case open
    case closedToApplications = "closed_to_applications"
    case assigning
    case scoring
    case deliberation
    case publicNotice = "public_notice"
    case appeals
    case finalized
    /// Confirmed (filed, 备案) by the HR bureau.
    case confirmed

    /// The state after this one in a round of `kind`, or nil at the end. An exam round has no
    /// panels, committee, notice or appeals: its results come from the national exam.
    public func next(in kind: RoundKind = .review) -> RoundState? {
        let steps = kind == .exam ? [.draft, .open, .closedToApplications, .finalized, .confirmed] : RoundState.allCases
        guard let index = steps.firstIndex(of: self), index + 1 < steps.count else { return nil }
        return steps[index + 1]
    }
}

/// How a round decides: experts review and a committee votes, or a national exam's results are
/// imported (以考代评: economics 助理经济师 and 经济师).
public enum RoundKind: String, Sendable, Hashable, Codable, CaseIterable {
    case review
    case exam
}

/// What a round's transitions check, gathered by the caller from the store.
public struct RoundFacts: Sendable, Hashable {
    /// Today.
    public var today: CalendarDate
    /// Problems of the round's policy (`Policy.problems()`).
    public var policyProblems: [LocalizedText] = []
    /// Applications found eligible.
    public var eligibleApplications = 0
    /// Cases without a full panel.
    public var unstaffedCases = 0
    /// Cases still missing a score or an extra reviewer's score.
    public var unscoredCases = 0
    /// Cases without a committee decision.
    public var undecidedCases = 0
    /// The last day of the public notice, once published.
    public var noticeEnds: CalendarDate?
    /// The last day on which an appeal may be filed.
    public var appealWindowEnds: CalendarDate?
    /// Appeals not yet decided.
    public var openAppeals = 0
    /// Objections not yet handled.
    public var openObjections = 0
    /// Results suspended by an upheld objection, awaiting the committee's reconsideration.
    public var suspendedResults = 0

    /// Facts as of `today`.
    public init(today: CalendarDate) { self.today = today }
}

/// The round's state machine: one step at a time, each refused step with its reason.
public enum RoundLifecycle {
    /// The state after moving from `state` to `target`, or why not.
    public static func advance(
        _ state: RoundState, to target: RoundState, kind: RoundKind = .review, facts: RoundFacts
    ) -> Result<RoundState, RoundTransitionRefused> {
        func refuse(_ zh: String, _ en: String) -> Result<RoundState, RoundTransitionRefused> {
            .failure(RoundTransitionRefused(from: state, to: target, reason: LocalizedText(zh: zh, en: en)))
        }
        guard let next = state.next(in: kind), next == target else {
            guard let next = state.next(in: kind) else { return refuse("步骤须依次进行；本轮已全部完成", "steps go in order; the round is complete") }
            return refuse("步骤须依次进行；下一步为 \(next.rawValue)", "steps go in order; the next step is \(next.rawValue)")
        }
        if kind == .exam, target == .finalized {
            return facts.undecidedCases == 0 && facts.eligibleApplications > 0
                ? .success(target) : refuse("尚未导入考试成绩", "no exam result is imported")
        }
        if let reason = blocker(for: target, facts: facts) { return .failure(RoundTransitionRefused(from: state, to: target, reason: reason)) }
        return .success(target)
    }

    private static func blocker(for target: RoundState, facts: RoundFacts) -> LocalizedText? {
        switch target {
        case .open:
            guard !facts.policyProblems.isEmpty else { return nil }
            return LocalizedText(
                zh: "规则设置无效：" + facts.policyProblems.map(\.zh).joined(separator: "；"),
                en: "the policy is not valid: " + facts.policyProblems.map(\.en).joined(separator: "; "))
        case .assigning:
            return facts.eligibleApplications > 0 ? nil : LocalizedText(zh: "没有符合条件的申请", en: "no application is eligible")
        case .scoring:
            return facts.unstaffedCases == 0
                ? nil : LocalizedText(zh: "\(facts.unstaffedCases) 件申请尚未配齐评审专家", en: "\(facts.unstaffedCases) cases have no full panel yet")
        case .deliberation:
            return facts.unscoredCases == 0
                ? nil : LocalizedText(zh: "\(facts.unscoredCases) 件申请仍在评分", en: "\(facts.unscoredCases) cases are still being scored")
        case .publicNotice:
            return facts.undecidedCases == 0
                ? nil : LocalizedText(zh: "\(facts.undecidedCases) 件申请尚无结论", en: "\(facts.undecidedCases) cases have no decision yet")
        case .appeals:
            guard let ends = facts.noticeEnds else { return LocalizedText(zh: "尚未发布公示", en: "the public notice has not been published") }
            return facts.today > ends ? nil : LocalizedText(zh: "公示期至 \(ends) 结束", en: "the public notice runs until the end of \(ends)")
        case .finalized:
            if let ends = facts.appealWindowEnds, facts.today <= ends {
                return LocalizedText(zh: "复核申请可提交至 \(ends)", en: "appeals may be filed until the end of \(ends)")
            }
            if facts.openAppeals > 0 {
                return LocalizedText(zh: "\(facts.openAppeals) 件复核尚未决定", en: "\(facts.openAppeals) appeals are not decided")
            }
            if facts.openObjections > 0 {
                return LocalizedText(zh: "\(facts.openObjections) 件异议尚未处理", en: "\(facts.openObjections) objections are not handled")
            }
            if facts.suspendedResults > 0 {
                return LocalizedText(
                    zh: "\(facts.suspendedResults) 个暂缓的结果待评审委员会复议",
                    en: "\(facts.suspendedResults) suspended results await the committee's reconsideration")
            }
            return nil
        case .draft, .closedToApplications, .confirmed:
            return nil
        }
    }
}

/// A refused step of a round, with what must happen first.
public struct RoundTransitionRefused: DomainRefusal, Sendable, Hashable {
    /// The state the round is in.
    public let from: RoundState
    /// The state asked for.
    public let to: RoundState
    /// What must happen first.
    public let reason: LocalizedText
    /// A message for the institution.
    public var text: LocalizedText {
        LocalizedText(
            zh: "无法将评审轮次从 \(from.rawValue) 推进到 \(to.rawValue)：\(reason.zh)",
            en: "cannot move the round from \(from.rawValue) to \(to.rawValue): \(reason.en)")
    }
}
