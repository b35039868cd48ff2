import Hummingbird
import Workflow

/// The HR bureau: it files institutions, confirms a round's results, which sets off the
/// certificates, and revokes them.
struct BureauRoutes {
    let workflow: Workflow

    var endpoints: Endpoints {
        var routes = Endpoints(audience: "bureau")
        routes.add(
            .post, "/v1/rounds/{id}/confirm", "Confirm a round's results", access: .role(.bureau),
            reply: .accepted("Confirmed; certificates follow"), refuses: [409]
        ) { _, context in
            try await workflow.confirmRound(try context.id(), by: try context.require(.bureau))
        }
        routes.add(
            .post, "/v1/certificates/{number}/revoke", "Revoke a certificate on its grounds; fraud bars the holder from titles for 3 years",
            access: .role(.bureau), body: RevocationBody.self, reply: .accepted("Revoked"), refuses: [404]
        ) { _, context, body in
            try await workflow.revokeCertificate(
                number: try context.parameters.require("number"), grounds: try body.revocationGrounds(), reason: body.reason)
        }
        routes.add(
            .get, "/v1/certificates", "The certificates issued, by number; those of one round when `round` is given", access: .role(.bureau),
            query: [QueryParameter(name: "round", schema: .integer(Bounds.id), description: "only this round's")] + QueryParameter.textPage,
            reply: .ok(CertificateListPage.self, "A page")
        ) { request, _ in
            let (after, limit) = try request.textPage()
            let found = try await workflow.certificates(round: try request.idFilter("round", "a round", zh: "评审轮次"), after: after, limit: limit)
            return CertificateListPage(items: found.map(CertificateListView.init), next: found.count == limit ? found.last?.number : nil)
        }
        routes.add(
            .post, "/v1/institutions", "File an evaluation institution: its kind, codes, sites and what it may evaluate",
            access: .role(.bureau), body: InstitutionBody.self, reply: .created("Filed"), refuses: [409]
        ) { _, _, body in
            try await workflow.fileInstitution(id: try body.requiredID(), profile: try body.profile())
        }
        routes.add(
            .get, "/v1/institutions", "The institutions filed, by id", access: .role(.bureau), query: QueryParameter.textPage,
            reply: .ok(InstitutionPage.self, "A page")
        ) { request, _ in
            let (after, limit) = try request.textPage()
            let found = try await workflow.institutions(after: after, limit: limit)
            return InstitutionPage(items: found.map { InstitutionView(id: $0.id, $0.profile) }, next: found.count == limit ? found.last?.id : nil)
        }
        routes.add(
            .get, "/v1/institutions/{id}", "An institution as filed", access: .role(.bureau), reply: .ok(InstitutionView.self, "The institution")
        ) { _, context in
            let id = try context.parameters.require("id")
            return InstitutionView(id: id, try await workflow.institution(id))
        }
        routes.add(
            .put, "/v1/institutions/{id}", "Replace an institution's profile; certificates issued keep their numbers",
            access: .role(.bureau), body: InstitutionBody.self, reply: .noContent("Updated"), refuses: [404, 409]
        ) { _, context, body in
            try await workflow.updateInstitution(id: try context.parameters.require("id"), profile: try body.profile())
        }
        return routes
    }
}

struct RevocationBody: RequestBody, Documented {
    var reason: String
    var grounds: String?

    func validate() throws { _ = try revocationGrounds() }

    func revocationGrounds() throws -> RevocationGrounds {
        guard let grounds else { return .other }
        guard let value = RevocationGrounds(rawValue: grounds) else {
            throw invalidField("grounds", "must be fraud, error or other", zh: "须为 fraud、error 或 other")
        }
        return value
    }

    static var schema: JSONSchema {
        .object(
            required: ["reason": .string(length: 1...1_000)],
            optional: ["grounds": .oneOf(RevocationGrounds.self, "fraud bars the holder from titles for 3 years; other unless given")])
    }
}

struct InstitutionBody: RequestBody, Documented {
    var id: String?
    var name: String
    var kind: String
    var agencyCode: String
    var provinceCode: String
    var sites: [String]
    var series: [String]?
    var occupations: [String]?
    var creditCode: String?

    func validate() throws {
        guard (series?.count ?? 0) <= 20, (occupations?.count ?? 0) <= 100, sites.count <= 100 else {
            throw invalidField(
                "series", "and occupations and sites must list at most 20, 100 and 100", zh: "、occupations 与 sites 至多分别列出 20、100 与 100 项")
        }
        _ = try profile()
    }

    func requiredID() throws -> String {
        guard let id else {
            throw invalidField(
                "id", "is required: 1 to 64 lower-case letters, digits, dots, dashes or underscores", zh: "必填：1 至 64 个小写字母、数字、点、连字符或下划线")
        }
        return id
    }

    func profile() throws -> InstitutionProfile {
        guard let kind = InstitutionProfile.Kind(rawValue: kind) else {
            throw invalidField("kind", "must be Y (an employer) or S (a social evaluation organisation)", zh: "须为 Y（用人单位）或 S（社会评价组织）")
        }
        var code: CreditCode?
        if let creditCode {
            guard let valid = CreditCode(creditCode) else { throw invalidField("creditCode", CreditCode.rule, zh: CreditCode.chineseRule) }
            code = valid
        }
        let profile = InstitutionProfile(
            name: name, kind: kind, agencyCode: agencyCode, provinceCode: provinceCode, sites: sites, series: Set(series ?? []),
            occupations: Set(occupations ?? []), creditCode: code)
        if let problem = profile.problems().first { throw invalidField(problem.field, problem.message.en, zh: problem.message.zh) }
        return profile
    }

    static var schema: JSONSchema {
        .object(
            required: [
                "name": .string(length: 1...200), "kind": .oneOf(InstitutionProfile.Kind.self, "Y: an employer; S: a social evaluation organisation"),
                "agencyCode": .string(pattern: "^[0-9]{4}$"), "provinceCode": .string(pattern: "^[0-9]{2}$", "31 for Shanghai"),
                "sites": .array(
                    of: .string(pattern: "^[0-9]{6}$"), count: 1...100, "assessment sites; a skills round names one, the first unless given"),
            ],
            optional: [
                "id": .string(pattern: "^[a-z0-9][a-z0-9._-]{0,63}$", "required when filing; the path names it when replacing"),
                "series": .array(of: .oneOf(TitleSeries.all.map(\.code)), count: 0...20, "title series it may evaluate"),
                "occupations": .array(of: .oneOf(Occupation.all.map(\.code)), count: 0...100, "occupations it may certify"),
                "creditCode": .string(
                    length: 18...18, "its unified social credit code; required of an employer (Y), which evaluates only its own people"
                ).orNull,
            ])
    }
}

struct InstitutionView: ResponseEncodable, Sendable, Documented {
    let id: String
    let name: String
    let kind: String
    let agencyCode: String
    let provinceCode: String
    let sites: [String]
    let series: [String]
    let occupations: [String]
    let creditCode: String?

    init(id: String, _ profile: InstitutionProfile) {
        (self.id, name, kind, agencyCode, provinceCode) = (id, profile.name, profile.kind.rawValue, profile.agencyCode, profile.provinceCode)
        (sites, series, occupations, creditCode) = (profile.sites, profile.series.sorted(), profile.occupations.sorted(), profile.creditCode?.text)
    }

    static var schema: JSONSchema {
        .object(
            required: [
                "id": .string(), "name": .string(), "kind": .oneOf(InstitutionProfile.Kind.self), "agencyCode": .string(),
                "provinceCode": .string(), "sites": .array(of: .string()), "series": .array(of: .string()), "occupations": .array(of: .string()),
            ], optional: ["creditCode": JSONSchema.string().orNull])
    }
}

struct InstitutionPage: ResponseEncodable, Sendable, Documented {
    let items: [InstitutionView]
    let next: String?

    static var schema: JSONSchema {
        .object(
            required: ["items": .array(of: .ref(InstitutionView.self))], optional: ["next": JSONSchema.string("the after= of the next page").orNull])
    }
}

/// A certificate in the bureau's register.
struct CertificateListView: Encodable, Sendable, Documented {
    let number: String
    let application: Int64
    let round: Int64
    let holder: String
    let qualification: String
    let level: String
    let issuedOn: String
    let rehearsal: Bool
    let revokedOn: String?

    init(_ listing: CertificateListing) {
        (number, application, round, holder) = (listing.number, listing.application, listing.round, NoticeNames.mask(listing.content.holderName))
        (qualification, level, issuedOn, rehearsal) = (
            listing.content.qualification, listing.content.level, listing.content.issuedOn.description, listing.content.rehearsal
        )
        revokedOn = listing.revokedAt.map { String($0.formatted(.iso8601.year().month().day())) }
    }

    static var schema: JSONSchema {
        .object(
            required: [
                "number": .string(), "application": .integer(), "round": .integer(),
                "holder": .string("the holder's name, masked as in public notices"), "qualification": .string(), "level": .string(),
                "issuedOn": .date, "rehearsal": .boolean,
            ],
            optional: ["revokedOn": JSONSchema.date.described("revoked on this day (UTC)").orNull])
    }
}

struct CertificateListPage: ResponseEncodable, Sendable, Documented {
    let items: [CertificateListView]
    let next: String?

    static var schema: JSONSchema {
        .object(
            required: ["items": .array(of: .ref(CertificateListView.self))],
            optional: ["next": JSONSchema.string("the after= of the next page").orNull]
        )
    }
}
