import Foundation
import JobQueue
import Logging
import TestSupport
import Testing
import Workflow

/// The retention policy applied by its nightly job (#25 item 2, first classes).
@Suite("Privacy: retention")
struct RetentionTests {
    @Test(
        "the nightly job removes failed sign-ins and tokens past 30 days and empties old notifications; the rest, the audit chain and its own counts stay"
    )
    func expiredDataIsGone() async throws {
        try await API.with { api in
            let registered = try await api.request(.POST, "/v1/applicants", json: registration())
            let token = try #require(registered.json["token"] as? String)
            let number = residentID(born: "1990-03-01", sequence: 1)
            for _ in 0..<3 {
                let wrong = #"{"document": {"kind": "resident_id", "number": "\#(number)"}, "password": "not the password"}"#
                #expect(try await api.request(.POST, "/v1/sessions", json: wrong).status == 401)
            }
            let failures = try await api.client.scalar("SELECT count(*)::int FROM sign_in_failures")
            #expect(failures >= 3)
            // Two failures, one revoked and one expired token, and the registration's notification, all 31 days old.
            try await api.client.query(
                "UPDATE sign_in_failures SET at = now() - interval '31 days' WHERE ctid IN (SELECT ctid FROM sign_in_failures LIMIT 2)")
            let officer = try await api.workflow.issueToken(role: .bureau, subject: "officer")
            let old = try await api.workflow.issueToken(role: .institution, subject: "inst-old")
            try await api.workflow.revokeTokens(role: .institution, subject: "inst-old")
            try await api.client.query("UPDATE api_tokens SET revoked_at = now() - interval '31 days' WHERE subject = 'inst-old'")
            _ = try await api.workflow.issueToken(role: .reviewer, subject: "lapsed", validFor: .seconds(1))
            try await api.client.query("UPDATE api_tokens SET expires_at = now() - interval '31 days' WHERE subject = 'lapsed'")
            try await api.client.query(
                "UPDATE notification_outbox SET created_at = now() - interval '31 days', dispatched_at = now() WHERE event = 'registered'")
            let tokensBefore = try await api.client.scalar("SELECT count(*)::int FROM api_tokens")

            try await api.withWorkers {
                let job = try await api.workflow.queue.enqueue(EnforceRetention(batch: 1), options: EnqueueOptions(queue: Workflow.queueName))
                try await eventually("the retention job completes") { try await api.workflow.queue.job(job.id)?.state == .completed }
            }
            #expect(try await api.client.scalar("SELECT count(*)::int FROM sign_in_failures") == failures - 2, "the recent failures stay")
            #expect(try await api.client.scalar("SELECT count(*)::int FROM api_tokens") == tokensBefore - 2, "the revoked and the expired go")
            #expect(try await api.request(.GET, "/v1/applications", token: token).status == 200, "a live session stays")
            #expect(try await api.request(.GET, "/v1/institutions", token: officer).status == 200)
            #expect(try await api.request(.GET, "/v1/rounds", token: old).status == 401)
            let emptied = try await api.client.scalar(
                "SELECT count(*)::int FROM notification_outbox WHERE event = 'registered' AND payload = '{}'::jsonb AND recipient LIKE 'applicant:%'")
            #expect(emptied == 1, "the old notification keeps its event and recipient, not what it said")
            let counts = try await api.client.text(
                """
                SELECT detail::text FROM (SELECT action, detail FROM audit_pending UNION ALL SELECT action, detail FROM audit_log) a
                WHERE action = 'enforce retention'
                """)
            let recorded = (try? JSONSerialization.jsonObject(with: Data((counts ?? "").utf8))) as? [String: String]
            #expect(
                recorded == ["notification_bodies": "1", "sessions": "2", "sign_in_failures": "2", "unsuccessful_applications": "0"],
                "counts, not contents: \(counts ?? "")")
            let chain = try await api.workflow.verifyAuditLog()
            #expect(chain.firstBrokenEntry == nil, "the audit chain holds")
        }
    }

    @Test("a year after its round ended an unsuccessful application is gone with its rows and files; the successful one's certificate still verifies")
    func unsuccessfulApplicationsAreGone() async throws {
        try await API.with { api in
            let round = try await APITests.setUpRound(api)
            var applications: [Int] = []
            var tokens: [String] = []
            for (sequence, name) in [(1, "Failed Applicant"), (2, "Passed Applicant")] {
                let registered = try await api.request(.POST, "/v1/applicants", json: registration(name: name, sequence: sequence))
                let token = try #require(registered.json["token"] as? String)
                let applied = try await api.request(
                    .POST, "/v1/applications", token: token,
                    json: #"{"round": \#(round), "target": {"track": "title", "series": "cultural_relics_museums", "grade": 2}}"#)
                applications.append(try #require(applied.json["id"] as? Int))
                tokens.append(token)
            }
            let (failed, passed) = (applications[0], applications[1])
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            for (application, token) in zip(applications, tokens) {
                let upload = try await api.request(
                    .POST, "/v1/applications/\(application)/files?name=work.png&purpose=other", token: token, contentType: "image/png",
                    bytes: png + Array("the work of \(application)".utf8))
                #expect(upload.status == 201, "\(upload.body)")
            }
            try await api.client.query(
                """
                INSERT INTO objections (application_id, filed_by, statement) VALUES (\(failed), 'someone', 'an objection');
                """)
            try await api.client.query("INSERT INTO votes (application_id, stage, members, yes, no, abstain) VALUES (\(failed), 0, 25, 3, 20, 2)")
            try await api.client.query("UPDATE applications SET state = 'decided', passed = (id = \(passed)) WHERE round_id = \(round)")
            let number = try await api.client.withTransaction(logger: Logger(label: "retention-test")) { connection in
                try await api.workflow.store.issueCertificate(
                    application: Int64(passed), issuedOn: try await clearOfShanghaiMidnight { try RoundRecord.today() }, rehearsal: false,
                    signer: api.workflow.signer!, on: connection)
            }
            let objectsBefore = try await api.client.scalar("SELECT count(*)::int FROM pg_largeobject_metadata")
            // Not yet a year: nothing goes.
            try await api.client.query("UPDATE rounds SET state = 'confirmed', appeals_end = current_date - 300 WHERE id = \(round)")
            try await runRetention(api)
            #expect(try await api.client.scalar("SELECT count(*)::int FROM applications") == 2)
            try await api.client.query("UPDATE rounds SET appeals_end = current_date - 400 WHERE id = \(round)")
            try await runRetention(api)

            #expect(try await api.client.scalar("SELECT count(*)::int FROM applications") == 1, "the failed application is gone")
            for table in ["objections", "votes", "application_files"] {
                #expect(
                    try await api.client.scalar("SELECT count(*)::int FROM \(unescaped: table) WHERE application_id = \(failed)") == 0,
                    "nothing of it in \(table)")
            }
            #expect(try await api.client.scalar("SELECT count(*)::int FROM stored_files") == 1, "its file is gone, the other stays")
            #expect(
                try await api.client.scalar("SELECT count(*)::int FROM pg_largeobject_metadata") == objectsBefore - 1,
                "and its bytes with it")
            let verified = try await api.request(.GET, "/v1/certificates/\(number)?name=Passed%20Applicant")
            #expect(
                verified.status == 200 && verified.json["signatureValid"] as? Bool == true && verified.json["status"] as? String == "valid",
                "\(verified.body)")
            #expect(try await api.request(.GET, "/v1/applications/\(passed)", token: tokens[1]).status == 200)
            #expect(try await api.workflow.verifyAuditLog().firstBrokenEntry == nil)
        }
    }

    func runRetention(_ api: API) async throws {
        try await api.withWorkers {
            let job = try await api.workflow.queue.enqueue(EnforceRetention(), options: EnqueueOptions(queue: Workflow.queueName))
            try await eventually("the retention job completes") { try await api.workflow.queue.job(job.id)?.state == .completed }
        }
    }
}
