import Assessment
import Testing

@Suite("The committee: a reproducible draw, a quorum of members present, sheets that cover every case")
struct CommitteeTests {
    let experts = Set((1...30).map { ReviewerID("x\($0)") })

    @Test("the draw depends on the seed and the pool alone, and refuses a pool too small or an even size")
    func draw() throws {
        let first = try CommitteeDraw.draw(from: experts, size: 25, seed: 2026)
        #expect(first.members.count == 25 && Set(first.members).count == 25 && first.pool == experts.sorted())
        #expect(try CommitteeDraw.draw(from: experts, size: 25, seed: 2026) == first, "the same seed, the same committee")
        #expect(try CommitteeDraw.draw(from: experts, size: 25, seed: 2027).members != first.members)
        #expect(first.isReproducible)
        let forged = CommitteeDraw(seed: first.seed, pool: first.pool, members: Array(first.members.reversed()))
        #expect(!forged.isReproducible, "a committee that is not what the seed draws is caught")
        #expect(throws: CommitteeError.self) { try CommitteeDraw.draw(from: Set(experts.prefix(24)), size: 25, seed: 1) }
        #expect(throws: CommitteeError.self) { try CommitteeDraw.draw(from: experts, size: 4, seed: 1) }
        #expect(throws: CommitteeError.self) { try CommitteeDraw.draw(from: experts, size: Int.max, seed: Int64.min) }
    }

    @Test("a meeting opens with at least 2/3 of the committee present, all of them members")
    func attendance() throws {
        let committee = try CommitteeDraw.draw(from: experts, size: 25, seed: 7)
        let policy = Policy()
        try CommitteeMeeting.checkAttendance(present: Set(committee.members.prefix(17)), committee: committee, policy: policy)
        do {
            try CommitteeMeeting.checkAttendance(present: Set(committee.members.prefix(16)), committee: committee, policy: policy)
            Issue.record("16 of 25 is no quorum")
        } catch {
            #expect(error.message == "16 of the committee's 25 members are present; a quorum (2/3) needs 17")
        }
        let outsider = experts.subtracting(committee.members).min()!
        #expect(throws: CommitteeError.self) {
            try CommitteeMeeting.checkAttendance(present: Set(committee.members.prefix(20)).union([outsider]), committee: committee, policy: policy)
        }
    }

    @Test("a sheet gives one choice on each of the member's cases; who cast nothing counts as abstaining")
    func sheetsAndCounts() throws {
        let cases: Set<Int64> = [11, 12, 13]
        try CommitteeMeeting.checkSheet([11: .yes, 12: .no, 13: .abstain], cases: cases)
        #expect(throws: CommitteeError.self) { try CommitteeMeeting.checkSheet([11: .yes, 12: .no], cases: cases) }
        #expect(throws: CommitteeError.self) { try CommitteeMeeting.checkSheet([11: .yes, 12: .no, 13: .no, 14: .yes], cases: cases) }

        let policy = Policy()
        // 23 present, one recused: 22 may vote; 15 yes, 3 no, 4 cast nothing.
        let vote = try CommitteeMeeting.vote(committeeSize: 25, entitled: 22, yes: 15, no: 3)
        #expect(vote.abstain == 4 && vote.present == 22)
        #expect(vote.outcome(policy: policy) == .passed, "15 of 22 is at least 2/3")
        #expect(try CommitteeMeeting.vote(committeeSize: 25, entitled: 22, yes: 14, no: 3).outcome(policy: policy) == .failed)
        #expect(
            try CommitteeMeeting.vote(committeeSize: 25, entitled: 16, yes: 16, no: 0).outcome(policy: policy) == .noQuorum, "recusals left too few")
        #expect(throws: ScoringError.self) { try CommitteeMeeting.vote(committeeSize: 25, entitled: 5, yes: 4, no: 2) }
        #expect(throws: ScoringError.self) { try CommitteeMeeting.vote(committeeSize: Int.max, entitled: Int.max, yes: 1, no: 1) }
        #expect(throws: ScoringError.self) { try CommitteeMeeting.vote(committeeSize: 25, entitled: Int.min, yes: 0, no: 0) }
    }

    @Test("a committee below the national minimum is a pilot's, and says so")
    func nationalMinimum() {
        var policy = Policy()
        policy.committeeSize = 5
        #expect(policy.problems().contains { $0.en.contains("below the national minimum of 25 for a series committee") })
        policy.pilotCommittee = true
        #expect(policy.problems().isEmpty)
        (policy.committeeSize, policy.committeeKind, policy.pilotCommittee) = (11, .specialty, false)
        #expect(policy.problems().isEmpty)
        policy.committeeSize = 9
        #expect(policy.problems().contains { $0.en.contains("national minimum of 11") })
    }
}
