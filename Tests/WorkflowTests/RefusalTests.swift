import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO
import TestSupport
import Testing

@testable import Workflow

/// Bad input gets a clear refusal and leaves nothing behind.
@Suite("Workflow refusals and the audit chain")
struct RefusalTests {
    func expectRefusal(
        _ code: StoreError.Code, mentioning text: String, _ body: () async throws -> Void,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            try await body()
            Issue.record("expected a \(code) refusal", sourceLocation: sourceLocation)
        } catch let error as StoreError {
            #expect(error.code == code && error.message.contains(text), "\(error.code): \(error.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected a StoreError, got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("registration with a password stores the applicant, the password and the session together, or none of them")
    func registrationIsOneTransaction() async throws {
        try await TestDatabase.with { client, database in
            let workflow = Workflow(client: client, vault: .ephemeral(), signer: nil, passwordRounds: 1 << 10, logger: database.logger)
            let born = date("1990-01-01")
            let registration = ApplicantRegistration(
                name: "Applicant",
                document: try IdentityDocument(kind: .residentID, number: residentID(born: born, sequence: 7), declaredBirthDate: born),
                employer: nil, profile: Applicant(birthDate: born, education: .bachelor))
            // The session cannot be stored: the registration must leave nothing behind.
            try await client.query("ALTER TABLE api_tokens ADD CONSTRAINT refuse_sessions CHECK (role <> 'applicant') NOT VALID")
            await #expect(throws: (any Error).self) { _ = try await workflow.registerApplicant(registration, password: "correct horse battery") }
            #expect(try await client.scalar("SELECT count(*)::int FROM applicants") == 0)
            #expect(try await client.scalar("SELECT count(*)::int FROM applicant_passwords") == 0)
            try await client.query("ALTER TABLE api_tokens DROP CONSTRAINT refuse_sessions")
            let (id, token) = try await workflow.registerApplicant(registration, password: "correct horse battery")
            #expect(
                try await workflow.principal(forToken: token) == Principal(role: .applicant, subject: String(id)),
                "the retry registers, with its session")
        }
    }

    @Test("duplicates, strangers' cases, out-of-range scores, wrong rounds and other institutions are refused; nothing is written")
    func refusals() async throws {
        try await TestDatabase.with { client, database in
            let workflow = Workflow(client: client, vault: .ephemeral(), signer: nil, logger: database.logger)
            try await workflow.addInstitution(id: "inst", name: "Institution")
            try await workflow.addInstitution(id: "other", name: "Other institution")
            for id in ["r1", "r2", "r3", "r4"] {
                try await workflow.addReviewer(
                    Reviewer(id: ReviewerID(id), fields: ["cultural_relics_museums"], loadCap: 5), name: id, institution: "inst")
            }
            let born = date("1990-01-01")
            let registration = ApplicantRegistration(
                name: "Applicant",
                document: try IdentityDocument(kind: .residentID, number: residentID(born: born, sequence: 1), declaredBirthDate: born),
                employer: nil, profile: Applicant(birthDate: born, education: .bachelor))
            let applicant = try await workflow.registerApplicant(registration)
            await expectRefusal(.duplicate, mentioning: "already registered") { _ = try await workflow.registerApplicant(registration) }
            var other = registration
            other.document = try IdentityDocument(kind: .passport, number: "P7654321", issuingCountry: "DEU", declaredBirthDate: born)
            let stranger = try await workflow.registerApplicant(other)

            var badPolicy = Policy()
            badPolicy.committeeSize = 4
            let draft = RoundDraft(
                institutionID: "inst", name: "r", track: .title, field: "cultural_relics_museums", seed: 1,
                startDate: try await clearOfShanghaiMidnight { try RoundRecord.today() }, closesOnDay: 100)
            var invalid = draft
            invalid.policy = badPolicy
            await expectRefusal(.invalidInput, mentioning: "committeeSize") { _ = try await workflow.openRound(invalid) }
            var unknown = draft
            unknown.institutionID = "nobody"
            await expectRefusal(.notFound, mentioning: "nobody") { _ = try await workflow.openRound(unknown) }
            let round = try await workflow.openRound(draft)
            let target = ApplicationTarget.title(series: "cultural_relics_museums", grade: .assistant, specialty: nil)
            let application = try await workflow.apply(round: round, applicant: applicant, target: target)
            await expectRefusal(.duplicate, mentioning: "already applied") {
                _ = try await workflow.apply(round: round, applicant: applicant, target: target)
            }
            await expectRefusal(.notFound, mentioning: "999") { _ = try await workflow.apply(round: 999, applicant: applicant, target: target) }
            let skill = ApplicationTarget.skill(occupation: "4-13-01-05", level: SkillLevel(rawValue: 4)!, direction: "creative_planning")
            await expectRefusal(.invalidInput, mentioning: "title applications") {
                _ = try await workflow.apply(round: round, applicant: stranger, target: skill)
            }

            // A panel, as the staffing job would draw it.
            try await client.withTransaction(logger: database.logger) { connection in
                try await workflow.store.assign(
                    [application: [ReviewerID("r1"), ReviewerID("r2"), ReviewerID("r3")]], stage: .original,
                    dueAt: Date().addingTimeInterval(3600), on: connection)
                try await connection.query("UPDATE applications SET state = 'assigned' WHERE id = \(application)", logger: database.logger)
            }
            await expectRefusal(.forbidden, mentioning: "not assigned") {
                try await workflow.submitScore(reviewer: "r4", application: application, score: 80)
            }
            await expectRefusal(.invalidInput, mentioning: "0 to 100") {
                try await workflow.submitScore(reviewer: "r1", application: application, score: 101)
            }
            await expectRefusal(.invalidInput, mentioning: "0 to 100") {
                try await workflow.submitScore(reviewer: "r1", application: application, score: .nan)
            }
            try await workflow.submitScore(reviewer: "r1", application: application, score: 80)
            await expectRefusal(.duplicate, mentioning: "already scored") {
                try await workflow.submitScore(reviewer: "r1", application: application, score: 90)
            }
            #expect(try await client.scalar("SELECT count(*)::int FROM assignments WHERE state = 'scored'") == 1)
            #expect(try await client.text("SELECT score::text FROM assignments WHERE reviewer_id = 'r1'") == "80")

            await expectRefusal(.notFound, mentioning: "no round") {
                _ = try await workflow.drawCommittee(round: round, institution: "other", seed: 1)
            }
            await expectRefusal(.wrongState, mentioning: "draw it first") {
                _ = try await workflow.openMeeting(round: round, institution: "inst", heldOn: nil, present: [ReviewerID("r1")], recusals: [:])
            }
            await expectRefusal(.wrongState, mentioning: "the pool has 4 available experts of the series; a committee of 25 needs at least 25") {
                _ = try await workflow.drawCommittee(round: round, institution: "inst", seed: 1)
            }
            await expectRefusal(.forbidden, mentioning: "own results") {
                try await workflow.fileAppeal(applicant: stranger, application: application, reason: "not mine")
            }
            await expectRefusal(.wrongState, mentioning: "public notice") {
                _ = try await workflow.fileObjection(
                    application: application, filedBy: "someone", contact: "+86 21 5555 0101",
                    statement: "too early", client: "192.0.2.1")
            }
            await expectRefusal(.notFound, mentioning: "no objection") {
                try await workflow.handleObjection(77, institution: "inst", resolution: "x")
            }
            await expectRefusal(.notFound, mentioning: "no certificate") {
                try await workflow.revokeCertificate(number: "S000131000001254000001", grounds: .other, reason: "x")
            }
            await expectRefusal(.invalidInput, mentioning: "reason") {
                try await workflow.revokeCertificate(number: "S000131000001254000001", grounds: .other, reason: " ")
            }
            // Refused commands left no rows and no jobs behind.
            #expect(try await client.scalar("SELECT count(*)::int FROM applications") == 1)
            #expect(try await client.scalar("SELECT count(*)::int FROM votes") == 0)
            #expect(try await client.scalar("SELECT count(*)::int FROM appeals") == 0)
            #expect(try await client.scalar("SELECT count(*)::int FROM objections") == 0)
            #expect(
                try await client.scalar("SELECT count(*)::int FROM jobs WHERE kind LIKE 'assessment.%' AND kind <> 'assessment.close_applications'")
                    == 1)
        }
    }

    @Test("a round stored with a value beyond today's bounds fails what reads it with a refusal")
    func poisonousStoredRound() async throws {
        try await TestDatabase.with { client, database in
            let workflow = Workflow(client: client, vault: .ephemeral(), signer: nil, logger: database.logger)
            try await workflow.addInstitution(id: "inst", name: "Institution")
            let round = try await workflow.openRound(
                RoundDraft(
                    institutionID: "inst", name: "r", track: .title, field: "cultural_relics_museums", seed: 1,
                    startDate: try await clearOfShanghaiMidnight { try RoundRecord.today() }, closesOnDay: 100))
            // As a round opened before the bounds existed could have been stored.
            try await client.query(
                """
                UPDATE rounds SET policy = jsonb_set(policy, '{appealWindowDays}', '9223372036854775807') WHERE id = \(round)
                """)
            await expectRefusal(.invalidStoredData, mentioning: "appealWindowDays must be 1 to 60") {
                _ = try await client.withConnection { try await workflow.store.round(round, on: $0) }
            }
            await expectRefusal(.invalidStoredData, mentioning: "appealWindowDays") {
                try await workflow.closeApplicationsNow(round: round, institution: "inst")
            }
        }
    }

    @Test("the audit log refuses changes, and a changed entry breaks the chain from that entry on")
    func auditChain() async throws {
        try await TestDatabase.with { client, database in
            try await client.withTransaction(logger: database.logger) { connection in
                for n in 1...4 {
                    try await AuditLog.append(
                        actor: .system, action: "step \(n)", subject: .round(Int64(n)), detail: ["n": "\(n)"],
                        on: connection, logger: database.logger)
                }
            }
            await #expect(throws: (any Error).self, "a pending entry cannot be dropped before it is sealed") {
                try await client.query("DELETE FROM audit_pending")
            }
            try await sealEverything(client, database)
            let intact = try await client.withConnection { try await AuditLog.verify(on: $0, logger: database.logger) }
            #expect(intact == AuditLog.Verification(entries: 4, firstBrokenEntry: nil, pending: 0))
            await #expect(throws: (any Error).self) {
                try await client.query("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
            }
            // Someone with the power to switch the trigger off still cannot hide the change.
            try await client.query("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
            try await client.query("UPDATE audit_log SET detail = '{\"n\": \"20\"}' WHERE seq = 2")
            let tampered = try await client.withConnection { try await AuditLog.verify(on: $0, logger: database.logger) }
            #expect(tampered.firstBrokenEntry == 2)
        }
    }

    @Test("audited transactions append side by side, and the chain keeps the order of their transactions, not of their commits")
    func auditAppendsDoNotWait() async throws {
        try await TestDatabase.with { client, database in
            let logger = database.logger
            let (firstAppended, firstAppendedSignal) = AsyncStream.makeStream(of: Void.self)
            let (secondCommitted, secondCommittedSignal) = AsyncStream.makeStream(of: Void.self)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    try await client.withTransaction(logger: logger) { connection in
                        try await AuditLog.append(actor: .system, action: "first", subject: .round(1), on: connection, logger: logger)
                        firstAppendedSignal.yield()
                        // Still open while the second transaction appends and commits.
                        for await _ in secondCommitted { break }
                        #expect(
                            try await AuditLog.seal(client: client, logger: logger) == 0,
                            "nothing is sealed while an older transaction may still add entries")
                    }
                }
                for await _ in firstAppended { break }
                try await client.withTransaction(logger: logger) { connection in
                    try await AuditLog.append(actor: .system, action: "second", subject: .round(2), on: connection, logger: logger)
                }
                secondCommittedSignal.yield()
                try await tasks.waitForAll()
            }
            try await sealEverything(client, database)
            var actions: [String] = []
            for try await action in try await client.query("SELECT action FROM audit_log ORDER BY seq").decode(String.self) {
                actions.append(action)
            }
            #expect(actions == ["first", "second"])
            let verification = try await client.withConnection { try await AuditLog.verify(on: $0, logger: logger) }
            #expect(verification == AuditLog.Verification(entries: 2, firstBrokenEntry: nil, pending: 0))
        }
    }

    /// Seals until nothing is pending: transactions of parallel tests elsewhere in the cluster can
    /// hold the horizon back for a moment.
    func sealEverything(_ client: PostgresClient, _ database: TestDatabase) async throws {
        try await eventually("every audit entry is sealed") {
            try await AuditLog.seal(batch: 3, client: client, logger: database.logger)
            return try await client.scalar("SELECT count(*)::int FROM audit_pending") == 0
        }
    }
}
