import Assessment
import AssessmentStore
import Foundation
import JobQueue

/// After the appeal window: waits for open appeals and objections, then makes the results final
/// and hands them to the HR bureau.
public struct FinalizeRound: JobArgs {
    public static let kind = "assessment.finalize_round"
    /// The round.
    public var round: Int64

    struct Handler: JobHandler {
        let workflow: Workflow

        func handle(_ args: FinalizeRound, context: JobContext) async throws {
            let store = workflow.store
            try await context.withTransaction { connection in
                let round = try await store.round(args.round, lock: true, on: connection)
                guard round.state == .appeals else { return }
                do {
                    try await store.advance(round, to: .finalized, actor: .system, on: connection)
                } catch let refused as StoreError where refused.code == .wrongState {
                    // The window is open, or appeals and objections wait for people and panels:
                    // look again a tenth of a day later.
                    throw JobControl.snooze(.milliseconds(Int64(max(10, round.daySeconds * 100))))
                }
                try await workflow.enqueue(HandToBureau(round: round.id), once: .round(round.id), on: connection)
            }
        }
    }
}
