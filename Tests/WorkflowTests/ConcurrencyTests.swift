import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO
import TestSupport
import Testing

@testable import Workflow

/// People act at the same moment: what one step owes the next is never lost between them.
@Suite("Concurrent commands")
struct ConcurrencyTests {
    @Test("a panel's three scores sent at the same moment always set off the case's aggregation, once")
    func simultaneousLastScores() async throws {
        try await TestDatabase.with { client, database in
            let workflow = Workflow(client: client, vault: .ephemeral(), signer: nil, logger: database.logger)
            try await workflow.addInstitution(id: "inst", name: "Institution")
            let panel = ["r1", "r2", "r3"]
            for id in panel {
                try await workflow.addReviewer(
                    Reviewer(id: ReviewerID(id), fields: ["cultural_relics_museums"], loadCap: 100), name: id, institution: "inst")
            }
            let round = try await workflow.openRound(
                RoundDraft(
                    institutionID: "inst", name: "r", track: .title, field: "cultural_relics_museums",
                    seed: 1, startDate: try await clearOfShanghaiMidnight { try RoundRecord.today() }, closesOnDay: 100))
            let target = ApplicationTarget.title(series: "cultural_relics_museums", grade: .assistant, specialty: nil)
            let born = date("1990-01-01")
            var applications: [Int64] = []
            for sequence in 1...30 {
                let applicant = try await workflow.registerApplicant(
                    ApplicantRegistration(
                        name: "Applicant \(sequence)",
                        document: try IdentityDocument(
                            kind: .residentID, number: residentID(born: born, sequence: sequence), declaredBirthDate: born),
                        employer: nil, profile: Applicant(birthDate: born, education: .bachelor)))
                applications.append(try await workflow.apply(round: round, applicant: applicant, target: target))
            }
            try await client.withTransaction(logger: database.logger) { connection in
                try await workflow.store.assign(
                    Dictionary(uniqueKeysWithValues: applications.map { ($0, panel.map { ReviewerID($0) }) }),
                    stage: .original, dueAt: Date().addingTimeInterval(3600), on: connection)
                try await connection.query("UPDATE applications SET state = 'assigned' WHERE id = ANY(\(applications))", logger: database.logger)
            }
            #expect(try await client.scalar("SELECT count(*)::int FROM assignments WHERE state = 'assigned'") == 90)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for application in applications {
                    for reviewer in panel {
                        tasks.addTask { try await workflow.submitScore(reviewer: reviewer, application: application, score: 80) }
                    }
                }
                try await tasks.waitForAll()
            }
            #expect(try await client.scalar("SELECT count(*)::int FROM assignments WHERE state = 'scored'") == 90)
            #expect(
                try await client.scalar(
                    """
                    SELECT count(DISTINCT args->>'application')::int FROM jobs WHERE kind = \(AggregateScores.kind)
                    """) == applications.count, "every case's aggregation was enqueued")
            #expect(try await client.scalar("SELECT count(*)::int FROM jobs WHERE kind = \(AggregateScores.kind)") == applications.count)
        }
    }
}
