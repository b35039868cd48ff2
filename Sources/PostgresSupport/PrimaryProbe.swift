import Logging
import PostgresNIO

/// What one host of a failover cluster is at the moment it was asked.
enum HostRole: Sendable, Equatable {
    /// Accepts writes, on this timeline.
    case primary(timeline: Int)
    /// Replays a primary's WAL (`pg_is_in_recovery()`).
    case standby
    /// Out of recovery but refusing writes: pg_auto_failover holds a promoted node so until it is
    /// sure of its standby, and a primary being demoted is so for a moment.
    case readOnly(timeline: Int)
    /// Accepts writes, but another host is out of recovery on a later timeline: it was promoted
    /// after this one, which is an old primary not yet stopped. Writes here would be lost when it
    /// rejoins (pg_rewind), so it is treated as gone.
    case superseded(timeline: Int, newest: Int)
    /// Not reached, and how.
    case unreachable(String)

    var isPrimary: Bool {
        if case .primary = self { true } else { false }
    }

    /// Whether connections to this host must go: it takes no writes, or must not.
    var isFenced: Bool {
        switch self {
        case .standby, .readOnly, .superseded: true
        case .primary, .unreachable: false
        }
    }

    var description: String {
        switch self {
        case .primary(let timeline): "the primary (timeline \(timeline))"
        case .standby: "a standby"
        case .readOnly(let timeline): "read-only (timeline \(timeline))"
        case .superseded(let timeline, let newest): "a primary on timeline \(timeline), superseded by a promotion to timeline \(newest)"
        case .unreachable(let why): "unreachable (\(why))"
        }
    }

    /// `roles` with every primary behind the newest timeline out of recovery marked superseded.
    static func fencingStale(_ roles: [HostRole]) -> [HostRole] {
        let newest = roles.compactMap { role -> Int? in
            switch role {
            case .primary(let timeline), .readOnly(let timeline): timeline
            default: nil
            }
        }.max()
        guard let newest else { return roles }
        return roles.map { role in
            if case .primary(let timeline) = role, timeline < newest { return .superseded(timeline: timeline, newest: newest) }
            return role
        }
    }
}

/// None of a URL's hosts accepts writes now: a failover is under way, or the cluster is down.
public struct NoWritablePrimary: Error, CustomStringConvertible, Sendable {
    let roles: [(DatabaseURL.Endpoint, HostRole)]

    public var description: String {
        "no host is a writable primary: " + roles.map { "\($0.0) is \($0.1.description)" }.joined(separator: "; ")
    }
}

/// Asks each host of a URL what it is, as libpq's `target_session_attrs=read-write` does, but all at
/// once: a host that does not answer costs its timeout once, not once per host before it.
enum PrimaryProbe {
    /// How long one host may take to connect and answer.
    static let timeout = Duration.seconds(3)

    /// The index of the first host, in the URL's order, that is a writable primary.
    static func primary(of url: DatabaseURL, logger: Logger) async throws -> Int {
        let roles = await roles(of: url, logger: logger)
        guard let index = roles.firstIndex(where: \.isPrimary) else {
            throw NoWritablePrimary(roles: Array(zip(url.endpoints, roles)))
        }
        return index
    }

    /// What each host of `url` is, in the URL's order. Of two hosts out of recovery the one on the
    /// later timeline is the newer primary: pg_auto_failover 2.0 was seen to let an old primary
    /// take writes, its synchronous standby dropped, for 30 s after that standby was promoted
    /// (the monitor set it to wait_primary during a user-initiated failover), and libpq's
    /// read-write check alone would have sent writes there, to be rewound away.
    static func roles(of url: DatabaseURL, logger: Logger) async -> [HostRole] {
        await withTaskGroup(of: (Int, HostRole).self) { group in
            for (index, endpoint) in url.endpoints.enumerated() {
                group.addTask { (index, await role(of: endpoint, in: url, logger: logger)) }
            }
            var roles = [HostRole](repeating: .unreachable("not asked"), count: url.endpoints.count)
            for await (index, role) in group { roles[index] = role }
            return HostRole.fencingStale(roles)
        }
    }

    /// What `endpoint` is now.
    static func role(of endpoint: DatabaseURL.Endpoint, in url: DatabaseURL, logger: Logger) async -> HostRole {
        do {
            return try await withDeadline(timeout, "asking \(endpoint) what it is") {
                let connection = try await PostgresConnection.connect(
                    configuration: try url.connectionConfiguration(endpoint), id: 0, logger: logger)
                let asked: Result<HostRole, any Error>
                do {
                    asked = .success(
                        try await connection.untilClosed(logger: logger) { connection in
                            // The timeline of a server out of recovery is that of the WAL it writes.
                            let rows = try await connection.query(
                                """
                                SELECT pg_is_in_recovery(), current_setting('transaction_read_only') = 'on',
                                       CASE WHEN pg_is_in_recovery() THEN 0
                                            ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::int END
                                """, logger: logger)
                            for try await (recovering, readOnly, timeline) in rows.decode((Bool, Bool, Int).self) {
                                return recovering ? HostRole.standby : readOnly ? .readOnly(timeline: timeline) : .primary(timeline: timeline)
                            }
                            return HostRole.unreachable("no answer")
                        })
                } catch {
                    asked = .failure(error)
                }
                try? await connection.close()
                return try asked.get()
            }
        } catch {
            return .unreachable("\(DatabaseErrorSummary(error))")
        }
    }
}
