import Assessment
import AssessmentStore
import Foundation
import PostgresNIO

/// The marks of a sitting (评分): the theory exam's imported from the exam system, absences the
/// institution records, each examiner's own mark of the parts they examine, and the supervisor's
/// word on a panel whose marks diverge. A candidate is decided once every part they take has a
/// result; the round's notice follows once every candidate is decided.
extension Workflow {
    /// Imports the theory exam's marks of a seated sitting, once its theory part has begun: every
    /// row names a seated candidate's ticket; one bad row refuses the file. Returns how many were recorded.
    public func importTheoryMarks(csv: String, sitting id: Int64, institution: String) async throws -> Int {
        let rows: [(line: Int, ticket: String, mark: Double?)]
        switch TheoryMarkCSV.read(csv) {
        case .success(let read): rows = read
        case .failure(let problems): throw StoreError(.invalidInput, problems.summary.en, zh: problems.summary.zh, field: "body")
        }
        return try await transaction { connection in
            let (sitting, round) = try await markable(id, part: .theory, institution: institution, on: connection)
            let seats = try await store.seats(sitting: id, tickets: rows.map(\.ticket), on: connection)
            if let unknown = rows.first(where: { seats[$0.ticket] == nil }) {
                throw StoreError(
                    .invalidInput, "line \(unknown.line): no candidate of sitting \(id) holds ticket \(unknown.ticket)",
                    zh: "第 \(unknown.line) 行：考场安排\(id)中没有准考证号为 \(unknown.ticket) 的考生", field: "body")
            }
            for row in rows {
                let seat = seats[row.ticket]!
                try await record(row.mark.map { .marked($0) } ?? .absent, part: .theory, of: seat, sitting: sitting, round: round, on: connection)
            }
            return rows.count
        }
    }

    /// The lead invigilator (主监考) of a room enters a paper theory exam's mark of a candidate
    /// seated there, or their absence (`mark` nil), from the day of the exam.
    public func enterTheoryMark(_ mark: Double?, ticket: String, sitting id: Int64, reviewer: String) async throws {
        try await transaction { connection in
            let seat = try await seat(ticket, sitting: id, on: connection)
            guard try await store.leadInvigilator(sitting: id, room: seat.room, on: connection) == reviewer else {
                throw StoreError(
                    .forbidden, "only the lead invigilator of ticket \(ticket)'s room enters its theory mark",
                    zh: "只有准考证号 \(ticket) 所在考场的主监考可录入其理论考试成绩")
            }
            let (sitting, round) = try await markable(id, part: .theory, institution: nil, on: connection)
            _ = try await store.application(seat.application, lock: true, on: connection)
            try await record(mark.map { .marked($0) } ?? .absent, part: .theory, of: seat, sitting: sitting, round: round, on: connection)
            try await AuditLog.append(
                actor: .reviewer(reviewer), action: mark == nil ? "record absence" : "enter theory mark", subject: .application(seat.application),
                detail: ["sitting": String(id)], on: connection, logger: logger)
        }
    }

    /// Records candidates absent from a part of a seated sitting.
    public func recordAbsence(tickets: [String], part: SkillsPart, sitting id: Int64, institution: String) async throws {
        try await transaction { connection in
            let (sitting, round) = try await markable(id, part: part, institution: institution, on: connection)
            let seats = try await store.seats(sitting: id, tickets: tickets, on: connection)
            for ticket in tickets {
                guard let seat = seats[ticket] else {
                    throw StoreError(
                        .invalidInput, "no candidate of sitting \(id) holds ticket \(ticket)", zh: "考场安排\(id)中没有准考证号为 \(ticket) 的考生",
                        field: "tickets")
                }
                guard SkillsPart.required(at: seat.level).contains(part) else {
                    throw StoreError(
                        .invalidInput, "ticket \(ticket) is for level \(seat.level.rawValue), which takes no \(part.englishName)",
                        zh: "准考证号 \(ticket) 为 \(seat.level.rawValue) 级考生，不参加\(part.chineseName)", field: "tickets")
                }
                try await record(.absent, part: part, of: seat, sitting: sitting, round: round, on: connection)
            }
        }
    }

    /// An examiner's own mark of a candidate's part: the skill assessment of their room, or the
    /// comprehensive review of a review panel member. Once every member of the panel has marked,
    /// the part's mark is the panel's mean; a spread beyond the tolerance goes to the supervisor.
    public func submitMark(_ mark: Double, ticket: String, part: SkillsPart, sitting id: Int64, reviewer: String) async throws {
        try await transaction { connection in
            let post = try await store.post(of: reviewer, sitting: id, on: connection)
            let seat = try await seat(ticket, sitting: id, on: connection)
            let marks: Bool =
                switch (part, post?.role) {
                case (.skill, .examiner): post?.room == seat.room
                case (.comprehensiveReview, .reviewer): seat.level.hasComprehensiveReview
                default: false
                }
            guard let post, marks else {
                throw StoreError(
                    .forbidden, "you mark no \(part.englishName) of ticket \(ticket) at sitting \(id)",
                    zh: "您不负责考场安排\(id)中准考证号 \(ticket) 的\(part.chineseName)评分")
            }
            let (sitting, round) = try await markable(id, part: part, institution: nil, on: connection)
            // The candidate's row orders the panel's last marks, so that one of them sees them all.
            _ = try await store.application(seat.application, lock: true, on: connection)
            if let recorded = try await store.results(sitting: id, application: seat.application, on: connection).first(where: { $0.part == part }) {
                throw Self.alreadyRecorded(recorded, part: part, ticket: ticket)
            }
            guard
                let given = try await store.addMark(
                    sitting: id, application: seat.application, part: part, reviewer: reviewer, mark: mark, on: connection)
            else {
                throw StoreError(
                    .duplicate, "you marked the \(part.englishName) of ticket \(ticket) already", zh: "您已为准考证号 \(ticket) 的\(part.chineseName)评分")
            }
            try await AuditLog.append(
                actor: .reviewer(reviewer), action: "mark", subject: .application(seat.application),
                detail: ["sitting": String(id), "part": part.rawValue], on: connection, logger: logger)
            let panel = try await store.postCount(sitting: id, role: post.role, room: post.room, on: connection)
            guard given.count >= panel, let panelMark = PanelMark.of(given, policy: round.policy) else { return }
            guard panelMark.discrepant else {
                try await record(.marked(panelMark.mark), part: part, of: seat, sitting: sitting, round: round, on: connection)
                return
            }
            _ = try await store.recordResult(
                sitting: id, application: seat.application, part: part, state: .discrepancy, mark: panelMark.mark, spread: panelMark.spread,
                on: connection)
            let supervisors = try await store.sittingStaff(id, on: connection).filter { $0.role == .supervisor }
            try await Outbox.owe(
                .markDiscrepancy,
                notices: supervisors.map {
                    (
                        .sitting(id), .reviewer($0.reviewer),
                        [
                            "sitting": String(id), "ticket": ticket, "part": part.rawValue, "partName": part.chineseName,
                            "spread": String(panelMark.spread),
                        ]
                    )
                }, occasion: "\(ticket):\(part.rawValue)", on: connection, logger: logger)
        }
    }

    /// The supervisor lets a discrepant part's mark count, having looked into it.
    public func confirmMark(ticket: String, part: SkillsPart, sitting id: Int64, supervisor: String) async throws {
        try await transaction { connection in
            let (sitting, round) = try await markable(id, part: part, institution: nil, on: connection)
            guard try await store.post(of: supervisor, sitting: id, on: connection)?.role == .supervisor else {
                throw StoreError(.forbidden, "only the sitting's supervisor confirms a discrepant mark", zh: "只有本场督导员可确认评分差异")
            }
            let seat = try await seat(ticket, sitting: id, on: connection)
            _ = try await store.application(seat.application, lock: true, on: connection)
            guard try await store.confirmResult(sitting: id, application: seat.application, part: part, supervisor: supervisor, on: connection) else {
                throw StoreError(
                    .wrongState, "the \(part.englishName) of ticket \(ticket) awaits no confirmation", zh: "准考证号 \(ticket) 的\(part.chineseName)无需确认")
            }
            try await AuditLog.append(
                actor: .reviewer(supervisor), action: "confirm mark", subject: .application(seat.application),
                detail: ["sitting": String(id), "part": part.rawValue], on: connection, logger: logger)
            try await decideWhenComplete(seat, sitting: sitting, round: round, on: connection)
        }
    }

    /// What a post holder marks at a sitting, blind, by ticket: an examiner's or review panel
    /// member's parts with their own marks, a lead invigilator's theory marks to enter, a
    /// supervisor's diverging parts to confirm.
    public func marking(sitting id: Int64, reviewer: String) async throws -> [MarkingRecord] {
        try await transaction { connection in
            guard let post = try await store.post(of: reviewer, sitting: id, on: connection) else {
                throw StoreError(.forbidden, "you mark nothing at sitting \(id)", zh: "您在考场安排\(id)中没有评分任务")
            }
            if post.role == .invigilator, try await store.leadInvigilator(sitting: id, room: post.room ?? -1, on: connection) != reviewer {
                throw StoreError(
                    .forbidden, "you mark nothing at sitting \(id): the lead invigilator of your room enters its theory marks",
                    zh: "您在考场安排\(id)中没有评分任务：理论考试成绩由您考场的主监考录入")
            }
            return try await store.marking(post, sitting: id, on: connection)
        }
    }

    /// Every seated candidate's part results, by ticket, for the institution.
    public func sittingResults(sitting id: Int64, institution: String) async throws -> [(seat: SeatRecord, results: [PartResultRecord])] {
        try await transaction { connection in
            let sitting = try await store.sitting(id, on: connection)
            _ = try await ownRound(sitting.roundID, institution: institution, on: connection)
            let seats = try await store.seats(sitting: id, on: connection).values.sorted { $0.ticket < $1.ticket }
            let results = try await store.results(sitting: id, applications: seats.map(\.application), on: connection)
            return seats.map { ($0, results[$0.application] ?? []) }
        }
    }

    /// An applicant's part results, once decided.
    public func partResults(application id: Int64, applicant: Int64) async throws -> [PartResultRecord] {
        try await transaction { connection in
            let application = try await store.application(id, on: connection)
            guard application.applicantID == applicant else { throw StoreError.noApplication(id) }
            guard application.state == .decided, let sitting = try await store.decidingSitting(application: id, on: connection) else {
                throw StoreError(.wrongState, "application \(id) has no sitting result yet", zh: "申请\(id)尚无考试结果")
            }
            return try await store.results(sitting: sitting, application: id, on: connection)
        }
    }

    /// The skills appeals a reviewer re-marks, blind: tickets, levels and parts, with their own marks.
    public func remarks(reviewer: String) async throws -> [RemarkRecord] {
        try await transaction { try await store.remarks(of: reviewer, on: $0) }
    }

    /// A fresh panel member's mark of an appealed part. Once the whole panel has marked, the panel's
    /// mark replaces the part's, the candidate is decided again on every part, and the appeal is
    /// decided: upheld when the result stands, overturned when it changes; the applicant is told.
    public func giveRemark(_ mark: Double, remark id: Int64, reviewer: String) async throws {
        try await transaction { connection in
            guard let (applicationID, part, _) = try await store.remarkAppeal(id, reviewer: reviewer, on: connection) else {
                throw StoreError(.notFound, "you re-mark no appeal \(id)", zh: "您没有编号为\(id)的复核评分任务")
            }
            // The application's row orders the panel's last marks; the appeal is read again under it.
            let (application, round, _) = try await store.applicationInRound(applicationID, lock: true, on: connection)
            guard try await store.remarkAppeal(id, reviewer: reviewer, on: connection)?.open == true,
                let sitting = try await store.decidingSitting(application: applicationID, on: connection)
            else {
                throw StoreError(.wrongState, "the appeal of re-marking \(id) is decided", zh: "复核评分任务\(id)的复核已有结论")
            }
            guard let given = try await store.giveRemark(id, mark: mark, on: connection) else {
                throw StoreError(.duplicate, "you marked re-marking \(id) already", zh: "您已为复核评分任务\(id)评分")
            }
            try await AuditLog.append(
                actor: .reviewer(reviewer), action: "appeal mark", subject: .application(applicationID), detail: ["part": part.rawValue],
                on: connection, logger: logger)
            guard given.marks.count == given.panel, let panelMark = PanelMark.of(given.marks, policy: round.policy) else { return }
            try await store.applyAppealMark(sitting: sitting, application: applicationID, part: part, mark: panelMark.mark, on: connection)
            var results: [SkillsPart: PartResult] = [:]
            for record in try await store.results(sitting: sitting, application: applicationID, on: connection) {
                results[record.part] = record.result
            }
            guard case .skill(_, let level, _) = application.target,
                let outcome = SittingOutcome.of(level: level, results: results, policy: round.policy)
            else { throw StoreError(.invalidStoredData, "the appealed application \(applicationID) has no complete sitting result") }
            let reReview: CaseResult =
                switch outcome {
                case .passed(let score): CaseResult(passed: true, score: score)
                case .failed(let score): CaseResult(passed: false, score: score)
                case .absent(let score): CaseResult(passed: false, score: score)
                }
            try await decideAppeal(application, reReview: reReview, on: connection, logger: logger)
        }
    }

    private func seat(_ ticket: String, sitting: Int64, on connection: PostgresConnection) async throws -> SeatRecord {
        guard let seat = try await store.seats(sitting: sitting, tickets: [ticket], on: connection)[ticket] else {
            throw StoreError(.notFound, "no candidate of sitting \(sitting) holds ticket \(ticket)", zh: "考场安排\(sitting)中没有准考证号为 \(ticket) 的考生")
        }
        return seat
    }

    /// A seated sitting whose `part` has begun, of a scoring round (the institution's, when named).
    private func markable(_ id: Int64, part: SkillsPart, institution: String?, on connection: PostgresConnection) async throws -> (
        SittingRecord, RoundRecord
    ) {
        let sitting = try await store.sitting(id, on: connection)
        let round = try await store.round(sitting.roundID, on: connection)
        if let institution, round.institutionID != institution { throw StoreError.noRound(round.id) }
        guard sitting.state == .seated, round.state == .scoring else {
            throw StoreError(
                .wrongState, "sitting \(id) is \(sitting.state.rawValue); marks are for a seated sitting",
                zh: "考场安排\(id)当前为\(sitting.state.rawValue)；仅已安排就绪的考试可录入成绩")
        }
        guard let scheduled = sitting.parts.first(where: { $0.part == part }) else {
            throw StoreError(.invalidInput, "sitting \(id) holds no \(part.englishName)", zh: "考场安排\(id)不含\(part.chineseName)", field: "part")
        }
        let today = try await store.today(of: round, on: connection)
        guard today >= scheduled.date else {
            throw StoreError(
                .wrongState, "the \(part.englishName) of sitting \(id) is on \(scheduled.date); it is marked from that day",
                zh: "考场安排\(id)的\(part.chineseName)在 \(scheduled.date) 举行，当天起方可录入成绩")
        }
        return (sitting, round)
    }

    /// Records a part's result and decides the candidate once every part they take has one.
    private func record(
        _ result: PartResult, part: SkillsPart, of seat: SeatRecord, sitting: SittingRecord, round: RoundRecord, on connection: PostgresConnection
    ) async throws {
        let (state, mark): (PartResultRecord.State, Double?) =
            switch result {
            case .marked(let mark): (.final, mark)
            case .absent: (.absent, nil)
            }
        guard seat.state == .eligible,
            try await store.recordResult(sitting: sitting.id, application: seat.application, part: part, state: state, mark: mark, on: connection)
        else {
            let recorded = try await store.results(sitting: sitting.id, application: seat.application, on: connection).first { $0.part == part }
            throw Self.alreadyRecorded(recorded, part: part, ticket: seat.ticket)
        }
        try await decideWhenComplete(seat, sitting: sitting, round: round, on: connection)
    }

    /// Why a part takes no more result: it has one, or the candidate keeps it from an earlier sitting.
    private static func alreadyRecorded(_ recorded: PartResultRecord?, part: SkillsPart, ticket: String) -> StoreError {
        if let recorded, let (sitting, day) = recorded.carried {
            return StoreError(
                .wrongState, "ticket \(ticket) keeps the \(part.englishName) passed at sitting \(sitting) on \(day), and does not sit it again",
                zh: "准考证号 \(ticket) 保留了考场安排\(sitting)（\(day)）合格的\(part.chineseName)成绩，无需再考")
        }
        return StoreError(
            .duplicate, "the \(part.englishName) of ticket \(ticket) has its result already", zh: "准考证号 \(ticket) 的\(part.chineseName)已有结果")
    }

    func decideWhenComplete(_ seat: SeatRecord, sitting: SittingRecord, round: RoundRecord, on connection: PostgresConnection) async throws {
        var results: [SkillsPart: PartResult] = [:]
        for record in try await store.results(sitting: sitting.id, application: seat.application, on: connection) {
            results[record.part] = record.result
        }
        guard let outcome = SittingOutcome.of(level: seat.level, results: results, policy: round.policy) else { return }
        let (score, passed, action): (Double?, Bool, String) =
            switch outcome {
            case .passed(let score): (score, true, "passed")
            case .failed(let score): (score, false, "failed")
            case .absent(let score): (score, false, "absent")
            }
        guard try await store.moveApplications([seat.application], from: .eligible, to: .decided, score: score, passed: passed, on: connection) == 1
        else { return }
        if case .absent = outcome { try await store.markAbsent(application: seat.application, on: connection) }
        try await AuditLog.append(
            actor: .system, action: action, subject: .application(seat.application), detail: ["sitting": String(sitting.id)], on: connection,
            logger: logger)
        try await publishWhenAllDecided(round: round.id, on: connection)
    }
}
