import Assessment
import Foundation
import PostgresNIO

extension AssessmentStore {
    /// Files an institution with its profile; refuses a profile that cannot be right (naming the
    /// field), an id taken, and codes another institution holds.
    public func addInstitution(id: String, profile: InstitutionProfile, on connection: PostgresConnection) async throws {
        try Self.check(id: id, profile: profile)
        try await refuseTakenCodes(of: profile, except: id, on: connection)
        let inserted = try await count(
            """
            WITH i AS (
                INSERT INTO institutions (id, name, kind, agency_code, province_code, sites, series, occupations, credit_code)
                VALUES (\(id), \(profile.name), \(profile.kind.rawValue), \(profile.agencyCode), \(profile.provinceCode), \(profile.sites),
                        \(profile.series.sorted()), \(profile.occupations.sorted()), \(profile.creditCode?.text))
                ON CONFLICT (id) DO NOTHING RETURNING 1)
            SELECT count(*)::int FROM i
            """, on: connection)
        guard inserted == 1 else { throw StoreError(.duplicate, "an institution has the id \(id) already", zh: "已有编号为\(id)的机构", field: "id") }
        try await AuditLog.append(
            actor: .bureau(officer: nil), action: "file institution", subject: .institution(id),
            detail: ["kind": profile.kind.rawValue, "agencyCode": profile.agencyCode, "provinceCode": profile.provinceCode],
            on: connection, logger: logger)
    }

    /// Files an institution for a rehearsal or a test: every series and occupation, the next free
    /// agency code in Shanghai; filing it again changes nothing.
    public func addInstitution(id: String, name: String, on connection: PostgresConnection) async throws {
        guard try await first("SELECT 1 FROM institutions WHERE id = \(id)", as: Int.self, on: connection) == nil else { return }
        let next =
            try await first(
                "SELECT coalesce(max(agency_code::int), 0) + 1 FROM institutions WHERE kind = 'S' AND province_code = '31'", as: Int.self,
                on: connection) ?? 1
        let profile = InstitutionProfile(
            name: name, kind: .socialOrganisation, agencyCode: String(format: "%04d", next), provinceCode: "31", sites: ["000001"],
            series: Set(TitleSeries.all.map(\.code)), occupations: Set(Occupation.all.map(\.code)))
        try await addInstitution(id: id, profile: profile, on: connection)
    }

    /// Replaces an institution's profile; the codes of certificates already issued stay as printed.
    public func updateInstitution(id: String, profile: InstitutionProfile, on connection: PostgresConnection) async throws {
        try Self.check(id: id, profile: profile)
        _ = try await institution(id, on: connection)
        try await refuseTakenCodes(of: profile, except: id, on: connection)
        let updated = try await count(
            """
            WITH u AS (
                UPDATE institutions SET name = \(profile.name), kind = \(profile.kind.rawValue), agency_code = \(profile.agencyCode),
                       province_code = \(profile.provinceCode), sites = \(profile.sites), series = \(profile.series.sorted()),
                       occupations = \(profile.occupations.sorted()), credit_code = \(profile.creditCode?.text)
                WHERE id = \(id) RETURNING 1)
            SELECT count(*)::int FROM u
            """, on: connection)
        guard updated == 1 else { throw StoreError(.notFound, "no institution has the id \(id)", zh: "没有编号为\(id)的机构") }  // removed meanwhile
        try await AuditLog.append(
            actor: .bureau(officer: nil), action: "update institution", subject: .institution(id),
            detail: ["kind": profile.kind.rawValue, "agencyCode": profile.agencyCode, "provinceCode": profile.provinceCode],
            on: connection, logger: logger)
    }

    /// An institution's profile.
    public func institution(_ id: String, on connection: PostgresConnection) async throws -> InstitutionProfile {
        guard let profile = try await institutions(id: id, after: nil, limit: 1, on: connection).first?.profile else {
            throw StoreError(.notFound, "no institution has the id \(id)", zh: "没有编号为\(id)的机构")
        }
        return profile
    }

    /// Institutions by id, a page after `after`.
    public func institutions(after: String?, limit: Int, on connection: PostgresConnection) async throws -> [(
        id: String, profile: InstitutionProfile
    )] {
        try await institutions(id: nil, after: after, limit: limit, on: connection)
    }

    private func institutions(id: String?, after: String?, limit: Int, on connection: PostgresConnection) async throws
        -> [(id: String, profile: InstitutionProfile)]
    {
        var found: [(id: String, profile: InstitutionProfile)] = []
        for try await (rowID, name, kind, agency, province, sites, series, occupations, code) in try await connection.query(
            """
            SELECT id, name, kind, agency_code, province_code, sites, series, occupations, credit_code FROM institutions
            WHERE (\(id)::text IS NULL OR id = \(id)) AND (\(after)::text IS NULL OR id > \(after))
            ORDER BY id LIMIT \(limit)
            """, logger: logger
        ).decode((String, String, String, String, String, [String], [String], [String], String?).self) {
            found.append(
                (
                    rowID,
                    InstitutionProfile(
                        name: name, kind: try Self.stored(InstitutionProfile.Kind.self, kind, "institution \(rowID)'s kind"),
                        agencyCode: agency, provinceCode: province, sites: sites, series: Set(series), occupations: Set(occupations),
                        creditCode: code.flatMap(CreditCode.init))
                ))
        }
        return found
    }

    static func check(id: String, profile: InstitutionProfile) throws {
        guard id.wholeMatch(of: /[a-z0-9][a-z0-9._-]{0,63}/) != nil else {
            throw StoreError(
                .invalidInput, "an institution's id is 1 to 64 lower-case letters, digits, dots, dashes or underscores",
                zh: "机构编号须为 1 至 64 个小写字母、数字、点、短横线或下划线", field: "id")
        }
        if let problem = profile.problems().first { throw StoreError.invalid(problem.field, problem.message) }
    }

    private func refuseTakenCodes(of profile: InstitutionProfile, except id: String, on connection: PostgresConnection) async throws {
        if let holder = try await first(
            """
            SELECT id FROM institutions
            WHERE kind = \(profile.kind.rawValue) AND agency_code = \(profile.agencyCode) AND province_code = \(profile.provinceCode) AND id <> \(id)
            """, as: String.self, on: connection)
        {
            throw StoreError(
                .duplicate,
                "agency code \(profile.agencyCode) of kind \(profile.kind.rawValue) in province \(profile.provinceCode) is filed for \(holder)",
                zh: "省份\(profile.provinceCode)中类别为\(profile.kind.rawValue)的机构代码\(profile.agencyCode)已备案给\(holder)",
                field: "agencyCode")
        }
    }
}
