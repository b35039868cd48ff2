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
                for assignment in overdue.remind
                where try await store.markReminded(
                    reviewer: assignment.reviewer, application: assignment.application, on: connection)
                {
                    try await Outbox.owe(
                        .scoringReminder, about: .application(assignment.application),
                        to: .reviewer(assignment.reviewer), on: connection, logger: context.logger)
                }
                for assignment in overdue.replace {
                    try await workflow.replaceReviewer(assignment, in: round, reason: "missed the scoring deadline", on: connection)
                }
                let next = try await store.now(on: connection).addingTimeInterval(Double(round.daySeconds))
                try await workflow.enqueue(
                    SweepDeadlines(round: round.id, sweep: args.sweep + 1),
                    once: .round(round.id), step: "sweep:\(args.sweep + 1)", runAt: next, on: connection)
            }
        }
    }
}
