import Assessment
import Foundation
import PostgresNIO

/// An appeal waiting for its round's institution: an ineligibility to decide, or a result's appeal
/// set apart for want of a fresh panel, to draw again once the pool has grown.
public struct AwaitingAppeal: Sendable {
    public enum Kind: String, Sendable {
        case eligibility
        case setApart = "set_apart"
    }

    public let application: Int64
    public let kind: Kind
    /// The applicant's statement.
    public let reason: String
    /// Why a set-apart appeal found no panel.
    public let setApartReason: String?
}

/// What an appeal asks to be reviewed.
public enum AppealKind: Sendable, Hashable {
    /// A failed result: a fresh panel re-scores it.
    case result
    /// An ineligibility: the institution reviews its decision.
    case eligibility
}

extension AssessmentStore {
    /// Files an appeal of an ineligibility: within the appeal window from the day the applicant was
    /// told, while the round still takes applications (an application found eligible later could
    /// reach no panel of this round).
    func fileEligibilityAppeal(_ record: ApplicationRecord, reason: String, on connection: PostgresConnection) async throws {
        let round = try await round(record.roundID, on: connection)
        guard round.state == .open else {
            throw StoreError(
                .wrongState, "round \(round.id) no longer takes applications, so an ineligibility can no longer be reviewed in it",
                zh: "评审轮次\(round.id)已停止受理申请，资格审核结果不能再在本轮复核")
        }
        let told = try await first("SELECT ineligible_on::text FROM applications WHERE id = \(record.id)", as: String?.self, on: connection)
        let notified = try (told ?? nil).map(CalendarDate.column) ?? record.appliedOn
        let today = try await self.today(of: round, on: connection)
        do {
            let windowEnds = try Appeals.windowEnds(resultNotifiedOn: notified, policy: round.policy, calendar: round.calendar)
            try Appeals.checkFiling(on: today, resultNotifiedOn: notified, windowEnds: windowEnds)
        } catch let error as AppealError {
            throw StoreError(.wrongState, error)
        } catch let error as CalendarError {
            throw StoreError(.wrongState, error)
        }
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...4000).contains(trimmed.count) else {
            throw StoreError(.invalidInput, "give a reason of 1 to 4,000 characters", zh: "请写明理由，1 至 4000 个字符", field: "reason")
        }
        let inserted = try await count(
            """
            WITH i AS (INSERT INTO eligibility_appeals (application_id, reason) VALUES (\(record.id), \(trimmed)) ON CONFLICT DO NOTHING RETURNING 1)
            SELECT count(*)::int FROM i
            """, on: connection)
        guard inserted == 1 else {
            throw StoreError(.duplicate, "an appeal of application \(record.id) was filed already", zh: "申请\(record.id)已申请过复核")
        }
        try await AuditLog.append(
            actor: .applicant(record.applicantID), action: "appeal ineligibility", subject: .application(record.id), on: connection, logger: logger)
    }

    /// The institution decides an appeal of an ineligibility of its round: overturned, the
    /// application is eligible and goes on with the rest. Returns the application.
    public func decideEligibilityAppeal(
        _ id: Int64, institution: String, outcome: AppealOutcome, reason: String, on connection: PostgresConnection
    ) async throws -> ApplicationRecord {
        let (record, round, _) = try await applicationInRound(id, lock: true, on: connection)
        guard round.institutionID == institution else { throw StoreError.noApplication(id) }
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...4000).contains(trimmed.count) else {
            throw StoreError(.invalidInput, "give a reason of 1 to 4,000 characters", zh: "请写明理由，1 至 4000 个字符", field: "reason")
        }
        let decided = try await count(
            """
            WITH u AS (UPDATE eligibility_appeals SET state = 'decided', outcome = \(outcome.rawValue), decision = \(trimmed), decided_at = now()
                       WHERE application_id = \(id) AND state = 'open' RETURNING 1)
            SELECT count(*)::int FROM u
            """, on: connection)
        guard decided == 1 else {
            throw StoreError(.wrongState, "application \(id) has no open appeal of its ineligibility", zh: "申请\(id)没有待复核的资格审核申诉")
        }
        if outcome == .overturned {
            try await connection.query(
                "UPDATE applications SET state = 'eligible', reasons = '[]', ineligible_on = NULL WHERE id = \(id)", logger: logger)
        }
        try await AuditLog.append(
            actor: .institution(institution), action: "eligibility appeal \(outcome.rawValue)", subject: .application(id),
            on: connection, logger: logger)
        return record
    }

    /// The appeals of a round that wait for its institution, by application.
    public func awaitingAppeals(round: Int64, on connection: PostgresConnection) async throws -> [AwaitingAppeal] {
        var appeals: [AwaitingAppeal] = []
        for try await (application, kind, reason, setApartReason) in try await connection.query(
            """
            SELECT x.application_id, 'eligibility', x.reason, NULL::text FROM eligibility_appeals x JOIN applications p ON p.id = x.application_id
            WHERE p.round_id = \(round) AND x.state = 'open'
            UNION ALL
            SELECT a.application_id, 'set_apart', a.reason, a.set_apart_reason FROM appeals a JOIN applications p ON p.id = a.application_id
            WHERE p.round_id = \(round) AND a.state = 'set_apart'
            ORDER BY 1
            """, logger: logger
        ).decode((Int64, String, String, String?).self) {
            appeals.append(
                AwaitingAppeal(
                    application: application, kind: try Self.stored(AwaitingAppeal.Kind.self, kind, "an appeal's kind"), reason: reason,
                    setApartReason: setApartReason))
        }
        return appeals
    }

    /// How many appeals of ineligibility of a round await the institution: closing waits for them.
    public func openEligibilityAppeals(round: Int64, on connection: PostgresConnection) async throws -> Int {
        try await count(
            """
            SELECT count(*)::int FROM eligibility_appeals x JOIN applications p ON p.id = x.application_id
            WHERE p.round_id = \(round) AND x.state = 'open'
            """, on: connection)
    }
}
