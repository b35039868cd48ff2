import Assessment
import AssessmentStore
import Foundation
import JobQueue

/// Staffs an appeal's fresh panel: as many reviewers as the original panel, none who reviewed the
/// case at any earlier stage. Its scores decide the appeal (see `AggregateScores`). When no such
/// panel can be drawn, the appeal is set apart and the institution told why.
public struct RereviewAppeal: JobArgs {
    public static let kind = "assessment.rereview_appeal"
    /// The appealed case.
    public var application: Int64

    struct Handler: JobHandler {
        let workflow: Workflow

        func handle(_ args: RereviewAppeal, context: JobContext) async throws {
            let store = workflow.store
            try await context.withTransaction { connection in
                let (application, round, _) = try await store.applicationInRound(args.application, lock: true, on: connection)
                guard try await store.assignments(of: application.id, on: connection).allSatisfy({ $0.stage != .appeal }) else { return }
                let reviewCases = try await store.reviewCases([application.id], field: round.field, on: connection)
                let panel: [Int64: [ReviewerID]]
                do {
                    panel = try await workflow.drawPanels(
                        reviewCases, size: round.policy.reviewersPerCase, round: round,
                        salt: "appeal:\(application.id)", on: connection)
                } catch let refusal as StoreError where refusal.code == .wrongState {
                    let reason = LocalizedText(zh: refusal.chinese ?? refusal.message, en: refusal.message)
                    try await workflow.setAppealApart(application.id, round: round, reason: reason, on: connection, logger: context.logger)
                    return
                }
                let due = try await workflow.scoringDue(round, on: connection)
                try await store.assign(panel, stage: .appeal, dueAt: due, on: connection)
                try await AuditLog.append(
                    actor: .system, action: "appeal panel", subject: .application(application.id),
                    detail: ["reviewers": panel.values.joined().map(\.rawValue).joined(separator: ",")],
                    on: connection, logger: context.logger)
            }
        }
    }
}
