import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO

/// What evaluation institutions do: keep their pool, run rounds and record skills results.
extension Workflow {
    /// Registers an institution.
    public func addInstitution(id: String, name: String) async throws {
        try await transaction { try await store.addInstitution(id: id, name: name, on: $0) }
    }

    /// Adds a reviewer to an institution's pool.
    public func addReviewer(_ reviewer: Reviewer, name: String, institution: String) async throws {
        try await transaction { try await store.addReviewer(reviewer, name: name, institution: institution, on: $0) }
    }

    /// Opens a round and schedules its closing day.
    public func openRound(_ draft: RoundDraft) async throws -> Int64 {
        try await transaction { connection in
            let id = try await store.openRound(draft, on: connection)
            let round = try await store.round(id, on: connection)
            try await enqueue(
                CloseApplications(round: id), once: .round(id),
                runAt: round.applicationsClose, on: connection)
            try await Outbox.owe(.roundOpened, about: .round(id), to: .institution(draft.institutionID), on: connection, logger: logger)
            return id
        }
    }

    /// An institution loads a year's holiday schedule into its round's calendar, for a year the
    /// product does not ship; a notice waiting on that year goes on at once.
    public func loadHolidaySchedule(_ schedule: HolidaySchedule, round id: Int64, institution: String) async throws {
        try await transaction { connection in
            let round = try await ownRound(id, institution: institution, lock: true, on: connection)
            try await store.loadHolidaySchedule(schedule, into: round, actor: .institution(institution), on: connection)
            if round.state == .scoring {
                try await queue.runNow(PublishNotice.self, uniqueKey: Subject.round(id).description, on: connection)
            }
        }
    }

    /// An institution closes its round to applications before the planned day.
    public func closeApplicationsNow(round id: Int64, institution: String) async throws {
        try await transaction { connection in
            let round = try await store.round(id, lock: true, on: connection)
            guard round.institutionID == institution else {
                throw StoreError(.forbidden, "round \(id) belongs to another institution", zh: "评审轮次\(id)属于其他机构")
            }
            guard round.state == .open else {
                throw StoreError(.wrongState, "round \(id) is \(round.state.rawValue), not open", zh: "评审轮次\(id)当前为\(round.state.rawValue)，未在受理中")
            }
            try await enqueue(CloseApplications(round: id), once: .round(id), step: "early", on: connection)
        }
    }

    /// An institution records a skills candidate's part scores; the decision follows at once.
    public func recordSkillsResult(application: Int64, parts: [SkillsPart: Double], institution: String) async throws {
        try await transaction { connection in
            let round = try await requireOwnRound(application: application, institution: institution, on: connection)
            let record = try await store.application(application, lock: true, on: connection)
            guard case .skill(_, let level, _) = record.target, round.state == .scoring else {
                throw StoreError(
                    .wrongState, "part scores are recorded for skills candidates while their round is scoring", zh: "技能考生的各项成绩须在本轮评分阶段录入")
            }
            guard record.state == .eligible else {
                throw StoreError(
                    record.state == .decided ? .duplicate : .wrongState,
                    "application \(application) is \(record.state.rawValue); part scores go to eligible candidates once",
                    zh: "申请\(application)当前为\(record.state.rawValue)；各项成绩只为符合条件的考生录入一次")
            }
            let passed: Bool
            do throws(ScoringError) {
                passed = try SkillsPart.passes(level: level, scores: parts, policy: round.policy)
            } catch {
                throw StoreError(.invalidInput, error, field: "parts")
            }
            let mean = parts.values.reduce(0, +) / Double(max(1, parts.count))
            _ = try await store.moveApplications([application], from: .eligible, to: .decided, score: mean, passed: passed, on: connection)
            try await AuditLog.append(
                actor: .institution(institution), action: passed ? "passed" : "failed",
                subject: .application(application), on: connection, logger: logger)
            try await publishWhenAllDecided(round: round.id, on: connection)
        }
    }

    @discardableResult
    private func requireOwnRound(application: Int64, institution: String, on connection: PostgresConnection) async throws -> RoundRecord {
        let round = try await store.applicationInRound(application, on: connection).round
        guard round.institutionID == institution else {
            throw StoreError(.forbidden, "application \(application) belongs to another institution's round", zh: "申请\(application)属于其他机构的评审轮次")
        }
        return round
    }
}

/// What exam offices do: import a national exam's results into an exam round (以考代评).
extension Workflow {
    /// Imports every result of a CSV file into the institution's open exam round, or none: one
    /// bad row refuses the file. Returns how many were imported and passed.
    public func importExamResults(csv: String, round id: Int64, institution: String) async throws -> (imported: Int, passed: Int) {
        try await transaction { connection in
            let round = try await ownRound(id, institution: institution, lock: true, on: connection)
            guard let series = TitleSeries.named(round.field), round.kind == .exam else {
                throw StoreError(.wrongState, "round \(id) is no exam round; it takes no exam results", zh: "评审轮次\(id)不是考试轮次，不接受考试成绩")
            }
            let year = try await store.today(of: round, on: connection).year
            switch ExamResultCSV.read(csv, series: series, years: 1990...year) {
            case .success(let (results, problems)):
                return try await store.importExamResults(results, into: round, rejecting: problems, on: connection)
            case .failure(let problems): throw StoreError(.invalidInput, problems.summary.en, zh: problems.summary.zh, field: "body")
            }
        }
    }
}
