import Assessment
import AssessmentStore
import Foundation
import PostgresNIO
import TestSupport
import Testing

@testable import Workflow

@Suite("Certificates issued in batches")
struct CertificateBatchTests {
    @Test("a batch numbers in application order from one draw, is refused whole for one failed result, and issues nothing twice")
    func batch() async throws {
        try await TestDatabase.with { client, database in
            let workflow = Workflow(client: client, vault: .ephemeral(), signer: nil, logger: database.logger)
            try await workflow.addInstitution(id: "inst", name: "Institution")
            let round = try await workflow.openRound(
                RoundDraft(
                    institutionID: "inst", name: "r", track: .title, field: "cultural_relics_museums", seed: 1, startDate: date("2026-11-23"),
                    daySeconds: 60, closesOnDay: 100))
            let target = ApplicationTarget.title(series: "cultural_relics_museums", grade: .assistant, specialty: nil)
            var applications: [Int64] = []
            for sequence in 1...4 {
                let born = date("1990-01-01")
                let applicant = try await workflow.registerApplicant(
                    ApplicantRegistration(
                        name: "Applicant \(sequence)",
                        document: try IdentityDocument(
                            kind: .residentID, number: residentID(born: born, sequence: sequence), declaredBirthDate: born),
                        employer: nil, profile: Applicant(birthDate: born, education: .bachelor)))
                applications.append(try await workflow.apply(round: round, applicant: applicant, target: target))
            }
            let (passed, failed) = (Array(applications.prefix(3)), applications[3])
            try await client.query("UPDATE applications SET state = 'decided', passed = (id <> \(failed)) WHERE round_id = \(round)")
            let signer = BureauSigner.ephemeral()
            func issue(_ ids: [Int64]) async throws -> [Int64: String] {
                try await workflow.transaction { connection in
                    try await workflow.store.issueCertificates(
                        applications: ids, issuedOn: date("2026-12-01"), rehearsal: false, signer: signer, on: connection)
                }
            }

            do {
                _ = try await issue(passed + [failed])
                Issue.record("a batch with a failed result was issued")
            } catch let error as StoreError {
                #expect(error.code == .wrongState && error.message.contains("application \(failed) did not pass"), "\(error.message)")
            }
            #expect(try await client.scalar("SELECT count(*)::int FROM certificates") == 0, "nothing of the refused batch is written")
            #expect(try await client.scalar("SELECT count(*)::int FROM certificate_sequences") == 0)

            let first = try await issue(Array(passed.prefix(2)).reversed())
            #expect(first == [passed[0]: "310000-cultural_relics_museums-2026-000001", passed[1]: "310000-cultural_relics_museums-2026-000002"])
            let all = try await issue(passed)
            #expect(all[passed[0]] == first[passed[0]] && all[passed[1]] == first[passed[1]], "issued before: the same numbers")
            #expect(all[passed[2]] == "310000-cultural_relics_museums-2026-000003", "the next number of the same sequence")
            #expect(try await client.scalar("SELECT count(*)::int FROM certificates") == 3)
            #expect(try await client.scalar("SELECT count(*)::int FROM notification_outbox WHERE event = 'certificate issued'") == 3)
            #expect(try await client.scalar("SELECT count(*)::int FROM audit_pending WHERE action = 'issue certificate'") == 3)
            // Each certificate verifies, and its holder holds what it certifies.
            for (application, number) in all {
                let record = try #require(try await client.withConnection { try await workflow.store.certificate(number: number, on: $0) })
                #expect(record.verdict == .valid, "\(number)")
                let holder = try await client.withConnection { connection in
                    try await workflow.store.applicant(try await workflow.store.application(application, on: connection).applicantID, on: connection)
                }
                #expect(holder.profile.titles.map(\.certificateNumber) == [number], "\(holder.profile.titles)")
                #expect(record.content.holderName == holder.name)
            }
        }
    }
}
