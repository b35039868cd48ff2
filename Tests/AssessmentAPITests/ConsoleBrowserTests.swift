import AssessmentAPI
import Foundation
import JobQueue
import Logging
import TestSupport
import Testing
import Workflow

/// The console in a real Chromium (Debian's `chromium` and `chromium-driver`, driven by Selenium
/// from the test virtual environment) against this process's server on a real PostgreSQL, with
/// workers running the jobs the pages set off. Screenshots land in `.build/console-screenshots`.
@Suite("the web console in a real browser", .serialized)
struct ConsoleBrowserTests {
    static let shots = ".build/console-screenshots"

    /// Runs one stage of `Tests/Browser/console.py` and returns what it printed last, as JSON.
    static func stage(_ name: String, _ api: API, _ arguments: [String: Any]) async throws -> [String: Any] {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: arguments), as: UTF8.self)
        let (output, status) = try await TestPython.run(
            file: "Tests/Browser/console.py", arguments: [name, json], environment: ["CONSOLE_BASE": api.base, "CONSOLE_SHOTS": shots])
        #expect(status == 0, "the \(name) stage failed:\n\(output)")
        let last = output.split(separator: "\n").last.map(String.init) ?? ""
        return (try? JSONSerialization.jsonObject(with: Data(last.utf8))) as? [String: Any] ?? [:]
    }

    @Test(
        "an applicant registers and applies, the bureau confirms, the holder's certificate is verified from its QR code, an operator retries a job and pauses a queue"
    )
    func wholeVisit() async throws {
        try await API.with { api in
            _ = try await APITests.setUpRound(api)
            // A round whose dossiers go through the institution's formal check before eligibility.
            var policy = Policy()
            policy.formalCheck = true
            policy.committeeSize = 3
            policy.pilotCommittee = true
            let round = try await api.workflow.openRound(
                RoundDraft(
                    institutionID: "inst", name: "2026 文物博物系列职称评审", track: .title, field: "cultural_relics_museums", policy: policy, seed: 1,
                    startDate: try await clearOfShanghaiMidnight { try RoundRecord.today() }, closesOnDay: 100))
            let (document, password) = (residentID(born: "1990-03-01", sequence: 42), "correct horse battery")
            try await api.withWorkers {
                let applied = try await Self.stage(
                    "applicant", api, ["round": round, "name": "王小明", "document": document, "birthDate": "1990-03-01", "password": password])
                let application = try #require(applied["application"] as? Int)
                #expect((applied["contrast"] as? [String: Double])?.values.allSatisfy { $0 >= 4.5 } == true)
                #expect(
                    try await api.client.scalar(
                        "SELECT count(*)::int FROM application_files WHERE application_id = \(application) AND purpose = 'representative_work'") == 1,
                    "the file uploaded from the page is the application's")

                let institution = try await api.workflow.issueToken(role: .institution, subject: "inst")
                _ = try await Self.stage("institution", api, ["token": institution, "round": round, "application": application])
                #expect(try await api.client.text("SELECT (checked_at IS NOT NULL)::text FROM applications WHERE id = \(application)") == "true")

                // The panel, as the staffing job would draw it.
                try await api.client.withTransaction(logger: .init(label: "test")) { connection in
                    try await api.workflow.store.assign(
                        [Int64(application): [ReviewerID("r1"), ReviewerID("r2"), ReviewerID("r3")]], stage: .original,
                        dueAt: Date().addingTimeInterval(3_600), on: connection)
                    try await connection.query("UPDATE applications SET state = 'assigned' WHERE id = \(application)", logger: .init(label: "test"))
                }
                let reviewer = try await api.workflow.issueToken(role: .reviewer, subject: "r1")
                _ = try await Self.stage("reviewer", api, ["token": reviewer, "application": application])
                #expect(
                    try await api.client.text("SELECT comment FROM assignments WHERE application_id = \(application) AND reviewer_id = 'r1'")
                        == "作品选题扎实，传播效果好。")

                // The panel's other scores, as the aggregation would leave the case: before the committee.
                try await api.client.query("UPDATE applications SET state = 'scored', score = 85.5 WHERE id = \(application)")
                let convened = try await Self.stage("committee", api, ["token": institution, "round": round])
                let meeting = Int64(try #require(convened["meeting"] as? Int))
                for member in ["r2", "r3"] {
                    try await api.workflow.castBallotSheet(meeting: meeting, member: member, choices: [Int64(application): .yes])
                }
                // The last sheet, cast on the page, closes the vote.
                _ = try await Self.stage("ballot", api, ["token": reviewer, "meeting": meeting, "application": application])
                #expect(try await api.client.text("SELECT passed::text FROM applications WHERE id = \(application)") == "true")

                // As the workflow leaves a round whose results went to the bureau.
                try await api.client.query("UPDATE rounds SET state = 'finalized' WHERE id = \(round)")
                try await api.client.query("INSERT INTO round_confirmations (round_id) VALUES (\(round))")
                let bureau = try await api.workflow.issueToken(role: .bureau, subject: "officer-1")
                _ = try await Self.stage("bureau", api, ["token": bureau, "round": round])
                #expect(try await api.client.text("SELECT state FROM rounds WHERE id = \(round)") == "confirmed")

                // The certificate is the issuing job's to make.
                try await eventually("the confirmation's job issued the certificate") {
                    try await api.client.scalar("SELECT count(*)::int FROM certificates WHERE application_id = \(application)") == 1
                }
                let verified = try await Self.stage("holder", api, ["document": document, "password": password, "application": application])
                #expect((verified["verified"] as? String)?.contains("/console/verify?number=") == true)

                let job = try await api.workflow.queue.enqueue(RoundTagged(round: Int(round)), options: EnqueueOptions(queue: "idle"))
                try await api.client.query("UPDATE jobs SET state = 'discarded', finished_at = now() WHERE id = \(job.id)")
                // A coordinator leads, counts the queues and keeps the product's cron schedules: what the dashboard shows.
                let coordinator = QueueCoordinator(
                    client: api.client,
                    configuration: CoordinatorConfiguration(
                        coordinatorID: "console-coordinator", tick: .milliseconds(200), cronSchedules: try Workflow.cronSchedules(),
                        housekeepingInterval: .milliseconds(300)), logger: Logger(label: "console-test"))
                try await withServices([coordinator], logger: Logger(label: "console-test")) {
                    try await eventually("the coordinator counted the queues") {
                        try await api.client.scalar("SELECT count(*)::int FROM queue_stats WHERE queue = 'assessment'") > 0
                    }
                    _ = try await Self.stage("operator", api, ["token": bureau, "job": job.id])
                }
                #expect(try await api.workflow.queue.job(job.id)?.state == .available)
                #expect(try await api.workflow.queue.pausedQueues().contains(Workflow.signingQueueName))
            }
            for name in ["home", "register", "me", "application", "bureau", "certificate", "verify", "ops", "jobs", "job"] {
                #expect(FileManager.default.fileExists(atPath: "\(Self.shots)/\(name).png"), "a screenshot of \(name)")
            }
        }
    }

    @Test(
        "an institution schedules a skills sitting from its round page and sees it seated; the lead invigilator finds the theory marks to enter, blind"
    )
    func sittingsVisit() async throws {
        try await API.with { api in
            let season = try await SittingAPITests.staffedSeason(api)
            let calendar = try await api.request(.GET, "/v1/rounds/\(season.round)/calendar", token: season.institution)
            let day = try #require(CalendarDate(iso: calendar.json["today"] as? String ?? ""), "\(calendar.body)").adding(days: 40)
            try await api.withWorkers {
                let scheduled = try await Self.stage("sittings", api, ["token": season.institution, "round": season.round, "day": day.description])
                let sitting = try #require(scheduled["sitting"] as? Int)
                #expect(try await api.client.text("SELECT state FROM sittings WHERE id = \(sitting)") == "seated")
                let lead = try await api.workflow.issueToken(role: .reviewer, subject: "inv-1")
                let entries = try await Self.stage("invigilator", api, ["token": lead, "sitting": sitting])
                #expect(entries["tickets"] as? Int == 2, "both candidates of the room: \(entries)")
            }
            for name in ["schedule", "sitting", "marking"] {
                #expect(FileManager.default.fileExists(atPath: "\(Self.shots)/\(name).png"), "a screenshot of \(name)")
            }
        }
    }
}
