import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO

/// Once a day of the round's clock while it runs: reminds reviewers past their scoring deadline,
/// and replaces those still silent a day after the reminder, reassigning the case.
public struct SweepDeadlines: JobArgs {
    public static let kind = "assessment.sweep_deadlines"
    /// The round.
    public var round: Int64
    /// The sweep's number, for its unique key.
    public var sweep: Int

    struct Handler: JobHandler {
        let workflow: Workflow

        func handle(_ args: SweepDeadlines, context: JobContext) async throws {
            let store = workflow.store
            try await context.withTransaction { connection in
                let round = try await store.round(args.round, lock: true, on: connection)
                guard round.state != .finalized, round.state != .confirmed else { return }
                let overdue = try await store.overdueAssignments(round: round.id, grace: Double(round.daySeconds), on: connection)
                for assignment in overdue.remind where try await store.markReminded(
                    reviewer: assignment.reviewer, application: assignment.application, on: connection) {
                    try await Outbox.owe("scoring reminder", about: "application:\(assignment.application)",
                                         to: "reviewer:\(assignment.reviewer)", on: connection, logger: context.logger)
                }
                for assignment in overdue.replace {
                    try await replace(assignment, in: round, on: connection, context: context)
                }
                let next = try await store.now(on: connection).addingTimeInterval(Double(round.daySeconds))
                try await workflow.enqueue(SweepDeadlines(round: round.id, sweep: args.sweep + 1),
                                           key: "round:\(round.id):sweep:\(args.sweep + 1)", runAt: next, on: connection)
            }
        }

        private func replace(
            _ assignment: AssignmentRecord, in round: RoundRecord, on connection: PostgresConnection, context: JobContext
        ) async throws {
            let store = workflow.store
            guard try await store.markReplaced(reviewer: assignment.reviewer, application: assignment.application, on: connection) else {
                return
            }
            let application = try await store.application(assignment.application, on: connection)
            let reviewCases = try await store.reviewCases([application.id], field: round.field, on: connection)
            let panel = try await workflow.drawPanels(reviewCases, size: 1, round: round,
                                                      salt: "replace:\(assignment.application):\(assignment.reviewer)", on: connection)
            let due = try await store.now(on: connection).addingTimeInterval(Double(round.scoringDays * round.daySeconds))
            try await store.assign(panel, stage: assignment.stage, dueAt: due, on: connection)
            try await Outbox.owe("assignment withdrawn", about: "application:\(assignment.application)",
                                 to: "reviewer:\(assignment.reviewer)", on: connection, logger: context.logger)
            try await AuditLog.append(actor: "system", action: "replace reviewer", subject: "application:\(assignment.application)",
                                      detail: ["replaced": assignment.reviewer, "by": panel.values.first?.first?.rawValue ?? ""],
                                      on: connection, logger: context.logger)
        }
    }
}
