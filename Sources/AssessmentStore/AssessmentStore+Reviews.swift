import Assessment
import Foundation
import PostgresNIO

/// Stages of a case's review.
public enum ReviewStage: Int16, Sendable, Codable {
    /// The panel drawn when the round was staffed.
    case original = 0
    /// The one more reviewer a discrepancy asks for.
    case extra = 1
    /// An appeal's fresh panel.
    case appeal = 2
}

/// Which of a case's committee ballots: the one on its original scores, or the one on an appeal's re-scoring.
public enum VoteStage: Int16, Sendable, Codable, CaseIterable {
    case original = 0
    case appeal = 1
    /// A result suspended by an upheld objection, voted on again (复议).
    case reconsideration = 2

    /// Its name where people read it.
    public var name: String {
        switch self {
        case .original: "original"
        case .appeal: "appeal"
        case .reconsideration: "reconsideration"
        }
    }

    /// The stage of the vote a case in `state` awaits, if any.
    public static func awaited(by state: ApplicationState, appeal: AppealState?) -> VoteStage? {
        switch state {
        case .scored: .original
        case .decided where appeal == .rescored: .appeal
        case .suspended: .reconsideration
        default: nil
        }
    }

    /// `awaited(by:appeal:)` in SQL, over an application `p` and its appeal `x`.
    static let awaitedSQL = "CASE p.state WHEN 'scored' THEN 0 WHEN 'suspended' THEN 2 ELSE 1 END"
    /// Whether `p` awaits a vote at all, in SQL.
    static let awaitsVoteSQL = "(p.state IN ('scored', 'suspended') OR (p.state = 'decided' AND x.state = 'rescored'))"
}

/// A reviewer's assignment to a case.
public struct AssignmentRecord: Sendable, Hashable {
    /// The case.
    public let application: Int64
    /// The reviewer.
    public let reviewer: String
    /// The stage.
    public let stage: ReviewStage
    /// Where it is.
    public let state: AssignmentState
    /// The score, once given.
    public let score: Double?
}

extension AssessmentStore {
    /// Writes assignments (a rerun writes none twice) and owes each reviewer a notification.
    public func assign(
        _ panels: [Int64: [ReviewerID]], stage: ReviewStage, dueAt: Date, on connection: PostgresConnection
    ) async throws {
        let pairs = panels.flatMap { application, reviewers in reviewers.map { (application, $0.rawValue) } }
        guard !pairs.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO assignments (application_id, reviewer_id, stage, due_at)
            SELECT a, r, \(stage.rawValue), \(dueAt) FROM unnest(\(pairs.map(\.0)), \(pairs.map(\.1))) AS t(a, r)
            ON CONFLICT DO NOTHING
            """, logger: logger)
        // Outbox.owe's keys and payload, for a whole panel in one statement.
        let text = NotificationEvent.assigned.text(["stage": "\(stage.rawValue)"])
        let event = NotificationEvent.assigned.rawValue
        try await connection.query(
            """
            INSERT INTO notification_outbox (idempotency_key, recipient, event, payload)
            SELECT \(event) || ':application:' || a || ':reviewer:' || r, 'reviewer:' || r, \(event),
                   jsonb_build_object(
                       'event', \(event), 'subject', 'application:' || a, 'stage', \(stage.rawValue)::int,
                       'message', \(text.zh)::text, 'messageEnglish', \(text.en)::text)
            FROM unnest(\(pairs.map(\.0)), \(pairs.map(\.1))) AS t(a, r)
            ON CONFLICT (idempotency_key) DO NOTHING
            """, logger: logger)
    }

    /// Every assignment of a case, replaced ones included.
    public func assignments(of application: Int64, on connection: PostgresConnection) async throws -> [AssignmentRecord] {
        var records: [AssignmentRecord] = []
        for try await (reviewer, stage, state, score) in try await connection.query(
            """
            SELECT reviewer_id, stage, state, score FROM assignments WHERE application_id = \(application) ORDER BY stage, reviewer_id
            """, logger: logger
        ).decode((String, Int16, String, Double?).self) {
            records.append(
                AssignmentRecord(
                    application: application, reviewer: reviewer, stage: try Self.stored(ReviewStage.self, stage, "an assignment's stage"),
                    state: try Self.stored(AssignmentState.self, state, "an assignment's state"), score: score))
        }
        return records
    }

    /// Cases as the assignment algorithm sees them, in id order: field, employer, declared
    /// conflicts by applicant id, and everyone who reviewed them before. One query for a chunk.
    public func reviewCases(_ applications: [Int64], field: String, on connection: PostgresConnection) async throws -> [ReviewCase] {
        var cases: [ReviewCase] = []
        for try await (id, applicant, employers, earlier) in try await connection.query(
            """
            SELECT p.id, p.applicant_id, \(unescaped: Self.employersColumns),
                   coalesce(array_agg(s.reviewer_id) FILTER (WHERE s.reviewer_id IS NOT NULL), '{}')
            FROM applications p JOIN applicants a ON a.id = p.applicant_id
            LEFT JOIN assignments s ON s.application_id = p.id
            WHERE p.id = ANY(\(applications))
            GROUP BY p.id, p.applicant_id, a.employer, a.profile ORDER BY p.id
            """, logger: logger
        ).decode((Int64, Int64, String, [String]).self) {
            let facts = try Self.recusalFacts(employers)
            cases.append(
                ReviewCase(
                    id: String(id), applicant: String(applicant), field: field, employers: facts.employers, grade: facts.grade,
                    excludedReviewers: Appeals.excludedReviewers(earlierPanels: [earlier.map { ReviewerID($0) }])))
        }
        return cases
    }

    /// An application's employers for recusal, as one JSON column of `applications p` joined with
    /// `applicants a`: the employer named at registration and the record it was filed with.
    static let employersColumns = """
        json_build_object('registered', a.employer, 'applied', p.applied_on::text, 'profile', coalesce(p.profile, a.profile),
                          'target', p.target)::text
        """

    /// An `employersColumns` value.
    struct EmployersColumn: Decodable {
        let registered: String?
        let applied: String
        let profile: Applicant
        let target: ApplicationTarget
    }

    /// What recusal reads of an `employersColumns` value: the employers of the work history on
    /// the application date and the one named at registration, and the title grade applied for.
    static func recusalFacts(_ json: String) throws -> (employers: [EmployerIdentity], grade: TitleGrade?) {
        let column = try decode(EmployersColumn.self, json)
        let day = try CalendarDate.column(column.applied)
        let employers = column.profile.employers(on: day) + (column.registered.map { [EmployerIdentity(name: $0, code: nil)] } ?? [])
        if case .title(_, let grade, _) = column.target { return (employers, grade) }
        return (employers, nil)
    }

    /// A reviewer's score, with their comment if they wrote one. Refuses a case not assigned to
    /// them, a second score, a score outside 0–100. Returns the stage, and whether every live
    /// assignment of that stage is now scored.
    public func submitScore(
        reviewer: String, application: Int64, score: Double, comment: String? = nil, on connection: PostgresConnection
    ) async throws -> (stage: ReviewStage, complete: Bool) {
        guard score.isFinite, (0...100).contains(score) else {
            throw StoreError(.invalidInput, "a score runs from 0 to 100", zh: "评分须为 0 至 100", field: "score")
        }
        // Scores of one case take turns, so that of two last scores committing together the later
        // one sees the other and sets off the aggregation; its count below runs after the wait.
        try await connection.query("SELECT 1 FROM applications WHERE id = \(application) FOR NO KEY UPDATE", logger: logger)
        // The reviewer's latest assignment, scored if open; beside it, how many others of its stage
        // wait, as the snapshot taken after the wait above saw them.
        let current = try await first(
            """
            WITH latest AS (
                SELECT stage, state FROM assignments WHERE application_id = \(application) AND reviewer_id = \(reviewer)
                ORDER BY stage DESC LIMIT 1 FOR UPDATE
            ), scored AS (
                UPDATE assignments a SET state = 'scored', score = \(score), comment = \(comment), scored_at = now()
                FROM latest
                WHERE a.application_id = \(application) AND a.reviewer_id = \(reviewer) AND a.stage = latest.stage AND latest.state = 'assigned'
                RETURNING a.stage
            )
            SELECT latest.stage, latest.state,
                   (SELECT count(*)::int FROM assignments o
                    WHERE o.application_id = \(application) AND o.stage = latest.stage AND o.state = 'assigned' AND o.reviewer_id <> \(reviewer))
            FROM latest
            """, as: (Int16, String, Int).self, on: connection)
        guard let (stageValue, stateValue, waiting) = current, stateValue != AssignmentState.replaced.rawValue else {
            throw StoreError(.forbidden, "application \(application) is not assigned to this reviewer", zh: "申请\(application)未分配给该专家")
        }
        guard stateValue == AssignmentState.assigned.rawValue else {
            throw StoreError(.duplicate, "this reviewer already scored application \(application)", zh: "该专家已为申请\(application)评分")
        }
        try await AuditLog.append(
            actor: .reviewer(reviewer), action: "score", subject: .application(application),
            on: connection, logger: logger)
        return (try Self.stored(ReviewStage.self, stageValue, "application \(application)'s review stage"), waiting == 0)
    }

    /// Replaces a reviewer who missed the deadline: the assignment ends as replaced; false when it
    /// was scored or replaced meanwhile.
    public func markReplaced(reviewer: String, application: Int64, on connection: PostgresConnection) async throws -> Bool {
        try await count(
            """
            WITH u AS (UPDATE assignments SET state = 'replaced'
                       WHERE application_id = \(application) AND reviewer_id = \(reviewer) AND state = 'assigned' RETURNING 1)
            SELECT count(*)::int FROM u
            """, on: connection) == 1
    }

    /// Marks a reminder sent; false when it was sent before or the assignment is no longer open.
    public func markReminded(reviewer: String, application: Int64, on connection: PostgresConnection) async throws -> Bool {
        try await count(
            """
            WITH u AS (UPDATE assignments SET reminded_at = now()
                       WHERE application_id = \(application) AND reviewer_id = \(reviewer) AND state = 'assigned'
                         AND reminded_at IS NULL RETURNING 1)
            SELECT count(*)::int FROM u
            """, on: connection) == 1
    }

    /// Records the committee's ballot counts on the cases of a closed meeting, each at the stage
    /// it was put on the agenda for, in three statements however many cases. Refuses them all if a
    /// case no longer awaits that vote (it moved on meanwhile) or was voted on already.
    func recordVotes(_ votes: [(application: Int64, stage: VoteStage, vote: CommitteeVote)], on connection: PostgresConnection) async throws {
        guard !votes.isEmpty else { return }
        let recorded = try await connection.query(
            """
            INSERT INTO votes (application_id, stage, members, yes, no, abstain)
            SELECT c.a, c.s, c.m, c.y, c.n, c.x
            FROM unnest(\(votes.map(\.application))::int8[], \(votes.map(\.stage.rawValue))::int2[], \(votes.map(\.vote.members))::int4[],
                        \(votes.map(\.vote.yes))::int4[], \(votes.map(\.vote.no))::int4[], \(votes.map(\.vote.abstain))::int4[])
                 AS c(a, s, m, y, n, x)
            JOIN applications p ON p.id = c.a LEFT JOIN appeals x ON x.application_id = p.id
            WHERE c.s = \(unescaped: VoteStage.awaitedSQL)
              AND \(unescaped: VoteStage.awaitsVoteSQL)
            ON CONFLICT DO NOTHING
            RETURNING application_id
            """, logger: logger
        ).decode(Int64.self).reduce(into: Set<Int64>()) { $0.insert($1) }
        if let missed = votes.map(\.application).first(where: { !recorded.contains($0) }) {
            throw StoreError(
                .wrongState, "application \(missed) no longer awaits this vote of the committee, or was voted on already",
                zh: "申请\(missed)已不再等待本次表决，或已表决")
        }
        let actions = votes.map { $0.stage == .original ? "vote" : "\($0.stage.name) vote" }
        let details = try votes.map {
            String(
                decoding: try JSONEncoder.sorted.encode(["yes": "\($0.vote.yes)", "no": "\($0.vote.no)", "abstain": "\($0.vote.abstain)"]),
                as: UTF8.self)
        }
        try await AuditLog.append(
            actor: .committee, actions: actions, subjects: votes.map { .application($0.application) }, details: details,
            on: connection, logger: logger)
    }

    /// A case's recorded ballot at `stage`.
    public func vote(of application: Int64, stage: VoteStage = .original, on connection: PostgresConnection) async throws -> CommitteeVote? {
        guard
            let (members, yes, no, abstain) = try await first(
                """
                SELECT members, yes, no, abstain FROM votes WHERE application_id = \(application) AND stage = \(stage.rawValue)
                """, as: (Int, Int, Int, Int).self, on: connection)
        else { return nil }
        return try CommitteeVote(members: members, yes: yes, no: no, abstain: abstain)
    }

    /// Voids a case's ballot at `stage` (no quorum), so that the committee can vote again.
    public func voidVote(of application: Int64, stage: VoteStage = .original, on connection: PostgresConnection) async throws {
        try await connection.query("DELETE FROM votes WHERE application_id = \(application) AND stage = \(stage.rawValue)", logger: logger)
    }

    /// The last meeting that had a case on its agenda at `stage`.
    public func lastMeeting(of application: Int64, stage: VoteStage, on connection: PostgresConnection) async throws -> Int64? {
        try await first(
            "SELECT max(meeting_id) FROM meeting_cases WHERE application_id = \(application) AND stage = \(stage.rawValue)",
            as: Int64?.self, on: connection) ?? nil
    }

    /// Decides a suspended result as the committee reconsidered it; false when it was decided already.
    public func decideReconsideration(_ application: Int64, passed: Bool, appealsUntil: CalendarDate?, on connection: PostgresConnection)
        async throws -> Bool
    {
        let decided = try await count(
            """
            WITH u AS (UPDATE applications SET state = 'decided', passed = \(passed), appeals_until = \(appealsUntil?.description)::date
                       WHERE id = \(application) AND state = 'suspended' RETURNING 1)
            SELECT count(*)::int FROM u
            """, on: connection)
        guard decided == 1 else { return false }
        try await AuditLog.append(
            actor: .committee, action: passed ? "reconsidered: passed" : "reconsidered: failed", subject: .application(application),
            on: connection, logger: logger)
        return true
    }

    /// The fresh panel's score of a title appeal, kept until the committee votes on it again.
    public func recordAppealRescore(application: Int64, score: Double, on connection: PostgresConnection) async throws -> Bool {
        try await count(
            """
            WITH u AS (UPDATE appeals SET state = 'rescored', rescore = \(score)
                       WHERE application_id = \(application) AND state = 'open' RETURNING 1)
            SELECT count(*)::int FROM u
            """, on: connection) == 1
    }

    /// The fresh panel's score of a rescored appeal.
    public func appealRescore(of application: Int64, on connection: PostgresConnection) async throws -> Double? {
        try await first("SELECT rescore FROM appeals WHERE application_id = \(application)", as: Double?.self, on: connection) ?? nil
    }

    /// Files an applicant's appeal of their own failed result, or of their ineligibility, within
    /// the window; says which it is.
    public func fileAppeal(applicant: Int64, application: Int64, reason: String, on connection: PostgresConnection) async throws -> AppealKind {
        let record = try await self.application(application, lock: true, on: connection)
        guard record.applicantID == applicant else {
            throw StoreError(.forbidden, "applicants may appeal only their own results", zh: "申请人只能对本人的结果申请复核")
        }
        if record.state == .ineligible {
            try await fileEligibilityAppeal(record, reason: reason, on: connection)
            return .eligibility
        }
        let round = try await round(record.roundID, on: connection)
        guard record.state == .decided, let notified = round.noticePublishedOn, let windowEnds = record.appealsUntil,
            round.state == .publicNotice || round.state == .appeals
        else {
            throw StoreError(.wrongState, "an appeal can be filed once the result is published", zh: "结果公布后方可申请复核")
        }
        // 复核 is the remedy of a failed result; a passed applicant has nothing to appeal.
        guard record.passed == false else {
            throw StoreError(
                .wrongState, "only a failed result can be appealed; application \(application) passed", zh: "只有未通过的结果可以申请复核；申请\(application)已通过")
        }
        let today = try await self.today(of: round, on: connection)
        do {
            try Appeals.checkFiling(on: today, resultNotifiedOn: notified, windowEnds: windowEnds)
        } catch {
            throw StoreError(.wrongState, error)
        }
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...4000).contains(trimmed.count) else {
            throw StoreError(.invalidInput, "give a reason of 1 to 4,000 characters", zh: "请写明理由，1 至 4000 个字符", field: "reason")
        }
        let inserted = try await count(
            """
            WITH i AS (INSERT INTO appeals (application_id, reason) VALUES (\(application), \(trimmed)) ON CONFLICT DO NOTHING RETURNING 1)
            SELECT count(*)::int FROM i
            """, on: connection)
        guard inserted == 1 else {
            throw StoreError(.duplicate, "an appeal of application \(application) was filed already", zh: "申请\(application)已申请过复核")
        }
        try await AuditLog.append(
            actor: .applicant(applicant), action: "appeal", subject: .application(application),
            on: connection, logger: logger)
        return .result
    }

    /// Sets an open appeal apart, with why no fresh panel could be drawn; false when it was not open.
    public func setAppealApart(application: Int64, reason: LocalizedText, on connection: PostgresConnection) async throws -> Bool {
        try await count(
            """
            WITH u AS (UPDATE appeals SET state = 'set_apart', set_apart_reason = \(reason.both)
                       WHERE application_id = \(application) AND state = 'open' RETURNING 1)
            SELECT count(*)::int FROM u
            """, on: connection) == 1
    }

    /// Decides an open appeal: the fresh panel's result replaces the original; false when it was decided already.
    public func decideAppeal(application: Int64, result: CaseResult, outcome: AppealOutcome, on connection: PostgresConnection) async throws -> Bool {
        let decided = try await count(
            """
            WITH u AS (UPDATE appeals SET state = 'decided', outcome = \(outcome.rawValue)
                       WHERE application_id = \(application) AND state <> 'decided' RETURNING 1)
            SELECT count(*)::int FROM u
            """, on: connection)
        guard decided == 1 else { return false }
        try await connection.query(
            """
            UPDATE applications SET passed = \(result.passed), score = coalesce(\(result.score), score), appeal_outcome = \(outcome.rawValue)
            WHERE id = \(application)
            """, logger: logger)
        try await AuditLog.append(
            actor: .system, action: "appeal \(outcome.rawValue)", subject: .application(application),
            on: connection, logger: logger)
        return true
    }

    /// Open assignments of a round past their deadline: those to remind, and those reminded more
    /// than `grace` seconds ago, to replace.
    public func overdueAssignments(round: Int64, grace: Double, on connection: PostgresConnection) async throws
        -> (remind: [AssignmentRecord], replace: [AssignmentRecord])
    {
        var remind: [AssignmentRecord] = []
        var replace: [AssignmentRecord] = []
        for try await (application, reviewer, stage, reminded, pastGrace) in try await connection.query(
            """
            SELECT a.application_id, a.reviewer_id, a.stage, a.reminded_at IS NOT NULL,
                   coalesce(a.reminded_at < now() - \(grace) * interval '1 second', false)
            FROM assignments a JOIN applications p ON p.id = a.application_id
            WHERE p.round_id = \(round) AND a.state = 'assigned' AND a.due_at < now()
            ORDER BY a.application_id, a.reviewer_id
            """, logger: logger
        ).decode((Int64, String, Int16, Bool, Bool).self) {
            let record = AssignmentRecord(
                application: application, reviewer: reviewer,
                stage: try Self.stored(ReviewStage.self, stage, "an assignment's stage"), state: .assigned, score: nil)
            if !reminded { remind.append(record) } else if pastGrace { replace.append(record) }
        }
        return (remind, replace)
    }
}

extension AssessmentStore {
    /// Files a written objection to a published result; only while the public notice runs.
    /// Files an objection during a result's public notice. Anyone may, so each carries a contact
    /// for the answer, and `ObjectionLimits` bound how many one client address files and how many
    /// one application carries; counted and written under a lock of the application and one of
    /// the address, so concurrent filings cannot pass a limit.
    public func fileObjection(
        application: Int64, filedBy: String, contact: String, statement: String, client: String, on connection: PostgresConnection
    ) async throws -> Int64 {
        try ObjectionLimits.checkContact(contact)
        guard try await first("SELECT 1 FROM applications WHERE id = \(application) FOR UPDATE", as: Int.self, on: connection) != nil else {
            throw StoreError.noApplication(application)
        }
        try await connection.query("SELECT pg_advisory_xact_lock(hashtextextended(\("objection:" + client), 3))", logger: logger)
        let (fromClient, onApplication) =
            try await first(
                """
                SELECT count(*) FILTER (WHERE client = \(client) AND filed_at > now() - interval '1 hour')::int,
                       count(*) FILTER (WHERE application_id = \(application) AND state = 'open')::int
                FROM objections WHERE client = \(client) OR application_id = \(application)
                """, as: (Int, Int).self, on: connection) ?? (0, 0)
        guard fromClient < ObjectionLimits.perClientPerHour else {
            throw StoreError(
                .tooMany, "at most \(ObjectionLimits.perClientPerHour) objections an hour may come from one address; try again later",
                zh: "同一地址每小时至多提出 \(ObjectionLimits.perClientPerHour) 件异议；请稍后再试")
        }
        guard onApplication < ObjectionLimits.openPerApplication else {
            throw StoreError(
                .tooMany, "this result already has \(ObjectionLimits.openPerApplication) open objections; the institution handles them first",
                zh: "该结果已有\(ObjectionLimits.openPerApplication)件待处理异议；请待机构处理后再提出")
        }
        let record = try await self.application(application, on: connection)
        let round = try await round(record.roundID, on: connection)
        guard round.state == .publicNotice, record.state == .decided else {
            throw StoreError(.wrongState, "objections are filed while a result's public notice runs", zh: "异议须在结果公示期内提出")
        }
        let who = filedBy.trimmingCharacters(in: .whitespacesAndNewlines)
        let text = statement.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...200).contains(who.count) else {
            throw StoreError(.invalidInput, "say who files it, in 1 to 200 characters", zh: "请写明异议人，1 至 200 个字符", field: "filedBy")
        }
        guard (1...4000).contains(text.count) else {
            throw StoreError(.invalidInput, "give a statement of 1 to 4,000 characters", zh: "请写明异议内容，1 至 4000 个字符", field: "statement")
        }
        let id = try await first(
            """
            INSERT INTO objections (application_id, filed_by, contact, statement, client)
            VALUES (\(application), \(who), \(contact.trimmingCharacters(in: .whitespaces)), \(text), \(client)) RETURNING id
            """, as: Int64.self, on: connection)!
        try await Outbox.owe(
            .objectionFiled, about: .objection(id), to: .institution(round.institutionID),
            payload: ["application": "\(application)"], on: connection, logger: logger)
        try await AuditLog.append(
            actor: .publicMember, action: "object", subject: .application(application),
            detail: ["objection": "\(id)"], on: connection, logger: logger)
        return id
    }

    /// Dismisses open objections of one of the institution's rounds in one step, with the reason
    /// recorded on each (a flood of spam must not hold the round); returns how many were open.
    public func dismissObjections(
        _ ids: [Int64], round id: Int64, institution: String, reason: String,
        on connection: PostgresConnection
    ) async throws -> Int {
        let round = try await round(id, lock: true, on: connection)
        guard round.institutionID == institution else {
            throw StoreError(.forbidden, "round \(id) belongs to another institution", zh: "评审轮次\(id)属于其他机构")
        }
        let text = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...4000).contains(text.count) else {
            throw StoreError(.invalidInput, "give a reason of 1 to 4,000 characters", zh: "请写明理由，1 至 4000 个字符", field: "reason")
        }
        let dismissed = try await count(
            """
            WITH d AS (
                UPDATE objections o SET state = 'dismissed', resolution = \(text), handled_at = now()
                FROM applications p
                WHERE o.id = ANY(\(ids)) AND o.state = 'open' AND p.id = o.application_id AND p.round_id = \(id)
                RETURNING 1
            )
            SELECT count(*)::int FROM d
            """, on: connection)
        try await AuditLog.append(
            actor: .institution(institution), action: "dismiss objections", subject: .round(id),
            detail: ["count": "\(dismissed)"], on: connection, logger: logger)
        return dismissed
    }

    /// A round's objections for its institution, oldest first after `after`.
    public func objections(
        round id: Int64, institution: String, openOnly: Bool, after: Int64, limit: Int,
        on connection: PostgresConnection
    ) async throws -> [ObjectionRecord] {
        let round = try await round(id, on: connection)
        guard round.institutionID == institution else {
            throw StoreError(.forbidden, "round \(id) belongs to another institution", zh: "评审轮次\(id)属于其他机构")
        }
        let rows = try await connection.query(
            """
            SELECT o.id, o.application_id, o.filed_by, o.contact, o.statement, o.state, o.filed_at
            FROM objections o JOIN applications p ON p.id = o.application_id
            WHERE p.round_id = \(id) AND o.id > \(after) AND (NOT \(openOnly) OR o.state = 'open')
            ORDER BY o.id LIMIT \(limit)
            """, logger: logger)
        var records: [ObjectionRecord] = []
        for try await (id, application, filedBy, contact, statement, state, filedAt) in rows.decode(
            (Int64, Int64, String, String?, String, String, Date).self)
        {
            records.append(
                ObjectionRecord(
                    id: id, application: application, filedBy: filedBy, contact: contact, statement: statement,
                    state: try Self.stored(ObjectionState.self, state, "objection \(id)'s state"), filedAt: filedAt))
        }
        return records
    }

    /// The institution records how it handled an objection. Upheld with `suspendResult`, the
    /// objection suspends the title result it names: the committee votes on the case again (复议),
    /// once, and the round cannot finalize meanwhile; the applicant is told.
    public func handleObjection(
        _ id: Int64, institution: String, resolution: String, suspendResult: Bool = false, on connection: PostgresConnection
    ) async throws {
        guard
            let (state, owner, applicationID) = try await first(
                """
                SELECT o.state, r.institution_id, o.application_id FROM objections o JOIN applications p ON p.id = o.application_id
                JOIN rounds r ON r.id = p.round_id WHERE o.id = \(id) FOR UPDATE OF o
                """, as: (String, String, Int64).self, on: connection)
        else { throw StoreError(.notFound, "no objection has the id \(id)", zh: "没有编号为\(id)的异议") }
        guard owner == institution else {
            throw StoreError(.forbidden, "objection \(id) concerns another institution's round", zh: "异议\(id)涉及其他机构的评审轮次")
        }
        guard state == ObjectionState.open.rawValue else { throw StoreError(.duplicate, "objection \(id) was handled already", zh: "异议\(id)已处理") }
        let text = resolution.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...4000).contains(text.count) else {
            throw StoreError(.invalidInput, "give a resolution of 1 to 4,000 characters", zh: "请写明处理结果，1 至 4000 个字符", field: "resolution")
        }
        if suspendResult { try await suspend(applicationID, objection: id, on: connection) }
        let outcome: ObjectionState = suspendResult ? .upheld : .handled
        try await connection.query(
            "UPDATE objections SET state = \(outcome.rawValue), resolution = \(text), handled_at = now() WHERE id = \(id)", logger: logger)
        try await AuditLog.append(
            actor: .institution(institution), action: suspendResult ? "uphold objection" : "handle objection", subject: .objection(id),
            on: connection, logger: logger)
    }

    private func suspend(_ applicationID: Int64, objection: Int64, on connection: PostgresConnection) async throws {
        let (record, round, _) = try await applicationInRound(applicationID, lock: true, on: connection)
        guard round.track == .title else {
            throw StoreError(
                .wrongState, "a skills level result follows from its marks, not a committee's vote; correct the marks through a re-marking instead",
                zh: "职业技能等级结果由成绩决定，不经评审委员会表决；请通过复核重新评分更正")
        }
        guard round.state == .publicNotice || round.state == .appeals else {
            throw StoreError(
                .wrongState, "a result can be suspended while it is on notice or open to appeal; round \(round.id) is \(round.state.rawValue)",
                zh: "结果仅在公示期或复核期内可以暂缓；评审轮次\(round.id)当前为\(round.state.rawValue)")
        }
        guard record.state == .decided else {
            throw StoreError(
                .wrongState, "application \(applicationID) is \(record.state.rawValue); only a decided result can be suspended",
                zh: "申请\(applicationID)当前为\(record.state.rawValue)；只有已作出的结果可以暂缓")
        }
        guard record.appeal == nil || record.appeal == .decided else {
            throw StoreError(
                .wrongState, "application \(applicationID)'s appeal is not decided yet; suspend its result once it is",
                zh: "申请\(applicationID)的复核尚未决定；请在复核决定后再暂缓结果")
        }
        guard try await vote(of: applicationID, stage: .reconsideration, on: connection) == nil else {
            throw StoreError(
                .duplicate, "the committee reconsidered application \(applicationID) already; its result stands",
                zh: "评审委员会已对申请\(applicationID)复议；结果维持")
        }
        try await connection.query("UPDATE applications SET state = 'suspended' WHERE id = \(applicationID)", logger: logger)
        try await AuditLog.append(
            actor: .institution(round.institutionID), action: "suspend result", subject: .application(applicationID),
            detail: ["objection": "\(objection)"], on: connection, logger: logger)
        try await Outbox.owe(
            .resultSuspended, about: .application(applicationID), to: .applicant(record.applicantID),
            payload: ["objection": "\(objection)"], on: connection, logger: logger)
    }
}

/// An open case as its reviewer sees it: no applicant name, no identity number.
public struct BlindCase: Sendable {
    public let application: Int64
    public let round: Int64
    public let stage: Int
    public let target: ApplicationTarget
    public let dueAt: Date
}

extension AssessmentStore {
    /// One case a reviewer has still to score, blind; nil when it is not theirs to score (never
    /// assigned, scored, replaced, or withdrawn for a conflict).
    public func openCase(_ application: Int64, of reviewer: String, on connection: PostgresConnection) async throws -> BlindCase? {
        try await openCases(of: reviewer, only: application, after: 0, limit: 1, on: connection).first
    }

    /// A reviewer's cases still to score, in application order after `after`, at most `limit`.
    public func openCases(
        of reviewer: String, only application: Int64? = nil, after: Int64, limit: Int, on connection: PostgresConnection
    ) async throws -> [BlindCase] {
        var cases: [BlindCase] = []
        for try await (application, round, stage, target, due) in try await connection.query(
            """
            SELECT a.application_id, p.round_id, a.stage::int, p.target::text, a.due_at
            FROM assignments a JOIN applications p ON p.id = a.application_id
            WHERE a.reviewer_id = \(reviewer) AND a.state = 'assigned' AND a.application_id > \(after)
              AND (\(application)::bigint IS NULL OR a.application_id = \(application))
            ORDER BY a.application_id LIMIT \(limit)
            """, logger: logger
        ).decode((Int64, Int64, Int, String, Date).self) {
            cases.append(
                BlindCase(
                    application: application, round: round, stage: stage,
                    target: try Self.decode(ApplicationTarget.self, target), dueAt: due))
        }
        return cases
    }

    /// The notifications owed to a recipient, in order after `after`, at most `limit`.
    /// A recipient's notifications, oldest first after `after`; with `newestFirst`, the latest
    /// `limit` of them, newest first (`after` ignored).
    public func notifications(
        of recipient: String, after: Int64, limit: Int, newestFirst: Bool = false, on connection: PostgresConnection
    ) async throws -> [(id: Int64, event: String, createdAt: Date, payload: String)] {
        var rows: [(id: Int64, event: String, createdAt: Date, payload: String)] = []
        for try await row in try await connection.query(
            """
            SELECT id, event, created_at, payload::text FROM notification_outbox
            WHERE recipient = \(recipient) AND (\(newestFirst) OR id > \(after))
            ORDER BY CASE WHEN \(newestFirst) THEN -id ELSE id END LIMIT \(limit)
            """, logger: logger
        ).decode((Int64, String, Date, String).self) {
            rows.append(row)
        }
        return rows
    }
}

/// An objection as its round's institution reads it.
public struct ObjectionRecord: Sendable {
    public let id: Int64
    public let application: Int64
    public let filedBy: String
    /// How to answer the filer; nil for objections filed before contacts were asked for.
    public let contact: String?
    public let statement: String
    public let state: ObjectionState
    public let filedAt: Date
}

/// What limits objections, which anyone may file.
public enum ObjectionLimits {
    /// Objections one client address may file in an hour.
    public static let perClientPerHour = 5
    /// Open objections one result may carry at once.
    public static let openPerApplication = 20

    /// A contact the institution can answer: an e-mail address or a phone number.
    static func checkContact(_ raw: String) throws {
        let contact = raw.trimmingCharacters(in: .whitespaces)
        let email = contact.wholeMatch(of: /[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}/) != nil
        let digits = contact.filter(\.isNumber).count
        let phone = contact.wholeMatch(of: /\+?[0-9 ()-]{6,30}/) != nil && (6...20).contains(digits)
        guard contact.count <= 200, email || phone else {
            throw StoreError(
                .invalidInput, "contact must be an e-mail address or a phone number, so that the institution can answer",
                zh: "联系方式须为电子邮箱或电话号码，以便机构答复",
                field: "contact")
        }
    }
}
