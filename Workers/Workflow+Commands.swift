import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO

/// The commands of applicants, institutions, reviewers and the bureau. Each is one transaction:
/// the rows it writes and the jobs it sets off commit together, or not at all.
extension Workflow {
    /// Registers an institution.
    public func addInstitution(id: String, name: String) async throws {
        try await transaction { try await store.addInstitution(id: id, name: name, on: $0) }
    }

    /// Adds a reviewer to an institution's pool.
    public func addReviewer(_ reviewer: Reviewer, name: String, institution: String) async throws {
        try await transaction { try await store.addReviewer(reviewer, name: name, institution: institution, on: $0) }
    }

    /// Registers an applicant; `also` runs in the same transaction (e.g. storing a password hash).
    public func registerApplicant(
        _ registration: ApplicantRegistration, also: (@Sendable (Int64, PostgresConnection) async throws -> Void)? = nil
    ) async throws -> Int64 {
        try await transaction { connection in
            let id = try await store.registerApplicant(registration, on: connection)
            try await also?(id, connection)
            return id
        }
    }

    /// Opens a round and schedules its closing day.
    public func openRound(_ draft: RoundDraft) async throws -> Int64 {
        try await transaction { connection in
            let id = try await store.openRound(draft, on: connection)
            let round = try await store.round(id, on: connection)
            try await enqueue(CloseApplications(round: id), key: "round:\(id)",
                              runAt: round.instant(afterDays: Double(draft.closesOnDay)), on: connection)
            try await Outbox.owe("round opened", about: "round:\(id)", to: "institution:\(draft.institutionID)", on: connection, logger: logger)
            return id
        }
    }

    /// An applicant applies; eligibility is checked by a job.
    public func apply(round: Int64, applicant: Int64, target: ApplicationTarget) async throws -> Int64 {
        try await transaction { connection in
            let id = try await store.submitApplication(round: round, applicant: applicant, target: target, on: connection)
            try await enqueue(CheckEligibility(application: id), key: "application:\(id)", on: connection)
            return id
        }
    }

    /// A reviewer scores a case assigned to them; the last score of a panel sets off aggregation.
    public func submitScore(reviewer: String, application: Int64, score: Double) async throws {
        try await transaction { connection in
            let (stage, complete) = try await store.submitScore(reviewer: reviewer, application: application, score: score, on: connection)
            if complete {
                try await enqueue(AggregateScores(application: application, stage: stage),
                                  key: "application:\(application):stage:\(stage.rawValue)", on: connection)
            }
        }
    }

    /// A reviewer declares a conflict of interest with a case assigned to them: the assignment is
    /// withdrawn and the case goes to a reviewer drawn afresh.
    public func declareConflict(reviewer: String, application: Int64) async throws {
        try await transaction { connection in
            let record = try await store.application(application, lock: true, on: connection)
            guard let assignment = try await store.assignments(of: application, on: connection)
                .last(where: { $0.reviewer == reviewer && $0.state == "assigned" }) else {
                throw StoreError(.forbidden, "application \(application) has no open assignment of this reviewer")
            }
            try await AuditLog.append(actor: "reviewer:\(reviewer)", action: "declare conflict", subject: "application:\(application)",
                                      on: connection, logger: logger)
            try await replaceReviewer(assignment, in: try await store.round(record.roundID, on: connection),
                                      reason: "declared a conflict of interest", on: connection)
        }
    }

    /// An institution records its committee's ballot counts on a scored title case.
    public func recordVote(application: Int64, members: Int, yes: Int, no: Int, abstain: Int, institution: String) async throws {
        try await transaction { connection in
            let vote: CommitteeVote
            do throws(ScoringError) {
                vote = try CommitteeVote(members: members, yes: yes, no: no, abstain: abstain)
            } catch {
                throw StoreError(.invalidInput, error.message)
            }
            try await requireOwnRound(application: application, institution: institution, on: connection)
            try await store.recordVote(vote, application: application, actor: "institution:\(institution)", on: connection)
            try await enqueue(TallyVote(application: application), on: connection)
        }
    }

    /// An institution records a skills candidate's part scores; the decision follows at once.
    public func recordSkillsResult(application: Int64, parts: [SkillsPart: Double], institution: String) async throws {
        try await transaction { connection in
            let round = try await requireOwnRound(application: application, institution: institution, on: connection)
            let record = try await store.application(application, lock: true, on: connection)
            guard case .skill(_, let level, _) = record.target, round.state == .scoring else {
                throw StoreError(.wrongState, "part scores are recorded for skills candidates while their round is scoring")
            }
            guard record.state == .eligible else {
                throw StoreError(record.state == .decided ? .duplicate : .wrongState,
                                 "application \(application) is \(record.state.rawValue); part scores go to eligible candidates once")
            }
            let passed: Bool
            do throws(ScoringError) {
                passed = try SkillsPart.passes(level: level, scores: parts, policy: round.policy)
            } catch {
                throw StoreError(.invalidInput, error.message, field: "parts")
            }
            let mean = parts.values.reduce(0, +) / Double(max(1, parts.count))
            _ = try await store.moveApplications([application], from: .eligible, to: .decided, score: mean, passed: passed, on: connection)
            try await AuditLog.append(actor: "institution:\(institution)", action: passed ? "passed" : "failed",
                                      subject: "application:\(application)", on: connection, logger: logger)
            try await publishWhenAllDecided(round: round.id, on: connection)
        }
    }

    /// An applicant appeals their own published result within the window; a fresh panel re-reviews it.
    public func fileAppeal(applicant: Int64, application: Int64, reason: String) async throws {
        try await transaction { connection in
            try await store.fileAppeal(applicant: applicant, application: application, reason: reason, on: connection)
            try await enqueue(RereviewAppeal(application: application), key: "application:\(application)", on: connection)
        }
    }

    /// The bureau confirms (files) a finalized round; certificates are issued by jobs.
    public func confirmRound(_ id: Int64, by officer: String) async throws {
        try await transaction { connection in
            let round = try await store.round(id, lock: true, on: connection)
            try await store.advance(round, to: .confirmed, actor: "bureau:\(officer)", on: connection)
            try await connection.query("""
                UPDATE round_confirmations SET confirmed_at = now(), confirmed_by = \(officer) WHERE round_id = \(id)
                """, logger: logger)
            try await enqueue(IssueCertificates(round: id, after: 0), key: "round:\(id):after:0", queue: Self.signingQueueName, on: connection)
        }
    }

    /// The bureau revokes a certificate; a job records it and tells the holder.
    public func revokeCertificate(number: String, reason: String) async throws {
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...1000).contains(trimmed.count) else {
            throw StoreError(.invalidInput, "give a reason of 1 to 1,000 characters", field: "reason")
        }
        try await transaction { connection in
            guard try await store.certificate(number: number, on: connection) != nil else {
                throw StoreError(.notFound, "no certificate has the number \(number)")
            }
            try await enqueue(RevokeCertificate(number: number, reason: trimmed), key: "certificate:\(number)", on: connection)
        }
    }

    /// A certificate with its verification, for the public look-up.
    public func certificate(number: String) async throws -> CertificateRecord? {
        try await client.withConnection { try await store.certificate(number: number, on: $0) }
    }

    @discardableResult
    private func requireOwnRound(application: Int64, institution: String, on connection: PostgresConnection) async throws -> RoundRecord {
        let round = try await store.round(try await store.application(application, on: connection).roundID, on: connection)
        guard round.institutionID == institution else {
            throw StoreError(.forbidden, "application \(application) belongs to another institution's round")
        }
        return round
    }
}

extension Workflow {
    /// An institution closes its round to applications before the planned day.
    public func closeApplicationsNow(round id: Int64, institution: String) async throws {
        try await transaction { connection in
            let round = try await store.round(id, lock: true, on: connection)
            guard round.institutionID == institution else { throw StoreError(.forbidden, "round \(id) belongs to another institution") }
            guard round.state == .open else { throw StoreError(.wrongState, "round \(id) is \(round.state.rawValue), not open") }
            try await enqueue(CloseApplications(round: id), key: "round:\(id):early", on: connection)
        }
    }
}

extension Workflow {
    /// Anyone named files a written objection during a result's public notice; finalization waits for it.
    public func fileObjection(application: Int64, filedBy: String, contact: String, statement: String, client: String) async throws -> Int64 {
        try await transaction {
            try await store.fileObjection(application: application, filedBy: filedBy, contact: contact, statement: statement, client: client, on: $0)
        }
    }

    /// The institution dismisses open objections of its round in bulk, with a reason.
    public func dismissObjections(_ ids: [Int64], round: Int64, institution: String, reason: String) async throws -> Int {
        try await transaction { try await store.dismissObjections(ids, round: round, institution: institution, reason: reason, on: $0) }
    }

    /// A round's objections, for its institution.
    public func objections(round: Int64, institution: String, openOnly: Bool, after: Int64, limit: Int) async throws -> [ObjectionRecord] {
        try await transaction {
            try await store.objections(round: round, institution: institution, openOnly: openOnly, after: after, limit: limit, on: $0)
        }
    }

    /// The institution records how it handled an objection.
    public func handleObjection(_ id: Int64, institution: String, resolution: String) async throws {
        try await transaction { try await store.handleObjection(id, institution: institution, resolution: resolution, on: $0) }
    }
}

/// What people read back; each checks that the reader may see it.
extension Workflow {
    /// An applicant's applications in id order after `after`, at most `limit`.
    public func applications(of applicant: Int64, after: Int64, limit: Int) async throws -> [ApplicationRecord] {
        try await transaction { connection in
            var records: [ApplicationRecord] = []
            for id in try await store.applicationIDs(of: applicant, after: after, limit: limit, on: connection) {
                records.append(try await store.application(id, on: connection))
            }
            return records
        }
    }

    /// One application, only for the applicant who filed it; another's reads as not found.
    public func application(_ id: Int64, of applicant: Int64) async throws -> ApplicationRecord {
        try await transaction { connection in
            let record = try await store.application(id, on: connection)
            guard record.applicantID == applicant else { throw StoreError(.notFound, "no application has the id \(id)") }
            return record
        }
    }

    /// A round's applications, optionally in one state, only for the institution that runs it.
    public func applications(inRound id: Int64, institution: String, state: ApplicationRecord.State?, after: Int64, limit: Int)
        async throws -> [ApplicationRecord] {
        try await transaction { connection in
            let round = try await store.round(id, on: connection)
            guard round.institutionID == institution else { throw StoreError(.notFound, "no round has the id \(id)") }
            var records: [ApplicationRecord] = []
            for id in try await store.applicationIDs(inRound: id, state: state, after: after, limit: limit, on: connection) {
                records.append(try await store.application(id, on: connection))
            }
            return records
        }
    }

    /// A round's applications by stage, only for the institution that runs it.
    public func progress(round id: Int64, institution: String) async throws -> (state: String, counts: [String: Int]) {
        try await transaction { connection in
            let round = try await store.round(id, on: connection)
            guard round.institutionID == institution else { throw StoreError(.notFound, "no round has the id \(id)") }
            return (round.state.rawValue, try await store.progress(round: id, on: connection))
        }
    }
}

extension Workflow {
    /// A reviewer's open cases, blind.
    public func openCases(of reviewer: String, after: Int64, limit: Int) async throws -> [BlindCase] {
        try await transaction { try await store.openCases(of: reviewer, after: after, limit: limit, on: $0) }
    }

    /// The notifications owed to a recipient (`applicant:<id>` and the like).
    public func notifications(of recipient: String, after: Int64, limit: Int) async throws
        -> [(id: Int64, event: String, createdAt: Date, payload: String)] {
        try await transaction { try await store.notifications(of: recipient, after: after, limit: limit, on: $0) }
    }
}
