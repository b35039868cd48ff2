import Foundation
import Hummingbird
import Workflow

/// An institution's pages: its rounds; one round's progress by stage as a chart, closing it to
/// applications, the formal check of its dossiers (accept, or return for correction) and its
/// open objections.
struct InstitutionPages {
    let workflow: Workflow

    /// Counts by outcome or state, each named in the reader's language; "—" when there are none.
    static func counts(_ counts: [String: Int], _ kind: String, _ language: Language) -> String {
        let named = counts.filter { $0.value > 0 }.sorted { $0.key < $1.key }.map { "\(ConsoleText.text("\(kind).\($0.key)", language)) \($0.value)" }
        return named.isEmpty ? "—" : named.joined(separator: " · ")
    }

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
                            "id": String($0.id), "name": $0.name,
                            "track": ConsoleText.text($0.track == .title ? "trackTitle" : "trackSkill", language),
                            "field": $0.field, "state": ConsoleText.roundState($0.state, language),
                        ]
                    },
                    "hasRounds": !rounds.isEmpty,
                    "fields": TitleSeries.all.map { ["value": $0.code, "label": language == .zh ? $0.chineseName : $0.name] }
                        + Occupation.all.map { ["value": $0.code, "label": language == .zh ? $0.chineseName : $0.name] },
                    "today": (try? RoundRecord.today().description) ?? "",
                ]
            ).response(context)
        }
        group.post("rounds") { _, context in
            let institution = try context.require(.institution)
            let form = context.visit?.form ?? FormFields()
            let body = RoundBody(
                name: form.optional("name") ?? "", track: form.optional("track") ?? "", kind: form.optional("kind"),
                field: form.optional("field") ?? "",
                startDate: form.optional("startDate") ?? "", closesOnDay: try form.optionalInteger("closesOnDay", in: Bounds.closesOnDay),
                scoringDays: try form.optionalInteger("scoringDays", in: Bounds.scoringDays),
                policy: PolicyChanges(
                    formalCheck: form.optional("formalCheck") == "yes",
                    committeeSize: try form.optionalInteger("committeeSize", in: Policy.Bounds.committeeSize),
                    reviewersPerCase: try form.optionalInteger("reviewersPerCase", in: Policy.Bounds.reviewersPerCase)))
            try body.validate()
            let id = try await workflow.openRound(try body.draft(institution: institution))
            return Response.seeOther("/console/rounds/\(id)?done=roundOpened", context)
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
            // Skills rounds hold sittings, scheduled here until the round's results are final.
            var sittings: [[String: String]] = []
            var sittingForm: [String: Any]?
            if round.track == .skill {
                sittings = try await workflow.sittings(round: id, for: .institution(institution)).map {
                    [
                        "id": String($0.id), "site": $0.site, "state": ConsoleText.text("sitting.\($0.state.rawValue)", language),
                        "levels": $0.levels.map { String($0.rawValue) }.sorted().joined(separator: ", "),
                    ]
                }
                if ![.finalized, .confirmed].contains(round.state) {
                    let sites = try await workflow.institution(institution).sites
                    sittingForm = SittingForm.values(sites: sites, sitting: nil, language: language)
                }
            }
            // Title rounds decide by committee; its draw and meetings are shown once there is one.
            var committee: [String: Any] = [:]
            if round.track == .title, round.kind == .review {
                committee["applies"] = true
                do {
                    let draw = try await workflow.committee(round: id, institution: institution)
                    committee["drawn"] = true
                    committee["members"] = draw.members.map(\.rawValue)
                    committee["seed"] = String(draw.seed)
                    let meetings = try await workflow.meetings(round: id, institution: institution)
                    committee["meetings"] = meetings.map { ["id": String($0.meeting), "heldOn": $0.heldOn.description, "voting": $0.voting] }
                    committee["hasMeetings"] = !meetings.isEmpty
                } catch let error as StoreError where error.code == .notFound {
                    committee["undrawn"] = true
                }
            }
            let appeals = try await workflow.awaitingAppeals(round: id, institution: institution)
            var values: [String: Any] = RoundAdminPages.values(round, appeals: appeals, language: language)
            if let sittingForm { values["sittingForm"] = sittingForm }
            return WebPage(
                "round", .init(zh: round.name, en: round.name),
                values.merging([
                    "id": String(id), "round": String(id), "state": ConsoleText.roundState(round.state, language), "chart": chart.svg,
                    "total": String(counts.values.reduce(0, +)), "mayClose": round.state == .open,
                    "awaiting": awaiting.map { ApplicantPages.summary($0, language) }, "hasAwaiting": !awaiting.isEmpty,
                    "objections": objections.map {
                        [
                            "id": String($0.id), "application": String($0.application), "filedBy": $0.filedBy, "statement": $0.statement,
                            "contact": $0.contact ?? "—",
                        ]
                    },
                    "hasObjections": !objections.isEmpty, "committee": committee, "sittings": sittings, "hasSittings": !sittings.isEmpty,
                    "skills": round.track == .skill,
                ]) { _, new in new }
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
        group.get("rounds/{id}/statistics") { _, context in
            let language = context.visit?.language ?? .zh
            let (round, statistics) = try await workflow.statistics(round: try context.id(), for: try context.reportReader())
            let view = StatisticsView(round: round, statistics)
            let english = language == .en
            let percent = { (value: Double?) in value.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }
            let number = { (value: Double?) in value.map { String(format: "%.1f", $0) } ?? "—" }
            return WebPage(
                "statistics", .init(zh: "\(round.name) 统计", en: "\(round.name): figures"),
                [
                    "id": String(round.id), "state": ConsoleText.roundState(round.state, language),
                    "groups": zip(view.groups, statistics.groups).map { group, source in
                        let wording = CertificateWording(source.target)
                        return [
                            "qualification": english ? wording.qualificationEnglish : group.qualification,
                            "level": english ? wording.levelEnglish : group.level,
                            "applied": String(group.applied), "ineligible": String(group.ineligible), "passed": String(group.passed),
                            "failed": String(group.failed), "rate": percent(group.passRate),
                        ]
                    },
                    "reviewers": view.reviewers.map {
                        [
                            "id": $0.id, "assigned": String($0.assigned), "scored": String($0.scored), "replaced": String($0.replaced),
                            "mean": number($0.meanScore), "deviation": number($0.scoreDeviation),
                        ]
                    },
                    "meanSpread": number(view.meanSpread), "largestSpread": number(view.largestSpread),
                    "appeals": Self.counts(view.appeals, "appeal", language), "objections": Self.counts(view.objections, "objection", language),
                    "confirmed": round.state == .confirmed,
                    "purposes": ExportPurpose.allCases.map { purpose in
                        let summary = ExportProfile(purpose: purpose, byBureau: context.principal?.role == .bureau).summary
                        return [
                            "value": purpose.rawValue,
                            "label": language == .zh ? "\(purpose.chineseName)（\(summary.zh)）" : "\(purpose.englishName) (\(summary.en))",
                        ]
                    },
                ]
            ).response(context)
        }
        for format in ResultFormat.allCases {
            group.get("rounds/{id}/results.\(format.rawValue)") { request, context in
                let (round, profile, rows) = try await workflow.confirmedResults(
                    round: try context.id(), for: try context.reportReader(), purpose: try request.exportPurpose())
                return format.download(round: round, profile, rows)
            }
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
        group.get("corrections") { _, context in
            let institution = try context.require(.institution)
            let language = context.visit?.language ?? .zh
            let today = try RoundRecord.today()
            let requests = try await workflow.correctionRequests(institution: institution, limit: 200).map { CorrectionRequestView($0, today: today) }
            return WebPage(
                "corrections", .init(zh: "更正申请", en: "Correction requests"),
                [
                    "hasRequests": !requests.isEmpty,
                    "requests": requests.map { request in
                        [
                            "id": String(request.id), "application": String(request.application), "filed": ApplicantPages.time(request.filedAt),
                            "due": request.due, "overdue": request.overdue, "note": request.note ?? "—",
                            "fields": request.fields.map { language == .zh ? $0.zh : $0.en }.joined(separator: language == .zh ? "、" : ", "),
                            "pending": request.outcome == RecordCorrection.Outcome.pending.rawValue,
                            "outcome": ConsoleText.text("correction.\(request.outcome)", language), "reason": request.reason ?? "",
                        ] as [String: Any]
                    },
                ]
            ).response(context)
        }
        group.post("correction-requests/{id}/answer") { _, context in
            let (institution, id) = (try context.require(.institution), try context.id())
            let form = context.visit?.form ?? FormFields()
            let reason = form.optional("reason").flatMap { $0.isEmpty ? nil : $0 }
            let body = CorrectionAnswerBody(accept: form.optional("decision") == "accept", reason: reason)
            try body.validate()
            _ = try await workflow.answerCorrection(id, institution: institution, accept: body.accept, reason: body.reason)
            return Response.seeOther("/console/corrections?done=correctionAnswered", context)
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
