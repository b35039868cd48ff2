/// How deliveries are attempted, retried and logged.
public struct NotifyConfiguration: Sendable {
    /// The queue of dispatch and delivery jobs.
    public static let queueName = "notify"

    /// Attempts of one delivery before it is dead-lettered.
    public var maxAttempts: Int
    /// The first retry's delay; each further retry doubles it, up to `maxDelay`, with ±20 % jitter.
    public var baseDelay: Duration
    public var maxDelay: Duration
    /// The longest `Retry-After` honoured; a receiver asking for more gets this.
    public var maxRetryAfter: Duration
    /// The whole request: connect, TLS handshake, send and response.
    public var requestTimeout: Duration
    /// How long the delivery log keeps attempts.
    public var logRetention: Duration
    /// Which addresses deliveries may reach: public ones only, unless the operator allows more.
    public var endpoints: EndpointPolicy

    public init(
        maxAttempts: Int = 12, baseDelay: Duration = .seconds(2), maxDelay: Duration = .seconds(3_600),
        maxRetryAfter: Duration = .seconds(3_600), requestTimeout: Duration = .seconds(10), logRetention: Duration = .seconds(30 * 86_400),
        endpoints: EndpointPolicy = .publicOnly
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.requestTimeout = requestTimeout
        self.logRetention = logRetention
        self.endpoints = endpoints
    }

    /// The delay before retry number `attempt` (from 1).
    func backoff(afterAttempt attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let raw = min(baseDelay * (1 << exponent), maxDelay)
        return raw * Double.random(in: 0.8...1.2)
    }
}
