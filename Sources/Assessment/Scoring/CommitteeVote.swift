/// A committee's secret ballot on one title case: only the counts exist.
public struct CommitteeVote: Sendable, Hashable, Codable {
    /// The outcome of a tally.
    public enum Outcome: Sendable, Hashable {
        /// Quorum present, enough yes votes.
        case passed
        /// Quorum present, too few yes votes.
        case failed
        /// Too few members present: the vote does not count.
        case noQuorum
    }

    /// Members of the committee.
    public let members: Int
    /// Yes votes.
    public let yes: Int
    /// No votes.
    public let no: Int
    /// Abstentions, which count as present but not yes.
    public let abstain: Int

    /// The members a committee may have: the largest policy's committee and then some.
    public static let memberRange = 1...999

    /// Counts for a tally; refuses counts that cannot be. Each count is checked against the
    /// committee's size before any sum, so no count can overflow it.
    public init(members: Int, yes: Int, no: Int, abstain: Int) throws(ScoringError) {
        guard Self.memberRange.contains(members) else {
            throw ScoringError(
                "a committee has \(Self.memberRange.lowerBound) to \(Self.memberRange.upperBound) members, not \(members)",
                zh: "评审委员会须有 \(Self.memberRange.lowerBound) 至 \(Self.memberRange.upperBound) 名委员，而非 \(members) 名")
        }
        guard yes >= 0, no >= 0, abstain >= 0 else { throw ScoringError("vote counts cannot be negative", zh: "票数不能为负") }
        guard yes <= members, no <= members, abstain <= members, yes + no + abstain <= members else {
            throw ScoringError(
                "\(yes) yes, \(no) no and \(abstain) abstentions from a committee of \(members): more ballots than members",
                zh: "\(members) 名委员的评审委员会得到赞成 \(yes)、反对 \(no)、弃权 \(abstain) 票：票数多于委员人数")
        }
        (self.members, self.yes, self.no, self.abstain) = (members, yes, no, abstain)
    }

    /// Members present (who cast a ballot).
    public var present: Int { yes + no + abstain }

    /// Quorum first (of members), then the pass fraction (of those present).
    public func outcome(policy: Policy) -> Outcome {
        guard policy.quorum.isReached(by: present, of: members) else { return .noQuorum }
        return policy.passFraction.isReached(by: yes, of: present) ? .passed : .failed
    }
}
