import Assessment
import Foundation
import Logging
import PostgresNIO

/// The notifications each step owes, written in the step's own transaction. The idempotency key
/// names the event, its subject and the recipient, so a retried step owes nothing twice.
public enum Outbox {
    /// Records that `recipient` must hear of `event` about `subject`; a second call with the same
    /// three is a no-op. The payload carries ids and outcomes, never identity numbers, and what
    /// the event tells its reader: `message` in Chinese, `messageEnglish`.
    public static func owe(
        _ event: NotificationEvent, about subject: Subject, to recipient: Recipient, payload: [String: String] = [:],
        occasion: String? = nil, on connection: PostgresConnection, logger: Logger
    ) async throws {
        try await owe(event, notices: [(subject, recipient, payload)], occasion: occasion, on: connection, logger: logger)
    }

    /// `owe` for many subjects and recipients of one event, in one statement.
    public static func owe(
        _ event: NotificationEvent, notices: [(subject: Subject, recipient: Recipient, payload: [String: String])], occasion: String? = nil,
        on connection: PostgresConnection, logger: Logger
    ) async throws {
        guard !notices.isEmpty else { return }
        var (keys, recipients, bodies) = ([String](), [String](), [String]())
        for notice in notices {
            let text = event.text(notice.payload)
            let (subject, recipient) = (notice.subject.description, notice.recipient.description)
            // An event that can recur for one subject (a second return for correction) names its occasion.
            keys.append("\(event.rawValue):\(subject):\(recipient)" + (occasion.map { ":\($0)" } ?? ""))
            recipients.append(recipient)
            var body = notice.payload
            body["event"] = event.rawValue
            body["subject"] = subject
            (body["message"], body["messageEnglish"]) = (text.zh, text.en)
            bodies.append(String(decoding: try JSONEncoder.sorted.encode(body), as: UTF8.self))
        }
        try await connection.query(
            """
            INSERT INTO notification_outbox (idempotency_key, recipient, event, payload)
            SELECT n.key, n.recipient, \(event.rawValue), n.body::jsonb
            FROM unnest(\(keys)::text[], \(recipients)::text[], \(bodies)::text[]) WITH ORDINALITY AS n(key, recipient, body, position)
            ORDER BY n.position
            ON CONFLICT (idempotency_key) DO NOTHING
            """, logger: logger)
    }

    /// Owes `event` to the applicant of every decided application of `round`, with its decision
    /// and `payload`: one statement however large the round, keyed as `owe` keys one.
    public static func oweDecidedApplicants(
        _ event: NotificationEvent, round: Int64, payload: [String: String] = [:], on connection: PostgresConnection, logger: Logger
    ) async throws {
        var (passedPayload, failedPayload, absentPayload) = (payload, payload, payload)
        (passedPayload["passed"], failedPayload["passed"], absentPayload["passed"]) = ("true", "false", "false")
        absentPayload["absent"] = "true"
        let (passedText, failedText, absentText) = (event.text(passedPayload), event.text(failedPayload), event.text(absentPayload))
        let event = event.rawValue
        let extra = String(decoding: try JSONEncoder.sorted.encode(payload), as: UTF8.self)
        try await connection.query(
            """
            INSERT INTO notification_outbox (idempotency_key, recipient, event, payload)
            SELECT \(event) || ':application:' || id || ':applicant:' || applicant_id, 'applicant:' || applicant_id, \(event),
                   \(extra)::jsonb || jsonb_build_object(
                       'event', \(event), 'subject', 'application:' || id, 'passed', passed, 'absent', absent,
                       'message', CASE WHEN absent THEN \(absentText.zh) WHEN passed THEN \(passedText.zh) ELSE \(failedText.zh) END,
                       'messageEnglish', CASE WHEN absent THEN \(absentText.en) WHEN passed THEN \(passedText.en) ELSE \(failedText.en) END)
            FROM applications p WHERE round_id = \(round) AND state = 'decided'
              AND NOT EXISTS (SELECT 1 FROM appeals a WHERE a.application_id = p.id AND a.state = 'set_apart')
            ON CONFLICT (idempotency_key) DO NOTHING
            """, logger: logger)
    }
}
