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

    /// The notice's last day and the appeal window's, counted on the round's calendar.
    static func noticeDates(of round: RoundRecord, publishedOn today: CalendarDate) throws(CalendarError) -> (CalendarDate, CalendarDate) {
        let noticeEnds = try round.calendar.noticeEnds(publishedOn: today, policy: round.policy)
        let appealsEnd = try Appeals.windowEnds(resultNotifiedOn: today, policy: round.policy, calendar: round.calendar)
        return (noticeEnds, appealsEnd)
    }

    struct Handler: JobHandler {
        let workflow: Workflow

        func handle(_ args: PublishNotice, context: JobContext) async throws {
            let store = workflow.store
            try await context.withTransaction { connection in
                var round = try await store.round(args.round, lock: true, on: connection)
                guard round.state == .scoring else { return }
                let today = try await store.today(of: round, on: connection)
                let noticeEnds: CalendarDate
                let appealsEnd: CalendarDate
                do {
                    (noticeEnds, appealsEnd) = try PublishNotice.noticeDates(of: round, publishedOn: today)
                } catch let error as CalendarError {
                    guard let year = error.unloadedYear else { throw error }
                    // Publishing a notice end that a later schedule could move would mislead everyone named in it.
                    context.logger.warning("the round's notice waits for a holiday schedule", metadata: ["round": "\(round.id)", "year": "\(year)"])
                    throw JobControl.snooze(.seconds(min(3_600, round.daySeconds)))
                }
                round = try await store.advance(round, to: .deliberation, actor: .system, on: connection)
                try await store.advance(round, to: .publicNotice, actor: .system, on: connection)
                try await store.setNoticeDates(
                    round: round.id, publishedOn: today, noticeEnds: noticeEnds, appealsEnd: appealsEnd, on: connection)
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
