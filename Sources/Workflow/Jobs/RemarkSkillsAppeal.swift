import Assessment
import AssessmentStore
import Foundation
import JobQueue

/// Draws a skills appeal's fresh panel (复核): as many examiners as marked the appealed part at
/// the sitting (the sitting's minimum for the theory exam, which the exam system marked), none of
/// them, none conflicted with the candidate, each certified for the candidate's level. Each then
/// re-marks the part on their own (`Workflow.giveRemark`). When no such panel can be drawn, the
/// appeal is set apart and the institution told why.
public struct RemarkSkillsAppeal: JobArgs {
    public static let kind = "assessment.remark_skills_appeal"
    /// The appealed application.
    public var application: Int64

    struct Handler: JobHandler {
        let workflow: Workflow

        func handle(_ args: RemarkSkillsAppeal, context: JobContext) async throws {
            let store = workflow.store
            try await context.withTransaction { connection in
                let (application, round, _) = try await store.applicationInRound(args.application, lock: true, on: connection)
                guard let part = try await store.appealPart(application: application.id, on: connection),
                    try await !store.hasRemarkPanel(application: application.id, on: connection),
                    let sittingID = try await store.decidingSitting(application: application.id, on: connection)
                else { return }
                let seat = try await store.seats(sitting: sittingID, on: connection).values.first { $0.application == application.id }
                guard let seat,
                    let candidate = try await store.sittingCandidates(round: round.id, sitting: sittingID, on: connection).first(where: {
                        $0.application == application.id
                    })
                else { throw StoreError(.invalidStoredData, "application \(application.id) has no seat at the sitting that decided it") }
                let staff = try await store.sittingStaff(sittingID, on: connection)
                let original: [SittingStaffRecord] =
                    switch part {
                    case .skill: staff.filter { $0.role == .examiner && $0.room == seat.room }
                    case .comprehensiveReview: staff.filter { $0.role == .reviewer }
                    case .theory: []
                    }
                let size = part == .theory ? round.policy.sittingRatios.examinersPerRoom : max(original.count, 1)
                let pool = try await store.sittingPool(
                    institution: round.institutionID, occupation: round.field, busyOn: [], except: nil, on: connection)
                let today = try await store.today(of: round, on: connection)
                let drawn = SittingStaffDraw.appealPanel(
                    for: candidate, part: part, size: size, pool: pool, originalPanel: Set(original.map { ReviewerID($0.reviewer) }),
                    occupation: round.field, day: today, seed: UInt64(bitPattern: round.seed) ^ UInt64(bitPattern: application.id))
                let panel: [ReviewerID]
                switch drawn {
                case .success(let members): panel = members
                case .failure(let failure):
                    let reason = LocalizedText(
                        zh: "无法抽取复核评分组：" + failure.shortfalls.map(\.zh).joined(separator: "；"),
                        en: "no appeal panel can be drawn: " + failure.shortfalls.map(\.en).joined(separator: "; "))
                    try await workflow.setAppealApart(application.id, round: round, reason: reason, on: connection, logger: context.logger)
                    return
                }
                guard try await store.addRemarkPanel(application: application.id, reviewers: panel, on: connection) else { return }
                try await Outbox.owe(
                    .appealRemark,
                    notices: panel.map {
                        (
                            .application(application.id), .reviewer($0.rawValue),
                            ["part": part.rawValue, "partName": part.chineseName, "partEnglish": part.englishName]
                        )
                    },
                    on: connection, logger: context.logger)
                try await AuditLog.append(
                    actor: .system, action: "appeal panel", subject: .application(application.id),
                    detail: ["part": part.rawValue, "reviewers": panel.map(\.rawValue).joined(separator: ",")], on: connection,
                    logger: context.logger)
            }
        }
    }
}
