import Foundation
import PostgresNIO
import Testing
import TestSupport

/// Operator commands run as real processes against a test database.
@Suite("Operator commands")
struct CommandTests {
    func run(_ arguments: [String], _ database: TestDatabase) async throws -> (code: Int32?, output: String) {
        try await withChildProcesses { processes in
            let process = try processes.start(arguments + ["--log-level", "warning"],
                                              environment: ["DATABASE_URL": database.url.connectionString])
            #expect(await process.waitForExit())
            return (process.exitCode, process.output)
        }
    }

    @Test("assess audit seal chains pending entries; verify: intact chain exits 0, a changed entry exits 1 and is named")
    func auditVerify() async throws {
        try await TestDatabase.with { client, database in
            for n in 1...3 {
                try await client.query("INSERT INTO audit_pending (actor, action, subject, detail) VALUES ('tester', 'step', \("thing:\(n)"), '{}')")
            }
            let unsealed = try await run(["audit", "verify"], database)
            #expect(unsealed.code == 0 && unsealed.output.contains("0 entries, chain intact; 3 newer entries wait"), "\(unsealed.output)")
            let sealed = try await run(["audit", "seal"], database)
            #expect(sealed.code == 0 && sealed.output.contains("3 entries sealed"), "\(sealed.output)")
            let intact = try await run(["audit", "verify"], database)
            #expect(intact.code == 0 && intact.output.contains("3 entries, chain intact\n"), "\(intact.output)")
            try await client.query("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
            try await client.query("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2")
            let broken = try await run(["audit", "verify"], database)
            #expect(broken.code == 1 && broken.output.contains("breaks at entry 2"), "\(broken.output)")
        }
    }

    @Test("assess rounds progress: an unknown round is a clear error, not a crash")
    func roundsProgress() async throws {
        try await TestDatabase.with { _, database in
            let unknown = try await run(["rounds", "progress", "42"], database)
            #expect(unknown.code != 0 && unknown.output.contains("no round has the id 42"), "\(unknown.output)")
            let malformed = try await run(["rounds", "progress", "forty-two"], database)
            #expect(malformed.code != 0 && malformed.output.contains("forty-two"), "\(malformed.output)")
        }
    }
}

@Suite("Embedded PostgreSQL")
struct EmbeddedClusterTests {
    @Test("kill -9 of the whole process group of a command with an embedded cluster still stops and removes the cluster")
    func groupKill() async throws {
        let process = try ChildProcess(assess: ["bench", "latency", "--rate", "10", "--seconds", "60", "--log-level", "warning"],
                                       environment: ["DATABASE_URL": ""], ownSession: true)
        let base = getuid() == 0 ? "/tmp" : FileManager.default.temporaryDirectory.path
        let prefix = "assess-pg-\(process.pid)-"
        func clusterFolders() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).filter { $0.hasPrefix(prefix) }
        }
        try await eventually(timeout: .seconds(60), "the command started its cluster") { !clusterFolders().isEmpty }
        try await Task.sleep(for: .seconds(1))
        process.killGroup(SIGKILL)
        await process.waitForExit()
        try await eventually(timeout: .seconds(30), "the watchdog stopped and removed the cluster") { clusterFolders().isEmpty }
    }
}
