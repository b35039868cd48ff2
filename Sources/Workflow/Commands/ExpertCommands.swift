import Assessment
import AssessmentStore
import Foundation

/// The institution's expert database: filing, correcting, suspending and retiring experts, and
/// importing a whole register from a spreadsheet. Each command is one transaction.
extension Workflow {
    /// Files an expert.
    public func addExpert(id: String, profile: ExpertProfile, conflicts: Set<Int64>, institution: String) async throws {
        try await transaction { try await store.addExpert(id: id, profile: profile, institution: institution, conflicts: conflicts, on: $0) }
    }

    /// Replaces what was filed of an expert.
    public func updateExpert(id: String, profile: ExpertProfile, institution: String) async throws {
        try await transaction { try await store.updateExpert(id: id, profile: profile, institution: institution, on: $0) }
    }

    /// Suspends, resumes or retires an expert.
    public func setExpertStatus(_ id: String, to status: ExpertStatus, institution: String) async throws {
        try await transaction { try await store.setExpertStatus(id, to: status, institution: institution, on: $0) }
    }

    /// Files or replaces every expert of a CSV file, or none: a bad row or a taken id refuses the file.
    public func importExperts(csv: String, institution: String) async throws -> (added: Int, updated: Int) {
        let experts: [(line: Int, id: String, profile: ExpertProfile)]
        switch ExpertCSV.parse(csv) {
        case .success(let parsed): experts = parsed
        case .failure(let error): throw StoreError(.invalidInput, error.summary.en, zh: error.summary.zh, field: "body")
        }
        return try await transaction {
            try await store.importExperts(experts.map { ($0.id, $0.profile) }, institution: institution, on: $0)
        }
    }

    /// An institution's experts, a page after `after`.
    public func experts(institution: String, status: ExpertStatus?, after: String?, limit: Int) async throws -> [ExpertRecord] {
        try await transaction { try await store.experts(institution: institution, status: status, after: after, limit: limit, on: $0) }
    }
}
