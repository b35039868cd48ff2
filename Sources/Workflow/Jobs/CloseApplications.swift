import Assessment
import AssessmentStore
import Foundation
import JobQueue

/// At the round's closing day: stops taking applications, waits for the last formal and
/// eligibility checks and corrections, then sets off panel staffing (titles) or opens the sitting's scoring (skills);
/// an exam round's imported results are final and go to the bureau.
public struct CloseApplications: JobArgs {
    public static let kind = "assessment.close_applications"
    /// The round.
    public var round: Int64

    struct Handler: JobHandler {
        let workflow: Workflow

        func handle(_ args: CloseApplications, context: JobContext) async throws {
            let store = workflow.store
            try await context.withTransaction { connection in
                let round = try await store.round(args.round, lock: true, on: connection)
                guard round.state == .open else { return }
                let progress = try await store.progress(round: round.id, on: connection)
                let appeals = try await store.openEligibilityAppeals(round: round.id, on: connection)
                if progress[.submitted, default: 0] + progress[.returned, default: 0] + appeals > 0 {
                    // Eligibility checks still running, or people still to act: the institution's
                    // formal check or review of an appealed ineligibility, or applicants correcting
                    // before their deadline.
                    throw JobControl.snooze(.seconds(round.policy.formalCheck && !round.isRehearsal ? 60 : 1))
                }
                try await store.advance(round, to: .closedToApplications, actor: .system, on: connection)
                try await Outbox.owe(
                    .roundClosed, about: .round(round.id), to: .institution(round.institutionID),
                    on: connection, logger: context.logger)
                let closed = try await store.round(round.id, on: connection)
                guard try await store.facts(of: closed, on: connection).eligibleApplications > 0 else { return }
                if round.kind == .exam {
                    // The exam decided every result: they are final, and go to the bureau.
                    try await store.advance(closed, to: .finalized, actor: .system, on: connection)
                    try await workflow.enqueue(HandToBureau(round: round.id), once: .round(round.id), on: connection)
                    return
                }
                try await store.advance(closed, to: .assigning, actor: .system, on: connection)
                switch round.track {
                case .title:
                    try await workflow.enqueue(StaffPanels(round: round.id, after: 0), once: .round(round.id), step: "after:0", on: connection)
                case .skill:
                    try await store.advance(try await store.round(round.id, on: connection), to: .scoring, actor: .system, on: connection)
                }
            }
        }
    }
}
