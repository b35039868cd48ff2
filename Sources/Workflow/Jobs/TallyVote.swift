import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO

/// Tallies the committee's recorded ballots of a closed meeting, case by case in one transaction:
/// the original decision, an appeal's second ballot on the fresh panel's score, or a suspended
/// result's reconsideration. Without a quorum a ballot is void and the institution is asked to
/// vote again. (Jobs enqueued before meetings were tallied whole name one `application`.)
public struct TallyVote: JobArgs {
    public static let kind = "assessment.tally_vote"
    /// The closed meeting whose cases are tallied.
    public var meeting: Int64?
    /// One case, in jobs enqueued before.
    public var application: Int64?

    public init(meeting: Int64) { self.meeting = meeting }

    struct Handler: JobHandler {
        let workflow: Workflow

        func handle(_ args: TallyVote, context: JobContext) async throws {
            let store = workflow.store
            try await context.withTransaction { connection in
                let cases: [Int64]
                if let meeting = args.meeting {
                    cases = try await store.meeting(meeting, on: connection).cases.map(\.application)
                } else {
                    cases = args.application.map { [$0] } ?? []
                }
                var rounds: [Int64: RoundRecord] = [:]
                var decided: Set<Int64> = []
                for id in cases {
                    let application = try await store.application(id, lock: true, on: connection)
                    if rounds[application.roundID] == nil { rounds[application.roundID] = try await store.round(application.roundID, on: connection) }
                    guard let round = rounds[application.roundID] else { continue }
                    if try await tally(application, in: round, on: connection, context: context) { decided.insert(round.id) }
                }
                // Once per round however many cases: the round's row lock is taken once, not per case.
                for round in decided.sorted() { try await workflow.publishWhenAllDecided(round: round, on: connection) }
            }
        }

        /// Tallies one case's ballot, if it has one awaiting; true when it decided an original result.
        private func tally(_ application: ApplicationRecord, in round: RoundRecord, on connection: PostgresConnection, context: JobContext)
            async throws -> Bool
        {
            let store = workflow.store
            guard let stage = VoteStage.awaited(by: application.state, appeal: application.appeal),
                let vote = try await store.vote(of: application.id, stage: stage, on: connection)
            else { return false }
            let outcome = vote.outcome(policy: round.policy)
            guard outcome != .noQuorum else {
                // The ballot goes in this transaction: a retry finds none, so the meeting names the occasion.
                let meeting = try await store.lastMeeting(of: application.id, stage: stage, on: connection)
                try await store.voidVote(of: application.id, stage: stage, on: connection)
                try await Outbox.owe(
                    .voteVoid, about: .application(application.id), to: .institution(round.institutionID),
                    payload: ["present": "\(vote.present)", "stage": stage.name, "meeting": meeting.map(String.init) ?? ""],
                    occasion: meeting.map { "meeting:\($0)" }, on: connection, logger: context.logger)
                return false
            }
            let passed = outcome == .passed
            switch stage {
            case .original:
                _ = try await store.moveApplications([application.id], from: .scored, to: .decided, passed: passed, on: connection)
                try await AuditLog.append(
                    actor: .committee, action: passed ? "passed" : "failed", subject: .application(application.id),
                    on: connection, logger: context.logger)
                return true
            case .appeal:
                let rescore = try await store.appealRescore(of: application.id, on: connection)
                try await workflow.decideAppeal(
                    application, reReview: CaseResult(passed: passed, score: rescore), on: connection, logger: context.logger)
            case .reconsideration:
                try await reconsider(application, passed: passed, in: round, on: connection, context: context)
            }
            return false
        }

        /// The reconsidered result replaces the suspended one and is notified anew; a failure
        /// may be appealed within a window counted from today, which the round's finalization awaits.
        private func reconsider(
            _ application: ApplicationRecord, passed: Bool, in round: RoundRecord, on connection: PostgresConnection, context: JobContext
        ) async throws {
            let store = workflow.store
            var appealsEnd: CalendarDate?
            if !passed {
                do {
                    appealsEnd = try Appeals.windowEnds(
                        resultNotifiedOn: try await store.today(of: round, on: connection), policy: round.policy, calendar: round.calendar)
                } catch let error as CalendarError where error.unloadedYear != nil {
                    // A window that a later holiday schedule could move would mislead the applicant.
                    throw JobControl.snooze(.seconds(min(3_600, round.daySeconds)))
                }
            }
            guard try await store.decideReconsideration(application.id, passed: passed, appealsUntil: appealsEnd, on: connection) else { return }
            var payload = ["passed": String(passed)]
            payload["appealsEnd"] = appealsEnd?.description
            try await Outbox.owe(
                .resultReconsidered, about: .application(application.id), to: .applicant(application.applicantID),
                payload: payload, on: connection, logger: context.logger)
        }
    }
}
