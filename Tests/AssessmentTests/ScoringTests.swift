import Assessment
import Testing

@Suite("Scoring, votes and staffing")
struct ScoringTests {
    let policy = Policy()

    @Test("the mean, and from five scores on the mean without the highest and the lowest")
    func meanAndTrimmedMean() throws {
        #expect(try ScoreAggregation.aggregate([70, 75, 80], initialReviewers: 3, policy: policy) == .final(75))
        #expect(try ScoreAggregation.aggregate([70, 72, 78, 80, 84], initialReviewers: 5, policy: policy) == .final(76.66666666666667))
    }

    @Test("a spread over the tolerance asks for one more reviewer, then keeps the closest scores")
    func discrepancy() throws {
        #expect(try ScoreAggregation.aggregate([60, 80, 90], initialReviewers: 3, policy: policy) == .needsAnotherReviewer(spread: 30))
        // Closest pairs (80, 85) and (85, 90) tie at 5 points; (80, 85) lies nearer the median 82.5.
        #expect(try ScoreAggregation.aggregate([60, 90, 80, 85], initialReviewers: 3, policy: policy) == .final(82.5))
        // The order the scores arrived in does not matter.
        #expect(try ScoreAggregation.aggregate([85, 60, 80, 90], initialReviewers: 3, policy: policy) == .final(82.5))
        #expect(try ScoreAggregation.aggregate([70, 85], initialReviewers: 2, policy: policy) == .final(77.5), "15 is within the tolerance")
    }

    @Test("scores outside 0–100 and empty score lists are refused")
    func invalidScores() {
        #expect(throws: ScoringError.self) { try ScoreAggregation.aggregate([], initialReviewers: 3, policy: policy) }
        #expect(throws: ScoringError.self) { try ScoreAggregation.aggregate([70, 101], initialReviewers: 3, policy: policy) }
        #expect(throws: ScoringError.self) { try ScoreAggregation.aggregate([-1], initialReviewers: 1, policy: policy) }
    }

    @Test("a vote needs two thirds of the members present and two thirds of those present voting yes")
    func committeeVote() throws {
        #expect(try CommitteeVote(members: 25, yes: 16, no: 0, abstain: 0).outcome(policy: policy) == .noQuorum)
        #expect(try CommitteeVote(members: 25, yes: 12, no: 4, abstain: 1).outcome(policy: policy) == .passed)
        #expect(try CommitteeVote(members: 25, yes: 11, no: 5, abstain: 1).outcome(policy: policy) == .failed)
        #expect(try CommitteeVote(members: 9, yes: 4, no: 2, abstain: 0).outcome(policy: policy) == .passed, "6 of 9 is exactly 2/3")
        #expect(throws: ScoringError.self) { try CommitteeVote(members: 5, yes: 4, no: 2, abstain: 0) }
        #expect(throws: ScoringError.self) { try CommitteeVote(members: 5, yes: -1, no: 2, abstain: 0) }
        #expect(throws: ScoringError.self, "counts that would overflow a sum are refused, not trapped on") {
            try CommitteeVote(members: 999, yes: Int.max, no: 1, abstain: Int.max)
        }
        #expect(throws: ScoringError.self) { try CommitteeVote(members: Int.max, yes: Int.max, no: Int.max, abstain: 0) }
    }

    @Test("skills: 60 in every part taken; the comprehensive review only at levels 2 and 1")
    func skillsParts() throws {
        let four = SkillLevel(rawValue: 4)!
        let two = SkillLevel(rawValue: 2)!
        #expect(try SkillsPart.passes(level: four, scores: [.theory: 60, .skill: 95], policy: policy))
        #expect(try !SkillsPart.passes(level: four, scores: [.theory: 99, .skill: 59.5], policy: policy))
        #expect(try SkillsPart.passes(level: two, scores: [.theory: 70, .skill: 70, .comprehensiveReview: 60], policy: policy))
        #expect(throws: ScoringError.self) { try SkillsPart.passes(level: two, scores: [.theory: 70, .skill: 70], policy: policy) }
        #expect(throws: ScoringError.self) {
            try SkillsPart.passes(level: four, scores: [.theory: 70, .skill: 70, .comprehensiveReview: 70], policy: policy)
        }
    }
}
