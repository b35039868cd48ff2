import ArgumentParser
import CommandSupport
import Foundation
import Logging
import Notify
import PostgresNIO
import Workflow

/// `assess notify …`: webhook subscriptions, dead letters and the delivery log.
struct NotifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify", abstract: "Manage notification subscriptions; inspect and re-drive deliveries.",
        subcommands: [Subscribe.self, List.self, RotateSecret.self, Deactivate.self, Dead.self, Redrive.self, Log.self])

    struct Subscribe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register an HTTPS endpoint; prints its id and signing secret (shown this once). Needs ASSESS_DATA_KEY.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Whose notifications: institution:<id>, applicant:<id>, reviewer:<id>, platform:<id>, bureau, <kind>:* or *.")
        var recipient: String
        @Option(help: "The https:// URL to POST to.") var url: String
        @Option(name: .customLong("event"), help: "An event wanted (repeat); none for all.") var events: [String] = []
        @Option(help: "PEM file of certificates to trust instead of the system's (a private CA).") var trustRoots: String?
        @Option(help: "PEM file of the client certificate chain, for mutual TLS.") var clientCertificate: String?
        @Option(help: "PEM file of the client certificate's private key.") var clientKey: String?

        func run() async throws {
            let request = SubscriptionRequest(
                recipient: recipient, url: url, events: events, trustRootsPEM: try trustRoots.map(readFile),
                clientCertificatePEM: try clientCertificate.map(readFile), clientKeyPEM: try clientKey.map(readFile))
            let (id, secret) = try await withNotifier(database, sealing: true) { try await $0.subscribe(request) }
            print("subscription \(id)")
            print("signing secret (shown once; verify the Assess-Signature header with it): \(secret)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List subscriptions (no secrets).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Only this recipient's.") var recipient: String?
        @Option(help: "Start after this id.") var after: Int64 = 0
        @Option(help: "At most this many.") var limit = 100

        func run() async throws {
            let subscriptions = try await withNotifier(database) { try await $0.subscriptions(recipient: recipient, after: after, limit: limit) }
            for s in subscriptions {
                let events = s.events.isEmpty ? "all events" : s.events.joined(separator: ", ")
                let extras = [
                    s.active ? nil : "inactive", s.mutualTLS ? "mutual TLS" : nil, s.privateTrustRoots ? "private trust roots" : nil,
                    s.previousSecretUntil.map { "previous secret signs until \($0.formatted(.iso8601))" },
                ].compactMap { $0 }
                print("\(s.id)\t\(s.recipient)\t\(s.url)\t\(events)\(extras.isEmpty ? "" : "\t" + extras.joined(separator: "; "))")
            }
            if subscriptions.isEmpty { print("no subscriptions") }
        }
    }

    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-secret",
            abstract: "Give a subscription a new secret; the old one keeps signing during the overlap. Needs ASSESS_DATA_KEY.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The subscription's id.") var id: Int64
        @Option(help: "Hours both secrets sign.") var overlapHours = 24.0

        func run() async throws {
            let secret = try await withNotifier(database, sealing: true) {
                try await $0.rotateSecret(subscription: id, overlap: .milliseconds(Int64(overlapHours * 3_600_000)))
            }
            print("subscription \(id): new signing secret (shown once): \(secret)")
        }
    }

    struct Deactivate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop delivering to a subscription.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The subscription's id.") var id: Int64

        func run() async throws {
            try await withNotifier(database) { try await $0.deactivate(subscription: id) }
            print("subscription \(id) deactivated")
        }
    }

    struct Dead: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List dead-lettered deliveries.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "Start after this id.") var after: Int64 = 0
        @Option(help: "At most this many.") var limit = 100

        func run() async throws {
            let dead = try await withNotifier(database) { try await $0.deadDeliveries(after: after, limit: limit) }
            for d in dead {
                print("\(d.id)\tsubscription \(d.subscription)\t\(d.event)\t\(d.idempotencyKey)\t\(d.attempts) attempts\t\(d.lastError ?? "")")
            }
            if dead.isEmpty { print("no dead deliveries") }
        }
    }

    struct Redrive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send dead-lettered deliveries again, with fresh attempts.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Delivery ids.") var ids: [Int64] = []
        @Flag(help: "Every dead delivery.") var all = false

        func validate() throws {
            guard all != !ids.isEmpty else { throw ValidationError("give delivery ids, or --all") }
        }

        func run() async throws {
            let count = try await withNotifier(database) { try await $0.redrive(all ? nil : ids) }
            print("\(count) deliveries back on the queue")
        }
    }

    struct Log: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a delivery's attempts: time, status code, latency, error.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The delivery's id.") var id: Int64

        func run() async throws {
            let attempts = try await withNotifier(database) { try await $0.deliveryLog(id) }
            for a in attempts {
                print(
                    "\(a.attempt)\t\(a.at.formatted(.iso8601))\t\(a.statusCode.map(String.init) ?? "-")\t\(String(format: "%.1f", a.latencyMs)) ms\t\(a.error ?? "")"
                )
            }
            if attempts.isEmpty { print("no attempts logged for delivery \(id)") }
        }
    }
}

/// Runs `body` with a notifier on the configured database; NotifyError becomes a clear message.
/// `sealing` commands need the deployment's key, the others never open a secret.
private func withNotifier<Result: Sendable>(
    _ database: DatabaseOptions, sealing: Bool = false, _ body: @escaping @Sendable (Notifier) async throws -> Result
) async throws -> Result {
    let logger = try database.logger(label: "assess.notify", quietest: .warning)
    let secrets: SecretBox
    if let key = try PersonalDataVault.masterKey() {
        secrets = try SecretBox(masterKey: key)
    } else if sealing {
        throw refusal(
            zh: "请设置 ASSESS_DATA_KEY（或 ASSESS_DATA_KEY_FILE）：订阅密钥用它加密",
            "set ASSESS_DATA_KEY (or ASSESS_DATA_KEY_FILE): subscription secrets are sealed with it")
    } else {
        secrets = .ephemeral()
    }
    return try await database.withDatabase(allowEmbedded: false, logger: logger) { client, _ in
        let notifier = Notifier(client: client, secrets: secrets, configuration: .init(endpoints: try .fromEnvironment()), logger: logger)
        do {
            return try await body(notifier)
        } catch let error as NotifyError {
            throw refusal(
                zh: error.field.map { "\($0)：" + error.chinese } ?? error.chinese, error.field.map { "\($0): " + error.message } ?? error.message)
        }
    }
}

func readFile(_ path: String) throws -> String {
    guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        throw ValidationError("cannot read \(path)")
    }
    return text
}
