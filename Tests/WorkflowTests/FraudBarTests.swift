import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO
import TestSupport
import Testing

@testable import Workflow

@Suite("The fraud bar")
struct FraudBarTests {
    @Test("a title revoked for fraud after an application was filed makes that application ineligible, with the bar's end")
    func barAtEligibility() async throws {
        try await TestDatabase.with { client, database in
            let workflow = Workflow(client: client, vault: .ephemeral(), signer: nil, logger: database.logger)
            try await workflow.addInstitution(id: "inst", name: "Institution")
            let draft = { (name: String) in
                RoundDraft(
                    institutionID: "inst", name: name, track: .title, field: "cultural_relics_museums", seed: 1, startDate: date("2026-11-23"),
                    daySeconds: 60, closesOnDay: 100)
            }
            let (earlier, later) = (try await workflow.openRound(draft("earlier")), try await workflow.openRound(draft("later")))
            let born = date("1990-01-01")
            let applicant = try await workflow.registerApplicant(
                ApplicantRegistration(
                    name: "Applicant",
                    document: try IdentityDocument(kind: .residentID, number: residentID(born: born, sequence: 7), declaredBirthDate: born),
                    employer: nil, profile: Applicant(birthDate: born, education: .bachelor)))
            let target = ApplicationTarget.title(series: "cultural_relics_museums", grade: .assistant, specialty: nil)
            let certified = try await workflow.apply(round: earlier, applicant: applicant, target: target)
            let pending = try await workflow.apply(round: later, applicant: applicant, target: target)
            // The earlier title, passed and certified, then revoked for fraud while the later application waits.
            try await client.withTransaction(logger: database.logger) { connection in
                try await connection.query(
                    "UPDATE applications SET state = 'decided', passed = true WHERE id = \(certified)", logger: database.logger)
                let number = try await workflow.store.issueCertificate(
                    application: certified, issuedOn: date("2026-11-24"), rehearsal: false, signer: .ephemeral(), on: connection)
                _ = try await workflow.store.revokeCertificate(number: number, grounds: .fraud, reason: "plagiarised", on: connection)
            }
            var registry = JobRegistry()
            workflow.register(in: &registry)
            let pool = JobWorkerPool(client: client, registry: registry, configuration: workflowPoolConfiguration(id: "p"), logger: database.logger)
            try await withServices([pool], logger: database.logger) {
                try await eventually("the later application's eligibility is decided") {
                    try await client.text("SELECT state FROM applications WHERE id = \(pending)") == "ineligible"
                }
            }
            let reasons = try #require(
                try await client.text(
                    "SELECT payload->>'reasons' FROM notification_outbox WHERE event = 'ineligible' AND payload->>'subject' = \("application:\(pending)")"
                ))
            #expect(reasons.contains("barred"), "\(reasons)")
        }
    }
}
