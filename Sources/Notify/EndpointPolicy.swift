import Foundation
import NIOPosix

#if canImport(Glibc)
    import Glibc
#endif

/// Which addresses a webhook may be delivered to: public ones only, unless an operator names
/// internal networks or hosts. Without it, a subscriber could make the server POST to its own
/// loopback, the cloud's metadata service (169.254.169.254) or any host of the private network.
///
/// A URL is checked when it is subscribed (a literal address, or a name that resolves to a
/// forbidden address, is refused) and again before every delivery, since a name's DNS answer can
/// change after it was subscribed.
public struct EndpointPolicy: Sendable {
    /// Internal networks deliveries may reach anyway, e.g. `10.20.0.0/16` of a platform's gateway.
    public var allowedNetworks: [IPNetwork]
    /// Host names trusted without resolving them, e.g. the demo's `localhost` receiver.
    public var allowedHosts: Set<String>

    /// Public addresses only.
    public static let publicOnly = EndpointPolicy(allowedNetworks: [], allowedHosts: [])

    /// A policy that also allows `entries`: CIDR networks, single addresses or host names.
    public init(allowing entries: [String]) throws(NotifyError) {
        var networks: [IPNetwork] = []
        var hosts: Set<String> = []
        for entry in entries.map({ $0.trimmingCharacters(in: .whitespaces) }) where !entry.isEmpty {
            if let network = IPNetwork(entry) {
                networks.append(network)
            } else if entry.contains("/") || entry.contains(":") {
                throw NotifyError(
                    .invalidInput, "\(entry) is neither a network like 10.0.0.0/8 nor a host name", zh: "\(entry) 既不是 10.0.0.0/8 这样的网段，也不是主机名")
            } else {
                hosts.insert(entry.lowercased())
            }
        }
        self.init(allowedNetworks: networks, allowedHosts: hosts)
    }

    init(allowedNetworks: [IPNetwork], allowedHosts: Set<String>) {
        self.allowedNetworks = allowedNetworks
        self.allowedHosts = allowedHosts
    }

    /// The name of the environment variable `fromEnvironment` reads.
    public static let environmentVariable = "ASSESS_NOTIFY_ALLOW_INTERNAL"

    /// The operator's allowances from `ASSESS_NOTIFY_ALLOW_INTERNAL` (comma-separated networks,
    /// addresses and host names); public addresses only when it is unset.
    public static func fromEnvironment() throws(NotifyError) -> EndpointPolicy {
        guard let value = ProcessInfo.processInfo.environment[environmentVariable] else { return .publicOnly }
        return try EndpointPolicy(allowing: value.split(separator: ",").map(String.init))
    }

    /// Refuses a host whose address (or any of its resolved addresses) is internal and not
    /// allowed. A name that does not resolve passes here and fails at delivery, where it is
    /// checked again; `unresolvable` says how to treat it. Returns the address a delivery must
    /// connect a resolved name to (nil for a literal address or an allowed host).
    @discardableResult
    func check(host rawHost: String, unresolvable: Unresolvable, field: String?) async throws -> IPAddress? {
        let host = rawHost.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if allowedHosts.contains(host) { return nil }
        let addresses: [IPAddress]
        let isLiteral: Bool
        if let literal = IPAddress(host) {
            (addresses, isLiteral) = ([literal], true)
        } else {
            (addresses, isLiteral) = (await Self.resolve(host), false)
            if addresses.isEmpty {
                switch unresolvable {
                case .accept: return nil
                case .retry: throw UnresolvedHost(host: host)
                }
            }
        }
        for address in addresses {
            guard let range = address.internalRange, !allowedNetworks.contains(where: { $0.contains(address) }) else { continue }
            throw NotifyError(
                .invalidInput,
                """
                the url's host \(host) is or resolves to \(range): notifications go to public addresses only \
                (an operator may allow internal ones with \(Self.environmentVariable))
                """, zh: "url 的主机 \(host) 是或解析为 \(range)：通知只发往公网地址（运维人员可用 \(Self.environmentVariable) 允许内网地址）", field: field)
        }
        return isLiteral ? nil : addresses.first
    }

    /// What a name that does not resolve means.
    enum Unresolvable {
        /// At subscription: it may be registered later; deliveries check it again.
        case accept
        /// At delivery: nothing to connect to now; DNS may answer on a later attempt.
        case retry
    }

    /// A host that did not resolve: a delivery retries it with backoff, like a refused connection.
    struct UnresolvedHost: Error, CustomStringConvertible {
        let host: String
        var description: String { "the url's host \(host) does not resolve" }
    }

    /// The addresses `getaddrinfo` gives for `host`, resolved off the cooperative threads.
    static func resolve(_ host: String) async -> [IPAddress] {
        (try? await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var result: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, nil, &hints, &result) == 0 else { return [] }
            defer { freeaddrinfo(result) }
            var addresses: [IPAddress] = []
            var next = result
            while let info = next {
                if let address = IPAddress(info.pointee.ai_addr) { addresses.append(address) }
                next = info.pointee.ai_next
            }
            return addresses
        }) ?? []
    }
}

/// An IPv4 or IPv6 address as its bytes.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    /// 4 bytes for IPv4, 16 for IPv6.
    public let bytes: [UInt8]

    /// Parses a literal address; nil for anything else (a name).
    public init?(_ text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
    }

    init?(_ socketAddress: UnsafeMutablePointer<sockaddr>?) {
        guard let socketAddress else { return nil }
        switch Int32(socketAddress.pointee.sa_family) {
        case AF_INET:
            bytes = socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                withUnsafeBytes(of: pointer.pointee.sin_addr) { Array($0) }
            }
        case AF_INET6:
            bytes = socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
            }
        default:
            return nil
        }
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// The address in its usual notation.
    public var description: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var copy = bytes
        _ = inet_ntop(bytes.count == 4 ? AF_INET : AF_INET6, &copy, &text, socklen_t(text.count))
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The IPv4 address an IPv6 form carries (mapped, compatible, NAT64, 6to4), if any.
    var embeddedIPv4: IPAddress? {
        guard bytes.count == 16 else { return nil }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xff && bytes[11] == 0xff { return IPAddress(bytes: Array(bytes[12...])) }
        if bytes[0..<12].allSatisfy({ $0 == 0 }) { return IPAddress(bytes: Array(bytes[12...])) }
        if bytes[0..<12] == [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] { return IPAddress(bytes: Array(bytes[12...])) }
        if bytes[0] == 0x20 && bytes[1] == 0x02 { return IPAddress(bytes: Array(bytes[2..<6])) }
        return nil
    }

    /// The internal range the address lies in, named, or nil for a public address.
    public var internalRange: String? {
        if let embedded = embeddedIPv4, let range = embedded.internalRange { return "\(range) (inside an IPv6 form)" }
        for (network, name) in IPNetwork.internalRanges where network.contains(self) { return "\(name) \(network)" }
        return nil
    }
}

/// A network in CIDR notation.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    /// Its first address.
    public let address: IPAddress
    /// The prefix length.
    public let prefixLength: Int

    /// Parses `10.0.0.0/8`, `fd00::/8` or a single address (a /32 or /128).
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let address = IPAddress(parts[0]) else { return nil }
        let maximum = address.bytes.count * 8
        let length = parts.count == 2 ? Int(parts[1]) : maximum
        guard let length, (0...maximum).contains(length) else { return nil }
        (self.address, self.prefixLength) = (address, length)
    }

    /// Whether `candidate` lies inside (same family only).
    public func contains(_ candidate: IPAddress) -> Bool {
        guard candidate.bytes.count == address.bytes.count else { return false }
        var remaining = prefixLength
        for (mine, theirs) in zip(address.bytes, candidate.bytes) where remaining > 0 {
            let bits = min(8, remaining)
            let mask = UInt8(truncatingIfNeeded: 0xff << (8 - bits))
            if mine & mask != theirs & mask { return false }
            remaining -= bits
        }
        return true
    }

    /// `address/prefix`.
    public var description: String { "\(address)/\(prefixLength)" }

    /// Ranges no webhook may reach without an operator's allowance.
    static let internalRanges: [(IPNetwork, String)] = [
        ("0.0.0.0/8", "the unspecified network"), ("10.0.0.0/8", "the private network"), ("100.64.0.0/10", "carrier-grade NAT"),
        ("127.0.0.0/8", "loopback"), ("169.254.0.0/16", "link-local (cloud metadata)"), ("172.16.0.0/12", "the private network"),
        ("192.0.0.0/24", "IETF protocol assignments"), ("192.0.2.0/24", "documentation"), ("192.168.0.0/16", "the private network"),
        ("198.18.0.0/15", "benchmarking"), ("198.51.100.0/24", "documentation"), ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"), ("240.0.0.0/4", "reserved"), ("::/128", "the unspecified address"), ("::1/128", "loopback"),
        ("fc00::/7", "unique-local"), ("fe80::/10", "link-local"), ("fec0::/10", "site-local"), ("ff00::/8", "multicast"),
        ("2001:db8::/32", "documentation"),
    ].map { (IPNetwork($0.0)!, $0.1) }
}
