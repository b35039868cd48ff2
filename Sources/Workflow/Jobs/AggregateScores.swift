import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO

/// Aggregates a case's scores once its panel has scored: a final score, or one more reviewer
/// when the spread exceeds the tolerance. For an appeal's fresh panel, decides the appeal.
public struct AggregateScores: JobArgs {
    public static let kind = "assessment.aggregate_scores"
    /// The case.
    public var application: Int64
    /// The stage whose panel completed.
    public var stage: ReviewStage

    struct Handler: JobHandler {
        let workflow: Workflow

        func handle(_ args: AggregateScores, context: JobContext) async throws {
            let store = workflow.store
            try await context.withTransaction { connection in
                let (application, round, _) = try await store.applicationInRound(args.application, lock: true, on: connection)
                let assignments = try await store.assignments(of: application.id, on: connection).filter { $0.state != .replaced }
                if args.stage == .appeal {
                    try await decideAppeal(
                        application, round: round, scores: assignments.filter { $0.stage == .appeal }, on: connection, context: context)
                    return
                }
                guard application.state == .assigned else { return }
                let panel = assignments.filter { $0.stage != .appeal }
                guard panel.allSatisfy({ $0.state == .scored }) else { return }
                let outcome: ScoreAggregation.Outcome
                do throws(ScoringError) {
                    outcome = try ScoreAggregation.aggregate(
                        panel.compactMap(\.score), initialReviewers: round.policy.reviewersPerCase,
                        policy: round.policy)
                } catch {
                    throw JobControl.cancel(reason: error.message)
                }
                switch outcome {
                case .needsAnotherReviewer(let spread):
                    let reviewCases = try await store.reviewCases([application.id], field: round.field, on: connection)
                    let extra = try await workflow.drawPanels(
                        reviewCases, size: 1, round: round, salt: "extra:\(application.id)",
                        on: connection)
                    let due = try await workflow.scoringDue(round, on: connection)
                    try await store.assign(extra, stage: .extra, dueAt: due, on: connection)
                    try await Outbox.owe(
                        .scoreDiscrepancy, about: .application(application.id), to: .institution(round.institutionID),
                        payload: ["spread": String(spread)], on: connection, logger: context.logger)
                    try await AuditLog.append(
                        actor: .system, action: "extra reviewer", subject: .application(application.id),
                        detail: ["spread": String(spread)], on: connection, logger: context.logger)
                case .final(let score):
                    _ = try await store.moveApplications([application.id], from: .assigned, to: .scored, score: score, on: connection)
                    try await Outbox.owe(
                        .caseScored, about: .application(application.id), to: .institution(round.institutionID),
                        payload: ["score": String(score)], on: connection, logger: context.logger)
                    try await AuditLog.append(
                        actor: .system, action: "aggregate", subject: .application(application.id),
                        detail: ["score": String(score)], on: connection, logger: context.logger)
                }
            }
        }

        /// The fresh panel has scored the appealed case. A title goes back to the committee, which
        /// votes again on the new score (`TallyVote` decides); a skills part is decided by the
        /// panel's mean against the part's pass mark.
        private func decideAppeal(
            _ application: ApplicationRecord, round: RoundRecord, scores: [AssignmentRecord], on connection: PostgresConnection,
            context: JobContext
        ) async throws {
            guard !scores.isEmpty, scores.allSatisfy({ $0.state == .scored }), application.passed != nil else { return }
            let values = scores.compactMap(\.score)
            let mean = values.reduce(0, +) / Double(values.count)
            if case .title = application.target {
                guard try await workflow.store.recordAppealRescore(application: application.id, score: mean, on: connection) else { return }
                try await Outbox.owe(
                    .caseScored, about: .application(application.id), to: .institution(round.institutionID),
                    payload: ["score": String(mean), "stage": "appeal"], on: connection, logger: context.logger)
                try await AuditLog.append(
                    actor: .system, action: "appeal rescored", subject: .application(application.id),
                    detail: ["score": String(mean)], on: connection, logger: context.logger)
                return
            }
            try await workflow.decideAppeal(
                application, reReview: CaseResult(passed: mean >= round.policy.partPassMark, score: mean), on: connection, logger: context.logger)
        }
    }
}
