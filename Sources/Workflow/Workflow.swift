import Assessment
import AssessmentStore
import Foundation
import JobQueue
import Logging
import PostgresNIO

/// The assessment workflow on the queue: the commands people issue (each one transaction that
/// writes its rows and enqueues what follows) and the handlers of the jobs they set off.
public struct Workflow: Sendable {
    /// The queue every workflow job runs on.
    public static let queueName = "assessment"
    /// The queue of certificate signing: only workers that hold the bureau's key run it.
    public static let signingQueueName = "signing"
    /// Applications per panel-staffing or certificate-issuing job: big rounds fan out into chunks.
    public static let chunkSize = 500

    /// The store: the edges (API, commands of the CLI) never reach it, they issue commands and
    /// queries; benches and tests of this package may, to set up what no command does.
    package let store: AssessmentStore
    /// The queue.
    public let queue: JobQueueClient
    /// The bureau's signing key; a worker without it leaves certificate jobs to workers that have it.
    public let signer: BureauSigner?
    /// scrypt's N for new password hashes: tests and benchmarks that register thousands lower it.
    let passwordRounds: Int
    /// How long personal data is kept; `EnforceRetention` applies it.
    public let retention: RetentionPolicy
    let logger: Logger

    /// A workflow over a running client.
    public init(
        client: PostgresClient, vault: PersonalDataVault, signer: BureauSigner?,
        passwordRounds: Int = PasswordHash.defaultRounds, retention: RetentionPolicy = .standard, logger: Logger
    ) {
        self.store = AssessmentStore(vault: vault, logger: logger)
        self.queue = JobQueueClient(client: client, logger: logger)
        self.signer = signer
        self.passwordRounds = passwordRounds
        self.retention = retention
        self.logger = logger
    }

    /// The handlers of every workflow job kind; certificate signing only with the bureau's key,
    /// and its queue (`signingQueueName`) is then to be served as well.
    public func register(in registry: inout JobRegistry) {
        registry.register(CheckEligibility.Handler(workflow: self))
        registry.register(LapseCorrection.Handler(workflow: self))
        registry.register(CloseApplications.Handler(workflow: self))
        registry.register(StaffPanels.Handler(workflow: self))
        registry.register(SweepDeadlines.Handler(workflow: self))
        registry.register(AggregateScores.Handler(workflow: self))
        registry.register(TallyVote.Handler(workflow: self))
        registry.register(PublishNotice.Handler(workflow: self))
        registry.register(CloseNotice.Handler(workflow: self))
        registry.register(RereviewAppeal.Handler(workflow: self))
        registry.register(RemarkSkillsAppeal.Handler(workflow: self))
        registry.register(FinalizeRound.Handler(workflow: self))
        registry.register(HandToBureau.Handler(workflow: self))
        if let signer { registry.register(IssueCertificates.Handler(workflow: self, signer: signer)) }
        registry.register(RevokeCertificate.Handler(workflow: self))
        registry.register(SeatSitting.Handler(workflow: self))
        registry.register(SealAuditLog.Handler())
        registry.register(EnforceRetention.Handler(workflow: self))
    }

    /// The schedules the coordinator runs for the workflow: the audit sealer every 5 seconds, so
    /// an entry joins the chain within seconds of its commit; the retention policy every night at
    /// 03:30 in Shanghai, when nobody is applying.
    public static func cronSchedules() throws -> [CronSchedule] {
        [
            try CronSchedule(
                name: "seal_audit_log", expression: "*/5 * * * * *", timeZone: "UTC", args: SealAuditLog(),
                options: EnqueueOptions(queue: queueName)),
            try CronSchedule(
                name: "enforce_retention", expression: "0 30 3 * * *", timeZone: "Asia/Shanghai", args: EnforceRetention(),
                options: EnqueueOptions(queue: queueName)),
        ]
    }

    var client: PostgresClient { queue.client }

    /// Runs `body` in one transaction; a store refusal reaches the caller as itself.
    func transaction<Result: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        try await client.transaction(logger: logger, body)
    }

    /// Records a long job's progress (what `measure` reads, in a transaction of its own) and its
    /// metadata, for `assess jobs show`. Best effort: a report that fails is logged, and the job goes on.
    func report(
        _ context: JobContext, metadata: [String: String?],
        measure: @escaping @Sendable (PostgresConnection) async throws -> (percent: Int, message: String)
    ) async {
        do {
            let (percent, message) = try await transaction(measure)
            try await context.report(progress: percent, message)
            try await context.record(metadata: metadata.compactMapValues { $0 })
        } catch {
            context.logger.notice("a job's progress could not be recorded", metadata: ["error": "\(error)"])
        }
    }

    /// Enqueues a workflow job in the caller's transaction. With `once`, a second enqueue of the
    /// same kind for the same subject (and `step`, where a subject has several) is a no-op.
    func enqueue<Args: JobArgs>(
        _ args: Args, once subject: Subject? = nil, step: String? = nil, runAt: Date? = nil, queue name: String = queueName,
        on connection: PostgresConnection
    ) async throws {
        let key = subject.map { subject in step.map { "\(subject):\($0)" } ?? subject.description }
        try await queue.enqueue(args, options: EnqueueOptions(queue: name, runAt: runAt, uniqueKey: key), on: connection)
    }

    /// When a panel drawn now must have scored: the round's scoring days on the round's clock.
    func scoringDue(_ round: RoundRecord, on connection: PostgresConnection) async throws -> Date {
        round.instant(round.scoringDays, daysAfter: try await store.now(on: connection))
    }

    /// Once no eligible case of the round is undecided, the notice is published. The round row is
    /// locked first, so that of two last decisions committing together one sees the other; the
    /// check is an index probe, since it runs once per decision.
    func publishWhenAllDecided(round id: Int64, on connection: PostgresConnection) async throws {
        guard try await store.lockIfAllDecided(round: id, on: connection) else { return }
        try await enqueue(PublishNotice(round: id), once: .round(id), on: connection)
    }

    /// An appeal's new result replaces the original (upheld when they agree, overturned when not),
    /// and the applicant is told.
    func decideAppeal(_ application: ApplicationRecord, reReview: CaseResult, on connection: PostgresConnection, logger: Logger) async throws {
        guard let passedBefore = application.passed else { return }
        let (result, outcome) = Appeals.standingResult(original: CaseResult(passed: passedBefore, score: application.score), reReview: reReview)
        guard try await store.decideAppeal(application: application.id, result: result, outcome: outcome, on: connection) else { return }
        try await Outbox.owe(
            .appealDecided, about: .application(application.id), to: .applicant(application.applicantID),
            payload: ["outcome": outcome.rawValue, "passed": String(result.passed)], on: connection, logger: logger)
    }

    /// Sets an appeal apart when no fresh panel can be drawn for it (retrying would hold the round
    /// forever), and tells the institution why; the round finalizes without it.
    func setAppealApart(_ application: Int64, round: RoundRecord, reason: LocalizedText, on connection: PostgresConnection, logger: Logger)
        async throws
    {
        guard try await store.setAppealApart(application: application, reason: reason, on: connection) else { return }
        try await Outbox.owe(
            .appealSetApart, about: .application(application), to: .institution(round.institutionID),
            payload: ["reason": reason.zh, "reasonEnglish": reason.en], on: connection, logger: logger)
        try await AuditLog.append(
            actor: .system, action: "appeal set apart", subject: .application(application), detail: ["reason": reason.en], on: connection,
            logger: logger)
    }

    /// Withdraws an open assignment and draws one replacement from the pool (never anyone who
    /// reviewed the case before, nor one with a conflict); false when it was scored or replaced meanwhile.
    @discardableResult
    func replaceReviewer(_ assignment: AssignmentRecord, in round: RoundRecord, reason: String, on connection: PostgresConnection) async throws
        -> Bool
    {
        guard try await store.markReplaced(reviewer: assignment.reviewer, application: assignment.application, on: connection) else {
            return false
        }
        let reviewCases = try await store.reviewCases([assignment.application], field: round.field, on: connection)
        let panel = try await drawPanels(
            reviewCases, size: 1, round: round,
            salt: "replace:\(assignment.application):\(assignment.reviewer)", on: connection)
        let due = try await scoringDue(round, on: connection)
        try await store.assign(panel, stage: assignment.stage, dueAt: due, on: connection)
        try await Outbox.owe(
            .assignmentWithdrawn, about: .application(assignment.application),
            to: .reviewer(assignment.reviewer), on: connection, logger: logger)
        try await AuditLog.append(
            actor: .system, action: "replace reviewer", subject: .application(assignment.application),
            detail: ["replaced": assignment.reviewer, "by": panel.values.first?.first?.rawValue ?? "", "reason": reason],
            on: connection, logger: logger)
        return true
    }

    /// Draws panels for `cases` from the round's pool with the round's seed, or says which cases
    /// cannot be staffed and why.
    func drawPanels(
        _ cases: [ReviewCase], size: Int, round: RoundRecord, salt: String, on connection: PostgresConnection
    ) async throws -> [Int64: [ReviewerID]] {
        let pool = try await store.reviewerPool(
            institution: round.institutionID, field: round.field, round: round.id,
            cap: round.policy.reviewerLoadCap, on: connection)
        switch PanelAssignment.assign(cases: cases, reviewers: pool, panelSize: size, seed: Self.seed(of: round, salt)) {
        case .success(let panels):
            var byApplication: [Int64: [ReviewerID]] = [:]
            for (caseID, reviewers) in panels {
                // The ids are the store's application ids as text (`ReviewCase` is the domain's, and not only ours).
                guard let application = Int64(caseID) else { throw StoreError(.invalidStoredData, "case \(caseID) is not an application id") }
                byApplication[application] = reviewers
            }
            return byApplication
        case .failure(let failure):
            throw StoreError(.wrongState, "panels cannot be staffed: \(failure)", zh: "无法配齐评审专家：\(failure)")
        }
    }

    /// Each draw of a round has its own seed derived from the round's and what is drawn, so a
    /// rerun draws the same panels, seats and staff.
    static func seed(of round: RoundRecord, _ salt: String) -> UInt64 {
        var seed = UInt64(bitPattern: round.seed)
        for byte in salt.utf8 { seed = (seed ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return seed
    }
}
