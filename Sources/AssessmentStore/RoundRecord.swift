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
    /// Reviewed, or a national exam's results imported.
    public let kind: RoundKind
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
    /// The zone whose midnight starts a day of a production round.
    public let timeZone: TimeZone
    /// When the round was opened: day 0 of a rehearsal's compressed clock began then.
    public let startedAt: Date
    /// The day applications close.
    public let closesOnDay: Int
    /// Days a reviewer has to score.
    public let scoringDays: Int
    /// The day the public notice went up, which is the day results were notified.
    public let noticePublishedOn: CalendarDate?
    /// The last day of the public notice, once published.
    public let noticeEnds: CalendarDate?
    /// The last day appeals may be filed, once results are notified.
    public let appealsEnd: CalendarDate?

    /// Where rounds keep their days unless told otherwise.
    public static let defaultTimeZone = "Asia/Shanghai"

    /// A round on a compressed clock: its dates are a rehearsal's, and so are its certificates.
    public var isRehearsal: Bool { daySeconds < 86_400 }

    /// The day of the round's clock at `now`: the date in the round's zone, or on a rehearsal's
    /// compressed clock the days run since it opened. Refuses a day past 2200.
    public func day(at now: Date) throws(CalendarError) -> CalendarDate {
        guard isRehearsal else { return try Self.civilDate(of: now, in: timeZone) }
        let days = (now.timeIntervalSince(startedAt) / Double(daySeconds)).rounded(.down)
        // Beyond ±1e6 days every date is outside the calendar anyway; clamping keeps Int(_:) from trapping.
        return try startDate.adding(days: Int(min(max(days, -1e6), 1e6)))
    }

    /// The instant `date` begins on the round's clock: midnight in the round's zone.
    public func start(of date: CalendarDate) -> Date {
        guard isRehearsal else { return Self.midnight(of: date, in: timeZone) }
        return startedAt.addingTimeInterval(Double(date.dayNumber - startDate.dayNumber) * Double(daySeconds))
    }

    /// The instant `days` of the round's clock after `instant`: how long a reviewer has to score.
    public func instant(_ days: Int, daysAfter instant: Date) -> Date {
        instant.addingTimeInterval(Double(days) * Double(daySeconds))
    }

    /// The first instant applications are no longer taken: the start of day `closesOnDay`.
    public var applicationsClose: Date {
        if isRehearsal { return instant(closesOnDay, daysAfter: startedAt) }
        guard let day = try? startDate.adding(days: closesOnDay) else { return .distantFuture }
        return start(of: day)
    }

    /// The zone of an IANA name, or nil when it names none.
    public static func zone(_ identifier: String) -> TimeZone? {
        guard (1...64).contains(identifier.utf8.count) else { return nil }
        return TimeZone(identifier: identifier)
    }

    /// Today in the zone named, by this machine's clock: the earliest start of a production round there.
    public static func today(inZone identifier: String = defaultTimeZone) throws(CalendarError) -> CalendarDate {
        guard let zone = zone(identifier) else { throw CalendarError.outsideSupportedDates(of: identifier) }
        return try civilDate(of: Date(), in: zone)
    }

    /// The date `instant` falls on in `zone`.
    public static func civilDate(of instant: Date, in zone: TimeZone) throws(CalendarError) -> CalendarDate {
        let parts = calendar(in: zone).dateComponents([.year, .month, .day], from: instant)
        guard let year = parts.year, let month = parts.month, let day = parts.day,
            let date = CalendarDate(year: year, month: month, day: day)
        else {
            throw CalendarError.outsideSupportedDates(of: "\(instant)")
        }
        return date
    }

    static func midnight(of date: CalendarDate, in zone: TimeZone) -> Date {
        let parts = DateComponents(year: date.year, month: date.month, day: date.day)
        // A zone whose clocks skip midnight on some day has no 00:00; its day starts at the first instant it has.
        return calendar(in: zone).date(from: parts).map { calendar(in: zone).startOfDay(for: $0) }
            ?? Date(timeIntervalSince1970: Double(date.dayNumber) * 86_400 - Double(zone.secondsFromGMT()))
    }

    private static func calendar(in zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }
}
