import Foundation
import JobQueue
import PostgresNIO
import PostgresSupport
import TestSupport
import Testing

@Suite("The queue's own schema")
struct SchemaTests {
    @Test("JobQueueSchema.migrate sets up an empty database by itself; a job enqueued there runs")
    func setsItselfUp() async throws {
        try await TestDatabase.withEmpty { client, database in
            let applied = try await JobQueueSchema.migrate(client, logger: database.logger)
            #expect(applied == (try JobQueueSchema.migrations()).map(\.name) && !applied.isEmpty)
            #expect(try await JobQueueSchema.migrate(client, logger: database.logger) == [], "a second run finds nothing to do")
            #expect(try await client.scalar("SELECT count(*)::int FROM pg_tables WHERE tablename = 'applicants'") == 0, "no table of the app")
            let runs = Tally<Int>()
            try await withPool(countingRegistry(runs), client: client, database: database) {
                try await JobQueueClient(client: client, logger: database.logger).enqueue(NumberedJob(n: 7))
                try await eventually("the job ran") { runs.snapshot[7] == 1 }
            }
        }
    }

    @Test("the schema's SQL wakes workers on the channel and with the payload the Swift code listens for")
    func wakeChannelIsPinned() async throws {
        let sql = try JobQueueSchema.migrations().map(\.sql).joined(separator: "\n")
        let channels = Set(sql.matches(of: /pg_notify\('([^']*)'/).map { String($0.output.1) })
        #expect(channels == [JobQueueSchema.wakeChannel], "every trigger notifies the channel workers listen on: \(channels)")
        // And in fact: an enqueue by SQL alone (jobqueue_enqueue, as an app's trigger does) wakes a listener.
        try await TestDatabase.with { client, database in
            let heard = try await client.withConnection { listener in
                try await listener.listen(on: JobQueueSchema.wakeChannel) { notifications in
                    try await client.query("SELECT jobqueue_enqueue('pinned', 'test.numbered', '{\"n\": 1}'::jsonb)")
                    for try await notification in notifications { return notification.payload }
                    return ""
                }
            }
            #expect(heard == JobQueueSchema.wakePrefix + "pinned")
        }
    }
}
