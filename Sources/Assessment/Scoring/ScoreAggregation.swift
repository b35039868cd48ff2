/// Turns reviewers' scores (0–100) into a case's score, per policy.
public enum ScoreAggregation {
    /// The result of aggregating a case's scores.
    public enum Outcome: Sendable, Hashable {
        /// The case's score.
        case final(Double)
        /// The spread exceeds the tolerance: assign one more reviewer, then aggregate again.
        case needsAnotherReviewer(spread: Double)
    }

    /// Aggregates `scores`. `initialReviewers` is the panel's size before any extra reviewer, so
    /// that a spread found before the extra reviewer asks for one, and after it keeps the closest scores.
    public static func aggregate(_ scores: [Double], initialReviewers: Int, policy: Policy) throws(ScoringError) -> Outcome {
        guard !scores.isEmpty else { throw ScoringError("a case needs at least one score to aggregate", zh: "汇总至少需要一个评分") }
        if let bad = scores.first(where: { !(0...100).contains($0) || $0.isNaN }) {
            throw ScoringError("scores run from 0 to 100; \(bad) is outside", zh: "评分须在 0 至 100 之间；\(bad) 超出范围")
        }
        let sorted = scores.sorted()
        let spread = sorted.last! - sorted.first!
        if spread > policy.discrepancyTolerance {
            if scores.count <= initialReviewers { return .needsAnotherReviewer(spread: spread) }
            return .final(mean(closest(sorted, keeping: policy.closestScoresKept)))
        }
        if sorted.count >= policy.trimmedMeanFrom { return .final(mean(Array(sorted.dropFirst().dropLast()))) }
        return .final(mean(sorted))
    }

    /// The `count` scores lying closest together; among equally close groups, the one nearest the
    /// median, then the higher one, so that the choice never depends on the order scores arrived in.
    static func closest(_ sorted: [Double], keeping count: Int) -> [Double] {
        guard sorted.count > count else { return sorted }
        let median =
            sorted.count % 2 == 1
            ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        let windows = (0...(sorted.count - count)).map { Array(sorted[$0..<($0 + count)]) }
        return windows.min { a, b in
            let (spreadA, spreadB) = (a.last! - a.first!, b.last! - b.first!)
            if spreadA != spreadB { return spreadA < spreadB }
            let (distanceA, distanceB) = (abs(mean(a) - median), abs(mean(b) - median))
            if distanceA != distanceB { return distanceA < distanceB }
            return mean(a) > mean(b)
        }!
    }

    static func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(values.count) }
}

/// Scores or votes that cannot be aggregated, with what to fix.
public struct ScoringError: DomainRefusal, Sendable, Hashable {
    public let text: LocalizedText
    init(_ english: String, zh chinese: String) { text = LocalizedText(zh: chinese, en: english) }
}
