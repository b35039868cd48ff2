import Assessment
import AssessmentStore
import Foundation
import JobQueue

/// Hands a finalized round's results to the HR bureau for confirmation (备案), and tells every
/// applicant that their result is final.
public struct HandToBureau: JobArgs {
    public static let kind = "assessment.hand_to_bureau"
    /// The round.
    public var round: Int64

    struct Handler: JobHandler {
        let workflow: Workflow

        func handle(_ args: HandToBureau, context: JobContext) async throws {
            try await context.withTransaction { connection in
                let round = try await workflow.store.round(args.round, lock: true, on: connection)
                guard round.state == .finalized else { return }
                try await workflow.store.recordHandOver(round: round.id, on: connection)
                try await Outbox.oweDecidedApplicants(.finalResult, round: round.id, on: connection, logger: context.logger)
                try await Outbox.owe(.resultsToConfirm, about: .round(round.id), to: .bureau, on: connection, logger: context.logger)
                try await AuditLog.append(
                    actor: .system, action: "hand to bureau", subject: .round(round.id),
                    on: connection, logger: context.logger)
            }
        }
    }
}
