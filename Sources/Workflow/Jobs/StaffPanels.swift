import Assessment
import AssessmentStore
import Foundation
import JobQueue

/// Draws the original panels of one chunk of a title round's eligible applications, then hands
/// on to the next chunk; the last chunk opens scoring. Chunks run one after another, so each
/// sees the loads the earlier ones gave.
public struct StaffPanels: JobArgs {
    public static let kind = "assessment.staff_panels"
    /// The round.
    public var round: Int64
    /// The last application id of the previous chunk.
    public var after: Int64

    struct Handler: JobHandler {
        let workflow: Workflow

        func handle(_ args: StaffPanels, context: JobContext) async throws {
            let store = workflow.store
            await workflow.report(context, metadata: ["round": String(args.round), "after": String(args.after)]) {
                let facts = try await store.facts(of: try await store.round(args.round, on: $0), on: $0)
                let (eligible, staffed) = (facts.eligibleApplications, max(0, facts.eligibleApplications - facts.unstaffedCases))
                return (
                    eligible == 0 ? 100 : min(100, staffed * 100 / eligible),
                    "已组建 \(staffed)/\(eligible) 个评审组 / \(staffed) of \(eligible) panels drawn"
                )
            }
            try await context.withTransaction { connection in
                let round = try await store.round(args.round, lock: true, on: connection)
                guard round.state == .assigning else { return }
                let ids = try await store.applications(
                    round: round.id, state: .eligible, after: args.after,
                    limit: Workflow.chunkSize, on: connection)
                guard let last = ids.last else {
                    try await store.advance(round, to: .scoring, actor: .system, on: connection)
                    let due = try await workflow.scoringDue(round, on: connection)
                    try await workflow.enqueue(
                        SweepDeadlines(round: round.id, sweep: 1), once: .round(round.id), step: "sweep:1",
                        runAt: due, on: connection)
                    return
                }
                let cases = try await store.reviewCases(ids, field: round.field, on: connection)
                let panels = try await workflow.drawPanels(
                    cases, size: round.policy.reviewersPerCase, round: round,
                    salt: "original:\(args.after)", on: connection)
                let due = try await workflow.scoringDue(round, on: connection)
                try await store.assign(panels, stage: .original, dueAt: due, on: connection)
                _ = try await store.moveApplications(ids, from: .eligible, to: .assigned, on: connection)
                try await AuditLog.append(
                    actor: .system, action: "staff panels", subject: .round(round.id),
                    detail: ["from": "\(ids.first!)", "to": "\(last)", "cases": "\(ids.count)"],
                    on: connection, logger: context.logger)
                try await workflow.enqueue(StaffPanels(round: round.id, after: last), once: .round(round.id), step: "after:\(last)", on: connection)
            }
        }
    }
}
