import Assessment
import Foundation

/// A review round as stored: its policy, state and clock.
public struct RoundRecord: Sendable {
    /// Title evaluation or skills certification.
    public enum Track: String, Sendable, Codable {
        /// 职称评审
        case title
        /// 职业技能等级认定
        case skill
    }

    /// The round's id.
    public let id: Int64
    /// The institution that runs it.
    public let institutionID: String
    /// Its name.
    public let name: String
    /// Its track.
    public let track: Track
    /// The series or occupation code.
    public let field: String
    /// Its policy.
    public let policy: Policy
    /// Its working-day calendar.
    public let calendar: WorkingCalendar
    /// Where it is.
    public internal(set) var state: RoundState
    /// The recorded seed of its panel draws.
    public let seed: Int64
    /// Day 0 of its clock.
    public let startDate: CalendarDate
    /// Seconds per day of its clock: 86,400, or fewer on a compressed clock.
    public let daySeconds: Int
    /// When day 0 began.
    public let startedAt: Date
    /// The day applications close.
    public let closesOnDay: Int
    /// Days a reviewer has to score.
    public let scoringDays: Int
    /// The last day of the public notice, once published.
    public let noticeEnds: CalendarDate?
    /// The last day appeals may be filed, once results are notified.
    public let appealsEnd: CalendarDate?

    /// The instant the round's clock reaches `days` after day 0.
    public func instant(afterDays days: Double) -> Date {
        startedAt.addingTimeInterval(days * Double(daySeconds))
    }

    /// The day of the round's clock at `now`; refuses a day past 2200 (a compressed clock left running).
    public func day(at now: Date) throws(CalendarError) -> CalendarDate {
        let days = (now.timeIntervalSince(startedAt) / Double(max(1, daySeconds))).rounded(.down)
        // Beyond ±1e6 days every date is outside the calendar anyway; clamping keeps Int(_:) from trapping.
        return try startDate.adding(days: Int(min(max(days, -1e6), 1e6)))
    }

    /// The instant `date` begins on the round's clock.
    public func start(of date: CalendarDate) -> Date {
        instant(afterDays: Double(date.dayNumber - startDate.dayNumber))
    }
}
