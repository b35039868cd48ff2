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
    public var policyProblems: [String] = []
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
        guard state.next(in: kind) == target else {
            let expected = state.next(in: kind).map { "the next step is \($0.rawValue)" } ?? "the round is complete"
            return .failure(RoundTransitionRefused(from: state, to: target, reason: "steps go in order; \(expected)"))
        }
        if kind == .exam, target == .finalized {
            return facts.undecidedCases == 0 && facts.eligibleApplications > 0
                ? .success(target) : .failure(RoundTransitionRefused(from: state, to: target, reason: "no exam result is imported"))
        }
        if let reason = blocker(for: target, facts: facts) {
            return .failure(RoundTransitionRefused(from: state, to: target, reason: reason))
        }
        return .success(target)
    }

    private static func blocker(for target: RoundState, facts: RoundFacts) -> String? {
        switch target {
        case .open:
            return facts.policyProblems.isEmpty ? nil : "the policy is not valid: " + facts.policyProblems.joined(separator: "; ")
        case .assigning:
            return facts.eligibleApplications > 0 ? nil : "no application is eligible"
        case .scoring:
            return facts.unstaffedCases == 0 ? nil : "\(facts.unstaffedCases) cases have no full panel yet"
        case .deliberation:
            return facts.unscoredCases == 0 ? nil : "\(facts.unscoredCases) cases are still being scored"
        case .publicNotice:
            return facts.undecidedCases == 0 ? nil : "\(facts.undecidedCases) cases have no decision yet"
        case .appeals:
            guard let ends = facts.noticeEnds else { return "the public notice has not been published" }
            return facts.today > ends ? nil : "the public notice runs until the end of \(ends)"
        case .finalized:
            if let ends = facts.appealWindowEnds, facts.today <= ends { return "appeals may be filed until the end of \(ends)" }
            if facts.openAppeals > 0 { return "\(facts.openAppeals) appeals are not decided" }
            if facts.openObjections > 0 { return "\(facts.openObjections) objections are not handled" }
            if facts.suspendedResults > 0 { return "\(facts.suspendedResults) suspended results await the committee's reconsideration" }
            return nil
        case .draft, .closedToApplications, .confirmed:
            return nil
        }
    }
}

/// A refused step of a round, with what must happen first.
public struct RoundTransitionRefused: Error, Sendable, Hashable, CustomStringConvertible {
    /// The state the round is in.
    public let from: RoundState
    /// The state asked for.
    public let to: RoundState
    /// What must happen first.
    public let reason: String
    /// A message for the institution.
    public var description: String { "cannot move the round from \(from.rawValue) to \(to.rawValue): \(reason)" }
}
