import Assessment
import Foundation
import PostgresNIO

/// A committee meeting as its institution sees it: who was present, the cases before it, how many
/// sheets were cast, and each case's counts once the vote is closed, never who chose what.
public struct MeetingRecord: Sendable {
    /// A case's ballot counts.
    public struct Counts: Sendable, Hashable {
        /// Yes votes.
        public let yes: Int
        /// No votes.
        public let no: Int
        /// Abstentions, with the members present who cast no sheet.
        public let abstain: Int
    }

    /// A case on the agenda.
    public struct Case: Sendable, Hashable {
        /// The application.
        public let application: Int64
        /// The original decision, an appeal's second ballot, or a suspended result's reconsideration.
        public let stage: VoteStage
        /// Members present who may not vote on it.
        public let recused: [ReviewerID]
        /// The counts, once the vote is closed.
        public let counts: Counts?
    }

    /// Where a meeting's vote is.
    public enum State: String, Sendable, Hashable, CaseIterable {
        /// Members are casting their sheets.
        case voting
        /// Every member present voted, or the chair closed the vote.
        case closed
    }

    /// The meeting.
    public let id: Int64
    /// Its round.
    public let roundID: Int64
    /// The day it was held.
    public let heldOn: CalendarDate
    /// The members present.
    public let present: [ReviewerID]
    /// Voting or closed.
    public let state: State
    /// Its agenda.
    public let cases: [Case]
    /// How many members present cast their sheet.
    public let sheetsCast: Int
}

/// One member's ballot sheet: the cases they vote on at a meeting.
public struct BallotSheetRecord: Sendable {
    /// A case to vote on, with its aggregated score.
    public struct Entry: Sendable, Hashable {
        /// The application.
        public let application: Int64
        /// The original decision, or an appeal's second ballot.
        public let stage: VoteStage
        /// The reviewers' aggregated score, or the fresh panel's on an appeal.
        public let score: Double?
        /// On a reconsideration: the institution's finding on the objection it upheld.
        public let finding: String?
    }

    /// The meeting.
    public let meeting: Int64
    /// The day it is held.
    public let heldOn: CalendarDate
    /// The member's cases: every case of the meeting they are not recused from.
    public let entries: [Entry]
    /// Whether the member has cast their sheet.
    public let cast: Bool
    /// Whether the vote is still open.
    public let open: Bool
}

extension AssessmentStore {
    /// Draws a title round's committee from the experts of its series serving today in the
    /// institution's pool who hold the highest grade its cases apply for, with the policy's size; records the seed and the pool. Refuses a second
    /// draw and a pool too small.
    public func drawCommittee(_ round: RoundRecord, seed: Int64, on connection: PostgresConnection) async throws -> CommitteeDraw {
        guard round.track == .title else {
            throw StoreError(.wrongState, "round \(round.id) certifies skills; committees decide titles", zh: "评审轮次\(round.id)为技能等级认定；评审委员会只评职称")
        }
        // Experts judge at or below the grade they hold: a member holds at least the highest grade
        // the round's cases apply for (an expert filed before grades were kept is not excluded).
        let pool = try await connection.query(
            """
            SELECT id FROM reviewers
            WHERE institution_id = \(round.institutionID) AND \(round.field) = ANY(fields) AND \(unescaped: Self.serving)
              AND (grade IS NULL OR grade >= (SELECT coalesce(max((target->'title'->>'grade')::int), 0) FROM applications
                                              WHERE round_id = \(round.id) AND state NOT IN ('submitted', 'returned', 'ineligible')))
            """, logger: logger
        ).decode(String.self).reduce(into: Set<ReviewerID>()) { $0.insert(ReviewerID($1)) }
        let draw: CommitteeDraw
        do {
            draw = try CommitteeDraw.draw(from: pool, size: round.policy.committeeSize, seed: seed)
        } catch {
            throw StoreError(.wrongState, error)
        }
        let inserted = try await count(
            """
            WITH i AS (INSERT INTO committees (round_id, seed, pool, members)
                       VALUES (\(round.id), \(seed), \(draw.pool.map(\.rawValue)), \(draw.members.map(\.rawValue)))
                       ON CONFLICT DO NOTHING RETURNING 1)
            SELECT count(*)::int FROM i
            """, on: connection)
        guard inserted == 1 else { throw StoreError(.duplicate, "round \(round.id)'s committee was drawn already", zh: "评审轮次\(round.id)的评审委员会已抽取") }
        try await AuditLog.append(
            actor: .institution(round.institutionID), action: "draw committee", subject: .round(round.id),
            detail: ["seed": "\(seed)", "pool": "\(draw.pool.count)", "members": "\(draw.members.count)"],
            on: connection, logger: logger)
        return draw
    }

    /// A round's committee, once drawn.
    public func committee(round: Int64, on connection: PostgresConnection) async throws -> CommitteeDraw? {
        guard
            let (seed, pool, members) = try await first(
                "SELECT seed, pool, members FROM committees WHERE round_id = \(round)", as: (Int64, [String], [String]).self,
                on: connection)
        else { return nil }
        return CommitteeDraw(seed: seed, pool: pool.map { ReviewerID($0) }, members: members.map { ReviewerID($0) })
    }

    /// Opens a meeting of the round's committee with the members present, on every case awaiting
    /// its vote (up to `CommitteeMeeting.caseLimit`). Members are recused from a case of their own employer
    /// or of an applicant they declared a conflict with, and from those the chair names.
    public func openMeeting(
        _ round: RoundRecord, heldOn: CalendarDate, present: Set<ReviewerID>, recusals: [Int64: Set<ReviewerID>],
        on connection: PostgresConnection
    ) async throws -> Int64 {
        guard let committee = try await committee(round: round.id, on: connection) else {
            throw StoreError(.wrongState, "round \(round.id) has no committee yet; draw it first", zh: "评审轮次\(round.id)尚无评审委员会；请先抽取")
        }
        do {
            try CommitteeMeeting.checkAttendance(present: present, committee: committee, policy: round.policy)
        } catch {
            throw StoreError(.invalidInput, error, field: "present")
        }
        let agenda = try await connection.query(
            """
            SELECT p.id, (\(unescaped: VoteStage.awaitedSQL))::int2, p.applicant_id, \(unescaped: Self.employersColumns)
            FROM applications p JOIN applicants a ON a.id = p.applicant_id
            LEFT JOIN appeals x ON x.application_id = p.id
            WHERE p.round_id = \(round.id)
              AND \(unescaped: VoteStage.awaitsVoteSQL)
              AND NOT EXISTS (SELECT 1 FROM votes v WHERE v.application_id = p.id AND v.stage = \(unescaped: VoteStage.awaitedSQL))
              AND NOT EXISTS (SELECT 1 FROM meeting_cases m WHERE m.application_id = p.id AND m.voting)
            ORDER BY p.id LIMIT \(CommitteeMeeting.caseLimit)
            """, logger: logger
        ).decode((Int64, Int16, Int64, String).self).reduce(into: [(Int64, Int16, Int64, String)]()) { $0.append($1) }
        guard !agenda.isEmpty else {
            throw StoreError(.wrongState, "no case of round \(round.id) awaits the committee's vote", zh: "评审轮次\(round.id)没有待评审委员会表决的申请")
        }
        let cases = Set(agenda.map(\.0))
        if let stray = recusals.keys.filter({ !cases.contains($0) }).min() {
            throw StoreError(.invalidInput, "application \(stray) is not on this meeting's agenda", zh: "申请\(stray)不在本次会议议程中", field: "recusals")
        }
        if let stranger = recusals.values.joined().first(where: { !present.contains($0) }) {
            throw StoreError(.invalidInput, "\(stranger) is not a member present at this meeting", zh: "\(stranger)不是本次会议的出席委员", field: "recusals")
        }
        var members: [ReviewerID: Reviewer] = [:]
        for try await (id, employer, code, conflicts) in try await connection.query(
            "SELECT id, employer, employer_code, conflicts FROM reviewers WHERE id = ANY(\(present.map(\.rawValue)))", logger: logger
        ).decode((String, String?, String?, [Int64]).self) {
            members[ReviewerID(id)] = Reviewer(
                id: ReviewerID(id), fields: [], employer: employer, employerCode: code.flatMap(CreditCode.init),
                declaredConflicts: Set(conflicts.map(String.init)), loadCap: 1)
        }
        guard
            let meeting = try await first(
                """
                INSERT INTO meetings (round_id, held_on, present) VALUES (\(round.id), \(heldOn.description)::date, \(present.sorted().map(\.rawValue)))
                RETURNING id
                """, as: Int64.self, on: connection)
        else { throw StoreError(.wrongState, "the meeting could not be recorded", zh: "会议未能记录") }
        var (applications, stages, recused): ([Int64], [Int16], [String]) = ([], [], [])
        for (application, stage, applicant, employersColumn) in agenda {
            let employers = try Self.recusalFacts(employersColumn).employers
            let automatic = present.filter { members[$0]?.conflict(with: String(applicant), employers: employers) != nil }
            let all = automatic.union(recusals[application] ?? []).sorted().map(\.rawValue)
            applications.append(application)
            stages.append(stage)
            // One text per case, so that the arrays unnest together; members' ids hold no comma.
            recused.append(all.joined(separator: ","))
        }
        try await connection.query(
            """
            INSERT INTO meeting_cases (meeting_id, application_id, stage, recused)
            SELECT \(meeting), a, s, CASE WHEN r = '' THEN '{}'::text[] ELSE string_to_array(r, ',') END
            FROM unnest(\(applications)::int8[], \(stages)::int2[], \(recused)::text[]) AS c(a, s, r)
            """, logger: logger)
        try await AuditLog.append(
            actor: .institution(round.institutionID), action: "open committee meeting", subject: .round(round.id),
            detail: ["meeting": "\(meeting)", "present": "\(present.count)", "cases": "\(agenda.count)"],
            on: connection, logger: logger)
        return meeting
    }

    /// A meeting, with its counts once closed; with `lock`, held until the caller's transaction ends.
    public func meeting(_ id: Int64, lock: Bool = false, on connection: PostgresConnection) async throws -> MeetingRecord {
        guard
            let (round, heldOn, present, state) = try await first(
                """
                SELECT round_id, held_on::text, present, state FROM meetings WHERE id = \(id) \(unescaped: lock ? "FOR UPDATE" : "")
                """, as: (Int64, String, [String], String).self, on: connection)
        else { throw StoreError(.notFound, "no meeting has the id \(id)", zh: "没有编号为\(id)的会议") }
        let meetingState = try Self.stored(MeetingRecord.State.self, state, "meeting \(id)'s state")
        var cases: [MeetingRecord.Case] = []
        for try await (application, stage, recused, yes, no, abstain) in try await connection.query(
            "SELECT application_id, stage, recused, yes, no, abstain FROM meeting_cases WHERE meeting_id = \(id) ORDER BY application_id",
            logger: logger
        ).decode((Int64, Int16, [String], Int, Int, Int).self) {
            cases.append(
                MeetingRecord.Case(
                    application: application, stage: try Self.stored(VoteStage.self, stage, "meeting \(id)'s case stage"),
                    recused: recused.map { ReviewerID($0) },
                    counts: meetingState == .closed ? MeetingRecord.Counts(yes: yes, no: no, abstain: abstain) : nil))
        }
        let sheets = try await count("SELECT count(*)::int FROM ballot_sheets WHERE meeting_id = \(id)", on: connection)
        return MeetingRecord(
            id: id, roundID: round, heldOn: try .column(heldOn), present: present.map { ReviewerID($0) }, state: meetingState,
            cases: cases, sheetsCast: sheets)
    }

    /// The meetings a member attends whose vote is open, with whether their sheet is cast.
    public func openMeetings(of member: ReviewerID, on connection: PostgresConnection) async throws
        -> [(meeting: Int64, round: Int64, heldOn: CalendarDate, cast: Bool)]
    {
        var meetings: [(meeting: Int64, round: Int64, heldOn: CalendarDate, cast: Bool)] = []
        let rows = try await connection.query(
            """
            SELECT m.id, m.round_id, m.held_on::text,
                   EXISTS (SELECT 1 FROM ballot_sheets b WHERE b.meeting_id = m.id AND b.member = \(member.rawValue))
            FROM meetings m WHERE m.state = 'voting' AND \(member.rawValue) = ANY (m.present) ORDER BY m.id
            """, logger: logger)
        for try await (id, round, heldOn, cast) in rows.decode((Int64, Int64, String, Bool).self) {
            meetings.append((id, round, try .column(heldOn), cast))
        }
        return meetings
    }

    /// A round's meetings, oldest first.
    public func meetings(round: Int64, on connection: PostgresConnection) async throws -> [(meeting: Int64, heldOn: CalendarDate, voting: Bool)] {
        var meetings: [(meeting: Int64, heldOn: CalendarDate, voting: Bool)] = []
        let rows = try await connection.query(
            "SELECT id, held_on::text, state = 'voting' FROM meetings WHERE round_id = \(round) ORDER BY id", logger: logger)
        for try await (id, heldOn, voting) in rows.decode((Int64, String, Bool).self) { meetings.append((id, try .column(heldOn), voting)) }
        return meetings
    }

    /// A member's ballot sheet; refuses a member who is not recorded present.
    public func ballotSheet(meeting id: Int64, member: ReviewerID, on connection: PostgresConnection) async throws -> BallotSheetRecord {
        let meeting = try await meeting(id, on: connection)
        guard meeting.present.contains(member) else {
            throw StoreError(.forbidden, "you are not recorded present at meeting \(id); only members present vote", zh: "您未登记出席会议\(id)；只有出席委员可以投票")
        }
        var facts: [Int64: (score: Double?, finding: String?)] = [:]
        for try await (application, score, rescore, finding) in try await connection.query(
            """
            SELECT p.id, p.score, x.rescore,
                   (SELECT string_agg(o.resolution, E'\n' ORDER BY o.id) FROM objections o WHERE o.application_id = p.id AND o.state = 'upheld')
            FROM applications p LEFT JOIN appeals x ON x.application_id = p.id
            WHERE p.id = ANY(\(meeting.cases.map(\.application)))
            """, logger: logger
        ).decode((Int64, Double?, Double?, String?).self) {
            facts[application] = (rescore ?? score, finding)
        }
        let entries = meeting.cases.filter { !$0.recused.contains(member) }.map {
            BallotSheetRecord.Entry(
                application: $0.application, stage: $0.stage, score: facts[$0.application]?.score,
                finding: $0.stage == .reconsideration ? facts[$0.application]?.finding ?? nil : nil)
        }
        let cast =
            try await count(
                "SELECT count(*)::int FROM ballot_sheets WHERE meeting_id = \(id) AND member = \(member.rawValue)", on: connection) == 1
        return BallotSheetRecord(meeting: id, heldOn: meeting.heldOn, entries: entries, cast: cast, open: meeting.state == .voting)
    }

    /// Casts a member's sheet: records that they voted and adds their choices to the counts, with
    /// nothing that links the two. Returns whether every member present has now voted.
    public func castBallotSheet(
        meeting id: Int64, member: ReviewerID, choices: [Int64: BallotChoice], on connection: PostgresConnection
    ) async throws -> Bool {
        let meeting = try await meeting(id, lock: true, on: connection)
        guard meeting.present.contains(member) else {
            throw StoreError(.forbidden, "you are not recorded present at meeting \(id); only members present vote", zh: "您未登记出席会议\(id)；只有出席委员可以投票")
        }
        guard meeting.state == .voting else { throw StoreError(.wrongState, "the vote of meeting \(id) is closed", zh: "会议\(id)的表决已结束") }
        let own = Set(meeting.cases.filter { !$0.recused.contains(member) }.map(\.application))
        do {
            try CommitteeMeeting.checkSheet(choices, cases: own)
        } catch {
            throw StoreError(.invalidInput, error, field: "ballots")
        }
        let inserted = try await count(
            """
            WITH i AS (INSERT INTO ballot_sheets (meeting_id, member) VALUES (\(id), \(member.rawValue)) ON CONFLICT DO NOTHING RETURNING 1)
            SELECT count(*)::int FROM i
            """, on: connection)
        guard inserted == 1 else { throw StoreError(.duplicate, "you cast your ballot sheet for meeting \(id) already", zh: "您已在会议\(id)投过票") }
        // Sorted by case, so that the statement's parameters carry no trace of the order chosen.
        let ordered = choices.sorted { $0.key < $1.key }
        try await connection.query(
            """
            UPDATE meeting_cases m
            SET yes = m.yes + (c.choice = 'yes')::int, no = m.no + (c.choice = 'no')::int, abstain = m.abstain + (c.choice = 'abstain')::int
            FROM unnest(\(ordered.map(\.key))::int8[], \(ordered.map(\.value.rawValue))::text[]) AS c(application_id, choice)
            WHERE m.meeting_id = \(id) AND m.application_id = c.application_id
            """, logger: logger)
        try await AuditLog.append(
            actor: .reviewer(member.rawValue), action: "cast ballot sheet", subject: .round(meeting.roundID),
            detail: ["meeting": "\(id)"], on: connection, logger: logger)
        return meeting.sheetsCast + 1 == meeting.present.count
    }

    /// Closes a meeting's vote and records each case's vote of the committee: members present and
    /// not recused count, and one who cast no sheet counts as abstaining. Returns the cases voted;
    /// nothing when it was closed already.
    public func closeMeeting(_ id: Int64, actor: Actor, on connection: PostgresConnection) async throws -> [Int64] {
        let meeting = try await meeting(id, lock: true, on: connection)
        guard meeting.state == .voting else { return [] }
        guard let committee = try await committee(round: meeting.roundID, on: connection) else {
            throw StoreError(.invalidStoredData, "meeting \(id) has no committee")
        }
        let counts = try await connection.query(
            "SELECT application_id, stage, cardinality(recused), yes, no FROM meeting_cases WHERE meeting_id = \(id) ORDER BY application_id",
            logger: logger
        ).decode((Int64, Int16, Int, Int, Int).self).reduce(into: [(Int64, Int16, Int, Int, Int)]()) { $0.append($1) }
        var votes: [(application: Int64, stage: VoteStage, vote: CommitteeVote)] = []
        for (application, storedStage, recused, yes, no) in counts {
            let stage = try Self.stored(VoteStage.self, storedStage, "meeting \(id)'s case stage")
            do {
                let vote = try CommitteeMeeting.vote(
                    committeeSize: committee.members.count, entitled: meeting.present.count - recused, yes: yes, no: no)
                votes.append((application, stage, vote))
            } catch {
                throw StoreError(.invalidStoredData, "meeting \(id)'s counts on application \(application): \(error.message)")
            }
        }
        try await connection.query(
            "UPDATE meetings SET state = 'closed', closed_at = now() WHERE id = \(id)", logger: logger)
        // The counts shown are the ones tallied: a member present who cast nothing abstained.
        try await connection.query(
            """
            UPDATE meeting_cases m SET voting = false, abstain = c.abstain
            FROM unnest(\(votes.map(\.application))::int8[], \(votes.map(\.vote.abstain))::int8[]) AS c(application_id, abstain)
            WHERE m.meeting_id = \(id) AND m.application_id = c.application_id
            """, logger: logger)
        try await recordVotes(votes, on: connection)
        try await AuditLog.append(
            actor: actor, action: "close committee vote", subject: .round(meeting.roundID),
            detail: ["meeting": "\(id)", "sheets": "\(meeting.sheetsCast)"], on: connection, logger: logger)
        return votes.map(\.application)
    }
}
