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
    public var employer: String? { didSet { employerIdentity = Self.identity(employer, employerCode) } }
    /// The employer's unified social credit code, which recusal compares when both sides have one.
    public var employerCode: CreditCode? { didSet { employerIdentity = Self.identity(employer, employerCode) } }
    /// The employer, normalised once for the many comparisons of a draw; nil when the reviewer names none.
    public private(set) var employerIdentity: EmployerIdentity?
    /// The title grade held: a case of a higher grade is not theirs. Nil where no grade applies.
    public var grade: TitleGrade?
    /// Applicants the reviewer declared a conflict with.
    public var declaredConflicts: Set<String>
    /// The most cases the reviewer takes in this draw.
    public var loadCap: Int
    /// Whether the reviewer can serve now.
    public var isAvailable: Bool

    /// A reviewer.
    public init(
        id: ReviewerID, fields: Set<String>, employer: String? = nil, employerCode: CreditCode? = nil, grade: TitleGrade? = nil,
        declaredConflicts: Set<String> = [], loadCap: Int, isAvailable: Bool = true
    ) {
        (self.id, self.fields, self.employer, self.employerCode, self.declaredConflicts) = (id, fields, employer, employerCode, declaredConflicts)
        self.grade = grade
        (self.loadCap, self.isAvailable) = (loadCap, isAvailable)
        employerIdentity = Self.identity(employer, employerCode)
    }

    private static func identity(_ employer: String?, _ code: CreditCode?) -> EmployerIdentity? {
        employer == nil && code == nil ? nil : EmployerIdentity(name: employer ?? "", code: code)
    }

    /// Why the reviewer may never judge `applicant`, who works for `employers`, or nil: the one
    /// rule of recusal that panels and committee meetings share.
    public func conflict(with applicant: String, employers: [EmployerIdentity]) -> String? {
        if let own = employerIdentity, employers.contains(where: { own.isSame(as: $0) }) { return "same employer" }
        if declaredConflicts.contains(applicant) { return "declared conflict" }
        return nil
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
    /// The applicant's employers on the application date, for same-employer recusal; none for freelancers.
    public var employers: [EmployerIdentity]
    /// The title grade applied for: a reviewer holding a lower one may not review it.
    public var grade: TitleGrade?
    /// Reviewers of earlier stages of this case (an appeal's panel excludes them).
    public var excludedReviewers: Set<ReviewerID>

    /// A case.
    public init(
        id: String, applicant: String, field: String, employers: [EmployerIdentity] = [], grade: TitleGrade? = nil,
        excludedReviewers: Set<ReviewerID> = []
    ) {
        (self.id, self.applicant, self.field, self.employers, self.excludedReviewers) = (id, applicant, field, employers, excludedReviewers)
        self.grade = grade
    }

    /// Why `reviewer` may not review this case, or nil when they may.
    public func recusal(of reviewer: Reviewer) -> String? {
        if !reviewer.isAvailable { return "unavailable" }
        if !reviewer.fields.contains(field) { return "other field" }
        if let grade, let held = reviewer.grade, held < grade { return "holds a lower grade" }
        if let conflict = reviewer.conflict(with: applicant, employers: employers) { return conflict }
        if excludedReviewers.contains(reviewer.id) { return "reviewed an earlier stage" }
        return nil
    }
}
