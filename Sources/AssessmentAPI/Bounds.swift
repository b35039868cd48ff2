import Workflow

/// The range of every number the API takes, stated once: the bodies' validation enforces it and
/// their schemas in `/openapi.json` are written from the same values, so the document and the server cannot drift
/// apart (a test sweeps both).
enum Bounds {
    /// Record ids: positive, and within PostgreSQL's bigint.
    static let id: ClosedRange<Int64> = 1...Int64.max
    /// `after` of a page.
    static let after: ClosedRange<Int64> = 0...Int64.max
    /// `limit` of a page.
    static let limit = 1...100
    /// A title grade (1 员级 … 5 正高级) or a skill level (5 初级工 … 1 高级技师).
    static let gradeOrLevel = 1...5
    /// A reviewer's score, and a skills part's mark.
    static let score = 0.0...100.0
    /// A reviewer's load cap.
    static let loadCap = 1...500
    /// The day of a round's clock on which applications close.
    static let closesOnDay = 1...365
    /// Days a reviewer has to score.
    static let scoringDays = 1...90
    /// Seconds in a day of a round's clock.
    static let daySeconds = 1...86_400
    /// A round's panel seed: at most 2^53 - 1, so that a JavaScript client reads it back exactly.
    static let seed: ClosedRange<Int64> = 1...9_007_199_254_740_991
    /// The year of a holiday schedule loaded into a round's calendar.
    static let scheduleYear = 2000...2200
    /// A privacy notice's version number.
    static let noticeVersion = 1...1_000
    /// Probe jobs one request enqueues.
    static let probes = 1...1_000
    /// How long a probe job enqueued through the API works, in milliseconds: a probe of the path
    /// through the API and the queue, not of the workers' patience (`assess jobs probe` goes longer).
    static let probeMilliseconds = 0...10_000
    /// Hours a rotated webhook secret stays valid beside the new one.
    static let overlapHours = 0.0...720.0

    /// Refuses a whole number outside `range`, naming the field and the range.
    @discardableResult
    static func check<Number: BinaryInteger>(_ value: Number, _ field: String, _ range: ClosedRange<Number>) throws -> Number {
        guard range.contains(value) else {
            throw invalidField(field, "must be \(range.lowerBound) to \(range.upperBound)", zh: "须为 \(range.lowerBound) 至 \(range.upperBound)")
        }
        return value
    }

    /// Refuses a number outside `range` (or not finite), naming the field and the range.
    @discardableResult
    static func check(_ value: Double, _ field: String, _ range: ClosedRange<Double>) throws -> Double {
        guard value.isFinite, range.contains(value) else {
            let (low, high) = (schemaNumber(range.lowerBound), schemaNumber(range.upperBound))
            throw invalidField(field, "must be \(low) to \(high)", zh: "须为 \(low) 至 \(high) 之间的有限数")
        }
        return value
    }

    private static func schemaNumber(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

/// A request body that checks its own numbers and strings once decoded: the request context's
/// decoder calls `validate()` before a handler sees the body.
protocol RequestBody: Decodable {
    /// Throws a 422 problem naming the first field out of its range.
    func validate() throws
}
