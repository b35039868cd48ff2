import PostgresSupport

/// The servers a scenario runs on: the bench's own cluster, or a pg_auto_failover formation that
/// the processes reach through a URL naming both nodes.
enum ChaosServers: Sendable {
    case local(LocalPostgres)
    case formation(AutoFailoverFormation)

    func url(database: String) throws -> DatabaseURL {
        switch self {
        case .local(let cluster): try DatabaseURL(cluster.url(database: database))
        case .formation(let formation): try formation.url(database: database)
        }
    }
}

/// A fault `assess bench chaos` injects into a running deployment, and how long it lasts.
enum ChaosScenario: String, CaseIterable, Sendable {
    case restartFast = "restart-fast"
    case restartImmediate = "restart-immediate"
    case terminateBackends = "terminate-backends"
    case poolExhaustion = "pool-exhaustion"
    case killWorker = "kill-worker"
    case repeatedKills = "repeated-kills"
    case killLeader = "kill-leader"
    case stopLeader = "stop-leader"
    case idleTransaction = "idle-transaction"
    case overload
    case burst
    case failover

    /// What the fault is, for the report.
    var summary: String {
        switch self {
        case .restartFast: "PostgreSQL restarted (pg_ctl -m fast)"
        case .restartImmediate: "PostgreSQL restarted as after a crash (pg_ctl -m immediate)"
        case .terminateBackends: "pg_terminate_backend of every connection of the deployment"
        case .poolExhaustion: "another client holds all but 3 of the server's connections"
        case .killWorker: "kill -9 of a worker mid-batch, restarted a second later"
        case .repeatedKills: "a worker killed with kill -9 every 2 s, each restarted at once"
        case .killLeader: "kill -9 of the leading coordinator, restarted a second later"
        case .stopLeader: "SIGSTOP of the leading coordinator past its lease, then SIGCONT"
        case .idleTransaction: "a transaction left idle, holding back the xmin horizon"
        case .overload: "1.5 times the measured capacity offered, on top of the steady load"
        case .burst: "a burst of enqueues in one statement on top of the steady load"
        case .failover: "pg_auto_failover's primary drained and demoted, its synchronous standby promoted"
        }
    }

    /// How long the fault is held (or kills repeat), in seconds.
    func holdSeconds(short: Bool) -> Int {
        switch self {
        case .repeatedKills: short ? 6 : 30
        case .idleTransaction: short ? 6 : 60
        case .poolExhaustion: short ? 4 : 20
        case .stopLeader: short ? 4 : 6
        case .overload: short ? 6 : 60
        default: 0
        }
    }

    /// Jobs of the burst.
    static func burstSize(short: Bool) -> Int { short ? 10_000 : 100_000 }

    /// Jobs of the backlog whose drain measures the deployment's capacity before an overload.
    static func capacityProbeSize(short: Bool) -> Int { short ? 2_000 : 20_000 }

    /// Parses `all` or one name.
    static func chosen(_ name: String) -> [ChaosScenario]? {
        name == "all" ? allCases : ChaosScenario(rawValue: name).map { [$0] }
    }
}
