import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO

/// What institutions read back: only their own rounds.
extension Workflow {
    /// A round's applications, optionally in one state, only for the institution that runs it.
    public func applications(inRound id: Int64, institution: String, state: ApplicationRecord.State?, after: Int64, limit: Int)
        async throws -> [ApplicationRecord]
    {
        try await transaction { connection in
            _ = try await ownRound(id, institution: institution, on: connection)
            var records: [ApplicationRecord] = []
            for id in try await store.applicationIDs(inRound: id, state: state, after: after, limit: limit, on: connection) {
                records.append(try await store.application(id, on: connection))
            }
            return records
        }
    }

    /// A round's applications by stage, only for the institution that runs it.
    public func progress(round id: Int64, institution: String) async throws -> (state: RoundState, counts: [ApplicationState: Int]) {
        let (round, counts) = try await progress(round: id)
        guard round.institutionID == institution else { throw StoreError.noRound(id) }
        return (round.state, counts)
    }

    /// One of the institution's own rounds; another institution's is not found.
    public func round(_ id: Int64, institution: String) async throws -> RoundRecord {
        try await transaction { try await ownRound(id, institution: institution, on: $0) }
    }

    /// A round and its applications by stage, for an operator.
    public func progress(round id: Int64) async throws -> (round: RoundRecord, counts: [ApplicationState: Int]) {
        try await transaction { connection in
            (try await store.round(id, on: connection), try await store.progress(round: id, on: connection))
        }
    }

    /// A round's objections, for its institution.
    public func objections(round: Int64, institution: String, openOnly: Bool, after: Int64, limit: Int) async throws -> [ObjectionRecord] {
        try await transaction {
            try await store.objections(round: round, institution: institution, openOnly: openOnly, after: after, limit: limit, on: $0)
        }
    }

    /// An institution's rounds, newest first.
    public func rounds(of institution: String, limit: Int = 100) async throws -> [RoundSummary] {
        try await client.withOpenConnection(logger: logger) { try await store.rounds(of: institution, limit: limit, on: $0) }
    }
}
