import Foundation
import Hummingbird
import Workflow

/// The HR bureau's pages: rounds awaiting confirmation, confirming them, revoking a certificate.
struct BureauPages {
    let workflow: Workflow

    func add(to group: RouterGroup<APIContext>) {
        group.get("bureau") { request, context in
            _ = try context.require(.bureau)
            let rounds = try await workflow.roundsAwaitingConfirmation()
            let language = context.visit?.language ?? .zh
            return WebPage(
                "bureau", .init(zh: "待确认的评审结果", en: "Results awaiting confirmation"),
                [
                    "rounds": rounds.map {
                        [
                            "id": String($0.id), "name": $0.name, "institution": $0.institutionID,
                            "track": ConsoleText.text($0.track == .title ? "trackTitle" : "trackSkill", language),
                            "handedAt": $0.handedAt.map(ApplicantPages.time) ?? "—",
                        ]
                    },
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
