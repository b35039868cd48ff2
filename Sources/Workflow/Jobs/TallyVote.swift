import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO

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
                if application.state == .decided, application.appeal == .rescored {
                    try await tallyAppeal(application, on: connection, context: context)
                    return
                }
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

        /// The committee's second ballot on an appealed title, on the fresh panel's score: its
        /// outcome is the appeal's result. Without a quorum it is void and asked for again.
        private func tallyAppeal(_ application: ApplicationRecord, on connection: PostgresConnection, context: JobContext) async throws {
            let store = workflow.store
            guard let vote = try await store.vote(of: application.id, stage: .appeal, on: connection) else { return }
            let round = try await store.round(application.roundID, on: connection)
            let outcome = vote.outcome(policy: round.policy)
            guard outcome != .noQuorum else {
                try await store.voidVote(of: application.id, stage: .appeal, on: connection)
                try await Outbox.owe(
                    .voteVoid, about: .application(application.id), to: .institution(round.institutionID),
                    payload: ["present": "\(vote.present)", "stage": "appeal"], on: connection, logger: context.logger)
                return
            }
            let rescore = try await store.appealRescore(of: application.id, on: connection)
            try await workflow.decideAppeal(
                application, reReview: CaseResult(passed: outcome == .passed, score: rescore), on: connection, logger: context.logger)
        }
    }
}
