import Assessment
import Foundation
import PostgresNIO

/// One consent as recorded: which notice, what for, when.
public struct ConsentRecord: Sendable, Equatable {
    /// The notice version.
    public let noticeVersion: Int
    /// What was consented to.
    public let purpose: PrivacyConsent.Purpose
    /// When.
    public let givenAt: Date
}

extension AssessmentStore {
    /// Records a consent (refused unless it is to the notice in force and complete), each purpose
    /// on its own row; giving the same again changes nothing. The audit log keeps the version.
    public func recordConsent(_ consent: PrivacyConsent, applicant: Int64, on connection: PostgresConnection) async throws {
        do {
            try consent.check()
        } catch {
            throw StoreError(.invalidInput, error, field: "consent")
        }
        let purposes = consent.purposes.map(\.rawValue).sorted()
        try await connection.query(
            """
            INSERT INTO privacy_consents (applicant_id, notice_version, purpose)
            SELECT \(applicant), \(consent.noticeVersion), p FROM unnest(\(purposes)) AS p
            ON CONFLICT (applicant_id, notice_version, purpose) DO NOTHING
            """, logger: logger)
        try await AuditLog.append(
            actor: .applicant(applicant), action: "consent", subject: .applicant(applicant),
            detail: ["notice": "\(consent.noticeVersion)", "purposes": purposes.joined(separator: ",")], on: connection, logger: logger)
    }

    /// An applicant's consents, oldest first.
    public func consents(of applicant: Int64, on connection: PostgresConnection) async throws -> [ConsentRecord] {
        var records: [ConsentRecord] = []
        for try await (version, purpose, at) in try await connection.query(
            "SELECT notice_version, purpose, given_at FROM privacy_consents WHERE applicant_id = \(applicant) ORDER BY given_at, id",
            logger: logger
        ).decode((Int, String, Date).self) {
            guard let purpose = PrivacyConsent.Purpose(rawValue: purpose) else { continue }
            records.append(ConsentRecord(noticeVersion: version, purpose: purpose, givenAt: at))
        }
        return records
    }

    /// Everything held about an applicant, as one JSON document for them to keep (PIPL art. 45):
    /// who they registered as, their declared record, every application with its stages, reasons,
    /// results and files, their certificates, consents, notifications, sessions and what was done
    /// about them and when. The identity number is given masked: the applicant knows it, and a
    /// stolen session should not reveal it. Who did something is given by role only: officers and
    /// reviewers are people too, and blind review stays blind.
    public func personalData(of applicant: Int64, on connection: PostgresConnection) async throws -> String? {
        let subjects = "applicant:\(applicant)"
        return try await first(
            """
            SELECT jsonb_build_object(
                'exportedAt', now(),
                'applicant', jsonb_build_object(
                    'id', a.id, 'name', a.name, 'documentKind', a.document_kind, 'documentNumberMasked', a.document_masked,
                    'employer', a.employer, 'record', a.profile, 'registeredAt', a.created_at),
                'applications', coalesce((
                    SELECT jsonb_agg(jsonb_build_object(
                        'id', p.id, 'round', p.round_id, 'roundName', r.name, 'institution', r.institution_id, 'target', p.target,
                        'appliedOn', p.applied_on, 'state', p.state, 'reasons', p.reasons, 'score', p.score, 'passed', p.passed,
                        'appealOutcome', p.appeal_outcome, 'absent', p.absent, 'examYear', p.exam_year,
                        'files', coalesce((
                            SELECT jsonb_agg(jsonb_build_object(
                                'name', f.name, 'purpose', f.purpose, 'addedAt', f.added_at, 'bytes', s.size,
                                'mediaType', s.media_type, 'sha256', encode(f.sha256, 'hex')) ORDER BY f.added_at)
                            FROM application_files f JOIN stored_files s ON s.sha256 = f.sha256 WHERE f.application_id = p.id), '[]'))
                        ORDER BY p.id)
                    FROM applications p JOIN rounds r ON r.id = p.round_id WHERE p.applicant_id = a.id), '[]'),
                'certificates', coalesce((
                    SELECT jsonb_agg(jsonb_build_object(
                        'number', c.number, 'application', c.application_id, 'content', c.content, 'issuedAt', c.issued_at,
                        'revokedAt', c.revoked_at, 'revocationReason', c.revocation_reason) ORDER BY c.issued_at)
                    FROM certificates c JOIN applications p ON p.id = c.application_id WHERE p.applicant_id = a.id), '[]'),
                'consents', coalesce((
                    SELECT jsonb_agg(jsonb_build_object('notice', c.notice_version, 'purpose', c.purpose, 'givenAt', c.given_at)
                        ORDER BY c.given_at, c.id)
                    FROM privacy_consents c WHERE c.applicant_id = a.id), '[]'),
                'notifications', coalesce((
                    SELECT jsonb_agg(jsonb_build_object('event', o.event, 'payload', o.payload, 'createdAt', o.created_at,
                                                        'deliveredAt', o.delivered_at) ORDER BY o.id)
                    FROM notification_outbox o WHERE o.recipient = \(subjects)), '[]'),
                'requests', coalesce((
                    SELECT jsonb_agg(jsonb_build_object(
                        'kind', q.kind, 'filedAt', q.filed_at, 'answeredAt', q.answered_at, 'outcome', q.outcome,
                        'application', q.application_id, 'note', q.note, 'due', q.due_on, 'fields', q.fields, 'reasons', q.reasons)
                        ORDER BY q.id)
                    FROM privacy_requests q WHERE q.applicant_id = a.id), '[]'),
                'sessions', coalesce((
                    SELECT jsonb_agg(jsonb_build_object('issuedAt', t.created_at, 'expiresAt', t.expires_at, 'revokedAt', t.revoked_at)
                        ORDER BY t.created_at)
                    FROM api_tokens t WHERE t.role = 'applicant' AND t.subject = a.id::text), '[]'),
                'history', coalesce((
                    SELECT jsonb_agg(jsonb_build_object('at', h.at, 'action', h.action, 'subject', h.subject, 'byRole', h.role)
                        ORDER BY h.at, h.n)
                    FROM (
                        SELECT l.at, l.action, l.subject, split_part(l.actor, ':', 1) AS role, l.seq AS n FROM audit_log l
                        WHERE l.subject = \(subjects)
                           OR l.subject = ANY(ARRAY(SELECT 'application:' || p.id FROM applications p WHERE p.applicant_id = a.id))
                        UNION ALL
                        SELECT q.at, q.action, q.subject, split_part(q.actor, ':', 1), q.id FROM audit_pending q
                        WHERE q.subject = \(subjects)
                           OR q.subject = ANY(ARRAY(SELECT 'application:' || p.id FROM applications p WHERE p.applicant_id = a.id))
                    ) h), '[]')
            )::text
            FROM applicants a WHERE a.id = \(applicant)
            """, as: String.self, on: connection)
    }
}

extension AssessmentStore {
    /// Removes (or, for notification contents, empties) up to `batch` rows of `dataClass` older
    /// than `days`; returns how many. Certificates and the audit log are never touched, and a
    /// notification keeps its event, time and recipient.
    public func expire(
        _ dataClass: RetentionPolicy.DataClass, olderThanDays days: Int, batch: Int, on connection: PostgresConnection
    ) async throws -> Int {
        let query: PostgresQuery
        switch dataClass {
        case .signInFailures:
            query = """
                WITH gone AS (
                    DELETE FROM sign_in_failures WHERE ctid = ANY(ARRAY(
                        SELECT ctid FROM sign_in_failures WHERE at < now() - \(days) * interval '1 day' LIMIT \(batch)))
                    RETURNING 1)
                SELECT count(*)::int FROM gone
                """
        case .sessions:
            query = """
                WITH gone AS (
                    DELETE FROM api_tokens WHERE token_hash = ANY(ARRAY(
                        SELECT token_hash FROM api_tokens
                        WHERE coalesce(revoked_at, expires_at) < now() - \(days) * interval '1 day' LIMIT \(batch)))
                    RETURNING 1)
                SELECT count(*)::int FROM gone
                """
        case .notificationBodies:
            query = """
                WITH emptied AS (
                    UPDATE notification_outbox SET payload = '{}'::jsonb WHERE id = ANY(ARRAY(
                        SELECT o.id FROM notification_outbox o
                        WHERE o.created_at < now() - \(days) * interval '1 day' AND o.payload <> '{}'::jsonb
                          AND o.dispatched_at IS NOT NULL
                          AND NOT EXISTS (
                              SELECT 1 FROM notification_deliveries d WHERE d.outbox_id = o.id AND d.state = 'pending')
                        ORDER BY o.id LIMIT \(batch)))
                    RETURNING 1)
                SELECT count(*)::int FROM emptied
                """
        case .unsuccessfulApplications:
            return try await expireUnsuccessfulApplications(olderThanDays: days, batch: batch, on: connection)
        }
        return try await first(query, as: Int.self, on: connection) ?? 0
    }

    /// Deletes up to `batch` unsuccessful applications of rounds that ended more than `days` ago.
    private func expireUnsuccessfulApplications(olderThanDays days: Int, batch: Int, on connection: PostgresConnection) async throws -> Int {
        var doomed: [Int64] = []
        for try await id in try await connection.query(
            """
            SELECT p.id FROM applications p
            JOIN rounds r ON r.id = p.round_id
            LEFT JOIN round_confirmations rc ON rc.round_id = r.id
            WHERE r.state IN ('finalized', 'confirmed') AND p.passed IS NOT TRUE
              AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.application_id = p.id)
              AND coalesce((rc.confirmed_at AT TIME ZONE 'Asia/Shanghai')::date, r.appeals_end, r.notice_ends, r.start_date)
                  < (now() AT TIME ZONE 'Asia/Shanghai')::date - \(days)::integer
            ORDER BY p.id LIMIT \(batch)
            FOR UPDATE OF p SKIP LOCKED
            """, logger: logger
        ).decode(Int64.self) {
            doomed.append(id)
        }
        return try await deleteApplications(doomed, on: connection)
    }

    /// Deletes applications with every row about them in one statement (the foreign keys are
    /// checked at its end), then the stored files no application refers to any more, their large
    /// objects with them. Never one with a certificate: the statement refuses it by the key.
    func deleteApplications(_ ids: [Int64], on connection: PostgresConnection) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        let rows = try await connection.query(
            """
            WITH doomed AS (SELECT unnest(\(ids)::bigint[]) AS id),
            assignments_gone AS (DELETE FROM assignments WHERE application_id IN (SELECT id FROM doomed)),
            votes_gone AS (DELETE FROM votes WHERE application_id IN (SELECT id FROM doomed)),
            objections_gone AS (DELETE FROM objections WHERE application_id IN (SELECT id FROM doomed)),
            appeals_gone AS (DELETE FROM appeals WHERE application_id IN (SELECT id FROM doomed)),
            remarks_gone AS (DELETE FROM appeal_remarks WHERE application_id IN (SELECT id FROM doomed)),
            eligibility_gone AS (DELETE FROM eligibility_appeals WHERE application_id IN (SELECT id FROM doomed)),
            cases_gone AS (DELETE FROM meeting_cases WHERE application_id IN (SELECT id FROM doomed)),
            candidates_gone AS (DELETE FROM sitting_candidates WHERE application_id IN (SELECT id FROM doomed)),
            marks_gone AS (DELETE FROM sitting_marks WHERE application_id IN (SELECT id FROM doomed)),
            results_gone AS (DELETE FROM sitting_results WHERE application_id IN (SELECT id FROM doomed)),
            files_gone AS (DELETE FROM application_files WHERE application_id IN (SELECT id FROM doomed) RETURNING sha256),
            -- A correction's record stays, its words go; one left waiting is withdrawn.
            corrections_closed AS (
                UPDATE privacy_requests SET note = NULL, answered_at = coalesce(answered_at, now()),
                       outcome = CASE outcome WHEN 'pending' THEN 'withdrawn' ELSE outcome END
                WHERE kind = 'correction' AND application_id IN (SELECT id FROM doomed)),
            gone AS (DELETE FROM applications WHERE id IN (SELECT id FROM doomed) RETURNING id)
            SELECT (SELECT count(*)::int FROM gone), coalesce((SELECT array_agg(DISTINCT encode(sha256, 'hex')) FROM files_gone), '{}')
            """, logger: logger)
        var count = 0
        var files: [String] = []
        for try await (deleted, hashes) in rows.decode((Int, [String]).self) { (count, files) = (deleted, hashes) }
        if !files.isEmpty {
            try await connection.query(
                """
                WITH orphans AS (
                    DELETE FROM stored_files s
                    WHERE s.sha256 = ANY(ARRAY(SELECT decode(h, 'hex') FROM unnest(\(files)::text[]) AS h))
                      AND NOT EXISTS (SELECT 1 FROM application_files f WHERE f.sha256 = s.sha256)
                    RETURNING s.object)
                SELECT lo_unlink(object) FROM orphans
                """, logger: logger)
        }
        return count
    }
}

/// A request about a person's own data and its answer.
public struct PrivacyRequestRecord: Sendable {
    /// What was asked, and how it was answered.
    public enum Answer: Sendable, Equatable {
        /// Deletion, answered at once.
        case erasure(Erasure.Outcome, deletedApplications: Int, accountDeleted: Bool)
        /// Correction of what an application was filed with, answered by its institution by `due`;
        /// `application` is nil once the application is gone.
        case correction(RecordCorrection.Outcome, application: Int64?, due: CalendarDate, fields: [RecordCorrection.Field])
    }
    public let id: Int64
    public let filedAt: Date
    public let answeredAt: Date?
    public let answer: Answer
    /// Why anything was kept, or why a correction was refused.
    public let reasons: [LocalizedText]
}

extension AssessmentStore {
    /// Answers an applicant's request to delete their data (`Erasure.decide`) and carries it out in
    /// the caller's transaction: the applications it allows, and, when nothing must be kept, the
    /// registration with its password, sessions and consents, and what their notifications said.
    /// The answer is recorded either way.
    public func erase(applicant: Int64, today: CalendarDate, on connection: PostgresConnection) async throws -> Erasure.Decision {
        guard try await first("SELECT id FROM applicants WHERE id = \(applicant) FOR UPDATE", as: Int64.self, on: connection) != nil else {
            throw StoreError(.notFound, "no applicant has the id \(applicant)", zh: "没有编号为 \(applicant) 的申请人")
        }
        var applications: [Erasure.Application] = []
        for try await (id, ended, certified) in try await connection.query(
            """
            SELECT p.id, r.state IN ('finalized', 'confirmed'), EXISTS (SELECT 1 FROM certificates c WHERE c.application_id = p.id)
            FROM applications p JOIN rounds r ON r.id = p.round_id WHERE p.applicant_id = \(applicant)
            FOR UPDATE OF p
            """, logger: logger
        ).decode((Int64, Bool, Bool).self) {
            applications.append(Erasure.Application(id: id, roundEnded: ended, certified: certified))
        }
        let barText: String? =
            try await first("SELECT max(until)::text FROM title_bars WHERE applicant_id = \(applicant)", as: String?.self, on: connection) ?? nil
        let barredUntil = barText.flatMap { CalendarDate(iso: $0) }
        let decision = Erasure.decide(applications: applications, barredUntil: barredUntil, today: today)
        let deleted = try await deleteApplications(decision.applications, on: connection)
        if decision.account {
            try await connection.query(
                """
                WITH consents AS (DELETE FROM privacy_consents WHERE applicant_id = \(applicant)),
                     passwords AS (DELETE FROM applicant_passwords WHERE applicant_id = \(applicant)),
                     sessions AS (DELETE FROM api_tokens WHERE role = 'applicant' AND subject = \(String(applicant))),
                     bars AS (DELETE FROM title_bars WHERE applicant_id = \(applicant)),
                     said AS (UPDATE notification_outbox SET payload = '{}'::jsonb WHERE recipient = \("applicant:\(applicant)"))
                SELECT 1
                """, logger: logger)
            try await connection.query("DELETE FROM applicants WHERE id = \(applicant)", logger: logger)
        }
        let reasons = try Self.json(decision.reasons)
        try await connection.query(
            """
            INSERT INTO privacy_requests (applicant_id, kind, outcome, deleted_applications, account_deleted, reasons)
            VALUES (\(applicant), 'erasure', \(decision.outcome.rawValue), \(deleted), \(decision.account), \(reasons)::jsonb)
            """, logger: logger)
        try await AuditLog.append(
            actor: .applicant(applicant), action: "erasure request", subject: .applicant(applicant),
            detail: ["outcome": decision.outcome.rawValue, "applications": String(deleted), "account": String(decision.account)],
            on: connection, logger: logger)
        return decision
    }

    /// An applicant's requests about their data, newest first.
    public func privacyRequests(of applicant: Int64, on connection: PostgresConnection) async throws -> [PrivacyRequestRecord] {
        var records: [PrivacyRequestRecord] = []
        for try await (id, kind, filed, answered, outcome, deleted, account, application, due, fields, reasons) in try await connection.query(
            """
            SELECT q.id, q.kind, q.filed_at, q.answered_at, q.outcome, q.deleted_applications, q.account_deleted,
                   (SELECT p.id FROM applications p WHERE p.id = q.application_id), q.due_on::text, q.fields::text, q.reasons::text
            FROM privacy_requests q WHERE q.applicant_id = \(applicant) ORDER BY q.id DESC
            """, logger: logger
        ).decode((Int64, String, Date, Date?, String, Int, Bool, Int64?, String?, String, String).self) {
            let answer: PrivacyRequestRecord.Answer
            switch kind {
            case "erasure":
                answer = .erasure(
                    try Self.stored(Erasure.Outcome.self, outcome, "an erasure's outcome"), deletedApplications: deleted, accountDeleted: account)
            case "correction":
                guard let due else { throw StoreError(.invalidStoredData, "correction request \(id) has no due date") }
                answer = .correction(
                    try Self.stored(RecordCorrection.Outcome.self, outcome, "a correction's outcome"), application: application,
                    due: try CalendarDate.column(due), fields: try Self.decode([RecordCorrection.Field].self, fields))
            default: throw StoreError(.invalidStoredData, "a privacy request's kind is \(kind), which this version does not know")
            }
            records.append(
                PrivacyRequestRecord(
                    id: id, filedAt: filed, answeredAt: answered, answer: answer, reasons: try Self.decode([LocalizedText].self, reasons)))
        }
        return records
    }
}
