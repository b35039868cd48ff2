import Assessment
import AssessmentStore
import Foundation
import PostgresNIO

/// What institutions do with the sittings of a skills round (考场安排): schedule one for the
/// eligible candidates of some levels, move it, cancel it. Every step checks the staffing ratios
/// and that the pool can staff it; the seats, tickets, staff and notifications come from the
/// `SeatSitting` job.
extension Workflow {
    /// Schedules a sitting for eligible candidates of `draft.levels` not yet seated, by
    /// application id, as many as its rooms seat. Returns the sitting, its candidates and the
    /// staffing it will draw.
    public func scheduleSitting(_ draft: SittingDraft, round id: Int64, institution: String) async throws -> (
        id: Int64, candidates: Int, staffing: SittingStaffing
    ) {
        try await transaction { connection in
            let round = try await ownRound(id, institution: institution, lock: true, on: connection)
            try await checkSitting(draft, of: round, on: connection)
            let candidates = try await store.sittingCandidates(round: id, levels: draft.levels, limit: draft.seats, on: connection)
            guard !candidates.isEmpty else {
                throw StoreError(
                    .wrongState, "no eligible candidate of levels \(Self.levels(draft.levels)) awaits a sitting in round \(id)",
                    zh: "评审轮次\(id)中没有待安排考试的\(Self.levels(draft.levels))级考生")
            }
            let number = try await store.sittingCount(round: id, on: connection) + 1
            let seed = Int64(bitPattern: Self.seed(of: round, "sitting:\(number)"))
            let staffing = try await staff(draft, seated: candidates, round: round, seed: seed, on: connection).staffing
            let sitting = try await store.addSitting(
                round: id, draft: draft, staffing: staffing, seed: seed, candidates: candidates.map(\.application), on: connection)
            try await enqueue(SeatSitting(sitting: sitting, revision: 1), once: .sitting(sitting), step: "r1", on: connection)
            return (sitting, candidates.count, staffing)
        }
    }

    /// Moves a sitting to other days, rooms or staffing; its candidates stay, and everyone
    /// concerned hears of it once it is seated again.
    public func changeSitting(_ id: Int64, to draft: SittingDraft, institution: String) async throws -> SittingStaffing {
        try await transaction { connection in
            let (sitting, round) = try await ownSitting(id, institution: institution, on: connection)
            var draft = draft
            draft.levels = sitting.levels
            try await checkSitting(draft, of: round, on: connection)
            let candidates = try await store.sittingCandidates(round: round.id, sitting: id, on: connection)
            let staffing = try await staff(draft, seated: candidates, round: round, seed: sitting.seed, sitting: id, on: connection).staffing
            try await store.changeSitting(sitting, draft: draft, staffing: staffing, on: connection)
            try await enqueue(
                SeatSitting(sitting: id, revision: sitting.revision + 1), once: .sitting(id), step: "r\(sitting.revision + 1)", on: connection)
            return staffing
        }
    }

    /// Cancels a sitting: its candidates wait for another, and they and its staff are told why.
    public func cancelSitting(_ id: Int64, reason: String, institution: String) async throws {
        guard (1...4_000).contains(reason.count) else {
            throw StoreError(.invalidInput, "reason must have 1 to 4000 characters", zh: "原因须为 1 至 4000 个字符", field: "reason")
        }
        try await transaction { connection in
            let (sitting, round) = try await ownSitting(id, institution: institution, on: connection)
            let candidates = try await store.sittingCandidates(round: round.id, sitting: id, on: connection)
            let staff = try await store.setAside(sitting, cancelled: true, reason: LocalizedText(zh: reason, en: reason), on: connection)
            let payload = ["reason": reason, "reasonEnglish": reason, "sitting": String(id)]
            try await Outbox.owe(
                .sittingCancelled,
                notices: candidates.map { (.application($0.application), .applicant($0.applicant), payload) }
                    + staff.map { (.sitting(id), .reviewer($0), payload) },
                on: connection, logger: logger)
        }
    }

    /// A sitting of the institution's, with its posts and how many each room seats.
    public func sitting(_ id: Int64, institution: String) async throws -> (
        sitting: SittingRecord, staff: [SittingStaffRecord], seated: [Int: Int], unseated: Int
    ) {
        try await transaction { connection in
            let sitting = try await store.sitting(id, on: connection)
            _ = try await ownRound(sitting.roundID, institution: institution, on: connection)
            let counts = try await store.seatedCounts(id, on: connection)
            return (sitting, try await store.sittingStaff(id, on: connection), counts.byRoom, counts.unseated)
        }
    }

    /// The sittings of a round: one of the institution's own, or any for the bureau.
    public func sittings(round id: Int64, for reader: ReportReader) async throws -> [SittingRecord] {
        try await transaction { connection in
            _ = try await readableRound(id, by: reader, on: connection)
            return try await store.sittings(round: id, on: connection)
        }
    }

    /// The sittings an expert is staffed at (监考员, 考评员, 综合评审, 督导员), the latest first.
    public func sittings(staffedBy reviewer: String, limit: Int = 100) async throws -> [(sitting: Int64, round: Int64, role: String)] {
        try await client.withOpenConnection(logger: logger) { try await store.sittings(staffing: reviewer, limit: limit, on: $0) }
    }

    /// An applicant's admission ticket for their application, once seated.
    public func admissionTicket(application id: Int64, applicant: Int64) async throws -> AdmissionTicket {
        try await transaction { connection in
            let application = try await store.application(id, on: connection)
            guard application.applicantID == applicant else { throw StoreError.noApplication(id) }
            guard let ticket = try await store.admissionTicket(application: id, on: connection) else {
                throw StoreError(
                    .wrongState, "application \(id) has no seat yet; its ticket comes with the notification of its sitting",
                    zh: "申请\(id)尚未安排考场；准考证随考试安排通知发放")
            }
            return ticket
        }
    }

    private func ownSitting(_ id: Int64, institution: String, on connection: PostgresConnection) async throws -> (SittingRecord, RoundRecord) {
        let sitting = try await store.sitting(id, lock: true, on: connection)
        let round = try await ownRound(sitting.roundID, institution: institution, lock: true, on: connection)
        guard sitting.state != .cancelled else {
            throw StoreError(.wrongState, "sitting \(id) is cancelled; schedule a new one", zh: "考场安排\(id)已取消；请重新安排")
        }
        guard try await !store.isMarked(sitting: id, on: connection) else {
            throw StoreError(
                .wrongState, "sitting \(id) has marks: it took place, and stays as it was", zh: "考场安排\(id)已有成绩：考试已举行，不可变更或取消")
        }
        return (sitting, round)
    }

    /// Refuses a sitting the round cannot hold: not a skills round that is scoring, a site not
    /// the institution's, a draft with a problem.
    private func checkSitting(_ draft: SittingDraft, of round: RoundRecord, on connection: PostgresConnection) async throws {
        guard round.track == .skill, round.state == .scoring else {
            throw StoreError(
                .wrongState,
                "sittings are scheduled for a skills round once its candidates are eligible (scoring), not a \(round.track.rawValue) round that is \(round.state.rawValue)",
                zh: "考场安排仅适用于资格审查完成（评分阶段）的技能等级认定轮次；本轮次为\(round.track.rawValue)，当前为\(round.state.rawValue)")
        }
        let institution = try await store.institution(round.institutionID, on: connection)
        guard institution.sites.contains(draft.site) else {
            throw StoreError(
                .invalidInput, "site \(draft.site) is not one of yours (\(institution.sites.joined(separator: ", ")))",
                zh: "考点 \(draft.site) 不是贵机构的考点（\(institution.sites.joined(separator: "、"))）", field: "site")
        }
        if let problem = draft.problems(today: try await store.today(of: round, on: connection)).first {
            throw StoreError.invalid(problem.field, problem.message)
        }
    }

    /// Seats `candidates`, checks the plan against the ratios and draws the staff, or says
    /// what fails: too few seats, a ratio and by how many, or the post the pool cannot fill.
    /// `recorded` is the staffing a scheduled sitting recorded, which its seating job draws.
    func staff(
        _ draft: SittingDraft, seated candidates: [SittingCandidate], round: RoundRecord, seed: Int64, recorded: SittingStaffing? = nil,
        sitting: Int64? = nil, on connection: PostgresConnection
    ) async throws -> (seated: [[SittingCandidate]], staffing: SittingStaffing, posts: [SittingPost]) {
        guard let seated = SittingSeating.seat(candidates, rooms: draft.rooms, seed: UInt64(bitPattern: seed)), let lastDay = draft.lastDay else {
            throw StoreError(
                .invalidInput, "the rooms seat \(draft.seats), fewer than the sitting's \(candidates.count) candidates",
                zh: "考场共 \(draft.seats) 个座位，少于本场 \(candidates.count) 名考生", field: "rooms")
        }
        let ratios = round.policy.sittingRatios
        let minimum = SittingStaffing.minimum(rooms: seated, ratios: ratios)
        let staffing = recorded ?? SittingStaffing.planned(draft.planned, minimum: minimum)
        let shortfalls = staffing.shortfalls(of: minimum, rooms: draft.rooms, seated: seated, ratios: ratios)
        guard shortfalls.isEmpty else {
            throw StoreError(
                .invalidInput, "the staffing breaks the ratios: " + shortfalls.map(\.en).joined(separator: "; "),
                zh: "人员配备不符合配比要求：" + shortfalls.map(\.zh).joined(separator: "；"), field: "staffing")
        }
        let pool = try await store.sittingPool(
            institution: round.institutionID, occupation: round.field, busyOn: Set(draft.parts.map(\.date)), except: sitting, on: connection)
        switch SittingStaffDraw.draw(
            seated: seated, rooms: draft.rooms, staffing: staffing, pool: pool, occupation: round.field, lastDay: lastDay,
            seed: UInt64(bitPattern: seed))
        {
        case .success(let posts): return (seated, staffing, posts)
        case .failure(let failure): throw StoreError(.wrongState, failure.summary.en, zh: failure.summary.zh)
        }
    }

    static func levels(_ levels: Set<SkillLevel>) -> String { levels.map(\.rawValue).sorted().map(String.init).joined(separator: "/") }
}
