import Assessment
import Crypto
import Foundation
import PostgresNIO
import Secrets

/// What an applicant declares of themselves; the date of birth comes from the identity document
/// and a bar from a revocation, so neither is declared.
public struct DeclaredRecord: Sendable, Hashable {
    public var education: Policy.Education
    public var isRetired: Bool
    public var titles: [Applicant.HeldTitle]
    public var skillLevels: [Applicant.HeldSkillLevel]
    public var workHistory: [Applicant.Employment]
    public var training: [Applicant.Training]

    /// A record.
    public init(
        education: Policy.Education, isRetired: Bool, titles: [Applicant.HeldTitle], skillLevels: [Applicant.HeldSkillLevel],
        workHistory: [Applicant.Employment], training: [Applicant.Training] = []
    ) {
        (self.education, self.isRetired, self.titles, self.skillLevels, self.workHistory, self.training) =
            (education, isRetired, titles, skillLevels, workHistory, training)
    }

    /// `profile` with this record declared in it.
    func applied(to profile: Applicant) -> Applicant {
        var profile = profile
        (profile.education, profile.isRetired, profile.titles, profile.skillLevels, profile.workHistory, profile.training) =
            (education, isRetired, titles, skillLevels, workHistory, training)
        return profile
    }
}

/// The integrity pledge as an applicant signed it.
public struct SignedPledge: Sendable, Hashable, Codable {
    /// The version of the text signed.
    public let version: String
    /// When.
    public let signedAt: Date
}

/// One return for correction (补正): what to correct, by when, and when it came back.
public struct Correction: Sendable, Hashable, Codable {
    public let reasons: [String]
    public let correctBy: CalendarDate
    public let returnedAt: Date
    public var resubmittedAt: Date?
}

/// An evidence file of an application, without its bytes.
public struct EvidenceFile: Sendable, Hashable {
    /// The SHA-256 of the bytes, in lower-case hex: the file's name in the store.
    public let sha256: String
    public let name: String
    public let purpose: EvidencePurpose
    public let mediaType: EvidenceMediaType
    public let size: Int64
    public let addedAt: Date
}

/// Everything an application was filed with: what the formal check reads.
public struct Dossier: Sendable {
    public let application: ApplicationRecord
    /// The record as declared when the application was last (re)submitted.
    public let profile: Applicant
    public let works: [WorkReference]
    public let pledge: SignedPledge?
    public let files: [EvidenceFile]
    /// When the formal check accepted it, if it did.
    public let checkedAt: Date?
    /// While returned: the deadline to resubmit.
    public let correctBy: CalendarDate?
    public let corrections: [Correction]
}

/// What the formal check decided.
public enum FormalCheckDecision: Sendable, Hashable {
    /// Complete and consistent: eligibility may run.
    case accept
    /// Returned for correction by a day, with what to correct.
    case returnForCorrection(reasons: [String], correctBy: CalendarDate)

    /// At most this many reasons per return, each at most 500 characters.
    public static let reasons = 1...20
    public static let reasonLength = 1...500
}

extension AssessmentStore {

    /// Replaces what an applicant declares; refuses a record that cannot be true today. Applications
    /// that are still the applicant's to change (awaiting their formal check in an open round, or
    /// returned for correction) take it at once; checked ones keep what they were filed with, and
    /// their institution decides a correction (`requestCorrection`).
    public func correctRecord(of applicant: Int64, to record: DeclaredRecord, on connection: PostgresConnection) async throws {
        guard let stored = try await first("SELECT profile::text FROM applicants WHERE id = \(applicant) FOR UPDATE", as: String.self, on: connection)
        else { throw StoreError.noApplicant(applicant) }
        let profile = record.applied(to: try Self.decode(Applicant.self, stored))
        let today = try RoundRecord.today()
        if let problem = profile.problems(today: today).first {
            throw StoreError.invalid(problem.field, problem.message)
        }
        let json = try Self.json(profile)
        try await connection.query("UPDATE applicants SET profile = \(json)::jsonb WHERE id = \(applicant)", logger: logger)
        let carried = try await count(
            """
            WITH carried AS (
                UPDATE applications p SET profile = \(json)::jsonb FROM rounds r
                WHERE p.applicant_id = \(applicant) AND r.id = p.round_id
                  AND ((p.state = 'submitted' AND p.checked_at IS NULL AND r.state = 'open') OR p.state = 'returned')
                RETURNING p.id)
            SELECT count(*)::int FROM carried
            """, on: connection)
        try await AuditLog.append(
            actor: .applicant(applicant), action: "correct record", subject: .applicant(applicant), detail: ["applications": String(carried)],
            on: connection, logger: logger)
    }

    /// The application, locked, if `applicant` filed it and may still change what it carries: it
    /// awaits its formal check (or, without one, its eligibility check) in an open round, or it was
    /// returned for correction and the deadline has not passed.
    private func editableApplication(_ id: Int64, of applicant: Int64, on connection: PostgresConnection) async throws -> (
        application: ApplicationRecord, round: RoundRecord, now: Date
    ) {
        let (application, round, now) = try await applicationInRound(id, lock: true, on: connection)
        guard application.applicantID == applicant else { throw StoreError.noApplication(id) }
        let today = try Self.day(of: round, at: now)
        let check = application.formalCheck
        switch application.state {
        case .submitted where check.checkedAt == nil && round.state == .open: break
        case .returned:
            if let correctBy = check.correctBy, today > correctBy {
                throw StoreError(
                    .wrongState, "the deadline to correct application \(id) was \(correctBy); it has passed",
                    zh: "申请\(id)的补正期限为\(correctBy)，已经过期")
            }
        default:
            throw StoreError(
                .wrongState, "application \(id) was checked already; its materials can no longer change", zh: "申请\(id)已通过形式审查，材料不能再修改")
        }
        return (application, round, now)
    }

    /// Sets the works an application points to and, when `signPledge`, signs the integrity pledge.
    public func setMaterials(
        of id: Int64, applicant: Int64, works: [WorkReference], signPledge: Bool, on connection: PostgresConnection
    ) async throws {
        let (_, round, now) = try await editableApplication(id, of: applicant, on: connection)
        if let problem = Materials.problems(of: works, today: try Self.day(of: round, at: now)).first {
            throw StoreError.invalid(problem.field, problem.message)
        }
        let pledge = signPledge ? try Self.json(SignedPledge(version: IntegrityPledge.version, signedAt: now)) : nil
        try await connection.query(
            """
            UPDATE applications SET works = \(try Self.json(works))::jsonb, pledge = coalesce(\(pledge)::jsonb, pledge)
            WHERE id = \(id)
            """, logger: logger)
        try await AuditLog.append(
            actor: .applicant(applicant), action: signPledge ? "set materials, sign pledge" : "set materials", subject: .application(id),
            on: connection, logger: logger)
    }

    /// Adds an evidence file to an application; the bytes are stored once however many applications
    /// carry them. Refuses a type the bytes are not, and more than `Materials.files` files.
    public func addFile(
        to id: Int64, applicant: Int64, bytes: ByteBuffer, name: String, purpose: EvidencePurpose, on connection: PostgresConnection
    ) async throws -> EvidenceFile {
        _ = try await editableApplication(id, of: applicant, on: connection)
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard Materials.fileName.contains(name.count), !name.contains(where: { $0.isNewline || $0 == "/" || $0 == "\\" }) else {
            throw StoreError(
                .invalidInput, "a file's name has 1 to 200 characters and no slash or line break", zh: "文件名须为 1 至 200 个字符，不含斜杠或换行",
                field: "name")
        }
        guard bytes.readableBytes > 0, let type = EvidenceMediaType.sniff(bytes.readableBytesView) else {
            let kinds = EvidenceMediaType.allCases.map(\.rawValue).joined(separator: ", ")
            throw StoreError(
                .invalidInput, "the file is none of the accepted kinds (\(kinds)); convert it, e.g. to PDF",
                zh: "文件不属于可接受的类型（\(kinds)）；请转换格式，例如转为 PDF", field: "body")
        }
        let digest = Array(SHA256.hash(data: bytes.readableBytesView))
        let hash = ByteBuffer(bytes: digest)
        if try await count("SELECT count(*)::int FROM application_files WHERE application_id = \(id) AND sha256 <> \(hash)", on: connection)
            >= Materials.files
        {
            throw StoreError(
                .wrongState, "an application carries at most \(Materials.files) files; remove one first", zh: "每份申请至多 \(Materials.files) 个文件；请先删除一个")
        }
        // One writer per content at a time: a large object written for a hash already stored would be orphaned.
        let lockKey = digest.prefix(8).reduce(Int64(0)) { $0 << 8 | Int64($1) }
        try await connection.query("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
        try await connection.query(
            """
            INSERT INTO stored_files (sha256, size, media_type, object)
            SELECT \(hash), \(Int64(bytes.readableBytes)), \(type.rawValue), lo_from_bytea(0, \(bytes))
            WHERE NOT EXISTS (SELECT 1 FROM stored_files WHERE sha256 = \(hash))
            """, logger: logger)
        try await connection.query(
            """
            INSERT INTO application_files (application_id, sha256, name, purpose) VALUES (\(id), \(hash), \(name), \(purpose.rawValue))
            ON CONFLICT (application_id, sha256) DO UPDATE SET name = excluded.name, purpose = excluded.purpose
            """, logger: logger)
        try await AuditLog.append(actor: .applicant(applicant), action: "add file", subject: .application(id), on: connection, logger: logger)
        guard let file = try await files(of: id, sha256: digest, on: connection).first else {
            throw StoreError.noApplication(id)  // removed meanwhile
        }
        return file.description
    }

    /// Removes an evidence file from an application; bytes no application carries any more are deleted.
    public func removeFile(_ sha256: String, from id: Int64, applicant: Int64, on connection: PostgresConnection) async throws {
        _ = try await editableApplication(id, of: applicant, on: connection)
        guard let digest = Self.digest(hex: sha256) else {
            throw StoreError(.notFound, "application \(id) carries no file \(sha256)", zh: "申请\(id)没有此文件")
        }
        let hash = ByteBuffer(bytes: digest)
        guard
            try await count(
                "WITH d AS (DELETE FROM application_files WHERE application_id = \(id) AND sha256 = \(hash) RETURNING 1) SELECT count(*)::int FROM d",
                on: connection) == 1
        else { throw StoreError(.notFound, "application \(id) carries no file \(sha256)", zh: "申请\(id)没有此文件") }
        try await connection.query(
            """
            WITH gone AS (
                DELETE FROM stored_files s WHERE s.sha256 = \(hash)
                AND NOT EXISTS (SELECT 1 FROM application_files f WHERE f.sha256 = s.sha256)
                RETURNING object
            )
            SELECT lo_unlink(object) FROM gone
            """, logger: logger)
        try await AuditLog.append(actor: .applicant(applicant), action: "remove file", subject: .application(id), on: connection, logger: logger)
    }

    /// The evidence files of an application, in the order they were added.
    public func files(of id: Int64, on connection: PostgresConnection) async throws -> [EvidenceFile] {
        try await files(of: id, sha256: nil, on: connection).map(\.description)
    }

    /// The bytes of an evidence file an application carries, with its description, or a notFound error.
    public func fileContent(_ sha256: String, of id: Int64, on connection: PostgresConnection) async throws -> (EvidenceFile, ByteBuffer) {
        guard let digest = Self.digest(hex: sha256), let file = try await files(of: id, sha256: digest, withBytes: true, on: connection).first,
            let bytes = file.bytes
        else { throw StoreError(.notFound, "application \(id) carries no file \(sha256)", zh: "申请\(id)没有此文件") }
        return (file.description, bytes)
    }

    /// An application's files, or the one of `sha256`, with their bytes when asked for.
    private func files(of id: Int64, sha256 digest: [UInt8]?, withBytes: Bool = false, on connection: PostgresConnection) async throws
        -> [(description: EvidenceFile, bytes: ByteBuffer?)]
    {
        let hash = digest.map { ByteBuffer(bytes: $0) }
        var files: [(description: EvidenceFile, bytes: ByteBuffer?)] = []
        for try await (stored, name, purpose, type, size, added, bytes) in try await connection.query(
            """
            SELECT f.sha256, f.name, f.purpose, s.media_type, s.size, f.added_at, CASE WHEN \(withBytes) THEN lo_get(s.object) END
            FROM application_files f JOIN stored_files s USING (sha256)
            WHERE f.application_id = \(id) AND (\(hash)::bytea IS NULL OR f.sha256 = \(hash))
            ORDER BY f.added_at, f.sha256
            """, logger: logger
        ).decode((ByteBuffer, String, String, String, Int64, Date, ByteBuffer?).self) {
            let file = EvidenceFile(
                sha256: Self.hex(Array(stored.readableBytesView)), name: name,
                purpose: try Self.stored(EvidencePurpose.self, purpose, "a file's purpose"),
                mediaType: try Self.stored(EvidenceMediaType.self, type, "a file's type"), size: size, addedAt: added)
            files.append((file, bytes))
        }
        return files
    }

    /// Everything an application was filed with.
    public func dossier(of id: Int64, on connection: PostgresConnection) async throws -> Dossier {
        let application = try await application(id, on: connection)
        let row = try await first(
            """
            SELECT coalesce(a.profile, p.profile)::text, a.works::text, a.pledge::text, a.checked_at, a.correct_by::text, a.corrections::text
            FROM applications a JOIN applicants p ON p.id = a.applicant_id WHERE a.id = \(id)
            """, as: (String, String, String?, Date?, String?, String).self, on: connection)
        guard let (profile, works, pledge, checkedAt, correctBy, corrections) = row else {
            throw StoreError.noApplication(id)
        }
        return Dossier(
            application: application, profile: try Self.decode(Applicant.self, profile), works: try Self.decode([WorkReference].self, works),
            pledge: try pledge.map { try Self.decode(SignedPledge.self, $0) }, files: try await files(of: id, on: connection),
            checkedAt: checkedAt, correctBy: try correctBy.map(CalendarDate.column), corrections: try Self.decode([Correction].self, corrections))
    }

    /// The record eligibility judges: as declared when the application was last (re)submitted;
    /// beside it, the last day of a bar from titles its applicant is under on the application date.
    public func declaredProfile(of id: Int64, on connection: PostgresConnection) async throws -> (profile: Applicant, titleBarUntil: CalendarDate?) {
        guard
            let (profile, bar) = try await first(
                """
                SELECT coalesce(a.profile, p.profile)::text,
                       (SELECT max(until)::text FROM title_bars b WHERE b.applicant_id = a.applicant_id AND b.until >= a.applied_on)
                FROM applications a JOIN applicants p ON p.id = a.applicant_id WHERE a.id = \(id)
                """, as: (String, String?).self, on: connection)
        else { throw StoreError.noApplication(id) }
        return (try Self.decode(Applicant.self, profile), try bar.map(CalendarDate.column))
    }

    /// Records the formal check of an application of `institution`'s round: accepting needs the
    /// signed pledge; returning sets the deadline, which must lie after today. Returns the
    /// application as it was and the round.
    public func recordFormalCheck(
        _ id: Int64, institution: String, decision: FormalCheckDecision, on connection: PostgresConnection
    ) async throws -> (ApplicationRecord, RoundRecord, corrections: Int) {
        let (application, round, now) = try await applicationInRound(id, lock: true, on: connection)
        guard round.institutionID == institution else { throw StoreError.noApplication(id) }
        guard round.policy.formalCheck else {
            throw StoreError(
                .wrongState, "round \(round.id) has no formal check: its applications go to eligibility on submission",
                zh: "评审轮次\(round.id)不设形式审查：申请提交后即进行资格审核")
        }
        let check = application.formalCheck
        guard application.state == .submitted, check.checkedAt == nil else {
            throw StoreError(
                .wrongState, "application \(id) does not await its formal check (it is \(application.state.rawValue))",
                zh: "申请\(id)不在待形式审查状态（当前为 \(application.state.rawValue)）")
        }
        switch decision {
        case .accept:
            guard check.pledged else {
                throw StoreError(
                    .wrongState, "application \(id) has no signed integrity pledge; return it for correction instead",
                    zh: "申请\(id)未签署诚信承诺书；请退回补正")
            }
            try await connection.query("UPDATE applications SET checked_at = now() WHERE id = \(id)", logger: logger)
        case .returnForCorrection(let reasons, let correctBy):
            guard FormalCheckDecision.reasons.contains(reasons.count),
                reasons.allSatisfy({ FormalCheckDecision.reasonLength.contains($0.trimmingCharacters(in: .whitespacesAndNewlines).count) })
            else {
                throw StoreError(
                    .invalidInput, "give 1 to 20 reasons of 1 to 500 characters, each saying what to correct",
                    zh: "请写明 1 至 20 条补正理由，每条 1 至 500 个字符", field: "reasons")
            }
            let today = try Self.day(of: round, at: now)
            guard correctBy > today, correctBy <= (try today.adding(days: 90)) else {
                throw StoreError(
                    .invalidInput, "the deadline must lie 1 to 90 days after today (\(today))", zh: "补正期限须在今天（\(today)）之后 1 至 90 天内",
                    field: "correctBy")
            }
            let entry = Correction(reasons: reasons, correctBy: correctBy, returnedAt: now)
            try await connection.query(
                """
                UPDATE applications SET state = 'returned', correct_by = \(correctBy.description)::date,
                       corrections = corrections || jsonb_build_array(\(try Self.json(entry))::jsonb)
                WHERE id = \(id)
                """, logger: logger)
        }
        let action = if case .accept = decision { "formal check: accept" } else { "formal check: return" }
        try await AuditLog.append(actor: .institution(institution), action: action, subject: .application(id), on: connection, logger: logger)
        return (application, round, check.returns + 1)
    }

    /// The applicant resubmits an application returned for correction, with their record as it now
    /// stands; it awaits the formal check again. Returns the round and how many times it was returned.
    public func resubmit(_ id: Int64, applicant: Int64, on connection: PostgresConnection) async throws -> (round: RoundRecord, returns: Int) {
        let (application, round, now) = try await editableApplication(id, of: applicant, on: connection)
        guard application.state == .returned else {
            throw StoreError(.wrongState, "application \(id) was not returned for correction", zh: "申请\(id)未被退回补正")
        }
        let profile = try await first("SELECT profile::text FROM applicants WHERE id = \(applicant)", as: String.self, on: connection)
        let stored = try await first("SELECT corrections::text FROM applications WHERE id = \(id)", as: String.self, on: connection)
        var corrections = try Self.decode([Correction].self, stored ?? "[]")
        if !corrections.isEmpty { corrections[corrections.count - 1].resubmittedAt = now }
        try await connection.query(
            """
            UPDATE applications SET state = 'submitted', correct_by = NULL, profile = \(profile)::jsonb,
                   corrections = \(try Self.json(corrections))::jsonb
            WHERE id = \(id)
            """, logger: logger)
        try await AuditLog.append(actor: .applicant(applicant), action: "resubmit", subject: .application(id), on: connection, logger: logger)
        return (round, corrections.count)
    }

    /// An application still returned after its deadline becomes ineligible; false when it was
    /// resubmitted (or its deadline has not passed on the round's clock).
    public func lapseCorrection(_ id: Int64, on connection: PostgresConnection) async throws -> CalendarDate? {
        let (application, round, now) = try await applicationInRound(id, lock: true, on: connection)
        guard application.state == .returned, let deadline = application.formalCheck.correctBy else { return nil }
        let today = try Self.day(of: round, at: now)
        guard today > deadline else { return nil }
        let reasons = [IneligibilityReason.notCorrected(by: deadline).text.both]
        try await connection.query(
            """
            UPDATE applications SET state = 'ineligible', correct_by = NULL, reasons = \(try Self.json(reasons))::jsonb,
                                    ineligible_on = \(today.description)::date
            WHERE id = \(id)
            """, logger: logger)
        return deadline
    }

    static func hex(_ bytes: [UInt8]) -> String { Hex.encode(bytes) }

    static func digest(hex: String) -> [UInt8]? { hex.count == 64 ? Hex.decode(hex) : nil }
}
