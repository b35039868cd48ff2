import Assessment
import AssessmentStore
import Foundation
import JobQueue

/// Revokes a certificate with its reason and tells the holder.
public struct RevokeCertificate: JobArgs {
    public static let kind = "assessment.revoke_certificate"
    /// The certificate number.
    public var number: String
    /// Why, as the bureau recorded it.
    public var reason: String
    /// On what grounds; a job enqueued before grounds existed revoked for another reason.
    public var grounds: RevocationGrounds?

    struct Handler: JobHandler {
        let workflow: Workflow

        func handle(_ args: RevokeCertificate, context: JobContext) async throws {
            try await context.withTransaction { connection in
                _ = try await workflow.store.revokeCertificate(
                    number: args.number, grounds: args.grounds ?? .other, reason: args.reason, on: connection)
            }
        }
    }
}
