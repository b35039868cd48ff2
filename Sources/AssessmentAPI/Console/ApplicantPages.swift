import Foundation
import Hummingbird
import Workflow

/// Applicants' pages: register, sign in, their applications with each one's stages, applying,
/// appealing, notifications and their certificates. Forms become the JSON API's own bodies and
/// are checked by them, so a refusal reads the same on a page as in problem+json.
struct ApplicantPages {
    let workflow: Workflow
    let trustedProxies: Set<String>
    let scheme: String

    /// The notice in force, for the consent fields of a form.
    static func noticeValues(_ context: APIContext) -> [String: Any] {
        let notice = PrivacyNotice.current
        return ["noticeVersion": String(notice.version), "noticeText": notice.text(context.visit?.language ?? .zh)]
    }

    /// The consent boxes of a form as the API's body; the notice must be ticked as read.
    static func consent(from form: FormFields) throws -> ConsentBody {
        guard form.optional("consentRead") == "yes" else {
            throw invalidField("consentRead", "tick that you have read and accept the privacy notice", zh: "请勾选已阅读并同意个人信息保护说明")
        }
        return ConsentBody(
            notice: try form.optionalInteger("consentNotice", in: Bounds.noticeVersion) ?? 0,
            sensitiveData: form.optional("consentSensitive") == "yes", sharing: form.optional("consentSharing") == "yes")
    }

    func add(to group: RouterGroup<APIContext>) {
        group.get("register") { _, context in
            WebPage(
                "register", .init(zh: "申请人注册", en: "Register as an applicant"),
                ["kinds": PublicPages.documentKinds(context), "educations": Self.educations(context)].merging(
                    Self.noticeValues(context), uniquingKeysWith: { $1 })
            ).response(context)
        }
        group.post("register") { _, context in
            let form = context.visit?.form ?? FormFields()
            let body = RegisterApplicantBody(
                name: form.optional("name") ?? "",
                document: .init(
                    kind: form.optional("kind") ?? "", number: form.optional("number") ?? "", issuingCountry: form.optional("issuingCountry"),
                    birthDate: form.optional("birthDate") ?? ""),
                employer: form.optional("employer"), education: form.optional("education") ?? "", password: form.optional("password") ?? "",
                consent: try Self.consent(from: form))
            try body.validate()
            let (_, token) = try await workflow.registerApplicant(try body.registration(), password: body.password)
            return Response.seeOther("/console/me", PublicPages.signedIn(token, context))
        }
        group.get("privacy") { _, context in
            var values = Self.noticeValues(context)
            values["effective"] = PrivacyNotice.current.effective.description
            values["consentNeeded"] = context.consentNeeded
            if case .applicant(let applicant) = context.principal {
                let language = context.visit?.language ?? .zh
                let consents = try await workflow.consents(of: applicant)
                values["signedIn"] = true
                values["hasConsents"] = !consents.isEmpty
                values["consents"] = consents.map {
                    ["notice": String($0.noticeVersion), "purpose": $0.purpose.label(language), "at": Self.time($0.givenAt)]
                }
                let requests = try await workflow.privacyRequests(of: applicant)
                values["hasRequests"] = !requests.isEmpty
                values["requests"] = requests.map { request in
                    let request = PrivacyRequestView(request)
                    var notes = request.reasons.map { language == .zh ? $0.zh : $0.en }
                    if let due = request.due, request.outcome == RecordCorrection.Outcome.pending.rawValue {
                        notes.append(ConsoleText.text("answerBy", language) + " " + due)
                    }
                    return [
                        "at": Self.time(request.filedAt),
                        "kind": ConsoleText.text("request.\(request.kind)", language) + (request.application.map { " \($0)" } ?? ""),
                        "outcome": ConsoleText.text("\(request.kind).\(request.outcome)", language),
                        "reasons": notes.joined(separator: language == .zh ? "；" : "; "),
                    ]
                }
            }
            return WebPage("privacy", .init(zh: "个人信息保护说明", en: "Privacy notice"), values).response(context)
        }
        group.get("privacy/mine") { _, context in
            let language = context.visit?.language ?? .zh
            let copy = try await workflow.personalData(of: try context.applicantAwaitingConsent())
            guard let sections = MyDataPage.sections(copy, language) else {
                throw Problem(.internalServerError, "the copy of your data could not be read", zh: "无法读取您的信息副本")
            }
            return WebPage("my-data", .init(zh: "我的全部信息", en: "Everything held about me"), ["sections": sections]).response(context)
        }
        group.get("privacy/data") { _, context in
            PrivacyRoutes.copy(try await workflow.personalData(of: try context.applicantAwaitingConsent()))
        }
        group.post("privacy/erase") { _, context in
            let applicant = try context.applicantAwaitingConsent()
            guard context.visit?.form.optional("confirm") == "yes" else {
                throw invalidField("confirm", "tick that you want your personal data deleted", zh: "请勾选确认删除个人信息")
            }
            let decision = try await workflow.requestErasure(applicant: applicant)
            guard decision.account else { return Response.seeOther("/console/privacy?done=answered", context) }
            var context = context
            context.visit?.cookies.append(ConsoleVisit.cookie(ConsoleVisit.sessionCookie, "", maxAge: 0))
            return Response.seeOther("/console?done=erased", context)
        }
        group.post("privacy") { _, context in
            let applicant = try context.applicantAwaitingConsent()
            let body = try Self.consent(from: context.visit?.form ?? FormFields())
            try body.validate()
            try await workflow.consent(body.consent, applicant: applicant)
            return Response.seeOther("/console/me?done=consented", context)
        }
        group.post("sign-in") { request, context in
            let form = context.visit?.form ?? FormFields()
            let body = SignInBody(
                document: .init(
                    kind: form.optional("kind") ?? "", number: form.optional("number") ?? "", issuingCountry: form.optional("issuingCountry")),
                password: form.optional("password") ?? "")
            try body.validate()
            let (_, token) = try await workflow.signIn(
                kind: try body.kind(), number: body.document.number, issuingCountry: body.document.issuingCountry, password: body.password,
                address: context.clientAddress(request, trustedProxies: trustedProxies))
            return Response.seeOther(PublicPages.safeNext(form.optional("next")) ?? "/console/me", PublicPages.signedIn(token, context))
        }
        group.get("me") { _, context in
            let applicant = try context.applicant()
            let language = context.visit?.language ?? .zh
            let record = try await workflow.applicantRecord(applicant)
            let applications = try await workflow.applications(of: applicant, after: 0, limit: 100)
            let notifications = try await workflow.notifications(of: .applicant(applicant), after: 0, limit: 20, newestFirst: true)
            let profile = RecordView(record.profile)
            return WebPage(
                "me", .init(zh: "我的申请", en: "My applications"),
                [
                    "name": record.name, "document": record.documentMasked,
                    "education": Self.educationNames[record.profile.education].map { language == .zh ? $0.zh : $0.en } ?? profile.education,
                    "titles": profile.titles.map { "\($0.series) \($0.grade) (\($0.obtained))" },
                    "levels": profile.skillLevels.map { "\($0.occupation) \($0.level) (\($0.obtained))" },
                    "work": profile.workHistory.map { "\($0.employer) \($0.start)–\($0.end ?? "")" },
                    "applications": applications.map { Self.summary($0, language) }, "hasApplications": !applications.isEmpty,
                    "notifications": notifications.map {
                        ["event": ConsoleText.event($0.event, language), "at": Self.time($0.createdAt)]
                    },
                    "hasNotifications": !notifications.isEmpty,
                    "series": TitleSeries.all.map { ["value": $0.code, "label": language == .zh ? $0.chineseName : $0.name] },
                    "occupations": Occupation.all.map { ["value": $0.code, "label": language == .zh ? $0.chineseName : $0.name] },
                    "directions": Occupation.all.flatMap(\.directions).map {
                        ["value": $0.code, "label": language == .zh ? $0.chineseName : $0.code]
                    },
                ]
            ).response(context)
        }
        group.post("applications") { _, context in
            let applicant = try context.applicant()
            let form = context.visit?.form ?? FormFields()
            let body = ApplyBody(
                round: try form.integer("round", in: Bounds.id),
                target: .init(
                    track: form.optional("track") ?? "", series: form.optional("series"),
                    grade: try form.optionalInteger("grade", in: Bounds.gradeOrLevel), specialty: form.optional("specialty"),
                    occupation: form.optional("occupation"), level: try form.optionalInteger("level", in: Bounds.gradeOrLevel),
                    direction: form.optional("direction")))
            try body.validate()
            let id = try await workflow.apply(round: body.round, applicant: applicant, target: try body.applicationTarget())
            return Response.seeOther("/console/applications/\(id)", context)
        }
        group.get("applications/{id}") { _, context in
            let (applicant, id) = (try context.applicant(), try context.id())
            let language = context.visit?.language ?? .zh
            let record = try await workflow.application(id, of: applicant)
            var values = Self.summary(record, language)
            values["steps"] = Self.timeline(record, language)
            // A failed result, or an ineligibility, may be appealed once (复核).
            values["mayAppeal"] =
                (record.passed == false && record.appeal == nil) || (record.state == .ineligible && record.eligibilityAppeal == nil)
            // Once checked, what the application carries changes only through its institution.
            values["mayAskCorrection"] = record.state != .submitted && record.state != .returned
            if case .skill = record.target {
                // A skills candidate's admission ticket (准考证) once seated, and each part's result once marked.
                do {
                    let ticket = AdmissionTicketView(try await workflow.admissionTicket(application: id, applicant: applicant))
                    values["ticket"] = [
                        "number": ticket.ticket, "site": ticket.site, "room": ticket.room, "seat": String(ticket.seat),
                        "parts": ticket.parts.map { ["name": $0.name, "date": $0.date, "start": $0.start, "end": $0.end] },
                        "notice": language == .zh ? ticket.notice : ticket.noticeEnglish,
                    ]
                } catch let error as StoreError where error.code == .notFound || error.code == .wrongState {
                    // Not seated yet: no ticket to show.
                }
                var parts: [PartResultView] = []
                do {
                    parts = try await workflow.partResults(application: id, applicant: applicant).map(PartResultView.init)
                } catch let error as StoreError where error.code == .wrongState {
                    // Not marked yet.
                }
                values["parts"] = parts.map {
                    [
                        "name": language == .zh ? $0.name : $0.part, "mark": $0.mark.map { String(format: "%.1f", $0) } ?? "—",
                        "state": ConsoleText.text("part.\($0.state)", language),
                    ]
                }
                values["hasParts"] = !parts.isEmpty
            }
            if let number = try await workflow.certificateNumber(application: id, of: applicant) { values["certificate"] = number }
            return WebPage("application", .init(zh: "申请 \(id)", en: "Application \(id)"), values).response(context)
        }
        group.post("applications/{id}/appeal") { _, context in
            let (applicant, id) = (try context.applicant(), try context.id())
            let form = context.visit?.form ?? FormFields()
            let body = AppealBody(reason: try form.required("reason", .init(zh: "复核理由", en: "the reason")), part: form.optional("part"))
            try body.validate()
            _ = try await workflow.application(id, of: applicant)
            try await workflow.fileAppeal(applicant: applicant, application: id, reason: body.reason, part: try body.checkedPart())
            return Response.seeOther("/console/applications/\(id)", context)
        }
        group.post("applications/{id}/correction-request") { _, context in
            let (applicant, id) = (try context.applicantAwaitingConsent(), try context.id())
            let body = CorrectionNoteBody(note: try (context.visit?.form ?? FormFields()).required("note", .init(zh: "更正说明", en: "what is wrong")))
            try body.validate()
            _ = try await workflow.requestCorrection(of: id, applicant: applicant, note: body.note)
            return Response.seeOther("/console/privacy?done=correctionFiled", context)
        }
        group.get("applications/{id}/certificate") { request, context in
            let (applicant, id) = (try context.applicant(), try context.id())
            guard let number = try await workflow.certificateNumber(application: id, of: applicant),
                let record = try await workflow.certificate(number: number)
            else { throw Problem(.notFound, "no certificate has been issued for this application yet", zh: "此申请尚未发证") }
            var values = PublicPages.certificate(record, masked: false, context, base: Console.base(of: request, scheme: scheme))
            values["printable"] = true
            return WebPage("certificate", .init(zh: "证书 \(number)", en: "Certificate \(number)"), values).response(context)
        }
    }

    /// One application's line: what it is for, where it is, how it ended.
    static func summary(_ record: ApplicationRecord, _ language: Language) -> [String: Any] {
        let stage = ConsoleText.stage(record.state)
        let result: String =
            switch record.passed {
            case true?: ConsoleText.text("passed", language)
            case false?: ConsoleText.text("failed", language)
            case nil where record.state == .ineligible: "—"
            case nil: ConsoleText.text("pending", language)
            }
        return [
            "id": String(record.id), "round": String(record.roundID), "target": target(record.target, language),
            "stage": language == .zh ? stage.zh : stage.en, "result": result, "passed": record.passed == true,
        ]
    }

    /// What an application is for, as its reader names it.
    static func target(_ target: ApplicationTarget, _ language: Language) -> String {
        switch target {
        case .title(let series, let grade, let specialty):
            let known = TitleSeries.named(series)
            let name = known?.titleName(grade, specialty: specialty) ?? "\(series) \(grade.rawValue)"
            return language == .zh ? name : "\(known?.name ?? series), grade \(grade.rawValue)"
        case .skill(let occupation, let level, let direction):
            let known = Occupation.all.first { $0.code == occupation }
            return language == .zh
                ? "\(known?.chineseName ?? occupation) \(level.rawValue) 级 · \(Occupation.directionName(direction))"
                : "\(known?.name ?? occupation), level \(level.rawValue) · \(direction)"
        }
    }

    /// The stages an application passes, the ones behind it done and its own marked current.
    static func timeline(_ record: ApplicationRecord, _ language: Language) -> [[String: Any]] {
        let path: [ApplicationState] =
            switch record.state {
            case .returned: [.submitted, .returned]
            case .ineligible: [.submitted, .ineligible]
            case .suspended: [.submitted, .eligible, .assigned, .scored, .decided, .suspended]
            default: [.submitted, .eligible, .assigned, .scored, .decided]
            }
        let current = path.firstIndex(of: record.state) ?? 0
        return path.enumerated().map { index, state in
            let name = ConsoleText.stage(state)
            return ["name": language == .zh ? name.zh : name.en, "done": index < current, "current": index == current]
        }
    }

    /// The education levels, for a select.
    static let educationNames: [Policy.Education: LocalizedText] = [
        .doctorate: .init(zh: "博士", en: "doctorate"), .master: .init(zh: "硕士", en: "master"),
        .bachelor: .init(zh: "本科", en: "bachelor"), .collegeDiploma: .init(zh: "大专", en: "college diploma"),
        .secondary: .init(zh: "大专以下", en: "below college"),
    ]

    static func educations(_ context: APIContext) -> [[String: String]] {
        Policy.Education.allCases.map { education in
            let name = educationNames[education] ?? .init(zh: education.rawValue, en: education.rawValue)
            return ["value": education.rawValue, "label": context.visit?.language == .en ? name.en : name.zh]
        }
    }

    /// A moment as the console prints it: UTC, to the minute.
    static func time(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon))
    }
}
