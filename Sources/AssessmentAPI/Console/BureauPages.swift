import Foundation
import Hummingbird
import Workflow

/// The HR bureau's pages: rounds awaiting confirmation, confirming them, the register of
/// certificates issued, revoking one.
struct BureauPages {
    let workflow: Workflow
    static let certificatesPerPage = 100

    func add(to group: RouterGroup<APIContext>) {
        group.get("bureau") { request, context in
            let officer = try context.require(.bureau)
            let rounds = try await workflow.roundsAwaitingConfirmation()
            let language = context.visit?.language ?? .zh
            var rows: [[String: Any]] = []
            for round in rounds {
                var row: [String: Any] = [
                    "id": String(round.id), "name": round.name, "institution": round.institutionID,
                    "track": ConsoleText.text(round.track == .title ? "trackTitle" : "trackSkill", language),
                    "handedAt": round.handedAt.map(ApplicantPages.time) ?? "—",
                ]
                // A skills round is confirmed sitting by sitting, or whole.
                if round.track == .skill {
                    row["sittings"] = try await workflow.sittings(round: round.id, for: .bureau(officer: officer)).filter { !$0.confirmed }.map {
                        ["sitting": String($0.id), "site": $0.site]
                    }
                }
                rows.append(row)
            }
            return WebPage(
                "bureau", .init(zh: "待确认的评审结果", en: "Results awaiting confirmation"),
                [
                    "rounds": rows,
                    "hasRounds": !rounds.isEmpty,
                    "revokeNumber": request.uri.queryParameters["number"].map(String.init).flatMap { $0.count <= 64 ? $0 : nil } ?? "",
                    "grounds": RevocationGrounds.allCases.map {
                        ["value": $0.rawValue, "label": ConsoleText.text("grounds.\($0.rawValue)", language)]
                    },
                ]
            ).response(context)
        }
        group.get("certificates") { request, context in
            _ = try context.require(.bureau)
            let language = context.visit?.language ?? .zh
            let (after, _) = try request.textPage()
            let round = try request.idFilter("round", "a round", zh: "评审轮次")
            let found = try await workflow.certificates(round: round, after: after, limit: Self.certificatesPerPage)
            let english = language == .en
            var values: [String: Any] = [
                "certificates": found.map { listing in
                    let view = CertificateListView(listing)
                    return [
                        "number": view.number, "holder": view.holder, "round": String(view.round),
                        "qualification": english
                            ? "\(listing.content.qualificationEnglish ?? view.qualification) \(listing.content.levelEnglish ?? view.level)"
                            : "\(view.qualification) \(view.level)",
                        "issuedOn": view.issuedOn, "revoked": view.revokedOn != nil,
                        "status": view.revokedOn.map { "\(ConsoleText.text("revokedOn", language)) \($0)" } ?? ConsoleText.text("inForce", language),
                        "revokeLink": "/console/bureau?number=\(ConsoleMiddleware.percentEncoded(view.number))#revoke-heading",
                    ]
                },
                "hasCertificates": !found.isEmpty, "round": round.map(String.init) ?? "",
            ]
            if found.count == Self.certificatesPerPage, let last = found.last {
                values["nextPage"] =
                    "/console/certificates?after=\(ConsoleMiddleware.percentEncoded(last.number))" + (round.map { "&round=\($0)" } ?? "")
            }
            return WebPage("certificates", .init(zh: "证书登记", en: "Certificates issued"), values).response(context)
        }
        group.get("document-access") { _, context in
            _ = try context.require(.bureau)
            let language = context.visit?.language ?? .zh
            let unsealings = try await workflow.unsealings(limit: Self.certificatesPerPage)
            return WebPage(
                "document-access", .init(zh: "身份证件号码查阅记录", en: "Identity numbers read"),
                [
                    "unsealings": unsealings.map {
                        [
                            "at": ApplicantPages.time($0.at), "actor": $0.actor, "application": $0.application.map(String.init) ?? "—",
                            "round": $0.round.map(String.init) ?? "—",
                            "purpose": $0.purpose.map { language == .zh ? $0.chineseName : $0.englishName } ?? "—",
                        ]
                    },
                    "hasUnsealings": !unsealings.isEmpty,
                ]
            ).response(context)
        }
        group.post("rounds/{id}/confirm") { _, context in
            try await workflow.confirmRound(try context.id(), by: try context.require(.bureau))
            return Response.seeOther("/console/bureau?done=confirmed", context)
        }
        group.post("sittings/{id}/confirm") { _, context in
            try await workflow.confirmSitting(try context.id(), by: try context.require(.bureau))
            return Response.seeOther("/console/bureau?done=sittingConfirmed", context)
        }
        group.post("certificates/revoke") { _, context in
            _ = try context.require(.bureau)
            let form = context.visit?.form ?? FormFields()
            let number = try form.required("number", .init(zh: "证书编号", en: "the certificate number"))
            let body = RevocationBody(reason: try form.required("reason", .init(zh: "理由", en: "the reason")), grounds: form.optional("grounds"))
            try body.validate()
            guard number.count <= 64 else { throw invalidField("number", "must have at most 64 characters", zh: "至多 64 个字符") }
            try await workflow.revokeCertificate(number: number, grounds: try body.revocationGrounds(), reason: body.reason)
            return Response.seeOther("/console/bureau?done=revoked", context)
        }
    }
}
