import Assessment
import AssessmentStore
import Foundation
import PostgresNIO

/// The committee (评审委员会): drawn per round, meeting with its members present, each member casting
/// one secret ballot sheet; the tally follows when every member present voted or the chair closes
/// the vote.
extension Workflow {
    /// An institution draws its title round's committee; the seed is random unless given, and is recorded.
    public func drawCommittee(round id: Int64, institution: String, seed: Int64?) async throws -> CommitteeDraw {
        try await transaction { connection in
            let round = try await ownRound(id, institution: institution, lock: true, on: connection)
            return try await store.drawCommittee(round, seed: seed ?? Int64.random(in: 1...Int64.max), on: connection)
        }
    }

    /// A round's committee, for its institution.
    public func committee(round id: Int64, institution: String) async throws -> CommitteeDraw {
        try await transaction { connection in
            _ = try await ownRound(id, institution: institution, on: connection)
            guard let committee = try await store.committee(round: id, on: connection) else {
                throw StoreError(.notFound, "round \(id) has no committee yet; draw it first", zh: "评审轮次\(id)尚无评审委员会；请先抽取")
            }
            return committee
        }
    }

    /// An institution opens a meeting of its round's committee with the members present, on
    /// every case awaiting the committee's vote; held today by the round's clock unless given.
    public func openMeeting(
        round id: Int64, institution: String, heldOn: CalendarDate?, present: Set<ReviewerID>, recusals: [Int64: Set<ReviewerID>]
    ) async throws -> Int64 {
        try await transaction { connection in
            let round = try await ownRound(id, institution: institution, lock: true, on: connection)
            let today = try await store.today(of: round, on: connection)
            let day = heldOn ?? today
            guard day >= round.startDate, day <= today else {
                throw StoreError(
                    .invalidInput, "a meeting is held between the round's start (\(round.startDate)) and today (\(today)), not on \(day)",
                    zh: "会议日期须在本轮开始日（\(round.startDate)）与今天（\(today)）之间，而非\(day)",
                    field: "heldOn")
            }
            return try await store.openMeeting(round, heldOn: day, present: present, recusals: recusals, on: connection)
        }
    }

    /// A meeting of one of the institution's rounds.
    public func meeting(_ id: Int64, institution: String) async throws -> MeetingRecord {
        try await transaction { connection in
            let meeting = try await store.meeting(id, on: connection)
            _ = try await ownRound(meeting.roundID, institution: institution, on: connection)
            return meeting
        }
    }

    /// The meetings a committee member attends whose vote is open, and whether they have voted.
    public func openMeetings(of member: String) async throws -> [(meeting: Int64, round: Int64, heldOn: CalendarDate, cast: Bool)] {
        try await client.withOpenConnection(logger: logger) { try await store.openMeetings(of: ReviewerID(member), on: $0) }
    }

    /// The meetings of one of the institution's rounds, oldest first.
    public func meetings(round id: Int64, institution: String) async throws -> [(meeting: Int64, heldOn: CalendarDate, voting: Bool)] {
        try await transaction { connection in
            _ = try await ownRound(id, institution: institution, on: connection)
            return try await store.meetings(round: id, on: connection)
        }
    }

    /// A member's ballot sheet for a meeting.
    public func ballotSheet(meeting id: Int64, member: String) async throws -> BallotSheetRecord {
        try await transaction { try await store.ballotSheet(meeting: id, member: ReviewerID(member), on: $0) }
    }

    /// A member casts their sheet, one choice on each of their cases; the last member present to
    /// vote closes the vote.
    public func castBallotSheet(meeting id: Int64, member: String, choices: [Int64: BallotChoice]) async throws {
        try await transaction { connection in
            let everyoneVoted = try await store.castBallotSheet(meeting: id, member: ReviewerID(member), choices: choices, on: connection)
            if everyoneVoted { try await tally(meeting: id, actor: .committee, on: connection) }
        }
    }

    /// The chair closes the vote; members present who have not voted count as abstaining.
    public func closeMeeting(_ id: Int64, institution: String) async throws {
        try await transaction { connection in
            let meeting = try await store.meeting(id, lock: true, on: connection)
            _ = try await ownRound(meeting.roundID, institution: institution, on: connection)
            guard meeting.state == .voting else { throw StoreError(.wrongState, "the vote of meeting \(id) is closed already", zh: "会议\(id)的表决已结束") }
            try await tally(meeting: id, actor: .institution(institution), on: connection)
        }
    }

    private func tally(meeting id: Int64, actor: Actor, on connection: PostgresConnection) async throws {
        guard !(try await store.closeMeeting(id, actor: actor, on: connection)).isEmpty else { return }
        try await enqueue(TallyVote(meeting: id), on: connection)
    }

    func ownRound(_ id: Int64, institution: String, lock: Bool = false, on connection: PostgresConnection) async throws -> RoundRecord {
        let round = try await store.round(id, lock: lock, on: connection)
        guard round.institutionID == institution else { throw StoreError.noRound(id) }
        return round
    }
}
