import Assessment
import Foundation
import PostgresNIO

/// An expert as the institution's database holds them.
public struct ExpertRecord: Sendable {
    public let id: String
    public let name: String
    public let fields: [String]
    public let specialty: String?
    public let grade: TitleGrade?
    public let employer: String?
    public let employerCode: CreditCode?
    /// Nil for experts filed before terms were kept: they serve until given one.
    public let termStart: CalendarDate?
    public let termEnd: CalendarDate?
    public let loadCap: Int
    public let skillLevel: SkillLevel?
    public let certificate: ExaminerCertificate?
    public let status: ExpertStatus
    /// How many applicants they declared a conflict with (who, only the draw reads).
    public let conflicts: Int
}

extension AssessmentStore {
    /// Whether an expert serves today: active, and within their term where one is recorded.
    static let serving = """
        status = 'active' AND coalesce(term_start, '-infinity'::date) <= (now() AT TIME ZONE 'Asia/Shanghai')::date
                          AND coalesce(term_end, 'infinity'::date) >= (now() AT TIME ZONE 'Asia/Shanghai')::date
        """

    /// Files an expert; filing the same id again for the same institution changes nothing, and
    /// another institution's id is refused.
    public func addExpert(id: String, profile: ExpertProfile, institution: String, conflicts: Set<Int64> = [], on connection: PostgresConnection)
        async throws
    {
        try Self.check(expert: id, profile)
        guard try await first("SELECT 1 FROM institutions WHERE id = \(institution)", as: Int.self, on: connection) != nil else {
            throw StoreError(.notFound, "no institution has the id \(institution)", zh: "没有编号为\(institution)的机构")
        }
        let owner = try await first(
            """
            WITH added AS (
                INSERT INTO reviewers (id, institution_id, name, fields, specialty, grade, employer, employer_code, term_start, term_end,
                                       conflicts, load_cap, skill_level, certificate_kind, certificate_number, certificate_until)
                VALUES (\(id), \(institution), \(profile.name), \(profile.fields.sorted()), \(profile.specialty),
                        \(profile.grade.map { Int16($0.rawValue) }), \(profile.employer), \(profile.employerCode?.text),
                        \(profile.termStart.description)::date, \(profile.termEnd.description)::date, \(Array(conflicts)), \(profile.loadCap),
                        \(profile.skillLevel.map { Int16($0.rawValue) }), \(profile.certificate?.kind.rawValue), \(profile.certificate?.number),
                        \(profile.certificate?.validUntil.description)::date)
                ON CONFLICT (id) DO NOTHING
                RETURNING institution_id
            )
            SELECT institution_id FROM added UNION ALL SELECT institution_id FROM reviewers WHERE id = \(id) LIMIT 1
            """, as: String.self, on: connection)
        guard owner == institution else {
            throw StoreError(
                .duplicate, "the expert id \(id) belongs to another institution; choose another", zh: "专家编号\(id)属于其他机构；请另选编号", field: "id")
        }
        try await AuditLog.append(
            actor: .institution(institution), action: "file expert", subject: .institution(institution), detail: ["expert": id],
            on: connection, logger: logger)
    }

    /// Adds a reviewer for a rehearsal, a bench or a test: a full term from today, and where the
    /// reviewer holds no grade, 正高级, so that every case is theirs.
    public func addReviewer(_ reviewer: Reviewer, name: String, institution: String, on connection: PostgresConnection) async throws {
        let today = try RoundRecord.today()
        let profile = ExpertProfile(
            name: name, fields: reviewer.fields, grade: reviewer.grade ?? .senior, employer: reviewer.employer,
            employerCode: reviewer.employerCode, termStart: today, termEnd: try ExpertProfile.fullTerm(from: today), loadCap: reviewer.loadCap)
        try await addExpert(
            id: reviewer.id.rawValue, profile: profile, institution: institution, conflicts: Set(reviewer.declaredConflicts.compactMap(Int64.init)),
            on: connection)
        if !reviewer.isAvailable { try await setExpertStatus(reviewer.id.rawValue, to: .suspended, institution: institution, on: connection) }
    }

    /// Replaces what the institution filed of one of its experts; their declared conflicts stay.
    public func updateExpert(id: String, profile: ExpertProfile, institution: String, on connection: PostgresConnection) async throws {
        try Self.check(expert: id, profile)
        let updated = try await count(
            """
            WITH u AS (
                UPDATE reviewers SET name = \(profile.name), fields = \(profile.fields.sorted()), specialty = \(profile.specialty),
                       grade = \(profile.grade.map { Int16($0.rawValue) }), employer = \(profile.employer),
                       employer_code = \(profile.employerCode?.text), term_start = \(profile.termStart.description)::date,
                       term_end = \(profile.termEnd.description)::date, load_cap = \(profile.loadCap),
                       skill_level = \(profile.skillLevel.map { Int16($0.rawValue) }), certificate_kind = \(profile.certificate?.kind.rawValue),
                       certificate_number = \(profile.certificate?.number), certificate_until = \(profile.certificate?.validUntil.description)::date
                WHERE id = \(id) AND institution_id = \(institution) RETURNING 1)
            SELECT count(*)::int FROM u
            """, on: connection)
        guard updated == 1 else { throw StoreError(.notFound, "no expert of yours has the id \(id)", zh: "贵机构没有编号为\(id)的专家") }
        try await AuditLog.append(
            actor: .institution(institution), action: "update expert", subject: .institution(institution), detail: ["expert": id],
            on: connection, logger: logger)
    }

    /// Suspends, resumes or retires an expert; a retired expert stays retired.
    public func setExpertStatus(_ id: String, to status: ExpertStatus, institution: String, on connection: PostgresConnection) async throws {
        guard
            let current = try await first(
                "SELECT status FROM reviewers WHERE id = \(id) AND institution_id = \(institution) FOR UPDATE", as: String.self, on: connection)
        else { throw StoreError(.notFound, "no expert of yours has the id \(id)", zh: "贵机构没有编号为\(id)的专家") }
        guard current != ExpertStatus.retired.rawValue || status == .retired else {
            throw StoreError(.wrongState, "expert \(id) is retired; file a new id to bring them back", zh: "专家\(id)已退出专家库；如需再聘请以新编号登记")
        }
        try await connection.query("UPDATE reviewers SET status = \(status.rawValue) WHERE id = \(id)", logger: logger)
        try await AuditLog.append(
            actor: .institution(institution), action: "expert \(status.rawValue)", subject: .institution(institution), detail: ["expert": id],
            on: connection, logger: logger)
    }

    /// Files or replaces every expert of a file at once; refuses the whole file when an id
    /// belongs to another institution. Returns how many were new and how many replaced.
    public func importExperts(_ experts: [(id: String, profile: ExpertProfile)], institution: String, on connection: PostgresConnection)
        async throws -> (added: Int, updated: Int)
    {
        let ids = experts.map(\.id)
        if let taken = try await first(
            "SELECT id FROM reviewers WHERE id = ANY(\(ids)) AND institution_id <> \(institution) ORDER BY id LIMIT 1", as: String.self,
            on: connection)
        {
            throw StoreError(
                .duplicate, "the expert id \(taken) belongs to another institution; choose another", zh: "专家编号\(taken)属于其他机构；请另选编号", field: "id")
        }
        var existing: Set<String> = []
        for try await id in try await connection.query("SELECT id FROM reviewers WHERE id = ANY(\(ids))", logger: logger).decode(String.self) {
            existing.insert(id)
        }
        for (id, profile) in experts {
            if existing.contains(id) {
                try await updateExpert(id: id, profile: profile, institution: institution, on: connection)
            } else {
                try await addExpert(id: id, profile: profile, institution: institution, on: connection)
            }
        }
        return (experts.count - existing.count, existing.count)
    }

    /// An institution's experts by id after `after`, optionally in one status.
    public func experts(institution: String, status: ExpertStatus?, after: String?, limit: Int, on connection: PostgresConnection) async throws
        -> [ExpertRecord]
    {
        var records: [ExpertRecord] = []
        for try await (id, name, fields, specialty, grade, employer, code, start, end, loadCap, state, conflicts, examining)
            in try await connection
            .query(
                """
                SELECT id, name, fields, specialty, grade::int, employer, employer_code, term_start::text, term_end::text, load_cap, status,
                       cardinality(conflicts), \(unescaped: Self.examinerColumns)
                FROM reviewers
                WHERE institution_id = \(institution) AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
                  AND (\(after)::text IS NULL OR id > \(after))
                ORDER BY id LIMIT \(limit)
                """, logger: logger
            ).decode((String, String, [String], String?, Int?, String?, String?, String?, String?, Int, String, Int, String).self)
        {
            let examiner = try Self.examiner(examining)
            records.append(
                ExpertRecord(
                    id: id, name: name, fields: fields, specialty: specialty, grade: grade.flatMap(TitleGrade.init(rawValue:)),
                    employer: employer, employerCode: code.flatMap(CreditCode.init), termStart: try start.map(CalendarDate.column),
                    termEnd: try end.map(CalendarDate.column), loadCap: loadCap, skillLevel: examiner.level, certificate: examiner.certificate,
                    status: try Self.stored(ExpertStatus.self, state, "expert \(id)'s status"), conflicts: conflicts))
        }
        return records
    }

    /// An expert's level and certificate as one JSON column of `reviewers`, read by `examiner(_:)`.
    static let examinerColumns = """
        json_build_object('level', skill_level, 'kind', certificate_kind, 'number', certificate_number, 'until', certificate_until)::text
        """

    static func examiner(_ text: String) throws -> (level: SkillLevel?, certificate: ExaminerCertificate?) {
        struct Column: Decodable {
            let level: Int?
            let kind: ExaminerCertificate.Kind?
            let number: String?
            let until: String?
        }
        let column = try decode(Column.self, text)
        var certificate: ExaminerCertificate?
        if let kind = column.kind, let number = column.number, let until = column.until {
            certificate = ExaminerCertificate(kind: kind, number: number, validUntil: try CalendarDate.column(until))
        }
        return (column.level.flatMap(SkillLevel.init(rawValue:)), certificate)
    }

    private static func check(expert id: String, _ profile: ExpertProfile) throws {
        guard ExpertProfile.isValidID(id) else {
            throw StoreError(
                .invalidInput, "an expert's id is 1 to 64 letters, digits, dots, dashes or underscores", zh: "专家编号须为 1 至 64 个字母、数字、点、短横线或下划线",
                field: "id")
        }
        if let problem = profile.problems().first { throw StoreError.invalid(problem.field, problem.message) }
    }
}
