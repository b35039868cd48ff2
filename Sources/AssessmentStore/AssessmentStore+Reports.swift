import Assessment
import Foundation
import PostgresNIO

/// One result of a round's public notice (公示).
public struct NoticeEntry: Sendable {
    public let application: Int64
    /// The name as registered; the notice shows it as its policy says.
    public let name: String
    /// The employer on the application date, or the one named at registration; nil for freelancers.
    public let employer: String?
    public let target: ApplicationTarget
    public let passed: Bool
    /// Suspended by an upheld objection until the committee reconsiders it.
    public let suspended: Bool
    public let appealOutcome: AppealOutcome?
}

/// What happened in a round, in figures.
public struct RoundStatistics: Sendable {
    /// Applications for one qualification (series and grade, or occupation, level and direction).
    public struct Group: Sendable {
        public let target: ApplicationTarget
        public let applied: Int
        public let ineligible: Int
        public let passed: Int
        public let failed: Int
    }
    /// One reviewer's work in the round.
    public struct Reviewer: Sendable {
        public let id: String
        public let assigned: Int
        public let scored: Int
        public let replaced: Int
        public let meanScore: Double?
        public let scoreDeviation: Double?
    }

    public let groups: [Group]
    public let reviewers: [Reviewer]
    /// Over every case scored by a panel: the mean and the largest spread (max − min) of its scores.
    public let meanSpread: Double?
    public let largestSpread: Double?
    public let appeals: [AppealOutcome: Int]
    public let appealsOpen: Int
    public let objections: [ObjectionState: Int]
}

/// A confirmed result as the bureau's national systems take it.
public struct ResultRow: Sendable {
    public let application: Int64
    public let name: String
    public let documentKind: IdentityDocument.Kind
    /// In full for the bureau; masked for anyone else.
    public let document: String
    public let birthDate: CalendarDate
    public let employer: String?
    public let target: ApplicationTarget
    public let score: Double?
    public let passed: Bool
    public let certificate: String?
    public let issuedOn: CalendarDate?
}

extension AssessmentStore {
    /// The decided results of a round in id order after `after`.
    public func noticeEntries(round: Int64, after: Int64, limit: Int, on connection: PostgresConnection) async throws -> [NoticeEntry] {
        var entries: [NoticeEntry] = []
        for try await (id, name, facts, passed, suspended, outcome) in try await connection.query(
            """
            SELECT p.id, a.name, \(unescaped: Self.employersColumns), coalesce(p.passed, false), p.state = 'suspended', p.appeal_outcome
            FROM applications p JOIN applicants a ON a.id = p.applicant_id
            WHERE p.round_id = \(round) AND p.state IN ('decided', 'suspended') AND p.id > \(after)
            ORDER BY p.id LIMIT \(limit)
            """, logger: logger
        ).decode((Int64, String, String, Bool, Bool, String?).self) {
            let (target, employer, _) = try Self.filedFacts(facts)
            entries.append(
                NoticeEntry(
                    application: id, name: name, employer: employer, target: target, passed: passed, suspended: suspended,
                    appealOutcome: outcome.flatMap(AppealOutcome.init(rawValue:))))
        }
        return entries
    }

    /// A round's figures: outcomes by qualification, reviewers' loads and scores, spreads, appeals, objections.
    public func statistics(round: Int64, on connection: PostgresConnection) async throws -> RoundStatistics {
        var groups: [RoundStatistics.Group] = []
        for try await (target, applied, ineligible, passed, failed) in try await connection.query(
            """
            SELECT target::text, count(*)::int, count(*) FILTER (WHERE state = 'ineligible')::int,
                   count(*) FILTER (WHERE state = 'decided' AND passed)::int, count(*) FILTER (WHERE state = 'decided' AND NOT passed)::int
            FROM applications WHERE round_id = \(round) GROUP BY target::text ORDER BY target::text
            """, logger: logger
        ).decode((String, Int, Int, Int, Int).self) {
            groups.append(
                .init(
                    target: try Self.decode(ApplicationTarget.self, target), applied: applied, ineligible: ineligible, passed: passed, failed: failed)
            )
        }
        var reviewers: [RoundStatistics.Reviewer] = []
        for try await (id, assigned, scored, replaced, mean, deviation) in try await connection.query(
            """
            SELECT s.reviewer_id, count(*)::int, count(*) FILTER (WHERE s.state = 'scored')::int,
                   count(*) FILTER (WHERE s.state = 'replaced')::int, avg(s.score), stddev_pop(s.score)
            FROM assignments s JOIN applications p ON p.id = s.application_id
            WHERE p.round_id = \(round) GROUP BY s.reviewer_id ORDER BY s.reviewer_id
            """, logger: logger
        ).decode((String, Int, Int, Int, Double?, Double?).self) {
            reviewers.append(.init(id: id, assigned: assigned, scored: scored, replaced: replaced, meanScore: mean, scoreDeviation: deviation))
        }
        let spread = try await first(
            """
            SELECT avg(spread), max(spread) FROM (
                SELECT max(s.score) - min(s.score) AS spread FROM assignments s JOIN applications p ON p.id = s.application_id
                WHERE p.round_id = \(round) AND s.state = 'scored' AND s.stage = 0 GROUP BY s.application_id HAVING count(*) > 1) AS cases
            """, as: (Double?, Double?).self, on: connection)
        var appeals: [AppealOutcome: Int] = [:]
        var appealsOpen = 0
        for try await (state, outcome, count) in try await connection.query(
            """
            SELECT x.state, x.outcome, count(*)::int FROM appeals x JOIN applications p ON p.id = x.application_id
            WHERE p.round_id = \(round) GROUP BY x.state, x.outcome
            """, logger: logger
        ).decode((String, String?, Int).self) {
            if let outcome = outcome.flatMap(AppealOutcome.init(rawValue:)), state == AppealState.decided.rawValue {
                appeals[outcome, default: 0] += count
            } else {
                appealsOpen += count
            }
        }
        var objections: [ObjectionState: Int] = [:]
        for try await (state, count) in try await connection.query(
            """
            SELECT o.state, count(*)::int FROM objections o JOIN applications p ON p.id = o.application_id
            WHERE p.round_id = \(round) GROUP BY o.state
            """, logger: logger
        ).decode((String, Int).self) {
            objections[try Self.stored(ObjectionState.self, state, "an objection's state")] = count
        }
        return RoundStatistics(
            groups: groups, reviewers: reviewers, meanSpread: spread?.0 ?? nil, largestSpread: spread?.1 ?? nil, appeals: appeals,
            appealsOpen: appealsOpen, objections: objections)
    }

    /// A round's decided results with what the national systems file: identity (in full only when
    /// `fullDocuments`), employer, qualification, score, outcome and certificate.
    public func results(round: Int64, fullDocuments: Bool, passedOnly: Bool, on connection: PostgresConnection) async throws -> [ResultRow] {
        var rows: [ResultRow] = []
        for try await (id, name, kind, sealed, masked, facts, score, passed, number, issued) in try await connection.query(
            """
            SELECT p.id, a.name, a.document_kind, a.document_sealed, a.document_masked, \(unescaped: Self.employersColumns), p.score,
                   coalesce(p.passed, false), c.number, c.content->>'issuedOn'
            FROM applications p JOIN applicants a ON a.id = p.applicant_id LEFT JOIN certificates c ON c.application_id = p.id
            WHERE p.round_id = \(round) AND p.state = 'decided' AND (p.passed OR NOT \(passedOnly))
            ORDER BY p.id
            """, logger: logger
        ).decode((Int64, String, String, ByteBuffer, String, String, Double?, Bool, String?, String?).self) {
            let (target, employer, profile) = try Self.filedFacts(facts)
            rows.append(
                ResultRow(
                    application: id, name: name, documentKind: try Self.stored(IdentityDocument.Kind.self, kind, "a document's kind"),
                    document: fullDocuments ? try vault.open(Array(sealed.readableBytesView)) : masked, birthDate: profile.birthDate,
                    employer: employer, target: target, score: score, passed: passed, certificate: number,
                    issuedOn: try issued.map(CalendarDate.column)))
        }
        return rows
    }

    /// What a notice or an export names, from an `employersColumns` value: the target, the
    /// employer (the first employment on the application date, else the one named at
    /// registration) and the record the application was filed with.
    static func filedFacts(_ json: String) throws -> (target: ApplicationTarget, employer: String?, profile: Applicant) {
        let facts = try decode(EmployersColumn.self, json)
        let day = try CalendarDate.column(facts.applied)
        return (facts.target, facts.profile.workHistory.first { $0.covers(day) }?.employer ?? facts.registered, facts.profile)
    }
}
