import Foundation
import Hummingbird
import Workflow

/// Reviewers and examiners: their open cases, blind; conflicts they declare; their scores.
struct ReviewerRoutes {
    let workflow: Workflow

    var endpoints: Endpoints {
        var routes = Endpoints(audience: "reviewers")
        routes.add(
            .get, "/v1/reviews", "My open cases, blind", access: .role(.reviewer), query: QueryParameter.page,
            reply: .ok(Page<ReviewCaseView>.self, "A page")
        ) { request, context in
            let (after, limit) = try request.page()
            let cases = try await workflow.openCases(of: try context.require(.reviewer), after: after, limit: limit)
            return Page(cases, limit: limit, key: \.application, item: ReviewCaseView.init)
        }
        routes.add(
            .get, "/v1/reviews/{id}", "One of my open cases, blind, with the works it is judged by and their files",
            access: .role(.reviewer), reply: .ok(ReviewMaterialsView.self, "The case")
        ) { _, context in
            ReviewMaterialsView(try await workflow.caseMaterials(try context.id(), reviewer: try context.require(.reviewer)))
        }
        routes.add(
            .get, "/v1/reviews/{id}/files/{sha256}", "A work's file of one of my open cases",
            access: .role(.reviewer),
            reply: .raw(
                "the bytes, with the type they were recognised as", contentTypes: EvidenceMediaType.allCases.map(\.rawValue),
                schema: .binary)
        ) { _, context in
            let (file, bytes) = try await workflow.caseFile(try context.sha256(), of: try context.id(), reviewer: try context.require(.reviewer))
            return MaterialRoutes.download(file, bytes)
        }
        routes.add(
            .post, "/v1/reviews/{id}/conflict", "Declare a conflict of interest with a case assigned to me; it is reassigned",
            access: .role(.reviewer), reply: .accepted("Withdrawn and reassigned"), refuses: [409]
        ) { _, context in
            try await workflow.declareConflict(reviewer: try context.require(.reviewer), application: try context.id())
        }
        routes.add(
            .post, "/v1/reviews/{id}/score", "Score a case assigned to me, with a comment (评审意见) if I write one", access: .role(.reviewer),
            body: ScoreBody.self,
            reply: .noContent("Scored"), refuses: [409]
        ) { _, context, body in
            try await workflow.submitScore(
                reviewer: try context.require(.reviewer), application: try context.id(), score: body.score, comment: body.comment)
        }
        return routes
    }
}

struct ScoreBody: RequestBody, Documented {
    var score: Double
    /// What the score rests on; the workflow checks its length.
    var comment: String?

    func validate() throws { try Bounds.check(score, "score", Bounds.score) }

    static var schema: JSONSchema {
        .object(
            required: ["score": .number(Bounds.score)],
            optional: ["comment": .string(length: Workflow.commentLength, "what the score rests on (评审意见)").orNull])
    }
}

/// An open case with what its reviewer judges it by: blind.
struct ReviewMaterialsView: ResponseEncodable, Sendable, Documented {
    let `case`: ReviewCaseView
    let works: [DossierView.Work]
    let files: [EvidenceFileView]

    init(_ materials: (case: BlindCase, works: [WorkReference], files: [EvidenceFile])) {
        self.case = ReviewCaseView(materials.case)
        (works, files) = (materials.works.map(DossierView.Work.init), materials.files.map(EvidenceFileView.init))
    }

    static var schema: JSONSchema {
        .object(required: [
            "case": .ref(ReviewCaseView.self), "works": .array(of: DossierView.Work.schema),
            "files": .array(of: .ref(EvidenceFileView.self), "the works' files; never the applicant's record or other files"),
        ])
    }
}

/// A case as its reviewer sees it: blind, no name and no identity number.
struct ReviewCaseView: Encodable, Sendable, Documented {
    let application: Int64
    let round: Int64
    let stage: Int
    let target: String
    let dueAt: Date

    init(_ blind: BlindCase) {
        (application, round, stage, dueAt) = (blind.application, blind.round, blind.stage, blind.dueAt)
        target =
            switch blind.target {
            case .title(let series, let grade, let specialty): "title \(series), grade \(grade.rawValue)\(specialty.map { ", \($0)" } ?? "")"
            case .skill(let occupation, let level, let direction): "skill \(occupation), level \(level.rawValue), \(direction)"
            }
    }

    static var schema: JSONSchema {
        .object(required: [
            "application": .integer(), "round": .integer(), "stage": .integer(), "target": .string("what the case is for, in words"),
            "dueAt": .dateTime,
        ])
    }
}
