/// A day in the proleptic Gregorian calendar, without time or zone: dates of birth, application
/// dates, notice periods. Pure arithmetic, so the domain needs no Foundation calendar.
///
/// Every date lies in `CalendarDate.supported` (1900-01-01 to 2200-12-31): no one alive was born
/// earlier and no round runs later, and a bounded range keeps every day count far from overflow,
/// so that arithmetic on a date that exists can only fail with a `CalendarError`, never trap.
public struct CalendarDate: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The years a date may fall in.
    public static let supportedYears = 1900...2200
    /// The first and the last day a date may be.
    public static let supported = CalendarDate(checkedYear: 1900, month: 1, day: 1)...CalendarDate(checkedYear: 2200, month: 12, day: 31)

    /// The year, 1900…2200.
    public let year: Int
    /// 1…12.
    public let month: Int
    /// 1…31, valid for the month.
    public let day: Int

    /// A date, or nil when the day does not exist (30 February, month 13) or lies outside 1900–2200.
    public init?(year: Int, month: Int, day: Int) {
        guard Self.supportedYears.contains(year), (1...12).contains(month),
            (1...CalendarDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        (self.year, self.month, self.day) = (year, month, day)
    }

    private init(checkedYear year: Int, month: Int, day: Int) {
        (self.year, self.month, self.day) = (year, month, day)
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso string: String) {
        let parts = string.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// Whether the year has 29 February.
    public static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    /// The number of days of a month.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Whole years from `self` to `date`: the age on `date` of someone born on `self`. Someone born
    /// on 29 February turns a year older on 1 March in common years, as Chinese practice counts it.
    public func wholeYears(until date: CalendarDate) -> Int {
        var years = date.year - year
        if (date.month, date.day) < (month, day) { years -= 1 }
        return years
    }

    /// Days since 1970-01-01 (negative before).
    public var dayNumber: Int {
        // Days from civil, after Howard Hinnant's algorithm.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthIndex = month > 2 ? month - 3 : month + 9
        let dayOfYear = (153 * monthIndex + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date `dayNumber` days after 1970-01-01, or nil outside 1900–2200.
    public init?(dayNumber: Int) {
        guard (Self.supported.lowerBound.dayNumber...Self.supported.upperBound.dayNumber).contains(dayNumber) else { return nil }
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        (self.year, self.month, self.day) = (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// The date `days` later (earlier when negative); refuses a date outside 1900–2200.
    public func adding(days: Int) throws(CalendarError) -> CalendarDate {
        let (sum, overflow) = dayNumber.addingReportingOverflow(days)
        guard !overflow, let date = CalendarDate(dayNumber: sum) else { throw CalendarError(self, plus: "\(days) days") }
        return date
    }

    /// 1 Monday … 7 Sunday.
    public var isoWeekday: Int { ((dayNumber % 7 + 7) % 7 + 3) % 7 + 1 }

    /// The same day `years` later; 29 February becomes 28 February in a common year. Refuses a
    /// date outside 1900–2200.
    public func adding(years: Int) throws(CalendarError) -> CalendarDate {
        let (target, overflow) = year.addingReportingOverflow(years)
        guard !overflow, Self.supportedYears.contains(target),
            let date = CalendarDate(year: target, month: month, day: min(day, Self.daysIn(month: month, year: target)))
        else {
            throw CalendarError(self, plus: "\(years) years")
        }
        return date
    }

    /// Orders by day.
    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        let pad = { (value: Int, width: Int) in String(repeating: "0", count: max(0, width - String(value).count)) + String(value) }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Decodes from `YYYY-MM-DD`.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = CalendarDate(iso: text) else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "expected a date as YYYY-MM-DD that exists in the calendar, from 1900-01-01 to 2200-12-31"))
        }
        self = date
    }

    /// Encodes as `YYYY-MM-DD`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Date arithmetic that cannot be done: a result outside the supported years, or a count of
/// working days that reaches a year whose holiday schedule is not loaded.
public struct CalendarError: DomainRefusal, Sendable, Hashable {
    /// What was asked, and why it cannot be answered.
    public let text: LocalizedText
    /// The year whose schedule must be loaded before the count can go on, if that is the reason.
    public let unloadedYear: Int?

    init(_ date: CalendarDate, plus amount: String) {
        self.init(
            "\(date) plus \(amount) falls outside the supported dates 1900-01-01 to 2200-12-31",
            zh: "\(date) 加 \(amount) 超出支持的日期范围 1900-01-01 至 2200-12-31")
    }

    init(unloadedYear year: Int) {
        text = LocalizedText(
            zh: "\(year) 年的节假日安排尚未载入；请将该年官方安排载入本轮日历",
            en: "the holiday schedule of \(year) is not loaded; load the year's official schedule into the round's calendar")
        unloadedYear = year
    }

    init(_ english: String, zh chinese: String) { (text, unloadedYear) = (LocalizedText(zh: chinese, en: english), nil) }

    /// An instant, given as text, whose date lies outside the supported years.
    public static func outsideSupportedDates(of instant: String) -> CalendarError {
        CalendarError(
            "\(instant) falls outside the supported dates 1900-01-01 to 2200-12-31", zh: "\(instant) 超出支持的日期范围 1900-01-01 至 2200-12-31")
    }
}
