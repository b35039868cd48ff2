import Foundation
import Hummingbird
import NIOCore
import Workflow

/// What an applicant declares and submits: their record (titles and skill levels held, work and
/// training) and an application's works with the integrity pledge. Each form shows the rows kept
/// and a few blank ones; a row left blank is no row. They become the JSON API's `RecordBody` and
/// `MaterialsBody`, checked by them.
struct ApplicantRecordPages {
    let workflow: Workflow

    /// Rows of each kind a form offers beyond the filled ones, and at most.
    static let blankRows = 2
    static let maxRows = 10

    func add(to group: RouterGroup<APIContext>) {
        group.get("me/record") { _, context in
            let applicant = try context.applicant()
            let language = context.visit?.language ?? .zh
            let profile = RecordView(try await workflow.applicantRecord(applicant).profile)
            let series = TitleSeries.all.map { ($0.code, language == .zh ? $0.chineseName : $0.name) }
            let occupations = Occupation.all.map { ($0.code, language == .zh ? $0.chineseName : $0.name) }
            return WebPage(
                "record", .init(zh: "我的档案", en: "My record"),
                [
                    "educations": ApplicantPages.educations(context).map { choice -> [String: Any] in
                        var option: [String: Any] = choice
                        if choice["value"] == profile.education { option["selected"] = true }
                        return option
                    },
                    "retired": profile.retired,
                    "titles": Self.rows(
                        profile.titles.map {
                            [
                                "series": $0.series, "grade": String($0.grade), "obtained": $0.obtained,
                                "certificateNumber": $0.certificateNumber ?? "",
                            ]
                        }
                    ) { row in
                        ["options": Self.options(series, selected: row["series"])]
                    },
                    "levels": Self.rows(
                        profile.skillLevels.map {
                            [
                                "occupation": $0.occupation, "level": String($0.level), "obtained": $0.obtained,
                                "certificateNumber": $0.certificateNumber ?? "",
                            ]
                        }
                    ) { row in
                        ["options": Self.options(occupations, selected: row["occupation"])]
                    },
                    "work": Self.rows(
                        profile.workHistory.map {
                            [
                                "employer": $0.employer, "creditCode": $0.creditCode ?? "", "start": $0.start, "end": $0.end ?? "",
                                "inField": $0.inField ? "yes" : "",
                            ]
                        }
                    ) { _ in [:] },
                    "training": Self.rows(
                        profile.training.map { ["provider": $0.provider, "creditCode": $0.creditCode ?? "", "start": $0.start, "end": $0.end ?? ""] }
                    ) { _ in [:] },
                ]
            ).response(context)
        }
        group.post("me/record") { _, context in
            let applicant = try context.applicant()
            let form = context.visit?.form ?? FormFields()
            let body = RecordBody(
                education: form.optional("education") ?? "", retired: form.optional("retired") == "yes",
                titles: try Self.filled(form, "titles", key: "series").map { index, series in
                    RecordBody.Title(
                        series: series, grade: try form.integer("titles.\(index).grade", in: Bounds.gradeOrLevel),
                        obtained: form.optional("titles.\(index).obtained") ?? "",
                        certificateNumber: form.optional("titles.\(index).certificateNumber"))
                },
                skillLevels: try Self.filled(form, "levels", key: "occupation").map { index, occupation in
                    RecordBody.Level(
                        occupation: occupation, level: try form.integer("levels.\(index).level", in: Bounds.gradeOrLevel),
                        obtained: form.optional("levels.\(index).obtained") ?? "",
                        certificateNumber: form.optional("levels.\(index).certificateNumber"))
                },
                workHistory: Self.filled(form, "work", key: "employer").map { index, employer in
                    RecordBody.Work(
                        employer: employer, creditCode: form.optional("work.\(index).creditCode"), start: form.optional("work.\(index).start") ?? "",
                        end: form.optional("work.\(index).end"), inField: form.optional("work.\(index).inField") == "yes")
                },
                training: Self.filled(form, "training", key: "provider").map { index, provider in
                    RecordBody.Course(
                        provider: provider, creditCode: form.optional("training.\(index).creditCode"),
                        start: form.optional("training.\(index).start") ?? "", end: form.optional("training.\(index).end"))
                })
            try body.validate()
            try await workflow.correctRecord(of: applicant, to: try body.record())
            return Response.seeOther("/console/me?done=recorded", context)
        }
        group.get("applications/{id}/materials") { _, context in
            let (applicant, id) = (try context.applicant(), try context.id())
            let dossier = try await workflow.dossier(of: id, for: .applicant(applicant))
            let works: [[String: String]] = dossier.works.map { work in
                let metrics = work.metrics
                return [
                    "url": work.url, "title": work.title, "platform": work.platform, "published": work.published.description,
                    "views": metrics.views.map(String.init) ?? "", "likes": metrics.likes.map(String.init) ?? "",
                ]
            }
            var values: [String: Any] = [
                "id": String(id), "works": Self.rows(works) { _ in [:] }, "pledgeText": IntegrityPledge.text,
                "files": dossier.files.map {
                    [
                        "name": $0.name, "sha256": $0.sha256, "size": String($0.size),
                        "purpose": ConsoleText.text("purpose.\($0.purpose.rawValue)", context.visit?.language ?? .zh),
                    ]
                },
                "hasFiles": !dossier.files.isEmpty,
                "purposes": EvidencePurpose.allCases.map {
                    ["value": $0.rawValue, "label": ConsoleText.text("purpose.\($0.rawValue)", context.visit?.language ?? .zh)]
                },
                "corrections": dossier.corrections.flatMap(\.reasons), "hasCorrections": dossier.correctBy != nil,
                "mayResubmit": dossier.correctBy != nil,
            ]
            if let pledge = dossier.pledge { values["pledgedAt"] = ApplicantPages.time(pledge.signedAt) }
            if let correctBy = dossier.correctBy { values["correctBy"] = correctBy.description }
            return WebPage("materials", .init(zh: "申请 \(id) 的材料", en: "Materials of application \(id)"), values).response(context)
        }
        group.post("applications/{id}/materials") { _, context in
            let (applicant, id) = (try context.applicant(), try context.id())
            let form = context.visit?.form ?? FormFields()
            let body = MaterialsBody(
                works: try Self.filled(form, "works", key: "url").map { index, url in
                    MaterialsBody.Work(
                        url: url, title: form.optional("works.\(index).title") ?? "", platform: form.optional("works.\(index).platform") ?? "",
                        published: form.optional("works.\(index).published") ?? "",
                        metrics: .init(
                            views: try form.optionalInteger("works.\(index).views", in: WorkReference.Metrics.range),
                            likes: try form.optionalInteger("works.\(index).likes", in: WorkReference.Metrics.range)))
                },
                signPledge: form.optional("signPledge") == "yes")
            try body.validate()
            try await workflow.setMaterials(of: id, applicant: applicant, works: try body.workReferences(), signPledge: body.signPledge ?? false)
            return Response.seeOther("/console/applications/\(id)/materials?done=materials", context)
        }
        group.post("applications/{id}/files") { _, context in
            let (applicant, id) = (try context.applicant(), try context.id())
            let form = context.visit?.form ?? FormFields()
            guard let upload = context.visit?.upload, !upload.bytes.isEmpty else {
                throw invalidField("file", "is required: choose the file to add", zh: "必填：请选择要添加的文件")
            }
            guard let purpose = form.optional("purpose").flatMap(EvidencePurpose.init(rawValue:)) else {
                throw invalidField(
                    "purpose", "must be one of \(EvidencePurpose.allCases.map(\.rawValue).joined(separator: ", "))",
                    zh: "须为以下之一：\(EvidencePurpose.allCases.map(\.rawValue).joined(separator: "、"))")
            }
            // Browsers may send a path; the name is its last part.
            let name = String(upload.filename.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last ?? "")
            _ = try await workflow.addEvidenceFile(to: id, applicant: applicant, bytes: ByteBuffer(bytes: upload.bytes), name: name, purpose: purpose)
            return Response.seeOther("/console/applications/\(id)/materials?done=uploaded", context)
        }
        group.post("applications/{id}/resubmit") { _, context in
            let (applicant, id) = (try context.applicant(), try context.id())
            try await workflow.resubmit(id, applicant: applicant)
            return Response.seeOther("/console/applications/\(id)?done=resubmitted", context)
        }
    }

    /// The filled rows, each with its index (for its fields' names) and extra values, then blank
    /// rows up to `maxRows`.
    static func rows(_ filled: [[String: String]], extra: ([String: String]) -> [String: Any]) -> [[String: Any]] {
        let count = min(maxRows, filled.count + blankRows)
        return (0..<count).map { index in
            let row = index < filled.count ? filled[index] : [:]
            var values: [String: Any] = row.filter { !$0.value.isEmpty }
            values["i"] = String(index)
            values.merge(extra(row)) { $1 }
            return values
        }
    }

    /// `(value, label)` choices with the row's marked, for a select.
    static func options(_ choices: [(String, String)], selected: String?) -> [[String: Any]] {
        choices.map { value, label in
            var option: [String: Any] = ["value": value, "label": label]
            if value == selected { option["selected"] = true }
            return option
        }
    }

    /// The rows of `prefix` whose `key` field is filled in, with their index, in order.
    static func filled(_ form: FormFields, _ prefix: String, key: String) -> [(Int, String)] {
        (0..<maxRows).compactMap { index in form.optional("\(prefix).\(index).\(key)").map { (index, $0) } }
    }
}
