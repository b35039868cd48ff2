import Foundation
import Hummingbird
import Workflow

/// The bureau's register of evaluation institutions (评价机构备案): those filed, filing one, and
/// correcting one's profile. Forms become the API's `InstitutionBody`.
struct InstitutionRegisterPages {
    let workflow: Workflow
    /// The most institutions the register lists on one page; a link leads to the next.
    static let listLimit = 200

    func add(to group: RouterGroup<APIContext>) {
        group.get("institutions") { request, context in
            _ = try context.require(.bureau)
            let language = context.visit?.language ?? .zh
            let (after, _) = try request.textPage()
            let filed = try await workflow.institutions(after: after, limit: Self.listLimit)
            var values = Self.formValues(nil, language)
            values["institutions"] = filed.map { id, profile in
                [
                    "id": id, "name": profile.name, "kind": ConsoleText.text("institutionKind.\(profile.kind.rawValue)", language),
                    "sites": profile.sites.joined(separator: ", "),
                    "scope": (profile.series.sorted() + profile.occupations.sorted()).joined(separator: ", "),
                ]
            }
            values["hasInstitutions"] = !filed.isEmpty
            if filed.count == Self.listLimit, let last = filed.last {
                values["nextPage"] = "/console/institutions?after=\(ConsoleMiddleware.percentEncoded(last.id))"
            }
            return WebPage("institutions", .init(zh: "评价机构备案", en: "Evaluation institutions"), values).response(context)
        }
        group.get("institutions/{institution}") { _, context in
            _ = try context.require(.bureau)
            let id = try Self.institutionID(context)
            let profile = try await workflow.institution(id)
            return WebPage(
                "institution-profile", .init(zh: profile.name, en: profile.name), Self.formValues((id, profile), context.visit?.language ?? .zh)
            ).response(context)
        }
        group.post("institutions") { _, context in
            _ = try context.require(.bureau)
            let body = try Self.body(context.visit?.form ?? FormFields(), id: nil)
            try await workflow.fileInstitution(id: try body.requiredID(), profile: try body.profile())
            return Response.seeOther("/console/institutions?done=institutionFiled", context)
        }
        group.post("institutions/{institution}") { _, context in
            _ = try context.require(.bureau)
            let id = try Self.institutionID(context)
            try await workflow.updateInstitution(id: id, profile: try Self.body(context.visit?.form ?? FormFields(), id: id).profile())
            return Response.seeOther("/console/institutions/\(id)?done=institutionUpdated", context)
        }
    }

    static func institutionID(_ context: APIContext) throws -> String {
        guard let id = context.parameters.get("institution"), id.utf8.count <= 64 else {
            throw Problem(.notFound, "no such institution", zh: "没有该评价机构")
        }
        return id
    }

    /// The form's fields as the API's body; `id` is the path's when correcting.
    static func body(_ form: FormFields, id: String?) throws -> InstitutionBody {
        let body = InstitutionBody(
            id: id ?? form.optional("id"), name: try form.required("name", .init(zh: "机构名称", en: "the name")),
            kind: try form.required("kind", .init(zh: "机构类型", en: "the kind")),
            agencyCode: try form.required("agencyCode", .init(zh: "发证机关代码", en: "the agency code")),
            provinceCode: try form.required("provinceCode", .init(zh: "省份代码", en: "the province code")), sites: form.list("sites"),
            series: form.all("series"), occupations: form.all("occupations"), creditCode: form.optional("creditCode"))
        try body.validate()
        return body
    }

    /// What the filing form shows: blank, or an institution's profile to correct.
    static func formValues(_ filed: (id: String, profile: InstitutionProfile)?, _ language: Language) -> [String: Any] {
        let profile = filed?.profile
        var values: [String: Any] = [
            "name": profile?.name ?? "", "agencyCode": profile?.agencyCode ?? "", "provinceCode": profile?.provinceCode ?? "31",
            "sites": profile?.sites.joined(separator: "\n") ?? "", "creditCode": profile?.creditCode?.text ?? "",
            "kinds": InstitutionProfile.Kind.allCases.map {
                ["value": $0.rawValue, "label": ConsoleText.text("institutionKind.\($0.rawValue)", language), "selected": $0 == profile?.kind]
            },
            "series": TitleSeries.all.map {
                ["value": $0.code, "label": language == .zh ? $0.chineseName : $0.name, "checked": profile?.series.contains($0.code) == true]
            },
            "occupations": Occupation.all.map {
                ["value": $0.code, "label": language == .zh ? $0.chineseName : $0.name, "checked": profile?.occupations.contains($0.code) == true]
            },
        ]
        if let filed { values["id"] = filed.id }
        return values
    }
}
