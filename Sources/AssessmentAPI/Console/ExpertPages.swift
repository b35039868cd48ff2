import Foundation
import Hummingbird
import Workflow

/// An institution's expert database (专家库): its experts with their fields, grades, terms and
/// status; filing one or importing the register; suspending, resuming or retiring one. Forms
/// become the API's `ReviewerBody`.
struct ExpertPages {
    let workflow: Workflow

    func add(to group: RouterGroup<APIContext>) {
        group.get("experts") { _, context in
            let institution = try context.require(.institution)
            let language = context.visit?.language ?? .zh
            let experts = try await workflow.experts(institution: institution, status: nil, after: nil, limit: 500)
            return WebPage(
                "experts", .init(zh: "专家库", en: "Expert database"),
                [
                    "experts": experts.map { expert in
                        var row: [String: Any] = [
                            "id": expert.id, "name": expert.name, "fields": expert.fields.joined(separator: ", "),
                            "grade": expert.grade.map { String($0.rawValue) } ?? "—", "employer": expert.employer ?? "—",
                            "term": "\(expert.termStart?.description ?? "—") – \(expert.termEnd?.description ?? "—")",
                            "loadCap": String(expert.loadCap), "status": ConsoleText.text("expert.\(expert.status.rawValue)", language),
                        ]
                        row["actions"] = ExpertStatus.allCases.filter { $0 != expert.status && expert.status != .retired }.map {
                            ["value": $0.rawValue, "label": ConsoleText.text("set.\($0.rawValue)", language)]
                        }
                        return row
                    },
                    "hasExperts": !experts.isEmpty,
                    "csvColumns": ExpertCSV.columns.joined(separator: ","),
                    "fields": TitleSeries.all.map { ["value": $0.code, "label": language == .zh ? $0.chineseName : $0.name] }
                        + Occupation.all.map { ["value": $0.code, "label": language == .zh ? $0.chineseName : $0.name] },
                ]
            ).response(context)
        }
        group.post("experts") { _, context in
            let institution = try context.require(.institution)
            let form = context.visit?.form ?? FormFields()
            let id = try form.required("id", .init(zh: "专家编号", en: "the expert's id"))
            let body = ReviewerBody(
                id: id, name: form.optional("name") ?? "", fields: form.all("fields"), specialty: form.optional("specialty"),
                grade: try form.optionalInteger("grade", in: Bounds.gradeOrLevel), employer: form.optional("employer"),
                employerCode: form.optional("employerCode"), termStart: form.optional("termStart"), termEnd: form.optional("termEnd"),
                loadCap: try form.optionalInteger("loadCap", in: ExpertProfile.loadCaps),
                skillLevel: try form.optionalInteger("skillLevel", in: Bounds.gradeOrLevel),
                certificate: nil, conflicts: nil)
            try body.validate()
            try await workflow.addExpert(id: id, profile: try body.profile(), conflicts: [], institution: institution)
            return Response.seeOther("/console/experts?done=filed", context)
        }
        group.post("experts/import") { _, context in
            let institution = try context.require(.institution)
            let csv = try uploadedCSV(context, maxBytes: ExpertRoutes.importMaxBytes)
            let (added, updated) = try await workflow.importExperts(csv: csv, institution: institution)
            return Response.seeOther("/console/experts?done=imported&n=\(added + updated)", context)
        }
        group.post("experts/{reviewer}/status") { _, context in
            let institution = try context.require(.institution)
            let form = context.visit?.form ?? FormFields()
            let body = ExpertStatusBody(status: form.optional("status") ?? "")
            try await workflow.setExpertStatus(try context.reviewer(), to: try body.checked(), institution: institution)
            return Response.seeOther("/console/experts?done=status", context)
        }
    }
}
