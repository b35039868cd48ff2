import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO
import TestSupport
import Testing

@testable import Workflow

@Suite("Round calendars on the queue")
struct CalendarTests {
    @Test("a notice that would reach a year without its holiday schedule waits for it, and publishes with it as soon as it is loaded")
    func noticeWaitsForUnloadedYear() async throws {
        try await TestDatabase.with { client, database in
            let workflow = Workflow(client: client, vault: .ephemeral(), signer: nil, logger: database.logger)
            var registry = JobRegistry()
            workflow.register(in: &registry)
            try await workflow.addInstitution(id: "inst", name: "Institution")
            // A rehearsal told to refuse unknown years, as a production round does, dated so that its notice runs into 2027.
            let round = try await workflow.openRound(
                RoundDraft(
                    institutionID: "inst", name: "r", track: .title, field: "cultural_relics_museums", calendar: .official(unloadedYears: .refuse),
                    seed: 1, startDate: date("2026-12-29"), daySeconds: 3_600, closesOnDay: 100))
            try await client.query("UPDATE rounds SET state = 'scoring' WHERE id = \(round)")
            try await client.withTransaction(logger: database.logger) { connection in
                try await workflow.enqueue(PublishNotice(round: round), once: .round(round), on: connection)
            }
            let pool = JobWorkerPool(client: client, registry: registry, configuration: workflowPoolConfiguration(id: "p"), logger: database.logger)
            try await withServices([pool], logger: database.logger) {
                try await eventually("the job ran and snoozed") {
                    try await client.scalar(
                        "SELECT count(*)::int FROM jobs WHERE kind = \(PublishNotice.kind) AND state <> 'completed' AND run_at > now()") == 1
                }
                #expect(try await client.text("SELECT state FROM rounds WHERE id = \(round)") == "scoring", "nothing was published")

                let newYear = try HolidaySchedule(year: 2027, holidays: [date("2027-01-01")], adjustedWorkdays: [])
                try await workflow.loadHolidaySchedule(newYear, round: round, institution: "inst")
                try await eventually(timeout: .seconds(30), "the notice is published at once when 2027 is loaded, not at the next try an hour later")
                {
                    try await client.text("SELECT state FROM rounds WHERE id = \(round)") == "public_notice"
                }
            }
            let stored = try await workflow.round(round, institution: "inst")
            #expect(stored.noticePublishedOn == date("2026-12-29"), "one rehearsal day lasts an hour")
            #expect(stored.noticeEnds == date("2027-01-06"), "30, 31 December, then 1 January off: 4, 5 and 6 January")
            #expect(stored.appealsEnd == date("2027-01-13"), "15 days after 29 December, a Wednesday")
        }
    }
}
