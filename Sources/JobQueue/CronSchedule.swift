import Foundation

/// A job the leading coordinator enqueues at every tick of a cron expression, exactly once per
/// tick across all coordinators and failovers: the tick's job and the schedule's bookkeeping are
/// written in one transaction fenced by the leader's term, and the job carries a unique key made
/// of the schedule's name and the tick.
public struct CronSchedule: Sendable {
    /// The schedule's name: stable across deployments, it identifies the schedule's bookkeeping.
    public let name: String
    /// When it fires.
    public let expression: CronExpression
    /// The zone the expression is read in, e.g. `Asia/Shanghai`.
    public let timeZone: TimeZone
    let job: NewJob

    /// A schedule that enqueues `args` with `options` (whose unique key, if any, is replaced by the tick's).
    public init<Args: JobArgs>(
        name: String, expression: String, timeZone: String = "Asia/Shanghai", args: Args, options: EnqueueOptions = .init()
    ) throws {
        guard !name.isEmpty, name.count <= 200 else {
            throw JobQueueError(code: .invalidOptions, message: "a cron schedule's name must have 1 to 200 characters")
        }
        guard let zone = TimeZone(identifier: timeZone) else {
            throw JobQueueError(
                code: .invalidOptions,
                message: """
                    cron schedule \(name): unknown time zone "\(timeZone)"; use an IANA name such as Asia/Shanghai or UTC
                    """)
        }
        self.name = name
        self.expression = try CronExpression(expression)
        self.timeZone = zone
        self.job = try NewJob(args, options: options)
    }

    /// The job of the tick at `tick`.
    func job(for tick: Date) -> NewJob {
        var options = job.options
        options.uniqueKey = "cron:\(name):\(Int64(tick.timeIntervalSince1970))"
        options.uniqueWindow = nil
        return job.with(options: options)
    }
}
