import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO

/// What reviewers read back: their open cases, blind.
extension Workflow {
    /// A reviewer's open cases, blind.
    public func openCases(of reviewer: String, after: Int64, limit: Int) async throws -> [BlindCase] {
        try await transaction { try await store.openCases(of: reviewer, after: after, limit: limit, on: $0) }
    }

    /// The characters of a reviewer's comment on a score.
    public static let commentLength = 1...2_000

    /// One open case of a reviewer's, blind, with what they judge it by: the works the applicant
    /// lists and the files of them. Neither the applicant's record nor their other files (proofs
    /// of employment, certificates), which would name them.
    public func caseMaterials(_ application: Int64, reviewer: String) async throws -> (case: BlindCase, works: [WorkReference], files: [EvidenceFile])
    {
        try await transaction { connection in
            guard let blind = try await store.openCase(application, of: reviewer, on: connection) else { throw StoreError.noApplication(application) }
            let dossier = try await store.dossier(of: application, on: connection)
            return (blind, dossier.works, dossier.files.filter { $0.purpose == .representativeWork })
        }
    }

    /// A file of a work, for a reviewer with the case open.
    public func caseFile(_ sha256: String, of application: Int64, reviewer: String) async throws -> (EvidenceFile, ByteBuffer) {
        try await transaction { connection in
            guard try await store.openCase(application, of: reviewer, on: connection) != nil else { throw StoreError.noApplication(application) }
            let (file, bytes) = try await store.fileContent(sha256, of: application, on: connection)
            guard file.purpose == .representativeWork else {
                throw StoreError(.notFound, "no work file has this hash", zh: "没有此哈希值的作品文件")
            }
            return (file, bytes)
        }
    }
}
