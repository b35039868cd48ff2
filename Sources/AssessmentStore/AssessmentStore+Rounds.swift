import Assessment
import Foundation
import PostgresNIO

/// What an institution opens a round with.
public struct RoundDraft: Sendable {
    /// The institution.
    public var institutionID: String
    /// A name for people.
    public var name: String
    /// The track.
    public var track: RoundRecord.Track
    /// Reviewed, or the results of a national exam imported.
    public var kind: RoundKind
    /// The series or occupation code.
    public var field: String
    /// The rules.
    public var policy: Policy
    /// Holidays and moved workdays: the shipped official schedules unless given.
    public var calendar: WorkingCalendar
    /// The panel draw's seed, recorded with the round.
    public var seed: Int64
    /// Day 0 of the round's clock.
    public var startDate: CalendarDate
    /// Seconds per day: 86,400, or fewer on a compressed clock, which makes the round a rehearsal.
    public var daySeconds: Int
    /// The IANA time zone whose midnight starts the round's days.
    public var timeZone: String
    /// The assessment site a skills round's certificates name: one of the institution's, its first unless given.
    public var site: String?
    /// The day applications close.
    public var closesOnDay: Int
    /// Days a reviewer has to score.
    public var scoringDays: Int

    /// A draft.
    public init(
        institutionID: String, name: String, track: RoundRecord.Track, kind: RoundKind = .review, field: String, policy: Policy = Policy(),
        calendar: WorkingCalendar? = nil, seed: Int64, startDate: CalendarDate, daySeconds: Int = 86_400,
        timeZone: String = RoundRecord.defaultTimeZone, site: String? = nil, closesOnDay: Int = 30, scoringDays: Int = 14
    ) {
        self.site = site
        (self.institutionID, self.name, self.track, self.kind, self.field, self.policy) = (institutionID, name, track, kind, field, policy)
        self.calendar = calendar ?? .official(unloadedYears: .byDefault(rehearsal: daySeconds < 86_400))
        (self.seed, self.startDate, self.daySeconds, self.timeZone) = (seed, startDate, daySeconds, timeZone)
        (self.closesOnDay, self.scoringDays) = (closesOnDay, scoringDays)
    }
}

/// An application as stored.
public struct ApplicationRecord: Sendable {
    /// Where an application is.
    public typealias State = ApplicationState
    /// Its id.
    public let id: Int64
    /// Its round.
    public let roundID: Int64
    /// Its applicant.
    public let applicantID: Int64
    /// What is applied for.
    public let target: ApplicationTarget
    /// The application date (the round's clock).
    public let appliedOn: CalendarDate
    /// Where it is.
    public let state: State
    /// The aggregated score, once scored.
    public let score: Double?
    /// The decision, once decided.
    public let passed: Bool?
    /// An appeal's outcome, once decided.
    public let appealOutcome: AppealOutcome?
    /// Where its appeal is, if one was filed.
    public let appeal: AppealState?
    /// The last day its result may be appealed, once published: the round's window, or the
    /// window of a reconsidered result.
    public let appealsUntil: CalendarDate?
    /// Where an appeal of its ineligibility is, if one was filed, and how it was decided.
    public let eligibilityAppeal: (state: AppealState, outcome: AppealOutcome?)?
    /// Where its formal check stands.
    public let formalCheck: FormalCheckStatus
}

/// Where an application's formal check (形式审查) stands.
public struct FormalCheckStatus: Sendable, Hashable {
    /// When the check accepted it, if it did.
    public let checkedAt: Date?
    /// While returned for correction: the deadline to resubmit.
    public let correctBy: CalendarDate?
    /// Whether the integrity pledge is signed.
    public let pledged: Bool
    /// How many times it was returned for correction.
    public let returns: Int
}

extension AssessmentStore {
    /// Opens a round; refuses an invalid policy, an unknown field or a clock that cannot work.
    public func openRound(_ draft: RoundDraft, on connection: PostgresConnection) async throws -> Int64 {
        let problems = draft.policy.problems()
        guard problems.isEmpty else {
            throw StoreError(
                .invalidInput, "the policy is not valid: " + problems.map(\.en).joined(separator: "; "),
                zh: "规则设置无效：" + problems.map(\.zh).joined(separator: "；"), field: "policy")
        }
        switch draft.track {
        case .title where TitleSeries.named(draft.field) == nil:
            throw StoreError(.invalidInput, "no title series has the code \(draft.field)", zh: "没有代码为\(draft.field)的职称系列", field: "field")
        case .skill where Occupation.named(draft.field) == nil:
            throw StoreError(.invalidInput, "no occupation has the code \(draft.field)", zh: "没有代码为\(draft.field)的职业", field: "field")
        default: break
        }
        if draft.kind == .exam, draft.track != .title || TitleSeries.named(draft.field)?.examGrades.isEmpty != false {
            throw StoreError(
                .invalidInput, "an exam round imports the results of a national exam that confers titles (以考代评): economics only",
                zh: "考试轮次导入以考代评的全国考试成绩，仅适用于经济系列", field: "kind")
        }
        let institution = try await institution(draft.institutionID, on: connection)
        guard institution.mayEvaluate(title: draft.track == .title, field: draft.field) else {
            let may = (institution.series.sorted() + institution.occupations.sorted()).joined(separator: ", ")
            throw StoreError(
                .invalidInput, "institution \(draft.institutionID) is filed to evaluate \(may), not \(draft.field)",
                zh: "机构\(draft.institutionID)备案的评价范围为\(may)，不含\(draft.field)", field: "field")
        }
        let site = draft.track == .skill ? draft.site ?? institution.sites.first : nil
        if let site, !institution.sites.contains(site) {
            throw StoreError(
                .invalidInput, "\(site) is not one of institution \(draft.institutionID)'s sites", zh: "\(site)不是机构\(draft.institutionID)的考评站点",
                field: "site")
        }
        guard (1...86_400).contains(draft.daySeconds), draft.closesOnDay >= 0, draft.scoringDays > 0 else {
            throw StoreError(
                .invalidInput, "daySeconds must be 1 to 86400, scoringDays positive and closesOnDay not negative",
                zh: "daySeconds 须为 1 至 86400，scoringDays 须为正数，closesOnDay 不能为负")
        }
        guard let zone = RoundRecord.zone(draft.timeZone) else {
            throw StoreError(
                .invalidInput, "\(draft.timeZone) is not a time zone; give an IANA name such as Asia/Shanghai",
                zh: "\(draft.timeZone)不是时区；请填写 IANA 名称，例如 Asia/Shanghai", field: "timeZone")
        }
        // A production round's dates are the real dates of its zone: it cannot start in the past,
        // or ages, years of experience and certificates' dates would follow a day that is gone.
        if draft.daySeconds == 86_400 {
            let today = try RoundRecord.civilDate(of: try await now(on: connection), in: zone)
            guard draft.startDate >= today else {
                throw StoreError(
                    .invalidInput,
                    "a round starts today (\(today) in \(draft.timeZone)) or later, not \(draft.startDate); "
                        + "a rehearsal on a compressed clock (daySeconds below 86400) may be dated freely",
                    zh: "评审轮次须自今天（\(draft.timeZone) 的 \(today)）或以后开始，而非 \(draft.startDate)；压缩时钟（daySeconds 小于 86400）的演练轮次可自由定日期",
                    field: "startDate")
            }
        }
        guard
            let id = try await first(
                """
                INSERT INTO rounds (institution_id, name, track, kind, field, policy, calendar, state, seed, start_date, day_seconds,
                                    time_zone, site, closes_on_day, scoring_days)
                SELECT \(draft.institutionID), \(draft.name), \(draft.track.rawValue), \(draft.kind.rawValue), \(draft.field),
                       \(try Self.json(draft.policy))::jsonb,
                       \(try Self.json(draft.calendar))::jsonb, 'open', \(draft.seed), \(draft.startDate.description)::date,
                       \(draft.daySeconds), \(draft.timeZone), \(site), \(draft.closesOnDay), \(draft.scoringDays)
                WHERE EXISTS (SELECT 1 FROM institutions WHERE id = \(draft.institutionID))
                RETURNING id
                """, as: Int64.self, on: connection)
        else {
            throw StoreError(
                .notFound, "no institution has the id \(draft.institutionID)", zh: "没有编号为\(draft.institutionID)的机构", field: "institutionID")
        }
        try await AuditLog.append(
            actor: .institution(draft.institutionID), action: "open round", subject: .round(id),
            detail: ["seed": "\(draft.seed)", "track": draft.track.rawValue, "kind": draft.kind.rawValue, "field": draft.field],
            on: connection, logger: logger)
        return id
    }

    /// A round; with `lock`, held until the caller's transaction ends, so its steps run one at a time.
    public func round(_ id: Int64, lock: Bool = false, on connection: PostgresConnection) async throws -> RoundRecord {
        let rows = try await connection.query(
            "SELECT \(unescaped: Self.roundColumns) FROM rounds r WHERE r.id = \(id) \(unescaped: lock ? "FOR UPDATE" : "")", logger: logger)
        for try await row in rows {
            var cells = StoredCells(row)
            return try Self.roundRecord(id, from: &cells)
        }
        throw StoreError.noRound(id)
    }

    /// What a `RoundRecord` is read from, in the order `roundRecord(_:from:)` reads it: the
    /// columns of the rounds row aliased `r`.
    static let roundColumns = """
        r.institution_id, r.name, r.track, r.field, r.policy::text, r.calendar::text, r.state, r.seed, r.start_date::text,
        r.day_seconds, r.started_at, r.closes_on_day, r.scoring_days, r.notice_ends::text, r.appeals_end::text, r.time_zone,
        r.notice_published_on::text, r.kind
        """

    /// Reads a round from `roundColumns`; a round stored with values today's rules refuse is reported, not trusted.
    static func roundRecord(_ id: Int64, from cells: inout StoredCells) throws -> RoundRecord {
        let (institution, name, track, field, policy, calendar, state, seed) = (
            try cells.next(String.self), try cells.next(String.self), try cells.next(String.self), try cells.next(String.self),
            try cells.next(String.self), try cells.next(String.self), try cells.next(String.self), try cells.next(Int64.self)
        )
        let (startDate, daySeconds, startedAt, closesOnDay, scoringDays) = (
            try cells.next(String.self), try cells.next(Int.self), try cells.next(Date.self), try cells.next(Int.self), try cells.next(Int.self)
        )
        let (noticeEnds, appealsEnd, timeZone, noticePublished, kind) = (
            try cells.next(String?.self), try cells.next(String?.self), try cells.next(String.self), try cells.next(String?.self),
            try cells.next(String.self)
        )
        let storedPolicy = try decode(Policy.self, policy)
        let problems = storedPolicy.problems()
        guard problems.isEmpty, (1...86_400).contains(daySeconds), closesOnDay >= 0, scoringDays > 0,
            let track = RoundRecord.Track(rawValue: track), let state = RoundState(rawValue: state), let kind = RoundKind(rawValue: kind),
            let zone = RoundRecord.zone(timeZone)
        else {
            throw StoreError(
                .invalidStoredData,
                "round \(id) was stored with values that break today's rules"
                    + (problems.isEmpty ? "" : ": " + problems.map(\.en).joined(separator: "; ")) + "; open a corrected round")
        }
        return RoundRecord(
            id: id, institutionID: institution, name: name, track: track, kind: kind, field: field,
            policy: storedPolicy, calendar: try decode(WorkingCalendar.self, calendar),
            state: state, seed: seed, startDate: try .column(startDate), daySeconds: daySeconds, timeZone: zone,
            startedAt: startedAt, closesOnDay: closesOnDay, scoringDays: scoringDays,
            noticePublishedOn: try noticePublished.map(CalendarDate.column),
            noticeEnds: try noticeEnds.map(CalendarDate.column), appealsEnd: try appealsEnd.map(CalendarDate.column))
    }

    /// The database's clock, which every process shares.
    public func now(on connection: PostgresConnection) async throws -> Date {
        try await first("SELECT now()", as: Date.self, on: connection) ?? Date()
    }

    /// The round's day by the database's clock; a clock run past 2200 is refused, not trapped on.
    public func today(of round: RoundRecord, on connection: PostgresConnection) async throws -> CalendarDate {
        try Self.day(of: round, at: try await now(on: connection))
    }

    /// The round's day at `now`; a clock run past 2200 is refused as stored data, not trapped on.
    public static func day(of round: RoundRecord, at now: Date) throws -> CalendarDate {
        do {
            return try round.day(at: now)
        } catch {
            throw StoreError(.invalidStoredData, "round \(round.id)'s clock: \(error.message)")
        }
    }

    /// What the round's transitions check, counted from its applications.
    public func facts(of round: RoundRecord, on connection: PostgresConnection) async throws -> RoundFacts {
        var facts = RoundFacts(today: try await today(of: round, on: connection))
        facts.policyProblems = round.policy.problems()
        let rows = try await connection.query(
            """
            SELECT count(*) FILTER (WHERE state NOT IN ('submitted', 'ineligible'))::int,
                   count(*) FILTER (WHERE state = 'eligible')::int,
                   count(*) FILTER (WHERE state IN ('eligible', 'assigned'))::int,
                   count(*) FILTER (WHERE state IN ('eligible', 'assigned', 'scored'))::int,
                   (SELECT count(*)::int FROM appeals a JOIN applications p ON p.id = a.application_id
                    WHERE p.round_id = \(round.id) AND a.state NOT IN ('decided', 'set_apart')),
                   (SELECT count(*)::int FROM objections o JOIN applications p ON p.id = o.application_id
                    WHERE p.round_id = \(round.id) AND o.state = 'open'),
                   count(*) FILTER (WHERE state = 'suspended')::int, max(appeals_until)::text
            FROM applications WHERE round_id = \(round.id)
            """, logger: logger)
        var reconsideredWindow: CalendarDate?
        for try await (eligible, unstaffed, unscored, undecided, appeals, objections, suspended, latestWindow) in rows.decode(
            (Int, Int, Int, Int, Int, Int, Int, String?).self)
        {
            facts.eligibleApplications = eligible
            facts.unstaffedCases = round.track == .title ? unstaffed : 0
            facts.unscoredCases = round.track == .title ? unscored : 0
            facts.undecidedCases = undecided
            facts.openAppeals = appeals
            facts.openObjections = objections
            facts.suspendedResults = suspended
            reconsideredWindow = try latestWindow.map { try CalendarDate.column($0) }
        }
        facts.noticeEnds = round.noticeEnds
        // A reconsidered failure has its own window, counted from the day it was notified.
        facts.appealWindowEnds = [round.appealsEnd, reconsideredWindow].compactMap { $0 }.max()
        return facts
    }

    /// Moves a locked round one step on and returns it as it now is, or says why it cannot move yet.
    @discardableResult
    public func advance(_ round: RoundRecord, to target: RoundState, actor: Actor, on connection: PostgresConnection) async throws -> RoundRecord {
        switch RoundLifecycle.advance(round.state, to: target, kind: round.kind, facts: try await facts(of: round, on: connection)) {
        case .failure(let refused): throw StoreError(.wrongState, refused)
        case .success: break
        }
        try await connection.query("UPDATE rounds SET state = \(target.rawValue) WHERE id = \(round.id)", logger: logger)
        try await AuditLog.append(
            actor: actor, action: "round \(target.rawValue)", subject: .round(round.id),
            on: connection, logger: logger)
        // The caller holds the round's lock, so nothing else changed it: no second read.
        var advanced = round
        advanced.state = target
        return advanced
    }

    /// Loads a year's holiday schedule into a locked round's calendar; counts already made (a
    /// published notice's end, an appeal window) stand as they were told.
    public func loadHolidaySchedule(_ schedule: HolidaySchedule, into round: RoundRecord, actor: Actor, on connection: PostgresConnection)
        async throws
    {
        var calendar = round.calendar
        calendar.load(schedule)
        try await connection.query(
            "UPDATE rounds SET calendar = \(try Self.json(calendar))::jsonb WHERE id = \(round.id)", logger: logger)
        try await AuditLog.append(
            actor: actor, action: "load holiday schedule", subject: .round(round.id),
            detail: ["year": "\(schedule.year)", "holidays": "\(schedule.holidays.count)", "adjustedWorkdays": "\(schedule.adjustedWorkdays.count)"],
            on: connection, logger: logger)
    }

    /// Records the day the notice went up (the day results are notified) and its and the appeal window's last days.
    public func setNoticeDates(
        round: Int64, publishedOn: CalendarDate, noticeEnds: CalendarDate, appealsEnd: CalendarDate, on connection: PostgresConnection
    ) async throws {
        try await connection.query(
            """
            UPDATE rounds SET notice_published_on = \(publishedOn.description)::date, notice_ends = \(noticeEnds.description)::date,
                              appeals_end = \(appealsEnd.description)::date
            WHERE id = \(round)
            """, logger: logger)
    }

    /// Files an application with the applicant's record as it stands; refuses a round that is not
    /// open or already closed on its clock, a target of another track or field, and a second
    /// application of the same applicant. Returns its id and whether it awaits a formal check.
    public func submitApplication(
        round roundID: Int64, applicant: Int64, target: ApplicationTarget, on connection: PostgresConnection
    ) async throws -> (id: Int64, awaitsFormalCheck: Bool) {
        // Shared with other applications, exclusive of the closing step: no application slips in
        // after its round closed.
        guard let now = try await first("SELECT now() FROM rounds WHERE id = \(roundID) FOR SHARE", as: Date.self, on: connection) else {
            throw StoreError.noRound(roundID)
        }
        let round = try await round(roundID, on: connection)
        guard round.state == .open, now < round.applicationsClose else {
            throw StoreError(.wrongState, "round \(roundID) does not take applications any more", zh: "评审轮次\(roundID)已停止受理申请")
        }
        guard now >= round.start(of: round.startDate) else {
            throw StoreError(.wrongState, "round \(roundID) takes applications from \(round.startDate)", zh: "评审轮次\(roundID)自\(round.startDate)起受理申请")
        }
        guard round.kind == .review else {
            throw StoreError(
                .wrongState, "round \(roundID) is an exam round: its results are imported from the national exam, and it takes no applications",
                zh: "评审轮次\(roundID)为考试轮次：成绩由全国考试导入，不受理申请")
        }
        if case .title(let code, let grade, _) = target, let series = TitleSeries.named(code), series.examGrades.contains(grade) {
            let title = series.titleName(grade) ?? code
            throw StoreError(
                .invalidInput, "\(title) is obtained by the national exam (以考代评), not by review; review rounds serve the grades above it",
                zh: "\(title)实行以考代评，通过全国统一考试取得，不经评审；评审轮次仅受理更高等级", field: "target")
        }
        switch (round.track, target) {
        case (.title, .title(let series, _, _)) where series == round.field: break
        case (.skill, .skill(let occupation, _, _)) where occupation == round.field: break
        default:
            throw StoreError(
                .invalidInput, "round \(roundID) takes \(round.track.rawValue) applications for \(round.field) only",
                zh: "评审轮次\(roundID)只受理\(round.field)的申请", field: "target")
        }
        // The applicant, and a bar from titles they are under on the application date.
        guard
            let bar = try await first(
                """
                SELECT (SELECT max(until)::text FROM title_bars WHERE applicant_id = a.id AND until >= \(try Self.day(of: round, at: now).description)::date)
                FROM applicants a WHERE a.id = \(applicant)
                """, as: String?.self, on: connection)
        else { throw StoreError.noApplicant(applicant) }
        if round.track == .title, let until = try bar.map(CalendarDate.column) {
            throw StoreError(
                .wrongState, "a title of yours was revoked for fraud: you may not apply for titles until after \(until)",
                zh: "您的职称因弄虚作假被撤销：\(until)之后方可申报职称")
        }
        guard
            let id = try await first(
                """
                INSERT INTO applications (round_id, applicant_id, target, applied_on, state, profile)
                VALUES (\(roundID), \(applicant), \(try Self.json(target))::jsonb, \(try Self.day(of: round, at: now).description)::date, 'submitted',
                        (SELECT profile FROM applicants WHERE id = \(applicant)))
                ON CONFLICT (round_id, applicant_id) DO NOTHING
                RETURNING id
                """, as: Int64.self, on: connection)
        else {
            throw StoreError(.duplicate, "this applicant already applied in round \(roundID)", zh: "该申请人已在评审轮次\(roundID)提交申请")
        }
        try await AuditLog.append(
            actor: .applicant(applicant), action: "apply", subject: .application(id),
            on: connection, logger: logger)
        return (id, round.policy.formalCheck)
    }

    /// An application; with `lock`, held until the caller's transaction ends.
    public func application(_ id: Int64, lock: Bool = false, on connection: PostgresConnection) async throws -> ApplicationRecord {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.applicationColumns)
            FROM applications p JOIN rounds r ON r.id = p.round_id LEFT JOIN eligibility_appeals e ON e.application_id = p.id
            WHERE p.id = \(id) \(unescaped: lock ? "FOR UPDATE OF p" : "")
            """, logger: logger)
        for try await row in rows {
            var cells = StoredCells(row)
            return try Self.applicationRecord(id, from: &cells)
        }
        throw StoreError.noApplication(id)
    }

    /// An application (with `lock`, held until the caller's transaction ends), its round and the
    /// database's clock, in one statement: what most steps of a case read first.
    public func applicationInRound(_ id: Int64, lock: Bool = false, on connection: PostgresConnection) async throws -> (
        application: ApplicationRecord, round: RoundRecord, now: Date
    ) {
        let rows = try await connection.query(
            """
            SELECT \(unescaped: Self.applicationColumns), now(), \(unescaped: Self.roundColumns)
            FROM applications p JOIN rounds r ON r.id = p.round_id LEFT JOIN eligibility_appeals e ON e.application_id = p.id
            WHERE p.id = \(id) \(unescaped: lock ? "FOR UPDATE OF p" : "")
            """, logger: logger)
        for try await row in rows {
            var cells = StoredCells(row)
            let application = try Self.applicationRecord(id, from: &cells)
            let now = try cells.next(Date.self)
            return (application, try Self.roundRecord(application.roundID, from: &cells), now)
        }
        throw StoreError.noApplication(id)
    }

    /// What an `ApplicationRecord` is read from, in the order `applicationRecord(_:from:)` reads
    /// it: applications `p` joined to their rounds `r` and left-joined to eligibility appeals `e`.
    static let applicationColumns = """
        p.round_id, p.applicant_id, p.target::text, p.applied_on::text, p.state, p.score, p.passed, p.appeal_outcome,
        (SELECT a.state FROM appeals a WHERE a.application_id = p.id), coalesce(p.appeals_until, r.appeals_end)::text,
        e.state, e.outcome, p.checked_at, p.correct_by::text, p.pledge IS NOT NULL, jsonb_array_length(p.corrections)
        """

    /// Reads an application from `applicationColumns`.
    static func applicationRecord(_ id: Int64, from cells: inout StoredCells) throws -> ApplicationRecord {
        let (round, applicant, target, appliedOn, state, score, passed, outcome) = (
            try cells.next(Int64.self), try cells.next(Int64.self), try cells.next(String.self), try cells.next(String.self),
            try cells.next(String.self), try cells.next(Double?.self), try cells.next(Bool?.self), try cells.next(String?.self)
        )
        let (appeal, appealsUntil, eligibilityAppeal, eligibilityOutcome) = (
            try cells.next(String?.self), try cells.next(String?.self), try cells.next(String?.self), try cells.next(String?.self)
        )
        let (checkedAt, correctBy, pledged, returns) = (
            try cells.next(Date?.self), try cells.next(String?.self), try cells.next(Bool.self), try cells.next(Int.self)
        )
        return ApplicationRecord(
            id: id, roundID: round, applicantID: applicant, target: try decode(ApplicationTarget.self, target),
            appliedOn: try .column(appliedOn), state: try stored(ApplicationState.self, state, "application \(id)'s state"), score: score,
            passed: passed,
            appealOutcome: outcome.flatMap(AppealOutcome.init(rawValue:)),
            appeal: try appeal.map { try stored(AppealState.self, $0, "application \(id)'s appeal") },
            appealsUntil: try appealsUntil.map { try CalendarDate.column($0) },
            eligibilityAppeal: try eligibilityAppeal.map {
                (
                    try stored(AppealState.self, $0, "application \(id)'s eligibility appeal"),
                    eligibilityOutcome.flatMap(AppealOutcome.init(rawValue:))
                )
            },
            formalCheck: FormalCheckStatus(
                checkedAt: checkedAt, correctBy: try correctBy.map(CalendarDate.column), pledged: pledged, returns: returns))
    }

    /// Records the eligibility decision of a submitted application; false when it was decided already.
    public func decideEligibility(_ application: Int64, _ eligibility: Eligibility, on day: CalendarDate, on connection: PostgresConnection)
        async throws -> Bool
    {
        let (state, reasons): (String, [String]) =
            switch eligibility {
            case .eligible: ("eligible", [])
            case .ineligible(let reasons): ("ineligible", reasons.map(\.text.both))
            }
        let updated = try await count(
            """
            WITH u AS (UPDATE applications SET state = \(state), reasons = \(try Self.json(reasons))::jsonb,
                              ineligible_on = CASE WHEN \(state) = 'ineligible' THEN \(day.description)::date END
                       WHERE id = \(application) AND state = 'submitted' RETURNING 1)
            SELECT count(*)::int FROM u
            """, on: connection)
        return updated == 1
    }

    /// Moves the applications that are in `from` to `to`, setting a score or decision when given;
    /// returns how many moved (those in another state are left alone).
    public func moveApplications(
        _ ids: [Int64], from: ApplicationRecord.State, to: ApplicationRecord.State, score: Double? = nil, passed: Bool? = nil,
        on connection: PostgresConnection
    ) async throws -> Int {
        try await count(
            """
            WITH u AS (UPDATE applications SET state = \(to.rawValue), score = coalesce(\(score), score),
                           passed = coalesce(\(passed), passed)
                       WHERE id = ANY(\(ids)) AND state = \(from.rawValue) RETURNING 1)
            SELECT count(*)::int FROM u
            """, on: connection)
    }

    /// Locks the round row, then says whether it is scoring with no eligible case undecided. Two
    /// statements: the check must see what committed while the lock was awaited.
    public func lockIfAllDecided(round: Int64, on connection: PostgresConnection) async throws -> Bool {
        guard
            try await first("SELECT state FROM rounds WHERE id = \(round) FOR UPDATE", as: String.self, on: connection)
                == RoundState.scoring.rawValue
        else { return false }
        return try await count(
            """
            SELECT count(*)::int FROM (SELECT 1 FROM applications
                                       WHERE round_id = \(round) AND state IN ('eligible', 'assigned', 'scored') LIMIT 1) AS undecided
            """, on: connection) == 0
    }

    /// Applications of a round in a state, in id order after `after`, at most `limit`.
    public func applications(
        round: Int64, state: ApplicationRecord.State, after: Int64 = 0, limit: Int = 1_000_000,
        on connection: PostgresConnection
    ) async throws -> [Int64] {
        var ids: [Int64] = []
        for try await id in try await connection.query(
            """
            SELECT id FROM applications WHERE round_id = \(round) AND state = \(state.rawValue) AND id > \(after)
            ORDER BY id LIMIT \(limit)
            """, logger: logger
        ).decode(Int64.self) { ids.append(id) }
        return ids
    }

    /// An applicant's applications in id order after `after`, at most `limit`.
    public func applicationIDs(of applicant: Int64, after: Int64, limit: Int, on connection: PostgresConnection) async throws -> [Int64] {
        var ids: [Int64] = []
        for try await id in try await connection.query(
            """
            SELECT id FROM applications WHERE applicant_id = \(applicant) AND id > \(after) ORDER BY id LIMIT \(limit)
            """, logger: logger
        ).decode(Int64.self) { ids.append(id) }
        return ids
    }

    /// A round's applications, optionally in one state, in id order after `after`, at most `limit`.
    public func applicationIDs(
        inRound round: Int64, state: ApplicationRecord.State?, after: Int64, limit: Int,
        on connection: PostgresConnection
    ) async throws -> [Int64] {
        var ids: [Int64] = []
        for try await id in try await connection.query(
            """
            SELECT id FROM applications
            WHERE round_id = \(round) AND (\(state?.rawValue)::text IS NULL OR state::text = \(state?.rawValue)) AND id > \(after)
            ORDER BY id LIMIT \(limit)
            """, logger: logger
        ).decode(Int64.self) { ids.append(id) }
        return ids
    }

    /// Applications of a round by state: the round's progress.
    public func progress(round: Int64, on connection: PostgresConnection) async throws -> [ApplicationState: Int] {
        var counts: [ApplicationState: Int] = [:]
        for try await (state, n) in try await connection.query(
            "SELECT state, count(*)::int FROM applications WHERE round_id = \(round) GROUP BY state", logger: logger
        ).decode((String, Int).self) { counts[try Self.stored(ApplicationState.self, state, "round \(round)'s application state")] = n }
        return counts
    }

    /// A decided round's passed applications (those `sitting` decided, when named) in id order
    /// after `after`, at most `limit`: the certificates to issue.
    public func passedApplicationIDs(round: Int64, sitting: Int64? = nil, after: Int64, limit: Int, on connection: PostgresConnection) async throws
        -> [Int64]
    {
        var ids: [Int64] = []
        for try await id in try await connection.query(
            """
            SELECT p.id FROM applications p WHERE p.round_id = \(round) AND p.state = 'decided' AND p.passed AND p.id > \(after)
              AND (\(sitting)::bigint IS NULL OR EXISTS (SELECT 1 FROM sitting_results r WHERE r.application_id = p.id AND r.sitting_id = \(sitting)))
            ORDER BY p.id LIMIT \(limit)
            """, logger: logger
        ).decode(Int64.self) { ids.append(id) }
        return ids
    }

    /// Records that a finalized round's results went to the bureau (once).
    public func recordHandOver(round: Int64, on connection: PostgresConnection) async throws {
        try await connection.query(
            "INSERT INTO round_confirmations (round_id) VALUES (\(round)) ON CONFLICT DO NOTHING", logger: logger)
    }

    /// Rounds handed to the bureau and not yet confirmed, oldest hand-over first.
    public func roundsAwaitingConfirmation(limit: Int, on connection: PostgresConnection) async throws -> [RoundSummary] {
        try await roundSummaries(
            """
            SELECT r.id, r.name, r.institution_id, r.track, r.kind, r.field, r.state, c.handed_at
            FROM round_confirmations c JOIN rounds r ON r.id = c.round_id
            WHERE c.confirmed_at IS NULL ORDER BY c.handed_at, r.id LIMIT \(limit)
            """, on: connection)
    }

    /// An institution's rounds, newest first.
    public func rounds(of institution: String, limit: Int, on connection: PostgresConnection) async throws -> [RoundSummary] {
        try await roundSummaries(
            """
            SELECT r.id, r.name, r.institution_id, r.track, r.kind, r.field, r.state, c.handed_at
            FROM rounds r LEFT JOIN round_confirmations c ON c.round_id = r.id
            WHERE r.institution_id = \(institution) ORDER BY r.id DESC LIMIT \(limit)
            """, on: connection)
    }

    /// Rounds whose public notice has been published, the latest first: what anyone may read.
    public func publishedNotices(limit: Int, on connection: PostgresConnection) async throws -> [RoundSummary] {
        try await roundSummaries(
            """
            SELECT r.id, r.name, r.institution_id, r.track, r.kind, r.field, r.state, c.handed_at
            FROM rounds r LEFT JOIN round_confirmations c ON c.round_id = r.id
            WHERE r.notice_published_on IS NOT NULL ORDER BY r.notice_published_on DESC, r.id DESC LIMIT \(limit)
            """, on: connection)
    }

    private func roundSummaries(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> [RoundSummary] {
        var rounds: [RoundSummary] = []
        let rows = try await connection.query(query, logger: logger)
        for try await (id, name, institution, track, kind, field, state, handedAt) in rows.decode(
            (Int64, String, String, String, String, String, String, Date?).self)
        {
            rounds.append(
                RoundSummary(
                    id: id, name: name, institutionID: institution, track: try Self.stored(RoundRecord.Track.self, track, "a round's track"),
                    kind: try Self.stored(RoundKind.self, kind, "a round's kind"), field: field,
                    state: try Self.stored(RoundState.self, state, "a round's state"), handedAt: handedAt))
        }
        return rounds
    }

    /// Records which officer confirmed a round's results, and when.
    public func recordConfirmation(round: Int64, officer: String, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            UPDATE round_confirmations SET confirmed_at = now(), confirmed_by = \(officer) WHERE round_id = \(round)
            """, logger: logger)
    }
}

/// A round as lists show it.
public struct RoundSummary: Sendable {
    /// The round's id.
    public let id: Int64
    /// Its name.
    public let name: String
    /// The institution that runs it.
    public let institutionID: String
    /// Titles or skills.
    public let track: RoundRecord.Track
    /// Review or exam.
    public let kind: RoundKind
    /// The series or occupation it evaluates.
    public let field: String
    /// Where it is.
    public let state: RoundState
    /// When its results were handed to the bureau, once they were.
    public let handedAt: Date?
}
