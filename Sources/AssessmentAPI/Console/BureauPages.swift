import Foundation
import Hummingbird
import Workflow

/// The HR bureau's pages: rounds awaiting confirmation, confirming them, revoking a certificate.
struct BureauPages {
    let workflow: Workflow

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
                    "grounds": RevocationGrounds.allCases.map {
                        ["value": $0.rawValue, "label": ConsoleText.text("grounds.\($0.rawValue)", language)]
                    },
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
