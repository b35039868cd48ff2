import ArgumentParser
import CommandSupport
import Logging
import PostgresNIO
import Workflow

/// `assess audit verify|seal`: check the audit log's hash chain, or chain pending entries now.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Check the append-only audit log.", subcommands: [Verify.self, Seal.self])

    struct Verify: AsyncParsableCommand {
        /// The audit log opens no sealed value: a throwaway vault serves.
        static func workflow(_ client: PostgresClient, _ logger: Logger) -> Workflow {
            Workflow(client: client, vault: .ephemeral(), signer: nil, logger: logger)
        }

        static let configuration = CommandConfiguration(
            abstract: "Recompute every entry's hash from its fields and the previous hash; exit 1 and name the first broken entry if any.")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let logger = try database.logger(label: "assess.audit", quietest: .warning)
            let verification = try await database.withDatabase(allowEmbedded: false, logger: logger) { client, _ in
                try await Self.workflow(client, logger).verifyAuditLog()
            }
            let pending =
                verification.pending == 0
                ? ""
                : """
                ; \(verification.pending) newer entries wait to be sealed into the chain (the coordinator seals every \
                5 seconds; `assess audit seal` seals them now)
                """
            if let broken = verification.firstBrokenEntry {
                print(
                    "audit log: \(verification.entries) entries; the chain breaks at entry \(broken): it or an entry before it was changed\(pending)")
                throw ExitCode(1)
            }
            print("audit log: \(verification.entries) entries, chain intact\(pending)")
        }
    }

    struct Seal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Chain the entries of finished transactions onto the audit log now, as the coordinator's sealer does.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Seconds to wait for transactions still running, whose entries cannot be sealed before they end.")
        var waitSeconds = 30

        func run() async throws {
            let logger = try database.logger(label: "assess.audit", quietest: .warning)
            let wait = Duration.seconds(waitSeconds)
            let (sealed, pending) = try await database.withDatabase(allowEmbedded: false, logger: logger) { client, _ in
                try await Verify.workflow(client, logger).sealAuditLog(waitingAtMost: wait)
            }
            print("audit log: \(sealed) entries sealed\(pending == 0 ? "" : "; \(pending) wait for transactions still running")")
        }
    }
}
