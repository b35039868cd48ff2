/// How many jobs of one kind on one queue may run and start, across every worker: a global
/// concurrency limit, a concurrency limit per value of one field of the arguments, and a rate of
/// starts. Kept in the database (`job_limits`) and enforced by the claim itself, so every worker
/// process obeys the same limit without a dispatcher.
///
/// A limit counts the jobs running when a claim is made, whenever they started: set below what
/// runs now, it lets nothing start until enough have finished.
public struct JobLimit: Sendable, Equatable {
    /// At most `concurrency` jobs running per distinct value of the top-level argument `field`
    /// (jobs without it share one empty value).
    public struct PerKey: Sendable, Equatable {
        /// The argument whose value is the key, e.g. `round`.
        public var field: String
        /// Most jobs running per key.
        public var concurrency: Int

        /// A per-key limit.
        public init(field: String, concurrency: Int) {
            self.field = field
            self.concurrency = concurrency
        }
    }

    /// At most `starts` jobs started in any interval of `period`, not only in aligned windows.
    public struct Rate: Sendable, Equatable {
        /// Most starts per period.
        public var starts: Int
        /// The sliding interval.
        public var period: Duration

        /// The period in whole milliseconds, as stored.
        public var periodMilliseconds: Int64 { period.milliseconds }

        /// A rate limit.
        public init(starts: Int, period: Duration) {
            self.starts = starts
            self.period = period
        }
    }

    /// The ranges a limit's numbers must lie in (the table's checks say the same).
    public static let concurrencyRange = 1...10_000
    /// Most starts a rate may name: the window keeps one timestamp per start.
    public static let rateStartsRange = 1...1_000
    /// The shortest and longest rate period, in milliseconds.
    public static let ratePeriodMillisecondsRange: ClosedRange<Int64> = 1...86_400_000

    /// The queue.
    public var queue: String
    /// The kind of job limited.
    public var kind: String
    /// Most jobs of the kind running at once anywhere, or nil.
    public var concurrency: Int?
    /// Most running per key, or nil.
    public var perKey: PerKey?
    /// Most starts per interval, or nil.
    public var rate: Rate?

    /// A limit; at least one of `concurrency`, `perKey` and `rate` must be given.
    public init(queue: String, kind: String, concurrency: Int? = nil, perKey: PerKey? = nil, rate: Rate? = nil) {
        self.queue = queue
        self.kind = kind
        self.concurrency = concurrency
        self.perKey = perKey
        self.rate = rate
    }

    /// Throws `invalidOptions` saying what to change when a number is out of range or nothing is limited.
    public func validate() throws {
        func refuse(_ message: String) -> JobQueueError { JobQueueError(code: .invalidOptions, message: message) }
        guard !queue.isEmpty, !kind.isEmpty else { throw refuse("a limit needs a queue and a kind") }
        guard concurrency != nil || perKey != nil || rate != nil else {
            throw refuse("a limit needs a concurrency, a per-key concurrency or a rate; remove the limit to lift it")
        }
        let range = Self.concurrencyRange
        if let concurrency, !range.contains(concurrency) {
            throw refuse("concurrency must be \(range.lowerBound) to \(range.upperBound), not \(concurrency)")
        }
        if let perKey {
            guard perKey.field.wholeMatch(of: /[A-Za-z_][A-Za-z0-9_]{0,62}/) != nil else {
                throw refuse("the key field must be one argument name of letters, digits and underscores (at most 63), not \(perKey.field)")
            }
            guard range.contains(perKey.concurrency) else {
                throw refuse("the per-key concurrency must be \(range.lowerBound) to \(range.upperBound), not \(perKey.concurrency)")
            }
        }
        if let rate {
            guard Self.rateStartsRange.contains(rate.starts) else {
                throw refuse("a rate allows 1 to \(Self.rateStartsRange.upperBound) starts per period, not \(rate.starts)")
            }
            guard Self.ratePeriodMillisecondsRange.contains(rate.period.milliseconds) else {
                throw refuse("a rate's period must be 1 ms to 24 h")
            }
        }
    }
}
