import Foundation
import Hummingbird
import Notify
import Workflow

/// The operators' queue dashboard (`/ops`, for operators and the bureau's officers): queues with their counts,
/// pause and resume; jobs by queue, kind, state and arguments, one job's attempts and errors,
/// retry and cancel, one by one or every job a filter lists; cron schedules; the coordinator's
/// leader and the live workers. The overview reloads itself every 10 seconds.
struct OpsPages {
    let queue: JobQueueClient
    let notifier: Notifier
    /// The queues the product runs, listed even before the coordinator has counted them.
    static let knownQueues = [Workflow.queueName, Workflow.signingQueueName, NotifyConfiguration.queueName]
    /// The most jobs a list or a bulk action covers.
    static let listLimit = 200

    func add(to group: RouterGroup<APIContext>) {
        group.get { request, context in
            try context.requireOperator()
            let language = context.visit?.language ?? .zh
            let stats = try await queue.queueStats()
            let paused = try await queue.pausedQueues()
            let cluster = try await queue.clusterStatus()
            let cron = try await queue.cronEntries()
            let history = try await queue.queueHistory()
            let limits = try await queue.limitStatus()
            var names = Self.knownQueues
            for name in stats.map(\.queue) + paused.sorted() where !names.contains(name) { names.append(name) }
            let queues: [[String: Any]] = names.map { name in
                let counted = stats.first { $0.queue == name }
                var row: [String: Any] = [
                    "name": name, "paused": paused.contains(name),
                    "oldest": counted?.oldestAvailableAge.map { String(format: "%.1f", $0) } ?? "—",
                    "at": counted.map { ApplicantPages.time($0.recordedAt) } ?? "—",
                ]
                // Uncounted until a coordinator has led: "—", not a zero that would claim an empty queue.
                row["counts"] = JobState.allCases.map { state in
                    ["state": state.rawValue, "count": counted.map { String($0.counts[state] ?? 0) } ?? "—"]
                }
                return row
            }
            let lastHour: [[String: Any]] = names.map { name in
                let minutes = history[name] ?? []
                let throughput = Sparkline(
                    title: ConsoleText.text("throughput", language), style: .bars, recorded: minutes.map { ($0.minute, Double($0.completed)) })
                let waiting = Sparkline(
                    title: ConsoleText.text("oldestWait", language), style: .line, recorded: minutes.map { ($0.minute, $0.oldestAgeSeconds) })
                return [
                    "name": name, "throughput": throughput.svg, "throughputPeak": String(Int(throughput.peak)), "waiting": waiting.svg,
                    "waitingPeak": String(format: "%.1f", waiting.peak),
                ]
            }
            var values: [String: Any] = [
                "lastHour": lastHour,
                "queues": queues, "states": JobState.allCases.map { ConsoleText.jobState($0, language) },
                "workers": cluster.workers.map {
                    [
                        "id": $0.id, "state": $0.state, "queues": $0.queues.joined(separator: ", "),
                        "seen": String(format: "%.0f", $0.secondsSinceSeen),
                    ]
                },
                "hasWorkers": !cluster.workers.isEmpty,
                "cron": cron.map { entry in
                    var row = [
                        "name": entry.name, "expression": entry.expression, "zone": entry.timeZone, "next": ApplicantPages.time(entry.nextTick),
                        "last": entry.lastTick.map(ApplicantPages.time) ?? "—",
                    ]
                    // Mustache takes an empty string for true: the link is left out, not left empty.
                    if let job = entry.lastJobID { row["job"] = String(job) }
                    return row
                },
                "hasCron": !cron.isEmpty,
                "limits": limits.map { status in
                    [
                        "queue": status.limit.queue, "kind": status.limit.kind, "running": String(status.running),
                        "rules": Self.rules(of: status.limit, language),
                    ]
                },
                "hasLimits": !limits.isEmpty,
            ]
            if let leader = cluster.leader {
                values["leader"] = [
                    "holder": leader.holder, "term": String(leader.term),
                    "lease": ConsoleText.text(leader.leaseLive ? "leaseLive" : "leaseExpired", language),
                ]
            }
            return WebPage("ops", .init(zh: "队列运维", en: "Queue operations"), values, refresh: 10).response(context)
        }
        group.post("queues/{name}/{action}") { _, context in
            try context.requireOperator()
            let name = try context.parameters.require("name")
            guard (1...100).contains(name.count) else { throw invalidField("name", "must have 1 to 100 characters", zh: "须为 1 至 100 个字符") }
            switch context.parameters.get("action") {
            case "pause": try await queue.pause(queue: name)
            case "resume": try await queue.resume(queue: name)
            default: throw Problem(.notFound, "a queue is paused or resumed", zh: "队列只能暂停或恢复")
            }
            return Response.seeOther("/ops?done=\(context.parameters.get("action") == "pause" ? "paused" : "resumed")", context)
        }
        group.post("limits") { _, context in
            try context.requireOperator()
            let form = context.visit?.form ?? FormFields()
            try await queue.setLimit(try Self.limit(from: form))
            return Response.seeOther("/ops?done=limited", context)
        }
        group.post("limits/lift") { _, context in
            try context.requireOperator()
            let form = context.visit?.form ?? FormFields()
            let queueName = try form.required("queue", .init(zh: "队列", en: "the queue"))
            let kind = try form.required("kind", .init(zh: "任务类型", en: "the kind"))
            guard try await queue.removeLimit(queue: queueName, kind: kind) else {
                throw Problem(.notFound, "\(kind) on \(queueName) has no limit", zh: "队列 \(queueName) 的 \(kind) 任务没有限制")
            }
            return Response.seeOther("/ops?done=lifted", context)
        }
        group.get("notifications") { _, context in
            try context.requireOperator()
            let dead = try await notifier.deadDeliveries(limit: Self.listLimit)
            return WebPage(
                "dead-letters", .init(zh: "投递失败的通知", en: "Dead-lettered notifications"),
                [
                    "dead": dead.map {
                        [
                            "id": String($0.id), "subscription": String($0.subscription), "event": $0.event, "attempts": String($0.attempts),
                            "error": $0.lastError ?? "—", "finished": $0.finishedAt.map(ApplicantPages.time) ?? "—",
                        ]
                    },
                    "hasDead": !dead.isEmpty,
                ]
            ).response(context)
        }
        group.post("notifications/redrive") { _, context in
            try context.requireOperator()
            let form = context.visit?.form ?? FormFields()
            let one: Int64? = try form.optionalInteger("delivery", in: Bounds.id)
            let revived = try await notifier.redrive(one.map { [$0] })
            return Response.seeOther("/ops/notifications?done=redriven&n=\(min(revived, Self.listLimit))", context)
        }
        group.get("jobs") { request, context in
            try context.requireOperator()
            let language = context.visit?.language ?? .zh
            let filter = try JobFilter(FormFields(pairs: request.uri.queryParameters.map { (String($0.key), String($0.value)) }))
            let jobs = try await filter.jobs(queue, limit: Self.listLimit)
            return WebPage(
                "jobs", .init(zh: "任务", en: "Jobs"),
                [
                    "jobs": jobs.map { Self.row($0, language) }, "hasJobs": !jobs.isEmpty,
                    "filter": filter.values, "hidden": filter.fields,
                    "queues": Self.knownQueues.map { ["name": $0, "selected": $0 == filter.queue] },
                    "stateOptions": JobState.allCases.map {
                        ["name": $0.rawValue, "label": ConsoleText.jobState($0, language), "selected": $0 == filter.state]
                    },
                ]
            ).response(context)
        }
        group.post("jobs/bulk") { _, context in
            try context.requireOperator()
            let form = context.visit?.form ?? FormFields()
            let filter = try JobFilter(form)
            let action = try form.required("action", .init(zh: "操作", en: "the action"))
            guard action == "retry" || action == "cancel" else { throw invalidField("action", "must be retry or cancel", zh: "须为 retry 或 cancel") }
            var done = 0
            for job in try await filter.jobs(queue, limit: Self.listLimit) {
                do {
                    if action == "retry" { try await queue.retry(job.id) } else { try await queue.cancel(job.id) }
                    done += 1
                } catch let error as JobQueueError where error.code == .invalidState || error.code == .notFound {
                    continue  // it moved on since the list was read: nothing to do for it
                }
            }
            return Response.seeOther("/ops/jobs?\(filter.query)&done=\(action == "retry" ? "retried" : "cancelled")&n=\(done)", context)
        }
        group.get("jobs/{id}") { request, context in
            try context.requireOperator()
            let id = try context.id()
            guard let job = try await queue.job(id) else { throw Problem(.notFound, "no job has the id \(id)", zh: "没有编号为 \(id) 的任务") }
            var values = Self.row(job, context.visit?.language ?? .zh)
            values["args"] = job.argsJSON
            values["errors"] = Self.errors(job.errorsJSON)
            values["leases"] = Self.leases(job, context.visit?.language ?? .zh)
            values["metadata"] = job.metadataJSON == "{}" ? nil : job.metadataJSON
            values["progressMessage"] = job.progressMessage
            values["deaths"] = String(job.workerDeaths)
            return WebPage("job", .init(zh: "任务 \(id)", en: "Job \(id)"), values).response(context)
        }
        group.post("jobs/{id}/{action}") { _, context in
            try context.requireOperator()
            let id = try context.id()
            switch context.parameters.get("action") {
            case "retry": try await queue.retry(id)
            case "cancel": try await queue.cancel(id)
            default: throw Problem(.notFound, "a job is retried or cancelled", zh: "任务只能重试或取消")
            }
            return Response.seeOther("/ops/jobs/\(id)?done=\(context.parameters.get("action") == "retry" ? "retried" : "cancelled")", context)
        }
    }

    /// A limit from the form of `/ops`: every number within `JobLimit`'s ranges, refused in both
    /// languages otherwise; a per-key or rate limit needs both of its fields.
    static func limit(from form: FormFields) throws -> JobLimit {
        let queueName = try form.required("queue", .init(zh: "队列", en: "the queue"))
        let kind = try form.required("kind", .init(zh: "任务类型", en: "the kind"))
        guard queueName.count <= 100, kind.count <= 100 else {
            throw invalidField("kind", "queue and kind must have at most 100 characters", zh: "队列与任务类型均不得超过 100 个字符")
        }
        let concurrency = try form.optionalInteger("concurrency", in: JobLimit.concurrencyRange)
        let keyField = form.optional("keyField")
        let keyConcurrency = try form.optionalInteger("keyConcurrency", in: JobLimit.concurrencyRange)
        let rateStarts = try form.optionalInteger("rateStarts", in: JobLimit.rateStartsRange)
        let ratePeriod = try form.optionalInteger("ratePeriodMs", in: JobLimit.ratePeriodMillisecondsRange)
        if let keyField, keyField.wholeMatch(of: /[A-Za-z_][A-Za-z0-9_]{0,62}/) == nil {
            throw invalidField(
                "keyField", "must be one argument name of letters, digits and underscores (at most 63)", zh: "须为一个参数名：字母、数字或下划线，至多 63 个")
        }
        guard (keyField == nil) == (keyConcurrency == nil) else {
            throw invalidField("keyConcurrency", "a per-key limit needs both the argument and the number", zh: "按键限制须同时填写参数名与数量")
        }
        guard (rateStarts == nil) == (ratePeriod == nil) else {
            throw invalidField("ratePeriodMs", "a rate needs both the starts and the period", zh: "速率限制须同时填写启动次数与时间窗口")
        }
        guard concurrency != nil || keyField != nil || rateStarts != nil else {
            throw invalidField("concurrency", "set at least one limit; to lift a limit use its Lift button", zh: "至少填写一项限制；解除限制请用“解除”按钮")
        }
        return JobLimit(
            queue: queueName, kind: kind, concurrency: concurrency,
            perKey: keyField.flatMap { field in keyConcurrency.map { JobLimit.PerKey(field: field, concurrency: $0) } },
            rate: rateStarts.flatMap { starts in ratePeriod.map { JobLimit.Rate(starts: starts, period: .milliseconds($0)) } })
    }

    /// A limit's rules in words.
    static func rules(of limit: JobLimit, _ language: Language) -> String {
        var rules: [LocalizedText] = []
        if let n = limit.concurrency { rules.append(.init(zh: "同时运行至多 \(n) 个", en: "at most \(n) running")) }
        if let key = limit.perKey {
            rules.append(.init(zh: "每个 \(key.field) 同时运行至多 \(key.concurrency) 个", en: "at most \(key.concurrency) running per \(key.field)"))
        }
        if let rate = limit.rate {
            rules.append(
                .init(
                    zh: "每 \(rate.periodMilliseconds) 毫秒至多启动 \(rate.starts) 个", en: "at most \(rate.starts) starts per \(rate.periodMilliseconds) ms")
            )
        }
        return rules.map { $0(language) }.joined(separator: language == .zh ? "；" : "; ")
    }

    /// One job's line in a list.
    static func row(_ job: JobRecord, _ language: Language) -> [String: Any] {
        [
            "id": String(job.id), "queue": job.queue, "kind": job.kind, "state": ConsoleText.jobState(job.state, language),
            "stateName": job.state.rawValue,
            "attempt": "\(job.attempt)/\(job.maxAttempts)", "inserted": ApplicantPages.time(job.insertedAt),
            "runAt": ApplicantPages.time(job.runAt), "finished": job.finishedAt.map(ApplicantPages.time) ?? "—",
            "progress": job.progress.map { "\($0)%" } ?? "—", "quarantined": job.quarantinedAt != nil,
            "mayRetry": [.discarded, .cancelled, .retryable, .scheduled].contains(job.state),
            "mayCancel": ![.completed, .discarded, .cancelled].contains(job.state),
        ]
    }

    /// A job's recorded errors, newest first.
    static func errors(_ json: String) -> [[String: String]] {
        entries(json).reversed().map { entry in
            ["attempt": "\(entry["attempt"] ?? "")", "at": stamp(entry["at"]), "error": "\(entry["error"] ?? "")"]
        }
    }

    /// The leases a job ran under, newest first: the one it holds or completed under, then each
    /// that ended in an error or a rescue, with where and when it ran.
    static func leases(_ job: JobRecord, _ language: Language) -> [[String: String]] {
        var leases: [[String: String]] = []
        if let worker = job.leasedBy, [.running, .completed].contains(job.state) {
            leases.append([
                "attempt": String(job.attempt), "worker": worker, "from": job.attemptedAt.map(ApplicantPages.time) ?? "—",
                "until": job.state == .running
                    ? "\(ConsoleText.text("leaseDeadline", language)) \(job.leaseDeadline.map(ApplicantPages.time) ?? "—")"
                    : job.finishedAt.map(ApplicantPages.time) ?? "—",
                "outcome": ConsoleText.jobState(job.state, language),
            ])
        }
        for entry in entries(job.errorsJSON).reversed() {
            guard let worker = entry["worker"] as? String else { continue }
            let error = "\(entry["error"] ?? "")"
            leases.append([
                "attempt": "\(entry["attempt"] ?? "")", "worker": worker, "from": stamp(entry["leasedAt"]), "until": stamp(entry["at"]),
                "outcome": String(error.prefix { !$0.isNewline }.prefix(120)),
            ])
        }
        return leases
    }

    private static func entries(_ json: String) -> [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [[String: Any]] ?? []
    }

    /// A timestamp PostgreSQL wrote into JSON, as the pages write times; as stored when unreadable.
    private static func stamp(_ value: Any?) -> String {
        guard let text = value as? String else { return "—" }
        let reader = ISO8601DateFormatter()
        reader.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return (reader.date(from: text) ?? ISO8601DateFormatter().date(from: text)).map(ApplicantPages.time) ?? text
    }
}

/// The jobs an operator lists, or acts on in bulk: by state, queue, kind and arguments.
struct JobFilter {
    var state: JobState?
    var queue: String?
    var kind: String?
    var args: JSONObjectText?

    init(_ form: FormFields) throws {
        if let text = form.optional("state") {
            guard let state = JobState(rawValue: text) else {
                throw invalidField(
                    "state", "must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", "))",
                    zh: "须为以下之一：\(JobState.allCases.map(\.rawValue).joined(separator: "、"))")
            }
            self.state = state
        }
        queue = form.optional("queue")
        kind = form.optional("kind")
        if let queue, queue.count > 100 { throw invalidField("queue", "must have at most 100 characters", zh: "至多 100 个字符") }
        if let kind, kind.count > 100 { throw invalidField("kind", "must have at most 100 characters", zh: "至多 100 个字符") }
        if let text = form.optional("args") {
            guard let args = JSONObjectText(text) else {
                throw invalidField(
                    "args", "must be a JSON object of at most 2000 bytes, like {\"round\": 7}", zh: "须为至多 2000 字节的 JSON 对象，例如 {\"round\": 7}")
            }
            self.args = args
        }
    }

    func jobs(_ queue: JobQueueClient, limit: Int) async throws -> [JobRecord] {
        try await queue.jobs(state: state, queue: self.queue, kind: kind, args: args, limit: limit)
    }

    /// The filter's fields, for the form that shows it.
    var values: [String: String] { ["kind": kind ?? "", "args": args?.text ?? ""] }

    /// The filter's set fields by name: a bulk form's hidden fields.
    var fields: [[String: String]] {
        [("state", state?.rawValue), ("queue", queue), ("kind", kind), ("args", args?.text)]
            .compactMap { name, value in value.map { ["name": name, "value": $0] } }
    }

    /// The filter as a query string, to list the same jobs again.
    var query: String {
        fields.map { "\($0["name"]!)=\(ConsoleMiddleware.percentEncoded($0["value"]!))" }.joined(separator: "&")
    }
}

extension APIContext {
    /// The caller runs the deployment: an operator, or an officer of the bureau, which answers for it.
    func requireOperator() throws {
        guard let principal else { throw Problem.noToken }
        guard principal.role == .operations || principal.role == .bureau else {
            throw Problem(.forbidden, "the queue dashboard is for operators and the bureau", zh: "队列运维仅供运维人员和人社部门使用")
        }
    }
}
