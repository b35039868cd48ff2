import Assessment
import AssessmentStore
import Foundation
import JobQueue
import NIOCore
import PostgresNIO

/// Who reads an application's dossier: the applicant who filed it, or the institution whose round
/// it is in. Anyone else finds no such application.
public enum DossierReader: Sendable, Hashable {
    case applicant(Int64)
    case institution(String)
}

/// An applicant's record and an application's materials, and the institution's formal check of
/// them (形式审查, 补正). Each command is one transaction.
extension Workflow {
    /// The applicant corrects what they declare.
    public func correctRecord(of applicant: Int64, to record: DeclaredRecord) async throws {
        try await transaction { try await store.correctRecord(of: applicant, to: record, on: $0) }
    }

    /// An applicant's registration and record.
    public func applicantRecord(_ applicant: Int64) async throws -> ApplicantRecord {
        try await transaction { try await store.applicant(applicant, on: $0) }
    }

    /// The applicant sets the works their application points to and may sign the integrity pledge.
    public func setMaterials(of application: Int64, applicant: Int64, works: [WorkReference], signPledge: Bool) async throws {
        try await transaction { try await store.setMaterials(of: application, applicant: applicant, works: works, signPledge: signPledge, on: $0) }
    }

    /// The applicant adds an evidence file.
    public func addEvidenceFile(
        to application: Int64, applicant: Int64, bytes: ByteBuffer, name: String, purpose: EvidencePurpose
    ) async throws -> EvidenceFile {
        try await transaction {
            try await store.addFile(to: application, applicant: applicant, bytes: bytes, name: name, purpose: purpose, on: $0)
        }
    }

    /// The applicant removes an evidence file.
    public func removeEvidenceFile(_ sha256: String, from application: Int64, applicant: Int64) async throws {
        try await transaction { try await store.removeFile(sha256, from: application, applicant: applicant, on: $0) }
    }

    /// Everything an application was filed with, for its applicant or its round's institution.
    public func dossier(of application: Int64, for reader: DossierReader) async throws -> Dossier {
        try await transaction { connection in
            try await readable(application, by: reader, on: connection)
            return try await store.dossier(of: application, on: connection)
        }
    }

    /// An evidence file's description and bytes, for the application's applicant or institution.
    public func evidenceFile(_ sha256: String, of application: Int64, for reader: DossierReader) async throws -> (EvidenceFile, ByteBuffer) {
        try await transaction { connection in
            try await readable(application, by: reader, on: connection)
            return try await store.fileContent(sha256, of: application, on: connection)
        }
    }

    /// The institution's formal check: accepting sets off eligibility; returning tells the applicant
    /// what to correct by when, and lapses the application the day after that unless resubmitted.
    public func formalCheck(_ application: Int64, institution: String, decision: FormalCheckDecision) async throws {
        try await transaction { connection in
            let (record, round, occasion) = try await store.recordFormalCheck(
                application, institution: institution, decision: decision, on: connection)
            switch decision {
            case .accept:
                try await enqueue(CheckEligibility(application: application), once: .application(application), on: connection)
            case .returnForCorrection(let reasons, let correctBy):
                try await Outbox.owe(
                    .returnedForCorrection, about: .application(application), to: .applicant(record.applicantID),
                    payload: ["reasons": reasons.joined(separator: "; "), "correctBy": correctBy.description], occasion: String(occasion),
                    on: connection, logger: logger)
                try await enqueue(
                    LapseCorrection(application: application), once: .application(application), step: "correction:\(occasion)",
                    runAt: round.start(of: try correctBy.adding(days: 1)), on: connection)
            }
        }
    }

    /// The applicant resubmits an application returned for correction.
    public func resubmit(_ application: Int64, applicant: Int64) async throws {
        try await transaction { connection in
            let (round, occasion) = try await store.resubmit(application, applicant: applicant, on: connection)
            try await Outbox.owe(
                .resubmitted, about: .application(application), to: .institution(round.institutionID), occasion: String(occasion),
                on: connection, logger: logger)
        }
    }

    private func readable(_ application: Int64, by reader: DossierReader, on connection: PostgresConnection) async throws {
        let (record, round, _) = try await store.applicationInRound(application, on: connection)
        let allowed =
            switch reader {
            case .applicant(let id): record.applicantID == id
            case .institution(let id): round.institutionID == id
            }
        guard allowed else { throw StoreError.noApplication(application) }
    }
}
