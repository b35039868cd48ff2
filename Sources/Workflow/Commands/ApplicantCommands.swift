import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO

/// What applicants do: register, apply, appeal. Each command is one transaction: the rows it
/// writes and the jobs it sets off commit together, or not at all.
extension Workflow {
    /// Registers an applicant without a password: for people the institution enrols.
    public func registerApplicant(_ registration: ApplicantRegistration) async throws -> Int64 {
        try await registerApplicant(registration) { _, _ in }.id
    }

    /// Registers an applicant; `also` runs in the same transaction (storing a password hash and
    /// a session), and what it returns comes back with the id.
    func registerApplicant<Extra: Sendable>(
        _ registration: ApplicantRegistration, also: @escaping @Sendable (Int64, PostgresConnection) async throws -> Extra
    ) async throws -> (id: Int64, extra: Extra) {
        try await transaction { connection in
            let id = try await store.registerApplicant(registration, on: connection)
            return (id, try await also(id, connection))
        }
    }

    /// An applicant applies; eligibility is checked by a job, after the formal check where the
    /// round has one.
    public func apply(round: Int64, applicant: Int64, target: ApplicationTarget) async throws -> Int64 {
        try await transaction { connection in
            let (id, awaitsFormalCheck) = try await store.submitApplication(round: round, applicant: applicant, target: target, on: connection)
            if !awaitsFormalCheck { try await enqueue(CheckEligibility(application: id), once: .application(id), on: connection) }
            return id
        }
    }

    /// An applicant appeals their own failed result within the window (a fresh panel re-reviews
    /// it) or their ineligibility (the institution reviews its decision).
    /// A skills result decided at a sitting is appealed part by part: `part` names one marked below
    /// the pass mark, which a fresh examiner panel re-marks.
    public func fileAppeal(applicant: Int64, application: Int64, reason: String, part: SkillsPart? = nil) async throws {
        try await transaction { connection in
            switch try await store.fileAppeal(applicant: applicant, application: application, reason: reason, on: connection) {
            case .result:
                guard let sitting = try await store.decidingSitting(application: application, on: connection) else {
                    guard part == nil else {
                        throw StoreError(
                            .invalidInput, "only a skills result decided at a sitting is appealed by part", zh: "只有考场考试的技能等级结果可按科目申请复核",
                            field: "part")
                    }
                    try await enqueue(RereviewAppeal(application: application), once: .application(application), on: connection)
                    return
                }
                let round = try await store.applicationInRound(application, on: connection).round
                let failed = try await store.results(sitting: sitting, application: application, on: connection).filter {
                    $0.state == .final && ($0.mark ?? 100) < round.policy.partPassMark
                }
                let names = failed.map(\.part.rawValue).joined(separator: ", ")
                guard let part, failed.contains(where: { $0.part == part }) else {
                    throw StoreError(
                        .invalidInput, "name the part you appeal, one marked below the pass mark at your sitting: \(names)",
                        zh: "请写明申请复核的科目，须为考试中未达合格线的科目：\(failed.map(\.part.chineseName).joined(separator: "、"))", field: "part")
                }
                try await store.setAppealPart(application: application, part: part, on: connection)
                try await enqueue(RemarkSkillsAppeal(application: application), once: .application(application), on: connection)
            case .eligibility:
                let round = try await store.applicationInRound(application, on: connection).round
                try await Outbox.owe(
                    .eligibilityAppealFiled, about: .application(application), to: .institution(round.institutionID), on: connection,
                    logger: logger)
            }
        }
    }

    /// The institution draws again the fresh panel of an appeal that was set apart for want of one,
    /// having added to its pool; while the round is not final, which waits for it again.
    public func redrawAppeal(_ application: Int64, institution: String) async throws {
        try await transaction { connection in
            let (record, round, _) = try await store.applicationInRound(application, lock: true, on: connection)
            guard round.institutionID == institution else { throw StoreError.noApplication(application) }
            _ = try await store.round(round.id, lock: true, on: connection)
            guard [.publicNotice, .appeals].contains(round.state) else {
                throw StoreError(
                    .wrongState, "round \(round.id) is \(round.state.rawValue); a set-apart appeal is drawn again before its results are final",
                    zh: "评审轮次\(round.id)当前为\(round.state.rawValue)；结果确定前方可重新抽取复核专家")
            }
            guard try await store.reopenAppeal(application: application, on: connection) else {
                throw StoreError(.wrongState, "the appeal of application \(application) is not set apart", zh: "申请\(application)的复核未被单独列出")
            }
            try await AuditLog.append(
                actor: .institution(institution), action: "redraw appeal panel", subject: .application(record.id), on: connection, logger: logger)
            // The reopening guards against a second draw; each redraw is a job of its own.
            if try await store.appealPart(application: application, on: connection) != nil {
                try await enqueue(RemarkSkillsAppeal(application: application), on: connection)
            } else {
                try await enqueue(RereviewAppeal(application: application), on: connection)
            }
        }
    }

    /// The appeals of an institution's round that wait for it: ineligibilities to decide, and
    /// appeals set apart for want of a fresh panel, to draw again.
    public func awaitingAppeals(round id: Int64, institution: String) async throws -> [AwaitingAppeal] {
        try await transaction { connection in
            _ = try await ownRound(id, institution: institution, on: connection)
            return try await store.awaitingAppeals(round: id, on: connection)
        }
    }

    /// The institution decides an appeal of an ineligibility: upheld, it stands; overturned, the
    /// application is eligible. The applicant hears either way.
    public func decideEligibilityAppeal(_ application: Int64, institution: String, outcome: AppealOutcome, reason: String) async throws {
        try await transaction { connection in
            let record = try await store.decideEligibilityAppeal(
                application, institution: institution, outcome: outcome, reason: reason, on: connection)
            try await Outbox.owe(
                .appealDecided, about: .application(application), to: .applicant(record.applicantID),
                payload: ["outcome": outcome.rawValue, "eligible": outcome == .overturned ? "true" : "false", "reason": reason],
                on: connection, logger: logger)
        }
    }
}
