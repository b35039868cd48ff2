import Foundation
import Hummingbird
import Workflow

/// Reviewers' pages: their open cases, blind; one case with the works it is judged by; scoring
/// with a comment; declaring a conflict, after which the case is drawn afresh for another.
struct ReviewerPages {
    let workflow: Workflow

    func add(to group: RouterGroup<APIContext>) {
        group.get("reviews") { _, context in
            let reviewer = try context.require(.reviewer)
            let language = context.visit?.language ?? .zh
            let cases = try await workflow.openCases(of: reviewer, after: 0, limit: 200)
            return WebPage(
                "reviews", .init(zh: "待评审的案卷", en: "Cases to review"),
                ["cases": cases.map { Self.summary($0, language) }, "hasCases": !cases.isEmpty]
            ).response(context)
        }
        group.get("reviews/{id}") { _, context in
            let reviewer = try context.require(.reviewer)
            let language = context.visit?.language ?? .zh
            let materials = try await workflow.caseMaterials(try context.id(), reviewer: reviewer)
            var values = Self.summary(materials.case, language)
            values["works"] = materials.works.map { work in
                [
                    "title": work.title, "url": work.url, "platform": work.platform, "published": work.published.description,
                    "metrics": DossierView.Work(work).metrics.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: " · "),
                ]
            }
            values["hasWorks"] = !materials.works.isEmpty
            values["files"] = materials.files.map { ["name": $0.name, "sha256": $0.sha256, "size": String($0.size)] }
            values["hasFiles"] = !materials.files.isEmpty
            return WebPage("review", .init(zh: "案卷 \(materials.case.application)", en: "Case \(materials.case.application)"), values)
                .response(context)
        }
        group.get("reviews/{id}/files/{sha256}") { _, context in
            let (file, bytes) = try await workflow.caseFile(try context.sha256(), of: try context.id(), reviewer: try context.require(.reviewer))
            return MaterialRoutes.download(file, bytes)
        }
        group.post("reviews/{id}/score") { _, context in
            let (reviewer, id) = (try context.require(.reviewer), try context.id())
            let form = context.visit?.form ?? FormFields()
            let body = ScoreBody(score: try form.number("score", in: Bounds.score), comment: form.optional("comment"))
            try body.validate()
            try await workflow.submitScore(reviewer: reviewer, application: id, score: body.score, comment: body.comment)
            return Response.seeOther("/console/reviews?done=scored", context)
        }
        group.post("reviews/{id}/conflict") { _, context in
            try await workflow.declareConflict(reviewer: try context.require(.reviewer), application: try context.id())
            return Response.seeOther("/console/reviews?done=conflict", context)
        }
    }

    /// A case's line: what it is for and by when it is due, never whose it is.
    static func summary(_ blind: BlindCase, _ language: Language) -> [String: Any] {
        [
            "id": String(blind.application), "round": String(blind.round), "stage": String(blind.stage),
            "target": ApplicantPages.target(blind.target, language), "due": ApplicantPages.time(blind.dueAt),
        ]
    }
}
