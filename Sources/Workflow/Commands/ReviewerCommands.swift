import Assessment
import AssessmentStore
import Foundation
import JobQueue
import PostgresNIO

/// What reviewers do with the cases drawn for them.
extension Workflow {
    /// A reviewer scores a case assigned to them; the last score of a panel sets off aggregation.
    public func submitScore(reviewer: String, application: Int64, score: Double, comment: String? = nil) async throws {
        let comment = comment?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let comment, !Self.commentLength.contains(comment.count) {
            throw StoreError(.invalidInput, "a comment has at most 2000 characters", zh: "评审意见至多 2000 个字符", field: "comment")
        }
        try await transaction { connection in
            let (stage, complete) = try await store.submitScore(
                reviewer: reviewer, application: application, score: score, comment: comment?.isEmpty == false ? comment : nil, on: connection)
            if complete {
                try await enqueue(
                    AggregateScores(application: application, stage: stage),
                    once: .application(application), step: "stage:\(stage.rawValue)", on: connection)
            }
        }
    }

    /// A reviewer declares a conflict of interest with a case assigned to them: the assignment is
    /// withdrawn and the case goes to a reviewer drawn afresh.
    public func declareConflict(reviewer: String, application: Int64) async throws {
        try await transaction { connection in
            let record = try await store.application(application, lock: true, on: connection)
            guard
                let assignment = try await store.assignments(of: application, on: connection)
                    .last(where: { $0.reviewer == reviewer && $0.state == .assigned })
            else {
                throw StoreError(.forbidden, "application \(application) has no open assignment of this reviewer", zh: "申请\(application)没有分配给您的待评任务")
            }
            try await AuditLog.append(
                actor: .reviewer(reviewer), action: "declare conflict", subject: .application(application),
                on: connection, logger: logger)
            try await replaceReviewer(
                assignment, in: try await store.round(record.roundID, on: connection),
                reason: "declared a conflict of interest", on: connection)
        }
    }
}
