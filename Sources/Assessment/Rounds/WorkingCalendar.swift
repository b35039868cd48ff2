/// Working days: Monday to Friday, less public holidays, plus the weekend days that are made
/// working days when holidays are moved (调休).
///
/// China publishes each year's schedule late in the year before (国务院办公厅关于…年部分节假日安排的通知),
/// so no rule can compute it: a calendar knows the years whose schedule it holds, and says what to
/// do when a count reaches a year it does not know.
public struct WorkingCalendar: Sendable, Hashable, Codable {
    /// What a count that reaches a year without a loaded schedule does.
    public enum UnloadedYears: String, Sendable, Hashable, Codable, CaseIterable {
        /// Refuses, naming the year, until its schedule is loaded: a production round never
        /// publishes a notice end it may have to take back.
        case refuse
        /// Counts Monday to Friday: for rehearsals, and calendars of institutions that keep no holidays.
        case weekendsOnly = "weekends_only"

        /// Production refuses; a rehearsal, which runs through months in minutes, counts Monday to
        /// Friday instead of stopping at a year nobody loaded.
        public static func byDefault(rehearsal: Bool) -> UnloadedYears { rehearsal ? .weekendsOnly : .refuse }
    }

    /// Days off that would otherwise be working days.
    public var holidays: Set<CalendarDate>
    /// Weekend days that are working days.
    public var adjustedWorkdays: Set<CalendarDate>
    /// The years whose schedule is loaded.
    public var years: Set<Int>
    /// What happens in any other year.
    public var unloadedYears: UnloadedYears

    /// A calendar of the given days; with no `years`, every year counts weekends and these days only.
    public init(
        holidays: Set<CalendarDate> = [], adjustedWorkdays: Set<CalendarDate> = [], years: Set<Int> = [],
        unloadedYears: UnloadedYears = .weekendsOnly
    ) {
        (self.holidays, self.adjustedWorkdays, self.years, self.unloadedYears) = (holidays, adjustedWorkdays, years, unloadedYears)
    }

    /// The official national schedules shipped with the product (2025 and 2026), refusing other
    /// years unless told otherwise.
    public static func official(unloadedYears: UnloadedYears = .refuse) -> WorkingCalendar {
        var calendar = WorkingCalendar(unloadedYears: unloadedYears)
        for schedule in HolidaySchedule.official.values { calendar.load(schedule) }
        return calendar
    }

    /// Replaces the year's days with `schedule`'s.
    public mutating func load(_ schedule: HolidaySchedule) {
        holidays = holidays.filter { $0.year != schedule.year }.union(schedule.holidays)
        adjustedWorkdays = adjustedWorkdays.filter { $0.year != schedule.year }.union(schedule.adjustedWorkdays)
        years.insert(schedule.year)
    }

    /// The schedule this calendar holds for `year`, if it is loaded.
    public func schedule(of year: Int) -> HolidaySchedule? {
        guard years.contains(year) else { return nil }
        return HolidaySchedule(
            checkedYear: year, holidays: holidays.filter { $0.year == year }.sorted(),
            adjustedWorkdays: adjustedWorkdays.filter { $0.year == year }.sorted())
    }

    /// Whether `date` is a working day; refuses a day of a year whose schedule is not loaded when
    /// the calendar says so.
    public func isWorkingDay(_ date: CalendarDate) throws(CalendarError) -> Bool {
        if unloadedYears == .refuse, !years.contains(date.year) {
            throw CalendarError(unloadedYear: date.year)
        }
        if adjustedWorkdays.contains(date) { return true }
        return date.isoWeekday <= 5 && !holidays.contains(date)
    }

    /// The `count`-th working day after `start` (start itself does not count); refuses a negative
    /// count and a day past 2200.
    public func workingDay(_ count: Int, after start: CalendarDate) throws(CalendarError) -> CalendarDate {
        guard count >= 0 else { throw CalendarError("a count of working days cannot be negative, not \(count)", zh: "工作日数不能为负，而非 \(count)") }
        var date = start
        var remaining = count
        while remaining > 0 {
            date = try date.adding(days: 1)
            if try isWorkingDay(date) { remaining -= 1 }
        }
        return date
    }

    /// `date` if it is a working day, else the next one: where a period counted in calendar days
    /// ends, because nobody can act on a day off.
    public func workingDay(onOrAfter date: CalendarDate) throws(CalendarError) -> CalendarDate {
        var day = date
        while try !isWorkingDay(day) { day = try day.adding(days: 1) }
        return day
    }

    /// The last day of a public notice published on `published`: its `policy.noticeWorkingDays`
    /// working days start the day after publication, so a notice is never shortened by the hour
    /// it went up.
    public func noticeEnds(publishedOn published: CalendarDate, policy: Policy) throws(CalendarError) -> CalendarDate {
        try workingDay(policy.noticeWorkingDays, after: published)
    }
}

/// One year's days off and moved working days, as the State Council's notice sets them.
public struct HolidaySchedule: Sendable, Hashable, Codable {
    /// The year.
    public let year: Int
    /// Every day off of the schedule, weekends within a holiday included.
    public let holidays: [CalendarDate]
    /// The weekend days worked instead (调休上班).
    public let adjustedWorkdays: [CalendarDate]

    /// A schedule; refuses a day of another year, a moved working day that is not a Saturday or
    /// Sunday, and a day that is both off and worked.
    public init(year: Int, holidays: [CalendarDate], adjustedWorkdays: [CalendarDate]) throws(CalendarError) {
        guard CalendarDate.supportedYears.contains(year) else {
            throw CalendarError("a schedule's year must be 1900 to 2200, not \(year)", zh: "安排的年份须为 1900 至 2200，而非 \(year)")
        }
        if let stray = (holidays + adjustedWorkdays).first(where: { $0.year != year }) {
            throw CalendarError("the \(year) schedule cannot hold \(stray), a day of another year", zh: "\(year) 年的安排不能包含其他年份的日期 \(stray)")
        }
        if let weekday = adjustedWorkdays.first(where: { $0.isoWeekday <= 5 }) {
            throw CalendarError(
                "\(weekday) is a weekday; only a Saturday or Sunday can be made a working day", zh: "\(weekday) 本是工作日；只有周六或周日可调为工作日")
        }
        if let both = Set(holidays).intersection(adjustedWorkdays).min() {
            throw CalendarError("\(both) cannot be both a holiday and a working day", zh: "\(both) 不能既是节假日又是工作日")
        }
        self.init(checkedYear: year, holidays: Array(Set(holidays)).sorted(), adjustedWorkdays: Array(Set(adjustedWorkdays)).sorted())
    }

    init(checkedYear year: Int, holidays: [CalendarDate], adjustedWorkdays: [CalendarDate]) {
        (self.year, self.holidays, self.adjustedWorkdays) = (year, holidays, adjustedWorkdays)
    }

    /// Decodes and checks a schedule as `init(year:holidays:adjustedWorkdays:)` does.
    public init(from decoder: any Decoder) throws {
        enum Keys: String, CodingKey { case year, holidays, adjustedWorkdays }
        let container = try decoder.container(keyedBy: Keys.self)
        do {
            try self.init(
                year: try container.decode(Int.self, forKey: .year), holidays: try container.decode([CalendarDate].self, forKey: .holidays),
                adjustedWorkdays: try container.decode([CalendarDate].self, forKey: .adjustedWorkdays))
        } catch let error as CalendarError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }
}
