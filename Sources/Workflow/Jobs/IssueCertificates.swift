import Assessment
import AssessmentStore
import Foundation
import JobQueue

/// Issues signed certificates for one chunk of a confirmed round's passed results, or of a
/// confirmed sitting's, then hands on to the next chunk.
public struct IssueCertificates: JobArgs {
    public static let kind = "assessment.issue_certificates"
    /// The round.
    public var round: Int64
    /// The last application id of the previous chunk.
    public var after: Int64
    /// The confirmed sitting whose results these are; nil for the whole confirmed round.
    public var sitting: Int64?

    public init(round: Int64, after: Int64, sitting: Int64? = nil) {
        (self.round, self.after, self.sitting) = (round, after, sitting)
    }

    struct Handler: JobHandler {
        let workflow: Workflow
        let signer: BureauSigner

        func handle(_ args: IssueCertificates, context: JobContext) async throws {
            let store = workflow.store
            await workflow.report(
                context, metadata: ["round": String(args.round), "after": String(args.after), "sitting": args.sitting.map(String.init)]
            ) {
                let (issued, owed) = try await store.certificateProgress(round: args.round, sitting: args.sitting, on: $0)
                return (owed == 0 ? 100 : min(100, issued * 100 / owed), "已签发 \(issued)/\(owed) 张证书 / \(issued) of \(owed) certificates issued")
            }
            try await context.withTransaction { connection in
                let round = try await store.round(args.round, on: connection)
                if let sitting = args.sitting {
                    guard [.finalized, .confirmed].contains(round.state), try await store.sitting(sitting, on: connection).confirmed else { return }
                } else {
                    guard round.state == .confirmed else { return }
                }
                let ids = try await store.passedApplicationIDs(
                    round: round.id, sitting: args.sitting, after: args.after, limit: Workflow.chunkSize, on: connection)
                guard let last = ids.last else { return }
                let today = try await store.today(of: round, on: connection)
                _ = try await store.issueCertificates(
                    applications: ids, issuedOn: today, rehearsal: round.isRehearsal, signer: signer, on: connection)
                try await workflow.enqueue(
                    IssueCertificates(round: round.id, after: last, sitting: args.sitting),
                    once: args.sitting.map(Subject.sitting) ?? .round(round.id),
                    step: "after:\(last)", queue: Workflow.signingQueueName, on: connection)
            }
        }
    }
}
