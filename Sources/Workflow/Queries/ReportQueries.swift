import Assessment
import AssessmentStore
import Foundation
import PostgresNIO

/// Who reads a round's reports: the bureau (every round) or the institution that runs it.
public enum ReportReader: Sendable, Hashable {
    case bureau(officer: String)
    case institution(String)
}

/// What a round publishes and reports: its public notice, its figures, its confirmed results.
extension Workflow {
    /// A round's public notice, a page of results after `after`: readable by anyone once published.
    public func publicNotice(round id: Int64, after: Int64, limit: Int) async throws -> (round: RoundRecord, entries: [NoticeEntry]) {
        try await transaction { connection in
            let round = try await store.round(id, on: connection)
            guard round.noticePublishedOn != nil, round.noticeEnds != nil else {
                throw StoreError(.notFound, "round \(id) has published no notice yet", zh: "评审轮次\(id)尚未发布公示")
            }
            return (round, try await store.noticeEntries(round: id, after: after, limit: limit, on: connection))
        }
    }

    /// A round's figures, for its institution or the bureau.
    public func statistics(round id: Int64, for reader: ReportReader) async throws -> (round: RoundRecord, statistics: RoundStatistics) {
        try await transaction { connection in
            let round = try await readableRound(id, by: reader, on: connection)
            return (round, try await store.statistics(round: id, on: connection))
        }
    }

    /// The action under which every identity number unsealed is audited, one entry per person.
    public static let unsealAction = "unseal identity document"

    /// A confirmed round's results as its purpose allows (`ExportProfile`): only the columns and rows
    /// it needs, identity numbers in full only for the bureau and only where the purpose needs them.
    /// Every export is audited with its purpose and columns, and every identity number it unseals
    /// with who, when and why.
    public func confirmedResults(round id: Int64, for reader: ReportReader, purpose: ExportPurpose) async throws -> (
        round: RoundRecord, profile: ExportProfile, rows: [ResultRow]
    ) {
        try await transaction { connection in
            let round = try await readableRound(id, by: reader, on: connection)
            guard round.state == .confirmed else {
                throw StoreError(
                    .wrongState, "round \(id) is \(round.state.rawValue); its results are exported once the bureau confirmed them",
                    zh: "评审轮次\(id)当前为\(round.state.rawValue)；结果须经人社部门确认后方可导出")
            }
            let (actor, profile): (Actor, ExportProfile)
            switch reader {
            case .bureau(let officer): (actor, profile) = (.bureau(officer: officer), ExportProfile(purpose: purpose, byBureau: true))
            case .institution(let institution): (actor, profile) = (.institution(institution), ExportProfile(purpose: purpose, byBureau: false))
            }
            let rows = try await store.results(
                round: id, fullDocuments: profile.fullDocuments, passedOnly: profile.passedOnly, on: connection)
            try await AuditLog.append(
                actor: actor, action: "export results", subject: .round(id),
                detail: [
                    "rows": "\(rows.count)", "documents": profile.fullDocuments ? "full" : "masked", "purpose": purpose.rawValue,
                    "fields": profile.fields.map(\.rawValue).joined(separator: ","),
                ],
                on: connection, logger: logger)
            if profile.fullDocuments, !rows.isEmpty {
                let detail = try AuditLog.detailJSON(["round": String(id), "purpose": purpose.rawValue])
                try await AuditLog.append(
                    actor: actor, actions: Array(repeating: Self.unsealAction, count: rows.count),
                    subjects: rows.map { .application($0.application) },
                    details: Array(repeating: detail, count: rows.count), on: connection, logger: logger)
            }
            return (round, profile, rows)
        }
    }

    /// The identity numbers unsealed (for one application when given), the latest first: who, when,
    /// whose (the application) and why.
    public func unsealings(application: Int64? = nil, limit: Int) async throws -> [Unsealing] {
        let entries = try await client.withOpenConnection(logger: logger) {
            try await AuditLog.entries(action: Self.unsealAction, subject: application.map { .application($0) }, limit: limit, on: $0, logger: logger)
        }
        return entries.map {
            Unsealing(
                at: $0.at, actor: $0.actor, application: $0.subject.hasPrefix("application:") ? Int64($0.subject.dropFirst(12)) : nil,
                round: $0.detail["round"].flatMap { Int64($0) }, purpose: $0.detail["purpose"].flatMap(ExportPurpose.init(rawValue:)))
        }
    }

    func readableRound(_ id: Int64, by reader: ReportReader, on connection: PostgresConnection) async throws -> RoundRecord {
        let round = try await store.round(id, on: connection)
        if case .institution(let institution) = reader, round.institutionID != institution {
            throw StoreError.noRound(id)
        }
        return round
    }

    /// Rounds whose public notice has been published, the latest first.
    public func publishedNotices(limit: Int = 50) async throws -> [RoundSummary] {
        try await client.withOpenConnection(logger: logger) { try await store.publishedNotices(limit: limit, on: $0) }
    }
}

/// An identity number unsealed, as the audit log keeps it.
public struct Unsealing: Sendable {
    public let at: Date
    /// Who: `bureau:officer`, as the audit log names actors.
    public let actor: String
    /// Whose: the application the number was read for.
    public let application: Int64?
    public let round: Int64?
    /// Why.
    public let purpose: ExportPurpose?
}
