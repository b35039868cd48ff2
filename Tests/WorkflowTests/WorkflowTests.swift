import Assessment
import AssessmentStore
import Crypto
import Foundation
import JobQueue
import PostgresNIO
import ServiceLifecycle
import TestSupport
import Testing

@testable import Workflow

@Suite("Assessment workflow on the queue")
struct WorkflowTests {
    static let startDate = date("2026-11-23")  // a Monday

    /// Plays the people's part of a season while pools run the jobs: reviewers score (one case
    /// with a discrepancy, one reviewer who never answers), the committee votes, one applicant
    /// appeals and a fresh panel overturns, the bureau confirms. Returns the cast.
    static func playSeason(_ workflow: Workflow, client: PostgresClient, midway: () async throws -> Void = {}) async throws -> Cast {
        let cast = try await castSeason(workflow, startDate: startDate)
        let app = cast.applications
        try await midway()
        try await eventually(timeout: .seconds(30), "the title round is staffed") {
            try await client.text("SELECT state FROM rounds WHERE id = \(cast.titleRound)") == "scoring"
        }
        let silent = try #require(
            try await client.text(
                """
                SELECT min(reviewer_id) FROM assignments WHERE application_id = \(app["slow-panel"]!)
                """))
        var scoredOriginal = Set<String>()
        try await eventually(timeout: .seconds(30), "every title case is scored") {
            for try await (application, reviewer, stage) in try await client.query(
                """
                SELECT application_id, reviewer_id, stage::int FROM assignments WHERE state = 'assigned' ORDER BY application_id, reviewer_id
                """
            ).decode((Int64, String, Int).self) {
                let key = "\(application):\(reviewer):\(stage)"
                guard stage != 2, !scoredOriginal.contains(key), reviewer != silent || application != app["slow-panel"]! else { continue }
                let score: Double
                switch application {
                case app["disputed"]!: score = stage == 1 ? 72 : [50, 90, 70][scoredOriginal.filter { $0.hasPrefix("\(application):") }.count % 3]
                case app["appellant"]!: score = 45
                default: score = 80
                }
                try await workflow.submitScore(reviewer: reviewer, application: application, score: score)
                scoredOriginal.insert(key)
            }
            return try await client.scalar(
                """
                SELECT count(*)::int FROM applications WHERE round_id = \(cast.titleRound) AND state IN ('eligible', 'assigned')
                """) == 0
        }
        // The committee of 5 (a pilot) meets with every member; each casts one sheet, and only the counts remain.
        let committee = try await workflow.drawCommittee(round: cast.titleRound, institution: cast.institution, seed: 20_261_205)
        #expect(committee.members.count == 5 && committee.pool.count == cast.reviewers.count && committee.isReproducible)
        let first = try await Self.meet(workflow, round: cast.titleRound, institution: cast.institution) { $0 == app["appellant"]! ? .no : .yes }
        let firstMeeting = try await workflow.meeting(first, institution: cast.institution)
        #expect(firstMeeting.state == .closed && firstMeeting.sheetsCast == 5 && firstMeeting.cases.count == 6)
        #expect(try await client.scalar("SELECT count(*)::int FROM ballot_sheets WHERE meeting_id = \(first)") == 5)
        try await workflow.recordSkillsResult(application: app["foreign"]!, parts: [.theory: 85, .skill: 90], institution: cast.institution)
        try await workflow.recordSkillsResult(application: app["failing"]!, parts: [.theory: 70, .skill: 50], institution: cast.institution)
        try await eventually(timeout: .seconds(20), "the title results are published") {
            try await client.scalar(
                "SELECT count(*)::int FROM notification_outbox WHERE event = 'result' AND payload->>'subject' = \("application:\(app["appellant"]!)")"
            ) == 1
        }
        try await eventually(timeout: .seconds(20), "a passed result is published too") {
            try await client.scalar(
                "SELECT count(*)::int FROM notification_outbox WHERE event = 'result' AND payload->>'subject' = \("application:\(app["plain"]!)")"
            ) == 1
        }
        do {
            try await workflow.fileAppeal(applicant: cast.titleApplicants["plain"]!, application: app["plain"]!, reason: "I want a higher score.")
            Issue.record("a passed applicant appealed")
        } catch let error as StoreError {
            #expect(error.code == .wrongState && error.message.contains("only a failed result"), "\(error.message)")
        }
        try await workflow.fileAppeal(
            applicant: cast.titleApplicants["appellant"]!, application: app["appellant"]!,
            reason: "My portfolio of 300 published videos was not considered.")
        let objection = try await workflow.fileObjection(
            application: app["plain"]!, filedBy: "a fellow creator", contact: "fellow@example.org",
            statement: "Some of the listed videos were made by someone else.", client: "192.0.2.1")
        do {
            try await workflow.handleObjection(objection, institution: "another-institution", resolution: "dismissed")
            Issue.record("another institution handled the objection")
        } catch let error as StoreError {
            #expect(error.code == .forbidden)
        }
        try await eventually(timeout: .seconds(20), "the appeal's fresh panel scores") {
            for try await reviewer in try await client.query(
                """
                SELECT reviewer_id FROM assignments WHERE application_id = \(app["appellant"]!) AND stage = 2 AND state = 'assigned'
                """
            ).decode(String.self) {
                try await workflow.submitScore(reviewer: reviewer, application: app["appellant"]!, score: 75)
            }
            return try await client.text("SELECT state FROM appeals WHERE application_id = \(app["appellant"]!)") == "rescored"
        }
        // A title appeal goes back to the committee: the fresh panel's 75 decides nothing by itself.
        #expect(try await client.text("SELECT outcome FROM appeals WHERE application_id = \(app["appellant"]!)") == nil)
        // Four members meet (a quorum), but two are recused from the case: too few may vote, and the ballot is void.
        let members = committee.members
        let recused = try await Self.meet(
            workflow, round: cast.titleRound, institution: cast.institution, present: Array(members.prefix(4)),
            recusals: [app["appellant"]!: [members[0], members[1]]]
        ) { _ in .yes }
        #expect(try await workflow.meeting(recused, institution: cast.institution).cases.first?.recused == [members[0], members[1]].sorted())
        try await eventually(timeout: .seconds(20), "a vote without enough members entitled to vote is void") {
            try await client.scalar("SELECT count(*)::int FROM notification_outbox WHERE event = 'vote void: no quorum'") == 1
        }
        #expect(try await client.scalar("SELECT count(*)::int FROM votes WHERE application_id = \(app["appellant"]!) AND stage = 1") == 0)
        _ = try await Self.meet(workflow, round: cast.titleRound, institution: cast.institution) { _ in .yes }
        try await eventually(timeout: .seconds(20), "the committee's second ballot decides the appeal") {
            try await client.text("SELECT outcome FROM appeals WHERE application_id = \(app["appellant"]!)") == "overturned"
        }
        try await eventually(timeout: .seconds(30), "the title notice and appeal window are over") {
            try await client.scalar(
                """
                SELECT (start_date + floor(extract(epoch FROM now() - started_at) / day_seconds)::int > greatest(notice_ends, appeals_end))::int
                FROM rounds WHERE id = \(cast.titleRound)
                """) == 1
        }
        try await Task.sleep(for: .seconds(2))
        #expect(
            try await client.text("SELECT state FROM rounds WHERE id = \(cast.titleRound)") == "appeals",
            "an open objection holds the round back from finalization")
        try await workflow.handleObjection(objection, institution: cast.institution, resolution: "Checked: the works are the applicant's own.")
        for round in [cast.titleRound, cast.skillRound] {
            try await eventually(timeout: .seconds(40), "round \(round) is finalized and handed to the bureau") {
                try await client.scalar("SELECT count(*)::int FROM round_confirmations WHERE round_id = \(round)") == 1
            }
            try await workflow.confirmRound(round, by: "officer-7")
        }
        try await eventually(timeout: .seconds(20), "certificates are issued") {
            try await client.scalar("SELECT count(*)::int FROM certificates") == 7
        }
        return cast
    }

    /// The committee meets, with every member present unless told otherwise; each casts one sheet
    /// with `choice` on every case of it. Returns the meeting.
    static func meet(
        _ workflow: Workflow, round: Int64, institution: String, present: [ReviewerID]? = nil, recusals: [Int64: Set<ReviewerID>] = [:],
        _ choice: (Int64) -> BallotChoice
    ) async throws -> Int64 {
        let members = try await workflow.committee(round: round, institution: institution).members
        let attending = present ?? members
        let meeting = try await workflow.openMeeting(round: round, institution: institution, heldOn: nil, present: Set(attending), recusals: recusals)
        for member in attending {
            let sheet = try await workflow.ballotSheet(meeting: meeting, member: member.rawValue)
            let choices = Dictionary(uniqueKeysWithValues: sheet.entries.map { ($0.application, choice($0.application)) })
            try await workflow.castBallotSheet(meeting: meeting, member: member.rawValue, choices: choices)
        }
        return meeting
    }

    @Test("a season runs end to end: eligibility, conflict-free panels, a discrepancy, a missed deadline, votes, an appeal, certificates")
    func season() async throws {
        try await TestDatabase.with { client, database in
            let workflow = Workflow(client: client, vault: .ephemeral(), signer: .ephemeral(), logger: database.logger)
            var registry = JobRegistry()
            workflow.register(in: &registry)
            let pools = (1...2).map {
                JobWorkerPool(client: client, registry: registry, configuration: workflowPoolConfiguration(id: "pool-\($0)"), logger: database.logger)
            }
            let cast = try await withServices(pools, logger: database.logger) {
                let cast = try await Self.playSeason(workflow, client: client)
                let number = try #require(
                    try await client.text(
                        """
                        SELECT number FROM certificates WHERE application_id = \(cast.applications["plain"]!)
                        """))
                // The season runs on a compressed clock: its certificates are a rehearsal's, signed but qualifying nobody.
                #expect(number.hasPrefix("R-"), "\(number)")
                #expect(try await workflow.certificate(number: number)?.verdict == .rehearsal)
                try await workflow.revokeCertificate(number: number, grounds: .other, reason: "materials found to be plagiarised")
                try await eventually("the certificate is revoked") {
                    if case .revoked = try await workflow.certificate(number: number)?.verdict { return true }
                    return false
                }
                return cast
            }
            try await Self.checkOutcome(cast, client: client, database: database)
            // The case as the draw sees it: the employers of the record it was filed with, by code, and the one named at registration.
            let plain = try await client.withConnection { connection in
                try await workflow.store.reviewCases([cast.applications["plain"]!], field: "cultural_relics_museums", on: connection)
            }
            let pool = try await client.withConnection { connection in
                try await workflow.store.reviewerPool(
                    institution: cast.institution, field: "cultural_relics_museums", round: cast.titleRound, cap: 100, on: connection)
            }
            let studio = try #require(pool.first { $0.id == ReviewerID("r03") })
            #expect(plain.first?.employers.compactMap(\.code) == [CreditCode("91310115MA13BJ1XG6")!])
            #expect(plain.first?.recusal(of: studio) == "same employer", "same code, another spelling")
        }
    }

    @Test("the same season with a worker process killed by kill -9 in the middle ends with the same results")
    func seasonWithKilledWorker() async throws {
        try await TestDatabase.with { client, database in
            try await withChildProcesses { processes in
                let key = Curve25519.Signing.PrivateKey()
                let environment = [
                    "DATABASE_URL": database.url.connectionString,
                    "ASSESS_BUREAU_KEY": key.rawRepresentation.base64EncodedString(),
                ]
                // Every job waits 300 ms in this worker, so that it dies with jobs in flight.
                let doomed = try processes.start(
                    [
                        "worker", "--queue", "assessment=8", "signing=2", "--rehearsal-delay-ms", "300",
                        "--log-level", "warning",
                    ], environment: environment)
                let workflow = Workflow(client: client, vault: .ephemeral(), signer: BureauSigner(privateKey: key), logger: database.logger)
                var registry = JobRegistry()
                workflow.register(in: &registry)
                let survivor = ServiceGroup(
                    services: [
                        JobWorkerPool(
                            client: client, registry: registry, configuration: workflowPoolConfiguration(id: "survivor"),
                            logger: database.logger)
                    ],
                    gracefulShutdownSignals: [], logger: database.logger)
                let coordinator = QueueCoordinator(
                    client: client,
                    configuration: CoordinatorConfiguration(
                        coordinatorID: "c", leaseDuration: .seconds(1), tick: .milliseconds(100), workerTimeout: .milliseconds(1500),
                        cronSchedules: try Workflow.cronSchedules()),
                    logger: database.logger)
                let cast = try await withServices([coordinator], logger: database.logger) {
                    try await withThrowingTaskGroup(of: Void.self) { tasks in
                        let cast = try await Self.playSeason(workflow, client: client) {
                            do {
                                try await eventually("the doomed worker has jobs in flight") {
                                    if await doomed.waitForExit(timeout: .zero) {
                                        Issue.record("the doomed worker exited early: \(doomed.output.suffix(2_000))")
                                        throw CancellationError()
                                    }
                                    return try await client.scalar("SELECT count(*)::int FROM jobs WHERE state = 'running'") > 0
                                }
                            } catch {
                                let jobs = try await client.text("SELECT string_agg(kind || ':' || state, ', ') FROM jobs") ?? "none"
                                Issue.record("jobs: \(jobs); the doomed worker said: \(doomed.output.suffix(2_000))")
                                throw error
                            }
                            doomed.send(SIGKILL)
                            tasks.addTask { try await survivor.run() }
                        }
                        try await eventually("the coordinator's audit sealer ran") {
                            try await client.scalar(
                                """
                                SELECT count(*)::int FROM jobs WHERE kind = \(SealAuditLog.kind) AND state = 'completed'
                                """) >= 1
                        }
                        await survivor.triggerGracefulShutdown()
                        try await tasks.waitForAll()
                        return cast
                    }
                }
                #expect(
                    try await client.scalar(
                        """
                        SELECT count(*)::int FROM jobs WHERE errors::text LIKE '%rescued%' AND state = 'completed'
                        """) >= 1, "jobs of the killed worker were rescued and completed")
                #expect(try await client.scalar("SELECT count(*)::int FROM queue_workers WHERE state = 'dead'") == 1)
                try await Self.checkOutcome(cast, client: client, database: database, revoked: false)
            }
        }
    }

    /// What any correct run of the season ends with.
    static func checkOutcome(_ cast: Cast, client: PostgresClient, database: TestDatabase, revoked: Bool = true) async throws {
        let app = cast.applications
        var outcomes: [String: String] = [:]
        for (role, id) in app {
            outcomes[role] = try await client.text("SELECT state || ':' || coalesce(passed::text, '-') FROM applications WHERE id = \(id)")
        }
        #expect(
            outcomes == [
                "colleague": "decided:true", "conflicted": "decided:true", "plain": "decided:true", "appellant": "decided:true",
                "disputed": "decided:true", "slow-panel": "decided:true", "retired": "ineligible:-", "too-high": "ineligible:-",
                "minor": "ineligible:-", "foreign": "decided:true", "failing": "decided:false",
            ])
        let minorReasons = try await client.text("SELECT reasons::text FROM applications WHERE id = \(app["minor"]!)") ?? ""
        #expect(minorReasons.contains("at least 16"), "\(minorReasons)")
        // Recusal: the reviewer from the applicant's employer and the one who declared a conflict never saw those cases.
        #expect(
            try await client.scalar(
                """
                SELECT count(*)::int FROM assignments WHERE (application_id = \(app["colleague"]!) AND reviewer_id = 'r01')
                                                         OR (application_id = \(app["conflicted"]!) AND reviewer_id = 'r02')
                                                         OR (application_id = \(app["plain"]!) AND reviewer_id = 'r03')
                """) == 0)
        // The discrepancy brought a fourth reviewer; the final score averages the two closest (70, 72).
        #expect(try await client.scalar("SELECT count(*)::int FROM assignments WHERE application_id = \(app["disputed"]!) AND stage = 1") == 1)
        #expect(try await client.text("SELECT score::text FROM applications WHERE id = \(app["disputed"]!)") == "71")
        // The silent reviewer was reminded, then replaced.
        #expect(
            try await client.scalar(
                """
                SELECT count(*)::int FROM assignments WHERE application_id = \(app["slow-panel"]!) AND state = 'replaced' AND reminded_at IS NOT NULL
                """) == 1)
        // The appeal's panel shares no reviewer with any earlier stage, and its verdict stands.
        #expect(
            try await client.scalar(
                """
                SELECT count(*)::int FROM assignments a JOIN assignments b USING (application_id)
                WHERE application_id = \(app["appellant"]!) AND a.stage = 2 AND b.stage < 2 AND a.reviewer_id = b.reviewer_id
                """) == 0)
        #expect(try await client.text("SELECT appeal_outcome FROM applications WHERE id = \(app["appellant"]!)") == "overturned")
        // Every notification owed is in the outbox exactly once.
        var events: [String: Int] = [:]
        for try await (event, count) in try await client.query(
            "SELECT event, count(*)::int FROM notification_outbox GROUP BY event"
        ).decode((String, Int).self) { events[event] = count }
        let assignments = try await client.scalar("SELECT count(*)::int FROM assignments")
        #expect(events["registered"] == 11)
        #expect(events["eligible"] == 8 && events["ineligible"] == 3)
        #expect(events["assigned"] == assignments)
        // The silent reviewer heard of it twice: reminded, then withdrawn. A day lasts 1 s here, so on
        // a loaded machine a reviewer the test answers late may be reminded too, rightly.
        #expect(events["scoring reminder", default: 0] >= 1 && events["assignment withdrawn", default: 0] >= 1)
        for event in ["scoring reminder", "assignment withdrawn"] {
            #expect(
                try await client.scalar(
                    """
                    SELECT count(*)::int FROM notification_outbox o
                    JOIN assignments a ON o.recipient = 'reviewer:' || a.reviewer_id AND o.payload->>'subject' = 'application:' || a.application_id
                    WHERE a.application_id = \(app["slow-panel"]!) AND a.state = 'replaced' AND o.event = \(event)
                    """) == 1, "\(event)")
        }
        #expect(events["result"] == 8 && events["final result"] == 8)
        #expect(events["appeal decided"] == 1 && events["objection filed"] == 1)
        #expect(try await client.text("SELECT state FROM objections") == "handled")
        #expect(events["certificate issued"] == 7 && events["certificate revoked"] == (revoked ? 1 : nil))
        // The audit chain holds, every entry sealed into it.
        try await eventually("every audit entry is sealed") {
            try await AuditLog.seal(client: client, logger: database.logger)
            return try await client.scalar("SELECT count(*)::int FROM audit_pending") == 0
        }
        let verification = try await client.withConnection { try await AuditLog.verify(on: $0, logger: database.logger) }
        #expect(verification.firstBrokenEntry == nil && verification.entries > 50 && verification.pending == 0, "\(verification)")
        // No identity number in clear anywhere in the applicants table.
        let cleartext = residentID(born: date("1990-03-01"), sequence: 100)
        #expect(
            try await client.scalar(
                """
                SELECT count(*)::int FROM applicants a WHERE a::text LIKE \("%" + cleartext + "%")
                """) == 0)
    }
}
