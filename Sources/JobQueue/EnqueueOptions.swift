import Foundation

/// How a job is enqueued: where, when, how urgently, how often it may be tried, and whether it is unique.
public struct EnqueueOptions: Sendable {
    /// The queue it runs on.
    public var queue: String
    /// 0 runs first, 9 last.
    public var priority: Int
    /// Not before this time; nil runs as soon as possible.
    public var runAt: Date?
    /// Attempts before it is discarded.
    public var maxAttempts: Int
    /// A second enqueue of the same kind with this key, within `uniqueWindow`, returns the existing job.
    public var uniqueKey: String?
    /// The window of `uniqueKey`, aligned to fixed periods of this length; nil makes the key unique
    /// for as long as the job is kept.
    public var uniqueWindow: Duration?

    /// Options with working defaults: queue `default`, priority 0, now, 20 attempts, not unique.
    public init(
        queue: String = "default", priority: Int = 0, runAt: Date? = nil, maxAttempts: Int = 20,
        uniqueKey: String? = nil, uniqueWindow: Duration? = nil
    ) {
        self.queue = queue
        self.priority = priority
        self.runAt = runAt
        self.maxAttempts = maxAttempts
        self.uniqueKey = uniqueKey
        self.uniqueWindow = uniqueWindow
    }

    func validate() throws {
        guard !queue.isEmpty, queue.count <= 128 else {
            throw JobQueueError(code: .invalidOptions, message: "a queue name must have 1 to 128 characters")
        }
        guard (0...9).contains(priority) else {
            throw JobQueueError(code: .invalidOptions, message: "priority must be between 0 (first) and 9 (last), not \(priority)")
        }
        guard (1...Int(Int16.max)).contains(maxAttempts) else {
            throw JobQueueError(code: .invalidOptions, message: "maxAttempts must be between 1 and \(Int16.max), not \(maxAttempts)")
        }
        if let uniqueWindow, uniqueWindow <= .zero {
            throw JobQueueError(code: .invalidOptions, message: "uniqueWindow must be positive")
        }
        if uniqueWindow != nil, uniqueKey == nil {
            throw JobQueueError(code: .invalidOptions, message: "uniqueWindow needs a uniqueKey")
        }
    }

    /// The stored key: kind, key and the window's period number, so that a plain unique index enforces the window.
    func storedUniqueKey(kind: String, now: Date) -> String? {
        guard let uniqueKey else { return nil }
        guard let uniqueWindow else { return "\(kind):\(uniqueKey)" }
        let period = Int64((now.timeIntervalSince1970 / (uniqueWindow / .seconds(1))).rounded(.down))
        return "\(kind):\(uniqueKey)@\(period)"
    }
}
