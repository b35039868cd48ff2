import ArgumentParser
import AssessmentAPI
import CommandSupport
import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL
import Notify
import PostgresNIO
import ServiceLifecycle
import Workers
import Workflow

/// `assess serve`: the HTTP API.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the HTTP API until SIGTERM/SIGINT; HTTPS with --tls-certificate and --tls-key.")
    @OptionGroup var database: DatabaseOptions
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "PEM certificate chain to serve HTTPS with.") var tlsCertificate: String?
    @Option(help: "PEM private key of the certificate.") var tlsKey: String?
    @Flag(help: "Serve plain HTTP on a non-loopback address (behind a TLS-terminating proxy only).") var insecureHTTP = false
    @Flag(help: "Without DATABASE_URL, run on a throwaway local PostgreSQL (for trials and fuzzing; everything is gone at exit).")
    var embeddedDatabase = false
    @Flag(help: "Apply pending migrations before serving (one server of a deployment, or `assess migrate` before all).")
    var migrate = false
    @Option(help: "The most kibibytes of one evidence file an applicant uploads (64 to 102400).") var maxFileKilobytes = 20 * 1024

    func validate() throws {
        let fileBytes = APIServer.fileBytes
        guard (fileBytes.lowerBound / 1024...fileBytes.upperBound / 1024).contains(maxFileKilobytes) else {
            throw ValidationError("--max-file-kilobytes must be 64 to 102400")
        }
        guard (tlsCertificate == nil) == (tlsKey == nil) else { throw ValidationError("--tls-certificate and --tls-key go together") }
        let loopback = host == "127.0.0.1" || host == "::1" || host == "localhost"
        if tlsCertificate == nil, !loopback, !insecureHTTP {
            throw ValidationError(
                """
                refusing plain HTTP on \(host): give --tls-certificate and --tls-key, or --insecure-http when a TLS proxy fronts this server
                """)
        }
    }

    func run() async throws {
        let logger = try database.logger(label: "assess.api")
        guard let masterKey = try PersonalDataVault.masterKey() else {
            throw refusal(
                zh: "请设置 ASSESS_DATA_KEY（或 ASSESS_DATA_KEY_FILE）：注册时用它加密证件号码",
                "set ASSESS_DATA_KEY (or ASSESS_DATA_KEY_FILE): registrations seal identity numbers with it")
        }
        let vault = try PersonalDataVault(masterKey: masterKey)
        let secrets = try SecretBox(masterKey: masterKey)
        var tls: TLSConfiguration?
        if let tlsCertificate, let tlsKey {
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(tlsCertificate).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: tlsKey, format: .pem)))
            configuration.minimumTLSVersion = .tlsv12
            tls = configuration
        }
        let (host, port, serverTLS) = (host, port, tls)
        let embedded = embeddedDatabase && (database.databaseURL ?? ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "").isEmpty
        // A throwaway database starts empty: it is migrated like any other that asks for it.
        let prelude: SchemaPrelude = migrate || embedded ? .migrate : .requireCurrent
        try await database.runServices(allowEmbedded: embeddedDatabase, prelude: prelude, logger: logger) { client, url in
            // A throwaway cluster trusts local connections and is gone at exit: its address lets
            // scripts (ops/fuzz-api) issue tokens against it.
            if embedded {
                FileHandle.standardOutput.write(Data("throwaway database: \(url.connectionString)\n".utf8))
            }
            let workflow = Workflow(client: client, vault: vault, signer: nil, logger: logger)
            let notifier = Notifier(client: client, secrets: secrets, configuration: .init(endpoints: try .fromEnvironment()), logger: logger)
            let api = APIServer(
                workflow: workflow, notifier: notifier, maxFileBytes: maxFileKilobytes * 1024, scheme: serverTLS == nil ? "http" : "https",
                tracing: TraceExport.isConfigured(), logger: logger)
            let app = Application(
                router: api.router(), server: try serverTLS.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
                configuration: .init(address: .hostname(host, port: port), serverName: "assess"),
                onServerRunning: { channel in
                    logger.notice(
                        "serving the API",
                        metadata: ["address": "\(serverTLS == nil ? "http" : "https")://\(host):\(channel.localAddress?.port ?? port)"])
                }, logger: logger)
            return [app]
        }
    }
}

/// `assess tokens issue`: bearer tokens for institutions, reviewers and the bureau.
struct TokensCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens", abstract: "Issue and revoke API tokens.", subcommands: [Issue.self, Revoke.self])

    /// Tokens open no sealed value: a throwaway vault serves.
    static func workflow(_ client: PostgresClient, _ logger: Logger) -> Workflow {
        Workflow(client: client, vault: .ephemeral(), signer: nil, logger: logger)
    }

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a new bearer token (shown once; only its hash is stored).")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "applicant, institution, reviewer, bureau or operator.") var role: String
        @Option(help: "Whom it acts for: the institution's, reviewer's or applicant's id; the officer's name for the bureau.") var subject: String
        @Option(help: "Days it is valid (1 to 3650); none for no expiry.") var days: Int?

        func run() async throws {
            guard let role = Principal.Role(rawValue: role) else {
                let roles = Principal.Role.allCases.map(\.rawValue)
                throw refusal(zh: "--role 须为 \(roles.joined(separator: "、")) 之一", "--role must be one of \(roles.joined(separator: ", "))")
            }
            guard !subject.isEmpty, subject.count <= 100 else {
                throw refusal(zh: "--subject 须为 1 至 100 个字符", "--subject must have 1 to 100 characters")
            }
            if let days, !(1...3_650).contains(days) { throw refusal(zh: "--days 须为 1 至 3650", "--days must be 1 to 3650") }
            let logger = try database.logger(label: "assess.tokens", quietest: .warning)
            let (subject, days) = (subject, days)
            let token = try await database.withDatabase(allowEmbedded: false, logger: logger) { client, _ in
                try await TokensCommand.workflow(client, logger).issueToken(
                    role: role, subject: subject, validFor: days.map { .seconds($0 * 86_400) })
            }
            print(token)
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke every live token of a role and subject.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "applicant, institution, reviewer, bureau or operator.") var role: String
        @Option(help: "Whom the tokens act for.") var subject: String

        func run() async throws {
            guard let role = Principal.Role(rawValue: role) else {
                let roles = Principal.Role.allCases.map(\.rawValue)
                throw refusal(zh: "--role 须为 \(roles.joined(separator: "、")) 之一", "--role must be one of \(roles.joined(separator: ", "))")
            }
            let logger = try database.logger(label: "assess.tokens", quietest: .warning)
            let subject = subject
            let count = try await database.withDatabase(allowEmbedded: false, logger: logger) { client, _ in
                try await TokensCommand.workflow(client, logger).revokeTokens(role: role, subject: subject)
            }
            print("\(count) tokens revoked")
        }
    }
}
