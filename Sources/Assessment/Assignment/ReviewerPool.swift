/// A reviewer's identifier.
public struct ReviewerID: RawRepresentable, Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The identifier.
    public let rawValue: String
    /// An identifier.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// An identifier.
    public init(_ rawValue: String) { self.rawValue = rawValue }
    /// Orders by identifier.
    public static func < (lhs: ReviewerID, rhs: ReviewerID) -> Bool { lhs.rawValue < rhs.rawValue }
    /// The identifier.
    public var description: String { rawValue }
}

/// A reviewer or expert of an institution's pool.
public struct Reviewer: Sendable, Hashable, Codable {
    /// The reviewer.
    public var id: ReviewerID
    /// Series or occupation codes the reviewer may review.
    public var fields: Set<String>
    /// The employer, for same-employer recusal.
    public var employer: String?
    /// Applicants the reviewer declared a conflict with.
    public var declaredConflicts: Set<String>
    /// The most cases the reviewer takes in this draw.
    public var loadCap: Int
    /// Whether the reviewer can serve now.
    public var isAvailable: Bool

    /// A reviewer.
    public init(
        id: ReviewerID, fields: Set<String>, employer: String? = nil, declaredConflicts: Set<String> = [],
        loadCap: Int, isAvailable: Bool = true
    ) {
        (self.id, self.fields, self.employer, self.declaredConflicts) = (id, fields, employer, declaredConflicts)
        (self.loadCap, self.isAvailable) = (loadCap, isAvailable)
    }
}

/// A case that needs a panel.
public struct ReviewCase: Sendable, Hashable, Codable {
    /// The case.
    public var id: String
    /// The applicant, for declared conflicts.
    public var applicant: String
    /// The series or occupation code.
    public var field: String
    /// The applicant's employer, for same-employer recusal; nil for freelancers.
    public var employer: String?
    /// Reviewers of earlier stages of this case (an appeal's panel excludes them).
    public var excludedReviewers: Set<ReviewerID>

    /// A case.
    public init(id: String, applicant: String, field: String, employer: String? = nil, excludedReviewers: Set<ReviewerID> = []) {
        (self.id, self.applicant, self.field, self.employer, self.excludedReviewers) = (id, applicant, field, employer, excludedReviewers)
    }

    /// Why `reviewer` may not review this case, or nil when they may.
    public func recusal(of reviewer: Reviewer) -> String? {
        if !reviewer.isAvailable { return "unavailable" }
        if !reviewer.fields.contains(field) { return "other field" }
        if let employer, reviewer.employer == employer { return "same employer" }
        if reviewer.declaredConflicts.contains(applicant) { return "declared conflict" }
        if excludedReviewers.contains(reviewer.id) { return "reviewed an earlier stage" }
        return nil
    }
}
