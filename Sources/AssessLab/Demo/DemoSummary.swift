import AssessmentStore
import Foundation
import Notify
import NotifyTesting
import PostgresNIO

/// The table at the end of a demo: outcomes, jobs, notifications, certificates, the audit log
/// and the time each phase took, read from the database as an operator would.
struct DemoSummary {
    let client: PostgresClient
    let facts: DemoSeason.Facts
    let since: Date
    let subscription: Int64
    let receiver: WebhookReceiver
    let deliverySeconds: Double
    let audit: AuditLog.Verification
    let seconds: Double

    func print() async throws {
        say("\nSummary")
        say("  applications            title    skills")
        let title = try await outcomes(round: facts.titleRound)
        let skills = try await outcomes(round: facts.skillsRound)
        for outcome in ["passed", "failed", "absent", "ineligible", "other"] where title[outcome, default: 0] + skills[outcome, default: 0] > 0 {
            say(
                "    \(outcome.padding(toLength: 20, withPad: " ", startingAt: 0))\(pad(title[outcome, default: 0], 6))\(pad(skills[outcome, default: 0], 10))"
            )
        }
        let levels = facts.sitting.levels.keys.sorted(by: >).map { "\($0): \(facts.sitting.levels[$0] ?? 0)" }
        let resit = facts.sitting.resit.map { "kept \($0.kept), \($0.passed ? "passed" : "not passed")" } ?? "none"
        let sitting =
            "\(facts.sitting.rooms.reduce(0, +)) candidates in rooms of \(facts.sitting.rooms.map(String.init).joined(separator: ", ")) "
            + "(levels \(levels.joined(separator: ", "))), staffed at the national ratios: \(DemoSeason.staffing(facts.sitting.staff)); "
            + "absent (缺考): \(facts.sitting.absent ? "1" : "none"); appeal of a part: \(facts.sitting.appealOutcome ?? "none"); re-sit (补考): \(resit)"
        let replaced = try await client.scalar(
            """
            SELECT count(*)::int FROM assignments a JOIN applications p ON p.id = a.application_id
            WHERE p.round_id = \(facts.titleRound) AND a.state = 'replaced'
            """)
        let reminders = try await client.scalar(
            "SELECT count(*)::int FROM notification_outbox WHERE event = 'scoring reminder' AND created_at >= \(since)")
        let files = try await client.scalar("SELECT count(*)::int FROM stored_files")
        say(
            """
              reviewers: \(facts.reviewers) in the pool, \(facts.scores) scores sent; \(facts.silentReviewer) never answered: \
            \(reminders) reminders, \(replaced) assignments replaced (missed deadlines\(facts.conflictDeclared ? ", one declared conflict" : ""))
              \(facts.discrepancies.count) panels disagreed and each case went to one more reviewer; \(facts.votes) cases decided by the committee's secret ballot
              skills sitting: \(sitting)
              appeals: \(facts.appeals.isEmpty ? "none" : facts.appeals.map(\.outcome).joined(separator: ", ")) \
            (fresh panels, no earlier reviewer); objection filed and handled: \(facts.objectionHandled ? "yes" : "no")
              public notice (公示): \(facts.notice.map { "\($0.publishedOn) to \($0.endsOn), \(DemoSeason.noticeWorkingDays) working days past \($0.holidays) public holidays" } ?? "none")
              formal check: every title dossier read; returned for correction (补正) and resubmitted: \(facts.corrected ? "yes" : "no"); \
            \(files) evidence files, each stored once; results exported to the bureau: \(facts.exportedBytes > 0 ? "xlsx" : "none")
              national exam (以考代评): \(facts.examResults.imported) results imported, \(facts.examResults.passed) passed 经济师
            """)
        let (issued, revoked) = try await pair(
            """
            SELECT count(*)::int, count(*) FILTER (WHERE c.revoked_at IS NOT NULL)::int FROM certificates c
            JOIN applications a ON a.id = c.application_id
            WHERE a.round_id IN (\(facts.titleRound), \(facts.skillsRound), \(facts.examRound), \(facts.sitting.resit?.round ?? 0))
            """)
        say("  certificates: \(issued) issued and signed, \(revoked) revoked", terminator: "")
        if let checked = facts.certificateChecked {
            say("; public check of \(checked.number): \(checked.before), then \(checked.after)")
        } else {
            say("")
        }
        var firstNumbers: [String] = []
        for round in [facts.titleRound, facts.skillsRound] {
            for try await number in try await client.query(
                "SELECT min(c.number) FROM certificates c JOIN applications a ON a.id = c.application_id WHERE a.round_id = \(round)"
            ).decode(String?.self) {
                if let number { firstNumbers.append(number) }
            }
        }
        say("  numbered by their issuers' codes, e.g. \(firstNumbers.joined(separator: " (title) and ")) (skills)")
        let owed = try await client.scalar("SELECT count(*)::int FROM notification_outbox WHERE created_at >= \(since)")
        let (delivered, dead) = try await pair(
            """
            SELECT count(*) FILTER (WHERE state = 'delivered')::int, count(*) FILTER (WHERE state = 'dead')::int
            FROM notification_deliveries WHERE subscription_id = \(subscription)
            """)
        let distinctKeys = Set(receiver.accepted.map(\.idempotencyKey)).count
        say(
            """
              notifications: \(owed) owed, \(delivered) delivered over TLS, \(dead) dead-lettered; the gateway accepted \
            \(distinctKeys) distinct keys in \(receiver.requests) requests, \
            \(receiver.badSignatures) with a bad signature
              audit log: \(audit.entries) entries, hash chain \(audit.firstBrokenEntry == nil ? "verified" : "BROKEN at \(audit.firstBrokenEntry!)")
              jobs by kind (this run):
            """)
        for try await (kind, total, scheduled, completed) in try await client.query(
            """
            SELECT kind, count(*)::int, count(*) FILTER (WHERE state = 'scheduled')::int, count(*) FILTER (WHERE state = 'completed')::int
            FROM jobs WHERE inserted_at >= \(since) GROUP BY kind ORDER BY count(*) DESC, kind
            """
        ).decode((String, Int, Int, Int).self) {
            var notes: [String] = []
            if scheduled > 0 { notes.append("\(scheduled) scheduled for a later day, harmless by then") }
            if total - completed - scheduled > 0 { notes.append("\(total - completed - scheduled) neither completed nor scheduled") }
            say(
                "    \(kind.padding(toLength: 36, withPad: " ", startingAt: 0))\(pad(total, 6))\(notes.isEmpty ? "" : "  (" + notes.joined(separator: "; ") + ")")"
            )
        }
        say("  time taken:")
        for (name, seconds) in facts.phases + [("delivering the last notifications", deliverySeconds)] {
            say("    \(name.padding(toLength: 44, withPad: " ", startingAt: 0))\(String(format: "%7.1f s", seconds))")
        }
        say("    \("whole demo".padding(toLength: 44, withPad: " ", startingAt: 0))\(String(format: "%7.1f s", seconds))")
    }

    private func outcomes(round: Int64) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for try await (outcome, n) in try await client.query(
            """
            SELECT CASE WHEN state = 'ineligible' THEN 'ineligible' WHEN state = 'decided' AND passed THEN 'passed'
                        WHEN state = 'decided' AND absent THEN 'absent' WHEN state = 'decided' THEN 'failed' ELSE 'other' END, count(*)::int
            FROM applications WHERE round_id = \(round) GROUP BY 1
            """
        ).decode((String, Int).self) { counts[outcome] = n }
        return counts
    }

    private func pair(_ query: PostgresQuery) async throws -> (Int, Int) {
        for try await row in try await client.query(query).decode((Int, Int).self) { return row }
        return (0, 0)
    }

    private func pad(_ number: Int, _ width: Int) -> String {
        let text = String(number)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
