/// What an event, a notification or an audit entry is about. Its text (`application:7`) is the
/// `subject` of webhook payloads and audit entries, so it never changes for a stored record.
public enum Subject: Hashable, Sendable, CustomStringConvertible {
    case applicant(Int64)
    case application(Int64)
    case round(Int64)
    case objection(Int64)
    case certificate(String)
    case institution(String)

    public var description: String {
        switch self {
        case .institution(let id): "institution:\(id)"
        case .applicant(let id): "applicant:\(id)"
        case .application(let id): "application:\(id)"
        case .round(let id): "round:\(id)"
        case .objection(let id): "objection:\(id)"
        case .certificate(let number): "certificate:\(number)"
        }
    }
}

/// Who is owed a notification. Its text (`institution:inst-1`) is what subscriptions name, so it
/// never changes either.
public enum Recipient: Hashable, Sendable, CustomStringConvertible {
    case applicant(Int64)
    case institution(String)
    case reviewer(String)
    case bureau

    public var description: String {
        switch self {
        case .applicant(let id): "applicant:\(id)"
        case .institution(let id): "institution:\(id)"
        case .reviewer(let id): "reviewer:\(id)"
        case .bureau: "bureau"
        }
    }
}

/// Who did what the audit log records.
public enum Actor: Hashable, Sendable, CustomStringConvertible {
    /// A job of the workflow, on nobody's request.
    case system
    /// An institution's evaluation committee, by its recorded ballot.
    case committee
    /// Anyone, without an account: an objection during a public notice.
    case publicMember
    case applicant(Int64)
    case institution(String)
    case reviewer(String)
    /// The HR bureau; by a named officer where one acted.
    case bureau(officer: String?)

    public var description: String {
        switch self {
        case .system: "system"
        case .committee: "committee"
        case .publicMember: "public"
        case .applicant(let id): "applicant:\(id)"
        case .institution(let id): "institution:\(id)"
        case .reviewer(let id): "reviewer:\(id)"
        case .bureau(let officer): officer.map { "bureau:\($0)" } ?? "bureau"
        }
    }
}

/// Every notification the workflow owes: the public webhook contract. The raw values are the
/// `event` field and the `Assess-Event` header subscribers filter on; `ops/notifications.md` lists
/// them from here, and a test keeps that list true.
public enum NotificationEvent: String, CaseIterable, Sendable {
    case registered = "registered"
    case eligible = "eligible"
    case ineligible = "ineligible"
    case returnedForCorrection = "returned for correction"
    case resubmitted = "resubmitted"
    case eligibilityAppealFiled = "eligibility appeal filed"
    case roundOpened = "round opened"
    case roundClosed = "round closed"
    case assigned = "assigned"
    case assignmentWithdrawn = "assignment withdrawn"
    case scoringReminder = "scoring reminder"
    case scoreDiscrepancy = "score discrepancy"
    case caseScored = "case scored"
    case voteVoid = "vote void: no quorum"
    case noticePublished = "notice published"
    case result = "result"
    case objectionFiled = "objection filed"
    case resultSuspended = "result suspended"
    case resultReconsidered = "result reconsidered"
    case appealDecided = "appeal decided"
    case finalResult = "final result"
    case resultsToConfirm = "results to confirm"
    case certificateIssued = "certificate issued"
    case certificateRevoked = "certificate revoked"

    /// Who hears it, and what it tells them, for the contract's documentation.
    public var meaning: String {
        switch self {
        case .registered: "applicant: the account exists"
        case .eligible: "applicant: the application passed the eligibility check"
        case .ineligible: "applicant: the application failed the eligibility check; `reasons` says why"
        case .returnedForCorrection: "applicant: the formal check returned the application; `reasons` says what to correct by `correctBy`"
        case .resubmitted: "institution: an application returned for correction is back for its formal check"
        case .eligibilityAppealFiled: "institution: an applicant appealed their ineligibility; decide it before the round closes"
        case .roundOpened: "institution: its round is open for applications"
        case .roundClosed: "institution: its round is closed to applications; panels are being drawn"
        case .assigned: "reviewer: a case is drawn for them, with its `stage`; its scoring deadline is in their case list"
        case .assignmentWithdrawn: "reviewer: a case is no longer theirs (a declared conflict or a missed deadline)"
        case .scoringReminder: "reviewer: a case's scoring deadline has passed"
        case .scoreDiscrepancy: "institution: a panel's scores diverge; one more reviewer is drawn"
        case .caseScored: "institution: a title case is scored (or an appeal re-scored: `stage` is `appeal`) and awaits the committee's ballot"
        case .voteVoid: "institution: the ballot had no quorum and is void; vote again"
        case .noticePublished: "institution: its round's results are on public notice"
        case .result: "applicant: their result, with `passed` and `appealsEnd`"
        case .objectionFiled: "institution: someone objected to a result on notice"
        case .resultSuspended: "applicant: an objection the institution upheld suspends their result; the committee votes on it again"
        case .resultReconsidered:
            "applicant: the committee's reconsideration of their suspended result, with `passed` and, for a failure, `appealsEnd`"
        case .appealDecided:
            "applicant: the re-review of their appeal decided, with `outcome` and `passed` (an appeal of ineligibility: `eligible` and `reason`)"
        case .finalResult: "applicant: their result is final and goes to the HR bureau"
        case .resultsToConfirm: "bureau: a finalized round awaits confirmation"
        case .certificateIssued: "applicant: their signed certificate is issued"
        case .certificateRevoked: "applicant: their certificate is revoked, with its `number`"
        }
    }
}

/// Names as people and other offices write them.
public enum PersonName {
    /// Whether two writings name the same person: case, spaces and full-width spaces aside.
    public static func same(_ one: String, _ other: String) -> Bool {
        func normal(_ name: String) -> String { name.lowercased().filter { !$0.isWhitespace } }
        return !normal(one).isEmpty && normal(one) == normal(other)
    }
}
