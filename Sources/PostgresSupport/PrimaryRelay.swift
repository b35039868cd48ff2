import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A loopback listener that joins each connection made to it to whichever host of a multi-host URL
/// is the writable primary now, so that a pooled `PostgresClient`, which dials one address, follows
/// a failover.
///
/// postgres-nio's pool has no hook to choose where a new connection goes, and the driver is not
/// ours to fork; a relay in the process is the connection factory we can add. It asks the hosts
/// (`PrimaryProbe`) when a connection arrives and its last answer is more than a second old, and
/// every second while it carries connections. When a host it joined connections to turns out to be
/// a standby or read-only, or another host is the primary, it closes those connections: the pool
/// replaces them instead of sending writes to a demoted server. It speaks TLS to the server as the
/// URL's `sslmode` says (the host's own name checked for `verify-full`); the leg from the driver is
/// plain and never leaves this process's loopback. One relay per URL for the process's life.
final class PrimaryRelay: Sendable {
    /// The loopback port the driver connects to.
    let port: Int
    private let url: DatabaseURL
    private let logger: Logger
    private let sslContext: NIOSSLContext?
    private let state = Mutex(State())

    private struct State {
        var roles: [HostRole]?
        var askedAt: ContinuousClock.Instant?
        var asking: Task<[HostRole], Never>?
        var joined: [ObjectIdentifier: (endpoint: Int, channel: any Channel)] = [:]

        var primary: Int? { roles?.firstIndex(where: \.isPrimary) }
    }

    private static let relays = Mutex<[String: PrimaryRelay]>([:])

    /// This process's relay for `url`'s hosts, listening from the moment it returns.
    static func serving(_ url: DatabaseURL, logger: Logger) throws -> PrimaryRelay {
        try relays.withLock { relays in
            if let relay = relays[url.connectionString] { return relay }
            let relay = try PrimaryRelay(url: url, logger: logger)
            relays[url.connectionString] = relay
            return relay
        }
    }

    private init(url: DatabaseURL, logger: Logger) throws {
        self.url = url
        var logger = logger
        logger[metadataKey: "database"] = "\(url.place)"
        self.logger = logger
        sslContext = try url.tlsRequirement.map { try NIOSSLContext(configuration: $0.configuration) }
        // Bound and listening before this returns: a client configured with the port may connect at
        // once, and waits in the backlog until the channel below takes it.
        let (socket, port) = try listeningLoopbackSocket()
        self.port = port
        ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelOption(.autoRead, value: false)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [self] channel in
                accepted(channel)
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            .withBoundSocket(socket)
            .whenFailure { [logger] error in logger.error("the primary relay cannot listen", metadata: ["error": "\(error)"]) }
        Task { [self] in
            while true {
                try? await Task.sleep(for: .seconds(1))
                if state.withLock({ !$0.joined.isEmpty }) { _ = await ask(evenIfFresh: true) }
            }
        }
    }

    private func accepted(_ inbound: any Channel) {
        Task {
            do {
                let roles = await ask(evenIfFresh: false)
                guard let index = roles.firstIndex(where: \.isPrimary) else {
                    throw NoWritablePrimary(roles: Array(zip(url.endpoints, roles)))
                }
                let upstream: any Channel
                do {
                    upstream = try await connect(to: url.endpoints[index], on: inbound.eventLoop)
                } catch {
                    state.withLock { $0.askedAt = nil }
                    throw error
                }
                try await join(inbound, upstream, endpoint: index)
            } catch {
                // The driver sees its connection closed, and its caller retries (a connection loss).
                logger.debug("no primary for a new connection", metadata: ["error": "\(DatabaseErrorSummary(error))"])
                inbound.close(promise: nil)
            }
        }
    }

    /// What each host is: the last answer while it is under a second old (unless `evenIfFresh`),
    /// else a new one, shared with whoever asks meanwhile.
    private func ask(evenIfFresh: Bool) async -> [HostRole] {
        let (known, asking) = state.withLock { state -> ([HostRole]?, Task<[HostRole], Never>?) in
            if !evenIfFresh, let roles = state.roles, let at = state.askedAt, at.duration(to: .now) < .seconds(1) {
                return (roles, nil)
            }
            if state.asking == nil { state.asking = Task { await self.answer() } }
            return (nil, state.asking)
        }
        if let known { return known }
        return await asking?.value ?? []
    }

    private func answer() async -> [HostRole] {
        let roles = await PrimaryProbe.roles(of: url, logger: logger)
        let (before, stale) = state.withLock { state in
            let before = state.primary
            state.roles = roles
            state.askedAt = .now
            state.asking = nil
            // A host that answered as a standby, read-only or superseded takes no more writes: what
            // was joined to it goes. A host that did not answer keeps its connections, which end by
            // themselves if it is gone.
            let stale = state.joined.values.filter { joined in
                roles[joined.endpoint].isFenced || (state.primary.map { $0 != joined.endpoint } ?? false)
            }
            return (before, stale.map(\.channel))
        }
        let now = roles.firstIndex(where: \.isPrimary)
        if now != before {
            if let now {
                logger.notice("the database primary is now \(url.endpoints[now])")
            } else {
                logger.warning(
                    "no database host is a writable primary now", metadata: ["hosts": "\(NoWritablePrimary(roles: Array(zip(url.endpoints, roles))))"]
                )
            }
        }
        if !stale.isEmpty {
            logger.notice("closing \(stale.count) connections to a host that is no longer the primary")
            for channel in stale { channel.close(promise: nil) }
        }
        return roles
    }

    /// A connection to `endpoint`, TLS negotiated as the URL says.
    private func connect(to endpoint: DatabaseURL.Endpoint, on eventLoop: any EventLoop) async throws -> any Channel {
        let channel = try await ClientBootstrap(group: eventLoop)
            .connectTimeout(.seconds(5))
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connect(host: endpoint.host, port: endpoint.port).get()
        guard let required = url.tlsRequirement?.required, let sslContext else { return channel }
        do {
            let answer = eventLoop.makePromise(of: UInt8.self)
            try await eventLoop.submit {
                try channel.pipeline.syncOperations.addHandler(SSLRequestAnswer(answer))
            }.get()
            // PostgreSQL's SSLRequest: length 8, code 80877103; the server answers S or N.
            try await channel.writeAndFlush(ByteBuffer(bytes: [0, 0, 0, 8, 0x04, 0xD2, 0x16, 0x2F])).get()
            switch try await answer.futureResult.get() {
            case UInt8(ascii: "S"):
                let isAddress = endpoint.host.contains(":") || endpoint.host.allSatisfy { $0.isNumber || $0 == "." }
                try await eventLoop.submit {
                    try channel.pipeline.syncOperations.addHandler(
                        NIOSSLClientHandler(context: sslContext, serverHostname: isAddress ? nil : endpoint.host))
                }.get()
            case _ where required:
                throw RelayTLSRefused(endpoint: endpoint)
            default:
                break
            }
            return channel
        } catch {
            channel.close(promise: nil)
            throw error
        }
    }

    /// Splices the two channels, remembers the upstream one until it closes, and starts reading.
    private func join(_ inbound: any Channel, _ upstream: any Channel, endpoint: Int) async throws {
        let id = ObjectIdentifier(upstream)
        state.withLock { $0.joined[id] = (endpoint, upstream) }
        upstream.closeFuture.whenComplete { [self] _ in _ = state.withLock { $0.joined.removeValue(forKey: id) } }
        try await inbound.eventLoop.submit {
            let (driverSide, serverSide) = Splice.pair()
            try inbound.pipeline.syncOperations.addHandler(driverSide)
            try upstream.pipeline.syncOperations.addHandler(serverSide)
            // Either may have closed before its handler was there to hear it.
            guard inbound.isActive && upstream.isActive else {
                inbound.close(promise: nil)
                upstream.close(promise: nil)
                return
            }
            inbound.setOption(.autoRead, value: true).whenFailure { _ in inbound.close(promise: nil) }
        }.get()
    }
}

/// The server would not speak TLS, and the URL's `sslmode` requires it.
struct RelayTLSRefused: Error, CustomStringConvertible {
    let endpoint: DatabaseURL.Endpoint
    var description: String { "the server at \(endpoint) does not accept TLS, which sslmode requires" }
}

/// Hands on the server's one-byte answer to an SSLRequest, then leaves the pipeline.
private final class SSLRequestAnswer: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    private let answer: EventLoopPromise<UInt8>

    init(_ answer: EventLoopPromise<UInt8>) { self.answer = answer }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        guard let byte = buffer.readInteger(as: UInt8.self) else { return }
        answer.succeed(byte)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        answer.fail(ChannelError.eof)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        answer.fail(error)
        context.close(promise: nil)
    }
}

/// One end of a splice: what its channel reads is written to the other end's channel, and it reads
/// only while that channel takes more, so a slow side holds the fast one back instead of piling
/// bytes up in memory. Both ends live on one event loop.
private final class Splice: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private var partner: Splice?
    private var context: ChannelHandlerContext?
    private var readWanted = false

    static func pair() -> (Splice, Splice) {
        let (one, other) = (Splice(), Splice())
        one.partner = other
        other.partner = one
        return (one, other)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        partner = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        partner?.context?.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.context?.flush()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        partner?.context?.close(promise: nil)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, let partner, partner.readWanted {
            partner.readWanted = false
            partner.context?.read()
        }
        context.fireChannelWritabilityChanged()
    }

    func read(context: ChannelHandlerContext) {
        if partner?.context?.channel.isWritable ?? true {
            context.read()
        } else {
            readWanted = true
        }
    }
}
