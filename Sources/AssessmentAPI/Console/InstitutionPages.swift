import Foundation
import Hummingbird
import Workflow

/// An institution's pages: its rounds; one round's progress by stage as a chart, closing it to
/// applications, the formal check of its dossiers (accept, or return for correction) and its
/// open objections.
struct InstitutionPages {
    let workflow: Workflow

    func add(to group: RouterGroup<APIContext>) {
        group.get("institution") { _, context in
            let institution = try context.require(.institution)
            let language = context.visit?.language ?? .zh
            let rounds = try await workflow.rounds(of: institution)
            return WebPage(
                "institution", .init(zh: "评审轮次", en: "Rounds"),
                [
                    "rounds": rounds.map {
                        [
                            "id": String($0.id), "name": $0.name, "track": ConsoleText.text("track.\($0.track.rawValue)", language),
                            "field": $0.field, "state": ConsoleText.roundState($0.state, language),
                        ]
                    },
                    "hasRounds": !rounds.isEmpty,
                ]
            ).response(context)
        }
        group.get("rounds/{id}") { _, context in
            let (institution, id) = (try context.require(.institution), try context.id())
            let language = context.visit?.language ?? .zh
            let round = try await workflow.round(id, institution: institution)
            let (_, counts) = try await workflow.progress(round: id, institution: institution)
            let title = ConsoleText.text("progressChart", language)
            let chart = BarChart(
                title: title,
                bars: ApplicationState.allCases.map { state in
                    let name = ConsoleText.stage(state)
                    return (language == .zh ? name.zh : name.en, counts[state] ?? 0)
                })
            let awaiting = try await workflow.applications(inRound: id, institution: institution, state: .submitted, after: 0, limit: 200)
                .filter { $0.formalCheck.checkedAt == nil && $0.formalCheck.correctBy == nil }
            let objections = try await workflow.objections(round: id, institution: institution, openOnly: true, after: 0, limit: 200)
            return WebPage(
                "round", .init(zh: round.name, en: round.name),
                [
                    "id": String(id), "round": String(id), "state": ConsoleText.roundState(round.state, language), "chart": chart.svg,
                    "total": String(counts.values.reduce(0, +)), "mayClose": round.state == .open,
                    "awaiting": awaiting.map { ApplicantPages.summary($0, language) }, "hasAwaiting": !awaiting.isEmpty,
                    "objections": objections.map {
                        [
                            "id": String($0.id), "application": String($0.application), "filedBy": $0.filedBy, "statement": $0.statement,
                            "contact": $0.contact ?? "—",
                        ]
                    },
                    "hasObjections": !objections.isEmpty,
                ]
            ).response(context)
        }
        group.get("applications/{id}/dossier") { _, context in
            let (institution, id) = (try context.require(.institution), try context.id())
            let language = context.visit?.language ?? .zh
            let dossier = try await workflow.dossier(of: id, for: .institution(institution))
            let record = RecordView(dossier.profile)
            var values = ApplicantPages.summary(dossier.application, language)
            values["education"] = ApplicantPages.educationNames[dossier.profile.education].map { language == .zh ? $0.zh : $0.en } ?? record.education
            values["titles"] = record.titles.map { "\($0.series) \($0.grade) (\($0.obtained))" }
            values["levels"] = record.skillLevels.map { "\($0.occupation) \($0.level) (\($0.obtained))" }
            values["work"] = record.workHistory.map { "\($0.employer) \($0.creditCode ?? "") \($0.start)–\($0.end ?? "")" }
            values["works"] = dossier.works.map {
                ["title": $0.title, "url": $0.url, "platform": $0.platform, "published": $0.published.description]
            }
            values["files"] = dossier.files.map {
                [
                    "name": $0.name, "sha256": $0.sha256, "purpose": ConsoleText.text("purpose.\($0.purpose.rawValue)", language),
                    "size": String($0.size),
                ]
            }
            if let pledge = dossier.pledge { values["pledgedAt"] = ApplicantPages.time(pledge.signedAt) }
            return WebPage("dossier", .init(zh: "申请 \(id) 的材料", en: "Dossier of application \(id)"), values).response(context)
        }
        group.get("applications/{id}/files/{sha256}") { _, context in
            let (file, bytes) = try await workflow.evidenceFile(try context.sha256(), of: try context.id(), for: try context.dossierReader())
            return MaterialRoutes.download(file, bytes)
        }
        group.post("rounds/{id}/close") { _, context in
            let (institution, id) = (try context.require(.institution), try context.id())
            try await workflow.closeApplicationsNow(round: id, institution: institution)
            return Response.seeOther("/console/rounds/\(id)?done=closed", context)
        }
        group.post("applications/{id}/formal-check") { _, context in
            let (institution, id) = (try context.require(.institution), try context.id())
            let form = context.visit?.form ?? FormFields()
            let round = try form.integer("round", in: Bounds.id)
            let reasons = (form.optional("reasons") ?? "").split(whereSeparator: \.isNewline).map {
                $0.trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }
            let body = FormalCheckBody(
                decision: try form.required("decision", .init(zh: "审查结论", en: "the decision")), reasons: reasons.isEmpty ? nil : reasons,
                correctBy: form.optional("correctBy"))
            try await workflow.formalCheck(id, institution: institution, decision: try body.checked())
            return Response.seeOther("/console/rounds/\(round)?done=checked", context)
        }
        group.post("objections/{id}/handle") { _, context in
            let (institution, id) = (try context.require(.institution), try context.id())
            let form = context.visit?.form ?? FormFields()
            let round = try form.integer("round", in: Bounds.id)
            let body = ResolutionBody(
                resolution: try form.required("resolution", .init(zh: "处理意见", en: "the resolution")), suspendResult: form.optional("suspend") == "yes"
            )
            try body.validate()
            try await workflow.handleObjection(id, institution: institution, resolution: body.resolution, suspendResult: body.suspendResult ?? false)
            return Response.seeOther("/console/rounds/\(round)?done=handled", context)
        }
    }
}
