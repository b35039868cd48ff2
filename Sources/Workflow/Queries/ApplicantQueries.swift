import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO

/// What applicants read back: only their own.
extension Workflow {
    /// An applicant's applications in id order after `after`, at most `limit`.
    public func applications(of applicant: Int64, after: Int64, limit: Int) async throws -> [ApplicationRecord] {
        try await transaction { connection in
            var records: [ApplicationRecord] = []
            for id in try await store.applicationIDs(of: applicant, after: after, limit: limit, on: connection) {
                records.append(try await store.application(id, on: connection))
            }
            return records
        }
    }

    /// One application, only for the applicant who filed it; another's reads as not found.
    public func application(_ id: Int64, of applicant: Int64) async throws -> ApplicationRecord {
        try await transaction { connection in
            let record = try await store.application(id, on: connection)
            guard record.applicantID == applicant else { throw StoreError.noApplication(id) }
            return record
        }
    }

    /// The notifications owed to a recipient.
    public func notifications(of recipient: Recipient, after: Int64, limit: Int, newestFirst: Bool = false) async throws
        -> [(id: Int64, event: String, createdAt: Date, payload: String)]
    {
        try await transaction {
            try await store.notifications(of: recipient.description, after: after, limit: limit, newestFirst: newestFirst, on: $0)
        }
    }
}
