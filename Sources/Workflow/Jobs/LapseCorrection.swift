import Assessment
import AssessmentStore
import JobQueue

/// The day after a correction deadline: an application still returned becomes ineligible, and
/// the applicant hears why.
public struct LapseCorrection: JobArgs {
    public static let kind = "assessment.lapse_correction"
    /// The application.
    public var application: Int64

    struct Handler: JobHandler {
        let workflow: Workflow

        func handle(_ args: LapseCorrection, context: JobContext) async throws {
            let store = workflow.store
            try await context.withTransaction { connection in
                guard let deadline = try await store.lapseCorrection(args.application, on: connection) else {
                    // Resubmitted in time, or the round's clock has not reached the day after yet.
                    if try await store.application(args.application, on: connection).state == .returned {
                        throw JobControl.snooze(.seconds(1))
                    }
                    return
                }
                let application = try await store.application(args.application, on: connection)
                try await Outbox.owe(
                    .ineligible, about: .application(application.id), to: .applicant(application.applicantID),
                    payload: ["reasons": IneligibilityReason.notCorrected(by: deadline).text.both], on: connection, logger: context.logger)
                try await AuditLog.append(
                    actor: .system, action: "correction lapsed", subject: .application(application.id), on: connection, logger: context.logger)
            }
        }
    }
}
