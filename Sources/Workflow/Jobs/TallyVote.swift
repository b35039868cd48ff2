import Assessment
import AssessmentStore
import Foundation
import JobQueue

/// Tallies a committee's recorded ballot on a scored title case: passed or failed; without a
/// quorum the ballot is void and the institution is asked to vote again.
public struct TallyVote: JobArgs {
    public static let kind = "assessment.tally_vote"
    /// The case.
    public var application: Int64

    struct Handler: JobHandler {
        let workflow: Workflow

        func handle(_ args: TallyVote, context: JobContext) async throws {
            let store = workflow.store
            try await context.withTransaction { connection in
                let application = try await store.application(args.application, lock: true, on: connection)
                guard application.state == .scored, let vote = try await store.vote(of: application.id, on: connection) else { return }
                let round = try await store.round(application.roundID, on: connection)
                switch vote.outcome(policy: round.policy) {
                case .noQuorum:
                    try await store.voidVote(of: application.id, on: connection)
                    try await Outbox.owe(
                        .voteVoid, about: .application(application.id),
                        to: .institution(round.institutionID), payload: ["present": "\(vote.present)"],
                        on: connection, logger: context.logger)
                case let outcome:
                    let passed = outcome == .passed
                    _ = try await store.moveApplications([application.id], from: .scored, to: .decided, passed: passed, on: connection)
                    try await AuditLog.append(
                        actor: .committee, action: passed ? "passed" : "failed", subject: .application(application.id),
                        on: connection, logger: context.logger)
                    try await workflow.publishWhenAllDecided(round: round.id, on: connection)
                }
            }
        }
    }
}
