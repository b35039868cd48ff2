import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO

/// Objections during a result's public notice: filed by anyone named, handled by the institution.
extension Workflow {
    /// Anyone named files a written objection during a result's public notice; finalization waits for it.
    public func fileObjection(application: Int64, filedBy: String, contact: String, statement: String, client: String) async throws -> Int64 {
        try await transaction {
            try await store.fileObjection(application: application, filedBy: filedBy, contact: contact, statement: statement, client: client, on: $0)
        }
    }

    /// The institution dismisses open objections of its round in bulk, with a reason.
    public func dismissObjections(_ ids: [Int64], round: Int64, institution: String, reason: String) async throws -> Int {
        try await transaction { try await store.dismissObjections(ids, round: round, institution: institution, reason: reason, on: $0) }
    }

    /// The institution records how it handled an objection; upholding it with `suspendResult`
    /// sends the title result back to the committee.
    public func handleObjection(_ id: Int64, institution: String, resolution: String, suspendResult: Bool = false) async throws {
        try await transaction {
            try await store.handleObjection(id, institution: institution, resolution: resolution, suspendResult: suspendResult, on: $0)
        }
    }
}
