import ArgumentParser
import AssessmentStore

/// `assess audit verify`: recomputes the audit log's hash chain.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Check the append-only audit log.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute every entry's hash from its fields and the previous hash; exit 1 and name the first broken entry if any.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let logger = try database.logger(label: "assess.audit", quietest: .warning)
            let verification = try await database.withDatabase(allowEmbedded: false, logger: logger) { client, _ in
                try await client.withConnection { try await AuditLog.verify(on: $0, logger: logger) }
            }
            if let broken = verification.firstBrokenEntry {
                print("audit log: \(verification.entries) entries; the chain breaks at entry \(broken): it or an entry before it was changed")
                throw ExitCode(1)
            }
            print("audit log: \(verification.entries) entries, chain intact")
        }
    }
}
