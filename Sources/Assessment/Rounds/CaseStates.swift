/// Where an application is, from submission to decision.
public enum ApplicationState: String, Sendable, Hashable, Codable, CaseIterable {
    case submitted, returned, ineligible, eligible, assigned, scored, decided
    /// A published result an upheld objection called into question: the committee votes on it again.
    case suspended
}

/// Where a reviewer's assignment to a case is.
public enum AssignmentState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Drawn, awaiting the score.
    case assigned
    /// Scored.
    case scored
    /// Withdrawn: a declared conflict or a missed deadline; another reviewer was drawn.
    case replaced
}

/// Where an objection to a published result is.
public enum ObjectionState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Filed; the round cannot finalize while one is open.
    case open
    /// The institution recorded how it handled it.
    case handled
    /// The institution found it well founded and suspended the result for the committee to reconsider.
    case upheld
    /// The institution dismissed it with a reason (spam, out of scope).
    case dismissed
}

/// Where an appeal (复核) of a failed result is.
public enum AppealState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Filed; a fresh panel re-scores the case.
    case open
    /// A title appeal the fresh panel re-scored: the committee votes on it again.
    case rescored
    /// Decided: upheld or overturned.
    case decided
    /// No fresh panel could be drawn: the institution was told why, and the round finalizes
    /// without it; the case is not handed on as final.
    case setApart = "set_apart"
}
