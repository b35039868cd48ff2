import Hummingbird
import Workflow

/// The HR bureau: it confirms a round's results, which sets off the certificates, and revokes them.
struct BureauRoutes {
    let workflow: Workflow

    var endpoints: Endpoints {
        var routes = Endpoints(audience: "bureau")
        routes.add(
            .post, "/v1/rounds/{id}/confirm", "Confirm a round's results", access: .role(.bureau),
            reply: .accepted("Confirmed; certificates follow"), refuses: [409]
        ) { _, context in
            try await workflow.confirmRound(try context.id(), by: try context.require(.bureau))
        }
        routes.add(
            .post, "/v1/certificates/{number}/revoke", "Revoke a certificate", access: .role(.bureau), body: ReasonBody.self,
            reply: .accepted("Revoked"), refuses: [404]
        ) { _, context, body in
            try await workflow.revokeCertificate(number: try context.parameters.require("number"), reason: body.reason)
        }
        return routes
    }
}
