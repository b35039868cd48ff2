import Assessment
import AssessmentStore
import Foundation

/// Correcting what a checked application was filed with (PIPL art. 46): the applicant asks, the
/// institution running its round answers within `RecordCorrection.answerWithinDays`. Each command
/// is one transaction with the notification it owes.
extension Workflow {
    /// The applicant asks for their corrected record to be carried into an application they can no
    /// longer change themselves; the institution hears of it.
    public func requestCorrection(of application: Int64, applicant: Int64, note: String) async throws -> CorrectionRequest {
        try await transaction { connection in
            let request = try await store.requestCorrection(of: application, applicant: applicant, note: note, on: connection)
            try await Outbox.owe(
                .correctionRequested, about: .application(application), to: .institution(request.institution),
                payload: ["fields": request.fields.map(\.rawValue).joined(separator: ","), "due": request.due.description],
                occasion: "correction:\(request.id)", on: connection, logger: logger)
            return request
        }
    }

    /// The institution's correction requests: those waiting, the earliest due first, then the
    /// latest answered.
    public func correctionRequests(institution: String, limit: Int) async throws -> [CorrectionRequest] {
        try await transaction { try await store.correctionRequests(institution: institution, limit: limit, on: $0) }
    }

    /// The institution answers; the applicant hears the answer.
    public func answerCorrection(_ request: Int64, institution: String, accept: Bool, reason: String?) async throws -> CorrectionRequest {
        try await transaction { connection in
            let answered = try await store.answerCorrection(request, institution: institution, accept: accept, reason: reason, on: connection)
            try await Outbox.owe(
                .correctionAnswered, about: .application(answered.application), to: .applicant(answered.applicant),
                payload: ["outcome": answered.outcome.rawValue, "reason": answered.reason ?? ""], occasion: "correction:\(request)",
                on: connection, logger: logger)
            return answered
        }
    }
}
