import Assessment
import AssessmentStore
import Foundation
import JobQueue

/// Once every case is decided: publishes the results for the public notice, tells each applicant
/// their result, and schedules the notice's end after its working days.
public struct PublishNotice: JobArgs {
    public static let kind = "assessment.publish_notice"
    /// The round.
    public var round: Int64

    struct Handler: JobHandler {
        let workflow: Workflow

        func handle(_ args: PublishNotice, context: JobContext) async throws {
            let store = workflow.store
            try await context.withTransaction { connection in
                var round = try await store.round(args.round, lock: true, on: connection)
                guard round.state == .scoring else { return }
                try await store.advance(round, to: .deliberation, actor: .system, on: connection)
                round = try await store.round(round.id, on: connection)
                try await store.advance(round, to: .publicNotice, actor: .system, on: connection)
                let today = try await store.today(of: round, on: connection)
                let noticeEnds = try round.calendar.noticeEnds(publishedOn: today, policy: round.policy)
                let appealsEnd = try Appeals.windowEnds(resultNotifiedOn: today, policy: round.policy)
                try await store.setNoticeDates(round: round.id, noticeEnds: noticeEnds, appealsEnd: appealsEnd, on: connection)
                try await Outbox.oweDecidedApplicants(
                    .result, round: round.id, payload: ["appealsEnd": appealsEnd.description],
                    on: connection, logger: context.logger)
                try await Outbox.owe(
                    .noticePublished, about: .round(round.id), to: .institution(round.institutionID),
                    payload: ["noticeEnds": noticeEnds.description], on: connection, logger: context.logger)
                try await workflow.enqueue(
                    CloseNotice(round: round.id), once: .round(round.id),
                    runAt: round.start(of: noticeEnds.adding(days: 1)), on: connection)
            }
        }
    }
}
