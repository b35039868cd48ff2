import Foundation
import Synchronization

/// At most `limit` requests per client address in each fixed `window`, counted in this process:
/// for public look-ups, where a refusal costs nothing and several API processes each allow
/// their share. Limits that must hold across processes (sign-in, objections) count in PostgreSQL.
final class ClientRateLimiter: Sendable {
    private struct Count {
        var windowStart: ContinuousClock.Instant
        var requests: Int
    }

    let limit: Int
    let window: Duration
    /// Past this many addresses, those whose window ended are forgotten, so memory stays bounded.
    private static let remembered = 10_000
    private let counts = Mutex<[String: Count]>([:])

    init(limit: Int, window: Duration) {
        self.limit = limit
        self.window = window
    }

    /// Counts a request from `address`; throws a 429 with Retry-After once its window is spent.
    func admit(_ address: String) throws {
        let now = ContinuousClock.now
        let refusedFor: Duration? = counts.withLock { counts in
            if counts.count > Self.remembered { counts = counts.filter { now - $0.value.windowStart < window } }
            var count = counts[address].flatMap { now - $0.windowStart < window ? $0 : nil } ?? Count(windowStart: now, requests: 0)
            count.requests += 1
            counts[address] = count
            return count.requests > limit ? window - (now - count.windowStart) : nil
        }
        if let refusedFor {
            var problem = Problem(.tooManyRequests, "too many look-ups from your address; try again in a minute", zh: "来自您地址的查询过多；请一分钟后再试")
            problem.retryAfterSeconds = max(1, Int(refusedFor.components.seconds) + 1)
            throw problem
        }
    }
}
