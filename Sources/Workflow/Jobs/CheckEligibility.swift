import Assessment
import AssessmentStore
import JobQueue

/// Decides a submitted application's eligibility and tells the applicant, with every reason.
public struct CheckEligibility: JobArgs {
    public static let kind = "assessment.check_eligibility"
    /// The application.
    public var application: Int64

    struct Handler: JobHandler {
        let workflow: Workflow

        func handle(_ args: CheckEligibility, context: JobContext) async throws {
            let store = workflow.store
            try await context.withTransaction { connection in
                let (application, round, now) = try await store.applicationInRound(args.application, lock: true, on: connection)
                guard application.state == .submitted else { return }
                var (profile, titleBar) = try await store.declaredProfile(of: application.id, on: connection)
                // A title revoked for fraud after the application was filed bars it too.
                if case .title = application.target, let lastDay = titleBar {
                    let end = try lastDay.adding(days: 1)
                    profile.barredUntil = max(profile.barredUntil ?? end, end)
                }
                let institution = try await store.institution(round.institutionID, on: connection)
                let eligibility = Eligibility.decide(
                    profile, applyingFor: application.target, on: application.appliedOn, policy: round.policy,
                    onlyEmployeesOf: institution.onlyEmployeesOf)
                _ = try await store.decideEligibility(
                    application.id, eligibility, on: try AssessmentStore.day(of: round, at: now), on: connection)
                let (event, reasons): (NotificationEvent, [String]) =
                    switch eligibility {
                    case .eligible: (.eligible, [])
                    case .ineligible(let reasons): (.ineligible, reasons.map(\.text.both))
                    }
                try await Outbox.owe(
                    event, about: .application(application.id), to: .applicant(application.applicantID),
                    payload: ["reasons": reasons.joined(separator: "；")], on: connection, logger: context.logger)
                try await AuditLog.append(
                    actor: .system, action: event.rawValue, subject: .application(application.id),
                    on: connection, logger: context.logger)
            }
        }
    }
}
