import ArgumentParser
import Assessment
import AssessmentStore
import CommandSupport
import Foundation
import JobQueue
import Logging
import PostgresNIO
import ServiceLifecycle
import Workflow

/// `assess bench round`: a whole title round, submission to certificates, on the queue.
struct RoundBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "round",
        abstract:
            "Run a whole title round (N applications with their materials and formal check, panels of 3, the committee's ballots, notice, certificates) on a compressed clock; print its duration, job counts and where the time went."
    )

    @OptionGroup var database: DatabaseOptions
    @Option(name: .long, help: "Applications in the round.") var applications = 10_000
    @Option(name: .long, help: "Worker pools.") var workers = 2
    @Option(name: .long, help: "Requests the simulated people send at once.") var clients = 16
    @Flag(name: .long, help: "End with one JSON line.") var json = false

    func run() async throws {
        guard applications > 0, workers > 0, clients > 0 else { throw ValidationError("--applications, --workers and --clients must be positive") }
        let logger = try database.logger(label: "assess.bench", quietest: .warning)
        let bench = self
        try await database.withDatabase(allowEmbedded: true, prelude: .migrate, maximumConnections: 40, logger: logger) { client, _ in
            let workflow = Workflow(client: client, vault: .ephemeral(), signer: .ephemeral(), logger: logger)
            var registry = JobRegistry()
            workflow.register(in: &registry)
            let pools = (1...bench.workers).map { index in
                JobWorkerPool(
                    client: client, registry: registry,
                    configuration: WorkerConfiguration(
                        queues: [Workflow.queueName: 16, Workflow.signingQueueName: 2], claimBatchSize: 50,
                        pollInterval: .milliseconds(200), workerID: "bench-\(index)"), logger: logger)
            }
            // The coordinator runs the audit sealer during the round, as in production.
            let coordinator = QueueCoordinator(
                client: client,
                configuration: CoordinatorConfiguration(
                    coordinatorID: "bench", cronSchedules: try Workflow.cronSchedules()), logger: logger)
            let group = ServiceGroup(services: pools + [coordinator], gracefulShutdownSignals: [], logger: logger)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                let started = ContinuousClock.now
                var phases = PhaseClock()
                let round: Int64
                let audit: AuditLog.Verification
                do {
                    round = try await bench.play(workflow, client: client, phases: &phases)
                    try await bench.sealAuditLog(client, logger: logger)
                    phases.lap("seal the audit log")
                    audit = try await client.withOpenConnection(logger: logger) { try await AuditLog.verify(on: $0, logger: logger) }
                } catch {
                    // The pools would run on forever, and the refusal would never be told.
                    await group.triggerGracefulShutdown()
                    throw error
                }
                let seconds = ((ContinuousClock.now - started) / .seconds(1))
                guard audit.firstBrokenEntry == nil, audit.pending == 0 else {
                    await group.triggerGracefulShutdown()
                    throw ValidationError("the audit chain does not hold after the round: \(audit)")
                }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                let jobCount = try await client.scalar("SELECT count(*)::int FROM jobs WHERE kind LIKE 'assessment.%'")
                let certificateCount = try await client.scalar("SELECT count(*)::int FROM certificates")
                report(
                    """
                    bench round: round \(round), \(bench.applications) title applications, panels of 3 from a pool of \
                    \(bench.reviewerCount), every score and ballot sheet (a committee of 25) sent by \(bench.clients) simulated clients; 1 s per day; \
                    \(audit.entries) audit entries sealed and verified; seconds by phase follow the totals
                    """,
                    [("seconds", seconds), ("jobs", Double(jobCount)), ("certificates", Double(certificateCount))] + phases.laps,
                    json: bench.json)
            }
        }
    }

    /// Enough for panels of 3 at a load of 30, and never fewer than a committee of 25 needs.
    var reviewerCount: Int { max(applications * 3 / 30 + 10, 30) }

    /// Registers, applies, scores, votes and confirms as the people would; returns the round.
    func play(_ workflow: Workflow, client: PostgresClient, phases: inout PhaseClock) async throws -> Int64 {
        try await workflow.addInstitution(id: "bench", name: "Bench institution")
        for index in 0..<reviewerCount {
            try await workflow.addReviewer(
                Reviewer(
                    id: ReviewerID("bench-r\(index)"), fields: ["cultural_relics_museums"],
                    employer: "Employer \(index)", loadCap: 40),
                name: "Reviewer \(index)", institution: "bench")
        }
        let base = CalendarDate(year: 1980, month: 1, day: 1)!
        // The entry grade needs a year of work in the field.
        let workInField = Applicant.Employment(employer: "Shanghai Talent Service Centre", start: CalendarDate(year: 2020, month: 3, day: 1)!)
        let applicants = try await concurrently(Array(0..<applications), width: clients) { index -> Int64 in
            let born = try base.adding(days: index / 900)
            let digits = String(format: "310101%04d%02d%02d%03d", born.year, born.month, born.day, index % 900)
            let document = try IdentityDocument(
                kind: .residentID, number: digits + String(IdentityDocument.checkCharacter(of: digits)),
                declaredBirthDate: born)
            return try await workflow.registerApplicant(
                ApplicantRegistration(
                    name: "Applicant \(index)", document: document, employer: nil,
                    profile: Applicant(birthDate: born, education: .bachelor, workHistory: [workInField]), consent: .currentInFull))
        }
        phases.lap("reviewers and registrations")
        var policy = Policy()
        policy.appealWindowDays = 3
        policy.formalCheck = true
        let round = try await workflow.openRound(
            RoundDraft(
                institutionID: "bench", name: "bench round", track: .title, field: "cultural_relics_museums", policy: policy, seed: 42,
                startDate: CalendarDate(year: 2026, month: 11, day: 23)!, daySeconds: 1, closesOnDay: 100_000, scoringDays: 100_000))
        let target = ApplicationTarget.title(series: "cultural_relics_museums", grade: .assistant, specialty: nil)
        // Each applicant files, points to two works and signs the pledge; the institution's officer
        // accepts each in the formal check, which sets off its eligibility check.
        let published = CalendarDate(year: 2025, month: 6, day: 1)!
        _ = try await concurrently(applicants, width: clients) { applicant in
            let application = try await workflow.apply(round: round, applicant: applicant, target: target)
            let works = (1...2).map { work in
                WorkReference(
                    url: "https://video.example.cn/\(applicant)/\(work)", title: "作品 \(work)", platform: "Bench video",
                    published: published, metrics: .init(views: 120_000, likes: 3_000))
            }
            try await workflow.setMaterials(of: application, applicant: applicant, works: works, signPledge: true)
            try await workflow.formalCheck(application, institution: "bench", decision: .accept)
        }
        try await workflow.closeApplicationsNow(round: round, institution: "bench")
        phases.lap("apply, materials and formal check")
        try await waitFor(client, "SELECT count(*)::int FROM rounds WHERE id = \(round) AND state = 'scoring'")
        phases.lap("eligibility and panels")
        var assignments: [(Int64, String)] = []
        for try await row in try await client.query("SELECT application_id, reviewer_id FROM assignments").decode((Int64, String).self) {
            assignments.append(row)
        }
        _ = try await concurrently(assignments, width: clients) { try await workflow.submitScore(reviewer: $0.1, application: $0.0, score: 80) }
        try await waitFor(client, "SELECT (count(*) = 0)::int FROM applications WHERE state <> 'scored'")
        phases.lap("scores")
        // The committee of 25 meets on up to 2,000 cases at a time; each member casts one sheet.
        let members = try await workflow.drawCommittee(round: round, institution: "bench", seed: 42).members
        while true {
            let meeting: Int64
            do {
                meeting = try await workflow.openMeeting(round: round, institution: "bench", heldOn: nil, present: Set(members), recusals: [:])
            } catch let error as StoreError where error.code == .wrongState {
                break  // no case awaits the committee
            }
            _ = try await concurrently(members, width: clients) { member in
                let sheet = try await workflow.ballotSheet(meeting: meeting, member: member.rawValue)
                let choices = Dictionary(uniqueKeysWithValues: sheet.entries.map { ($0.application, BallotChoice.yes) })
                try await workflow.castBallotSheet(meeting: meeting, member: member.rawValue, choices: choices)
            }
        }
        phases.lap("committee ballots")
        try await waitFor(client, "SELECT count(*)::int FROM round_confirmations WHERE round_id = \(round)")
        phases.lap("tally, notice and appeal window")
        try await workflow.confirmRound(round, by: "bench")
        try await waitFor(client, "SELECT (count(*) = \(applications))::int FROM certificates")
        phases.lap("certificates")
        return round
    }

    /// Seals what the coordinator's sealer has not yet sealed; an entry of a transaction still
    /// open (a job completing) waits for its end.
    func sealAuditLog(_ client: PostgresClient, logger: Logger) async throws {
        while true {
            let sealed = try await AuditLog.seal(client: client, logger: logger)
            if try await AuditLog.pending(client: client, logger: logger) == 0 { return }
            if sealed == 0 { try await Task.sleep(for: .milliseconds(50)) }
        }
    }

    /// Polls a query that returns 1 when the awaited step is done.
    func waitFor(_ client: PostgresClient, _ query: PostgresQuery) async throws {
        while true {
            for try await done in try await client.query(query).decode(Int.self) where done == 1 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
    }
}

/// Seconds spent in each phase of a run, each measured from the end of the one before, and where
/// the machine's CPU went meanwhile: which of this process and PostgreSQL limits the phase.
struct PhaseClock {
    private var last = ContinuousClock.now
    private var lastCPU = CPUSplit.Reading.now()
    private(set) var laps: [(key: String, value: Double)] = []

    mutating func lap(_ name: String) {
        let now = ContinuousClock.now
        let cpu = CPUSplit.Reading.now()
        laps.append(("phase: " + name, (now - last) / .seconds(1)))
        var progress = "bench round: \(name) done"
        if let split = CPUSplit(from: lastCPU, to: cpu) {
            laps.append(("cpu: " + name + ": this process", split.ownSeconds))
            laps.append(("cpu: " + name + ": PostgreSQL and the rest", split.otherSeconds))
            progress += String(
                format: " (CPU s: this process %.1f, the rest %.1f, idle %.1f)", split.ownSeconds, split.otherSeconds, split.idleSeconds)
        }
        (last, lastCPU) = (now, cpu)
        // Progress on stderr, so that the figures stay the last lines of stdout.
        FileHandle.standardError.write(Data((progress + "\n").utf8))
    }
}
