/// The assessment domain as values and pure functions: tracks, eligibility, policies, reviewer
/// assignment, scoring, appeals and certificate numbers. No I/O and no database; imports nothing
/// of ours. Its rules are those of `shared/DOMAIN.md` (issue 4).
public enum Assessment {}
