/// Which committee decides a round's titles: a series committee (评审委员会) of the whole series,
/// or a specialty committee of one field within it.
public enum CommitteeKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// 系列评审委员会
    case series
    /// 专业评审委员会
    case specialty

    /// The fewest members the national rules allow outside a pilot.
    public var nationalMinimum: Int {
        switch self {
        case .series: 25
        case .specialty: 11
        }
    }
}

/// A round's committee, drawn at random from a snapshot of the experts of its series. The seed and
/// the snapshot are kept with it, so anyone can run the draw again and get the same members.
public struct CommitteeDraw: Sendable, Hashable, Codable {
    /// The recorded seed.
    public let seed: Int64
    /// The experts it was drawn from, sorted.
    public let pool: [ReviewerID]
    /// The members, in the order drawn.
    public let members: [ReviewerID]

    /// Shuffles the sorted pool with the seed and takes the first `size`; refuses a pool too small.
    public static func draw(from pool: Set<ReviewerID>, size: Int, seed: Int64) throws(CommitteeError) -> CommitteeDraw {
        guard size > 0, size % 2 == 1 else {
            throw CommitteeError("a committee has an odd number of members, not \(size)", zh: "评审委员会人数须为奇数，而非 \(size)")
        }
        let sorted = pool.sorted()
        guard sorted.count >= size else {
            throw CommitteeError(
                "the pool has \(sorted.count) available experts of the series; a committee of \(size) needs at least \(size): add experts, or open a pilot round with a smaller committee",
                zh: "专家库中该系列可用专家 \(sorted.count) 名；\(size) 人的评审委员会至少需要 \(size) 名：请补充专家，或开设评审委员会较小的试点轮次")
        }
        var order = sorted
        var generator = SeededGenerator(seed: UInt64(bitPattern: seed))
        generator.shuffle(&order)
        return CommitteeDraw(seed: seed, pool: sorted, members: Array(order.prefix(size)))
    }

    /// A draw as stored.
    public init(seed: Int64, pool: [ReviewerID], members: [ReviewerID]) {
        (self.seed, self.pool, self.members) = (seed, pool, members)
    }

    /// Whether running the draw again from its seed and pool gives its members.
    public var isReproducible: Bool {
        (try? Self.draw(from: Set(pool), size: members.count, seed: seed))?.members == members
    }
}

/// One member's choice on one case. Only counts are kept: nothing links a choice to the member.
public enum BallotChoice: String, Sendable, Hashable, Codable, CaseIterable {
    case yes
    case no
    case abstain
}

/// A committee meeting's rules: quorum at its opening, one ballot sheet per member present, and
/// each case's counts turned into the vote the pass rule reads.
public enum CommitteeMeeting {
    /// The most cases one meeting takes; the rest wait for the next, and a ballot sheet stays a
    /// request of a few tens of kilobytes.
    public static let caseLimit = 2_000

    /// Refuses a meeting whose members present are not a quorum of the committee, or who are not members.
    public static func checkAttendance(present: Set<ReviewerID>, committee: CommitteeDraw, policy: Policy) throws(CommitteeError) {
        let members = Set(committee.members)
        if let stranger = present.subtracting(members).min() {
            throw CommitteeError("\(stranger) is not a member of the round's committee", zh: "\(stranger) 不是本轮评审委员会委员")
        }
        guard policy.quorum.isReached(by: present.count, of: members.count) else {
            let needed = (policy.quorum.numerator * members.count + policy.quorum.denominator - 1) / policy.quorum.denominator
            throw CommitteeError(
                "\(present.count) of the committee's \(members.count) members are present; a quorum (\(policy.quorum)) needs \(needed)",
                zh: "评审委员会 \(members.count) 名委员中出席 \(present.count) 名；法定人数（\(policy.quorum)）需要 \(needed) 名")
        }
    }

    /// Refuses a ballot sheet that does not give exactly one choice on each of the member's cases.
    public static func checkSheet<Case: Hashable & Comparable & CustomStringConvertible>(
        _ choices: [Case: BallotChoice], cases: Set<Case>
    ) throws(CommitteeError) {
        if let extra = Set(choices.keys).subtracting(cases).min() {
            throw CommitteeError("case \(extra) is not on your ballot sheet for this meeting", zh: "申请 \(extra) 不在您本次会议的表决票上")
        }
        if let missing = cases.subtracting(choices.keys).min() {
            throw CommitteeError(
                "your ballot sheet has no choice on case \(missing); a sheet covers every case of the meeting at once",
                zh: "您的表决票未对申请 \(missing) 作出选择；一张表决票须一次涵盖本次会议的全部申请")
        }
    }

    /// The vote on a case: every member present and not recused counts, and one who cast no
    /// ballot before the chair closed the vote counts as abstaining (present, not yes).
    public static func vote(committeeSize: Int, entitled: Int, yes: Int, no: Int) throws(ScoringError) -> CommitteeVote {
        guard entitled >= yes + no, yes >= 0, no >= 0 else {
            throw ScoringError(
                "\(yes) yes and \(no) no from \(entitled) members entitled to vote: more ballots than voters",
                zh: "有表决权的委员 \(entitled) 名，却有赞成 \(yes)、反对 \(no) 票：票数多于表决人数")
        }
        return try CommitteeVote(members: committeeSize, yes: yes, no: no, abstain: entitled - yes - no)
    }
}

/// A committee step that cannot be taken, saying why.
public struct CommitteeError: DomainRefusal, Sendable, Hashable {
    public let text: LocalizedText
    init(_ english: String, zh chinese: String) { text = LocalizedText(zh: chinese, en: english) }
}
