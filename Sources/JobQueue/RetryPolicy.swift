/// Exponential backoff with jitter between failed attempts.
public struct RetryPolicy: Sendable {
    /// The delay after the first failure.
    public var base: Duration
    /// The longest delay.
    public var cap: Duration
    /// The spread around the delay, 0.1 = ±10 %, so that jobs failing together do not retry together.
    public var jitter: Double

    /// A policy; defaults: 1 s doubling to at most 1 h, ±10 %.
    public init(base: Duration = .seconds(1), cap: Duration = .seconds(3600), jitter: Double = 0.1) {
        self.base = base
        self.cap = cap
        self.jitter = jitter
    }

    /// The delay before the attempt after `attempt` (1-based), jitter included.
    public func delay(afterAttempt attempt: Int, random: Double = Double.random(in: -1...1)) -> Duration {
        let exponent = min(max(attempt - 1, 0), 40)
        let unjittered = min(base * (1 << exponent), cap)
        return unjittered * (1 + jitter * random)
    }
}
