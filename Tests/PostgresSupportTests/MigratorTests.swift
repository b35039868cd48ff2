import Foundation
import Logging
import PostgresNIO
import PostgresSupport
import TestSupport
import Testing

@Suite("Schema migrator")
struct MigratorTests {
    let migrations = [
        try! Migration(name: "0001_first.sql", sql: "CREATE TABLE a (id int); CREATE TABLE b (id int);"),
        try! Migration(
            name: "0002_second.sql",
            sql: """
                CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1; $$;
                INSERT INTO a VALUES (f());
                """),
    ]

    @Test("applies pending files in order, each once, recording checksums")
    func appliesOnce() async throws {
        let database = try await TestDatabase.empty()
        try await database.withClient { client in
            let migrator = SchemaMigrator(migrations: migrations, logger: database.logger)
            #expect(try await migrator.migrate(client) == ["0001_first.sql", "0002_second.sql"])
            #expect(try await migrator.migrate(client) == [])
            var recorded: [(Int, String)] = []
            for try await row in try await client.query("SELECT version, checksum FROM schema_migrations ORDER BY version")
                .decode((Int, String).self)
            { recorded.append(row) }
            #expect(recorded.map(\.0) == [1, 2])
            #expect(recorded.map(\.1) == migrations.map(\.checksum))
            for try await count in try await client.query("SELECT count(*)::int FROM a").decode(Int.self) { #expect(count == 1) }
        }
    }

    @Test("refuses to run when an applied file changed or went missing")
    func refusesChangedOrMissing() async throws {
        let database = try await TestDatabase.empty()
        try await database.withClient { client in
            try await SchemaMigrator(migrations: migrations, logger: database.logger).migrate(client)
            let edited = [
                migrations[0], try Migration(name: "0002_second.sql", sql: "SELECT 2;"),
                try Migration(name: "0003_third.sql", sql: "CREATE TABLE c (id int);"),
            ]
            await #expect {
                try await SchemaMigrator(migrations: edited, logger: database.logger).migrate(client)
            } throws: { error in
                "\(error)".contains("0002_second.sql changed after it was applied")
            }
            await #expect {
                try await SchemaMigrator(migrations: [migrations[0]], logger: database.logger).migrate(client)
            } throws: { error in
                "\(error)".contains("0002_second.sql was applied but its file is missing")
            }
            var tables = 0
            for try await count in try await client.query("SELECT count(*)::int FROM pg_tables WHERE tablename = 'c'")
                .decode(Int.self)
            { tables = count }
            #expect(tables == 0, "nothing after a refused check is applied")
        }
    }

    @Test("a failing file applies nothing of itself and says which file failed")
    func failingFileRollsBack() async throws {
        let database = try await TestDatabase.empty()
        try await database.withClient { client in
            let broken = [try Migration(name: "0001_broken.sql", sql: "CREATE TABLE d (id int); CREATE TABLE d (id int);")]
            await #expect {
                try await SchemaMigrator(migrations: broken, logger: database.logger).migrate(client)
            } throws: { error in
                "\(error)".contains("0001_broken.sql failed") && "\(error)".contains("already exists")
            }
            for try await count in try await client.query("SELECT count(*)::int FROM pg_tables WHERE tablename = 'd'")
                .decode(Int.self)
            { #expect(count == 0) }
        }
    }

    @Test("two migrators started at once apply each file exactly once, in order")
    func concurrentMigrators() async throws {
        try await migrateTwiceAtOnce(through: nil)
    }

    @Test("through PgBouncer in transaction pooling mode, where no session state holds, two migrators apply each file exactly once")
    func throughPgBouncer() async throws {
        try await migrateTwiceAtOnce(through: .pgBouncer)
    }

    enum Pooler { case pgBouncer }

    func migrateTwiceAtOnce(through pooler: Pooler?) async throws {
        let direct = try await TestDatabase.empty()
        let bouncer = pooler == nil ? nil : try await PgBouncer.start(inFrontOf: direct.url)
        defer { bouncer?.stop() }
        let database = direct.reached(at: bouncer?.url(for: direct.url) ?? direct.url)
        // A slow first file makes the two overlap for sure.
        let slow =
            [try Migration(name: "0001_slow.sql", sql: "SELECT pg_sleep(0.5); CREATE TABLE e (id int);")]
            + migrations.map {
                try! Migration(
                    name: $0.name.replacingOccurrences(of: "0001", with: "0011").replacingOccurrences(of: "0002", with: "0012"), sql: $0.sql)
            }
        let applied = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<2 {
                group.addTask {
                    try await database.withClient { client in
                        try await SchemaMigrator(migrations: slow, logger: database.logger).migrate(client)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        // Each takes the lock per file, so the two may share the work; every file goes in once.
        #expect(applied.flatMap { $0 }.sorted() == slow.map(\.name).sorted(), "\(applied)")
        let order = try await direct.withClient { client in
            var names: [String] = []
            for try await name in try await client.query("SELECT name FROM schema_migrations ORDER BY applied_at, version").decode(String.self) {
                names.append(name)
            }
            return names
        }
        #expect(order == slow.map(\.name), "applied in file order")
        if let bouncer {
            #expect(try await bouncer.transactions(database: direct.url.database) >= 4, "the migrators' transactions went through the pooler")
        }
    }

    @Test("file names must start with a unique number")
    func fileNames() throws {
        #expect(throws: MigrationError.self) { try Migration(name: "first.sql", sql: "") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "SELECT 1;".write(to: folder.appendingPathComponent("0001_a.sql"), atomically: true, encoding: .utf8)
        try "SELECT 1;".write(to: folder.appendingPathComponent("001_b.sql"), atomically: true, encoding: .utf8)
        #expect(throws: MigrationError.self) { try Migration.load(from: folder) }
    }
}
