import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO

/// What applicants do: register, apply, appeal. Each command is one transaction: the rows it
/// writes and the jobs it sets off commit together, or not at all.
extension Workflow {
    /// Registers an applicant without a password: for people the institution enrols.
    public func registerApplicant(_ registration: ApplicantRegistration) async throws -> Int64 {
        try await registerApplicant(registration, also: nil)
    }

    /// Registers an applicant; `also` runs in the same transaction (storing a password hash).
    func registerApplicant(
        _ registration: ApplicantRegistration, also: (@Sendable (Int64, PostgresConnection) async throws -> Void)?
    ) async throws -> Int64 {
        try await transaction { connection in
            let id = try await store.registerApplicant(registration, on: connection)
            try await also?(id, connection)
            return id
        }
    }

    /// An applicant applies; eligibility is checked by a job.
    public func apply(round: Int64, applicant: Int64, target: ApplicationTarget) async throws -> Int64 {
        try await transaction { connection in
            let id = try await store.submitApplication(round: round, applicant: applicant, target: target, on: connection)
            try await enqueue(CheckEligibility(application: id), once: .application(id), on: connection)
            return id
        }
    }

    /// An applicant appeals their own published result within the window; a fresh panel re-reviews it.
    public func fileAppeal(applicant: Int64, application: Int64, reason: String) async throws {
        try await transaction { connection in
            try await store.fileAppeal(applicant: applicant, application: application, reason: reason, on: connection)
            try await enqueue(RereviewAppeal(application: application), once: .application(application), on: connection)
        }
    }
}
