/// The arguments of one kind of job: stored as JSON, routed to a handler by `kind`.
public protocol JobArgs: Codable, Sendable {
    /// The stable name that routes a stored job to its handler. Never rename it while jobs are queued.
    static var kind: String { get }
}
