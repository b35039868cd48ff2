import Assessment
import Foundation
import PostgresNIO

/// A request to correct what an application was filed with, as its applicant and its institution
/// see it.
public struct CorrectionRequest: Sendable {
    public let id: Int64
    public let applicant: Int64
    public let application: Int64
    public let round: Int64
    /// Who answers it: the institution running the round.
    public let institution: String
    public let filedAt: Date
    public let due: CalendarDate
    /// The applicant's words; gone once the application is.
    public let note: String?
    public let outcome: RecordCorrection.Outcome
    /// What differs between the filed and the corrected record: now while it waits, as it was
    /// when answered once it is.
    public let fields: [RecordCorrection.Field]
    public let answeredAt: Date?
    /// Why the institution refused.
    public let reason: String?
}

extension AssessmentStore {
    /// Files an applicant's request to carry their corrected record into an application they can
    /// no longer change themselves. Refused while they still can, when the record is the one filed,
    /// and while another correction of it waits for an answer.
    public func requestCorrection(of id: Int64, applicant: Int64, note: String, on connection: PostgresConnection) async throws
        -> CorrectionRequest
    {
        let (application, round, now) = try await applicationInRound(id, lock: true, on: connection)
        guard application.applicantID == applicant else { throw StoreError.noApplication(id) }
        let stillTheirs =
            switch application.state {
            case .submitted: application.formalCheck.checkedAt == nil && round.state == .open
            case .returned: true
            default: false
            }
        guard !stillTheirs else {
            throw StoreError(
                .wrongState,
                "application \(id) is still yours to change: correcting your record (PUT /v1/applicants/me/record) corrects it at once",
                zh: "申请\(id)仍可由您本人修改：更正个人记录（PUT /v1/applicants/me/record）即同时更正该申请")
        }
        guard RecordCorrection.noteLength.contains(note.unicodeScalars.count) else {
            throw StoreError.invalid(
                "note",
                LocalizedText(
                    zh: "须为\(RecordCorrection.noteLength.lowerBound)至\(RecordCorrection.noteLength.upperBound)个字，说明哪里有误、证据在哪里",
                    en:
                        "must be \(RecordCorrection.noteLength.lowerBound) to \(RecordCorrection.noteLength.upperBound) characters saying what is wrong and where the evidence is"
                ))
        }
        let fields = try await recordChanges(of: id, on: connection)
        guard !fields.isEmpty else {
            throw StoreError.invalid(
                "record",
                LocalizedText(
                    zh: "您的个人记录与申请\(id)提交时相同：请先更正个人记录（PUT /v1/applicants/me/record）",
                    en: "matches what application \(id) was filed with: correct your record first (PUT /v1/applicants/me/record)"))
        }
        let today = try Self.day(of: round, at: now)
        let due = try RecordCorrection.due(filed: today)
        let filed = try await first(
            """
            INSERT INTO privacy_requests (applicant_id, kind, outcome, answered_at, application_id, note, due_on, fields)
            VALUES (\(applicant), 'correction', 'pending', NULL, \(id), \(note), \(due.description)::date, \(try Self.json(fields))::jsonb)
            ON CONFLICT (application_id) WHERE kind = 'correction' AND outcome = 'pending' DO NOTHING
            RETURNING id, filed_at
            """, as: (Int64, Date).self, on: connection)
        guard let (request, filedAt) = filed else {
            throw StoreError(
                .duplicate, "a correction of application \(id) is waiting for its answer already",
                zh: "申请\(id)已有一项更正申请在等待答复")
        }
        try await AuditLog.append(
            actor: .applicant(applicant), action: "correction request", subject: .application(id),
            detail: ["fields": fields.map(\.rawValue).joined(separator: ","), "due": due.description], on: connection, logger: logger)
        return CorrectionRequest(
            id: request, applicant: applicant, application: id, round: round.id, institution: round.institutionID, filedAt: filedAt, due: due,
            note: note, outcome: .pending, fields: fields, answeredAt: nil, reason: nil)
    }

    /// The institution's correction requests, those waiting first (the earliest due first), then
    /// the latest answered.
    public func correctionRequests(institution: String, limit: Int, on connection: PostgresConnection) async throws -> [CorrectionRequest] {
        var requests: [CorrectionRequest] = []
        for try await row in try await connection.query(
            """
            \(unescaped: Self.correctionSelect) WHERE q.kind = 'correction' AND r.institution_id = \(institution)
            ORDER BY q.outcome <> 'pending', CASE WHEN q.outcome = 'pending' THEN q.due_on END, q.answered_at DESC, q.id
            LIMIT \(limit)
            """, logger: logger
        ).decode(CorrectionRow.self) {
            requests.append(try Self.correctionRequest(row))
        }
        return requests
    }

    /// What `correctionRequest(_:)` reads. While a request waits, the filed and the current record
    /// come along: what differs is what the institution decides on now.
    private static let correctionSelect = """
        SELECT q.id, q.applicant_id, q.application_id, p.round_id, r.institution_id, q.filed_at, q.due_on::text, q.note, q.outcome,
               q.fields::text, q.answered_at, q.reasons::text,
               CASE WHEN q.outcome = 'pending' THEN coalesce(p.profile, a.profile)::text END,
               CASE WHEN q.outcome = 'pending' THEN a.profile::text END
        FROM privacy_requests q JOIN applications p ON p.id = q.application_id JOIN rounds r ON r.id = p.round_id
             JOIN applicants a ON a.id = p.applicant_id
        """
    private typealias CorrectionRow = (Int64, Int64, Int64, Int64, String, Date, String, String?, String, String, Date?, String, String?, String?)

    private static func correctionRequest(_ row: CorrectionRow) throws -> CorrectionRequest {
        let (id, applicant, application, round, institution, filedAt, due, note, outcome, stored, answeredAt, reasons, filed, current) = row
        let fields =
            if let filed, let current {
                RecordCorrection.changes(filed: try decode(Applicant.self, filed), corrected: try decode(Applicant.self, current))
            } else {
                try decode([RecordCorrection.Field].self, stored)
            }
        return CorrectionRequest(
            id: id, applicant: applicant, application: application, round: round, institution: institution, filedAt: filedAt,
            due: try CalendarDate.column(due), note: note, outcome: try Self.stored(RecordCorrection.Outcome.self, outcome, "a correction's outcome"),
            fields: fields, answeredAt: answeredAt, reason: try decode([LocalizedText].self, reasons).first?.zh)
    }

    /// The institution answers a correction request of one of its rounds: accepted, the
    /// application carries the applicant's corrected record from now on; refused, the reason is
    /// the applicant's to read.
    public func answerCorrection(
        _ request: Int64, institution: String, accept: Bool, reason: String?, on connection: PostgresConnection
    ) async throws -> CorrectionRequest {
        guard
            let (application, outcome) = try await first(
                """
                SELECT q.application_id, q.outcome FROM privacy_requests q
                JOIN applications p ON p.id = q.application_id JOIN rounds r ON r.id = p.round_id
                WHERE q.id = \(request) AND q.kind = 'correction' AND r.institution_id = \(institution)
                FOR UPDATE OF q, p
                """, as: (Int64, String).self, on: connection)
        else { throw StoreError(.notFound, "no correction request has the id \(request)", zh: "没有编号为\(request)的更正申请") }
        guard outcome == RecordCorrection.Outcome.pending.rawValue else {
            throw StoreError(.wrongState, "correction request \(request) was answered already", zh: "更正申请\(request)已答复")
        }
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if !accept {
            guard let reason, RecordCorrection.reasonLength.contains(reason.count) else {
                throw StoreError.invalid(
                    "reason",
                    LocalizedText(
                        zh: "拒绝更正须说明理由（\(RecordCorrection.reasonLength.lowerBound)至\(RecordCorrection.reasonLength.upperBound)个字）",
                        en:
                            "a refusal says why, in \(RecordCorrection.reasonLength.lowerBound) to \(RecordCorrection.reasonLength.upperBound) characters"
                    ))
            }
        }
        let fields = try await recordChanges(of: application, on: connection)
        if accept {
            try await connection.query(
                """
                UPDATE applications p SET profile = a.profile FROM applicants a WHERE p.id = \(application) AND a.id = p.applicant_id
                """, logger: logger)
        }
        let answer = accept ? RecordCorrection.Outcome.accepted : .refused
        let reasons = try Self.json(accept ? [] : [LocalizedText(zh: reason ?? "", en: reason ?? "")])
        try await connection.query(
            """
            UPDATE privacy_requests SET outcome = \(answer.rawValue), answered_at = now(), answered_by = \(institution),
                   fields = \(try Self.json(fields))::jsonb, reasons = \(reasons)::jsonb
            WHERE id = \(request)
            """, logger: logger)
        try await AuditLog.append(
            actor: .institution(institution), action: accept ? "correct filed record" : "refuse correction", subject: .application(application),
            detail: ["request": String(request), "fields": fields.map(\.rawValue).joined(separator: ",")], on: connection, logger: logger)
        guard let answered = try await correctionRequest(request, on: connection) else { throw StoreError.noApplication(application) }
        return answered
    }

    /// One correction request as it stands.
    func correctionRequest(_ id: Int64, on connection: PostgresConnection) async throws -> CorrectionRequest? {
        let row = try await first("\(unescaped: Self.correctionSelect) WHERE q.id = \(id)", as: CorrectionRow.self, on: connection)
        return try row.map(Self.correctionRequest)
    }

    /// What differs between the record an application was filed with and its applicant's record now.
    private func recordChanges(of application: Int64, on connection: PostgresConnection) async throws -> [RecordCorrection.Field] {
        guard
            let (filed, current) = try await first(
                """
                SELECT coalesce(p.profile, a.profile)::text, a.profile::text
                FROM applications p JOIN applicants a ON a.id = p.applicant_id WHERE p.id = \(application)
                """, as: (String, String).self, on: connection)
        else { throw StoreError.noApplication(application) }
        return RecordCorrection.changes(filed: try Self.decode(Applicant.self, filed), corrected: try Self.decode(Applicant.self, current))
    }
}
