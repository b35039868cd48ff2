import ArgumentParser
import Logging
import Migrations
import PostgresNIO
import PostgresSupport
import ServiceLifecycle
import Synchronization
import UnixSignals

/// What the database must be before a process's services start: migrated by this process (`migrate`,
/// `demo`, `serve --migrate`), or found current (every other command, which refuses an older schema
/// rather than migrating behind an operator's back).
public enum SchemaPrelude: Sendable {
    case migrate
    case requireCurrent

    func run(_ client: PostgresClient, logger: Logger) async throws {
        let migrator = SchemaMigrator(migrations: try BundledMigrations.load(), logger: logger)
        // Each migration is its own transaction and the applied ones are recorded, so a prelude cut
        // off with its connection starts again where it stopped.
        try await ConnectionRetry.retrying("the schema check", logger: logger) { try await check(migrator, client) }
    }

    private func check(_ migrator: SchemaMigrator, _ client: PostgresClient) async throws {
        switch self {
        case .migrate:
            try await migrator.migrate(client)
        case .requireCurrent:
            let pending = try await migrator.pending(client)
            guard pending.isEmpty else {
                throw ValidationError(
                    "the database lacks \(pending.count) migrations of this build (\(pending.joined(separator: ", "))); "
                        + "run `assess migrate` first")
            }
        }
    }
}

/// Opens once the prelude succeeded; services wait at it, so none touches an unmigrated schema.
final class StartGate: Sendable {
    private let state = Mutex<(outcome: Bool?, waiters: [CheckedContinuation<Bool, Never>])>((nil, []))

    /// Lets every waiter through (`true`) or sends them home (`false`).
    func open(_ proceed: Bool) {
        let waiters = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            guard state.outcome == nil else { return [] }
            state.outcome = proceed
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: proceed) }
    }

    /// Whether to start, once decided.
    func wait() async -> Bool {
        await withCheckedContinuation { continuation in
            let decided = state.withLock { state -> Bool? in
                if let outcome = state.outcome { return outcome }
                state.waiters.append(continuation)
                return nil
            }
            if let decided { continuation.resume(returning: decided) }
        }
    }
}

/// The prelude as a service: it runs to the end even during a shutdown (a migration is not cut
/// off halfway), then opens the gate and finishes.
private struct PreludeService: Service {
    let prelude: SchemaPrelude
    let client: PostgresClient
    let url: DatabaseURL
    let reachBudget: Duration
    let gate: StartGate
    let logger: Logger

    func run() async throws {
        do {
            try await url.reach(budget: reachBudget, logger: logger)
            try await prelude.run(client, logger: logger)
        } catch {
            gate.open(false)
            throw error
        }
        gate.open(true)
    }
}

/// A service that starts once the gate opens; a shutdown before then means it never starts.
private struct GatedService: Service, CustomStringConvertible {
    let service: any Service
    let gate: StartGate

    var description: String { "\(type(of: service))" }

    func run() async throws {
        let proceed = await withGracefulShutdownHandler {
            await gate.wait()
        } onGracefulShutdown: {
            gate.open(false)
        }
        guard proceed else { return }
        try await service.run()
    }
}

/// A command's own work as the last service of the group: when it ends, the group shuts down.
private struct BodyService<Result: Sendable>: Service {
    final class Outcome: Sendable {
        let value = Mutex<Result?>(nil)
    }

    let body: @Sendable () async throws -> Result
    let outcome: Outcome

    func run() async throws {
        let value = try await body()
        outcome.value.withLock { $0 = value }
    }
}

extension DatabaseOptions {
    /// Runs the process: one `ServiceGroup` of the trace exporter when `TraceExport` is configured
    /// (first, so it stops last), the `PostgresClient` (next, so it stops after the others), the
    /// schema prelude, the command's `services` in dependency order (shut down in reverse), and
    /// `body`, whose end shuts the group down gracefully. `signals` ask the group to drain.
    public func withDatabase<Result: Sendable>(
        allowEmbedded: Bool,
        durability: LocalPostgres.Durability = .durable,
        prelude: SchemaPrelude = .requireCurrent,
        maximumConnections: Int = 40,
        signals: [UnixSignal] = [],
        logger: Logger,
        services: @Sendable (PostgresClient, DatabaseURL) throws -> [any Service] = { _, _ in [] },
        _ body: @escaping @Sendable (PostgresClient, DatabaseURL) async throws -> Result
    ) async throws -> Result {
        let budget = try reachBudget
        return try await withDatabaseURL(allowEmbedded: allowEmbedded, durability: durability, logger: logger) { url in
            let client = PostgresClient(
                configuration: try url.clientConfiguration(maximumConnections: maximumConnections, logger: logger), backgroundLogger: logger)
            let gate = StartGate()
            let outcome = BodyService<Result>.Outcome()
            var configurations: [ServiceGroupConfiguration.ServiceConfiguration] = []
            if let exporter = try TraceExport.exporter(serviceName: logger.label, logger: logger) {
                configurations.append(.init(service: exporter))
            }
            configurations += [
                .init(service: client),
                .init(
                    service: PreludeService(prelude: prelude, client: client, url: url, reachBudget: budget, gate: gate, logger: logger),
                    successTerminationBehavior: .ignore),
            ]
            for service in try services(client, url) {
                configurations.append(.init(service: GatedService(service: service, gate: gate)))
            }
            configurations.append(
                .init(
                    service: GatedService(service: BodyService(body: { try await body(client, url) }, outcome: outcome), gate: gate),
                    successTerminationBehavior: .gracefullyShutdownGroup, failureTerminationBehavior: .gracefullyShutdownGroup))
            var configuration = ServiceGroupConfiguration(services: configurations, logger: logger)
            configuration.gracefulShutdownSignals = signals
            do {
                try await ServiceGroup(configuration: configuration).run()
            } catch {
                throw DatabaseFailure(error, at: url) ?? error
            }
            // No value: the group was asked to stop (a signal) before the body finished.
            guard let value = outcome.value.withLock({ $0 }) else { throw CancellationError() }
            return value
        }
    }

    /// Runs long-lived `services` until a signal (SIGTERM, SIGINT) drains them.
    public func runServices(
        allowEmbedded: Bool = false,
        prelude: SchemaPrelude = .requireCurrent,
        maximumConnections: Int = 40,
        logger: Logger,
        _ services: @Sendable (PostgresClient, DatabaseURL) throws -> [any Service]
    ) async throws {
        try await withDatabase(
            allowEmbedded: allowEmbedded, prelude: prelude, maximumConnections: maximumConnections,
            signals: [.sigterm, .sigint], logger: logger, services: services
        ) { _, _ in
            try await gracefulShutdown()
        }
    }
}
