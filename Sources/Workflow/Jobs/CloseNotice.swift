import Assessment
import AssessmentStore
import Foundation
import JobQueue

/// The day after the notice's last working day: the round moves on to appeals, and the round is
/// finalized once the appeal window has closed.
public struct CloseNotice: JobArgs {
    public static let kind = "assessment.close_notice"
    /// The round.
    public var round: Int64

    struct Handler: JobHandler {
        let workflow: Workflow

        func handle(_ args: CloseNotice, context: JobContext) async throws {
            let store = workflow.store
            try await context.withTransaction { connection in
                let round = try await store.round(args.round, lock: true, on: connection)
                guard round.state == .publicNotice, let noticeEnds = round.noticeEnds, let appealsEnd = round.appealsEnd else { return }
                let now = try await store.now(on: connection)
                if try round.day(at: now) <= noticeEnds {
                    throw JobControl.snooze(
                        .milliseconds(Int64(max(10, round.start(of: try noticeEnds.adding(days: 1)).timeIntervalSince(now) * 1000))))
                }
                try await store.advance(round, to: .appeals, actor: .system, on: connection)
                try await workflow.enqueue(
                    FinalizeRound(round: round.id), once: .round(round.id),
                    runAt: round.start(of: try appealsEnd.adding(days: 1)), on: connection)
            }
        }
    }
}
