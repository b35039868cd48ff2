/// Working days: Monday to Friday, less public holidays, plus the weekend days that are made
/// working days when holidays are moved (调休). Both lists are data of the institution.
public struct WorkingCalendar: Sendable, Hashable, Codable {
    /// Public holidays that fall on weekdays.
    public var holidays: Set<CalendarDate>
    /// Weekend days that are working days.
    public var adjustedWorkdays: Set<CalendarDate>

    /// A calendar.
    public init(holidays: Set<CalendarDate> = [], adjustedWorkdays: Set<CalendarDate> = []) {
        self.holidays = holidays
        self.adjustedWorkdays = adjustedWorkdays
    }

    /// Whether `date` is a working day.
    public func isWorkingDay(_ date: CalendarDate) -> Bool {
        if adjustedWorkdays.contains(date) { return true }
        return date.isoWeekday <= 5 && !holidays.contains(date)
    }

    /// The `count`-th working day after `start` (start itself does not count); refuses a negative
    /// count and a day past 2200.
    public func workingDay(_ count: Int, after start: CalendarDate) throws(CalendarError) -> CalendarDate {
        guard count >= 0 else { throw CalendarError("a count of working days cannot be negative, not \(count)") }
        var date = start
        var remaining = count
        while remaining > 0 {
            date = try date.adding(days: 1)
            if isWorkingDay(date) { remaining -= 1 }
        }
        return date
    }

    /// The last day of a public notice published on `published`: its `policy.noticeWorkingDays`
    /// working days start the day after publication, so a notice is never shortened by the hour
    /// it went up.
    public func noticeEnds(publishedOn published: CalendarDate, policy: Policy) throws(CalendarError) -> CalendarDate {
        try workingDay(policy.noticeWorkingDays, after: published)
    }
}
