import Foundation

/// A cron schedule: five fields (minute, hour, day of month, month, day of week) as in Vixie cron,
/// with lists, ranges, steps and names (`JAN`, `MON`), or one of `@yearly`, `@monthly`, `@weekly`,
/// `@daily`, `@hourly`. A sixth, leading seconds field is accepted for schedules finer than a minute.
///
/// When both day of month and day of week are restricted, a day matches either, as in Vixie cron.
/// Ticks are computed in a time zone: a local time skipped by a daylight-saving change does not
/// fire that day, and a local time that occurs twice fires once.
public struct CronExpression: Sendable, Hashable, CustomStringConvertible {
    /// The expression as written.
    public let description: String
    let seconds: Set<Int>
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    /// 0 is Sunday.
    let daysOfWeek: Set<Int>
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool

    private static let macros = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]
    private static let monthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    private static let dayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    /// Parses an expression; the error names the field that is wrong and what it accepts.
    public init(_ expression: String) throws {
        let trimmed = expression.trimmingCharacters(in: .whitespaces)
        let expanded = Self.macros[trimmed.lowercased()] ?? trimmed
        var fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 || fields.count == 6 else {
            throw JobQueueError(
                code: .invalidOptions,
                message: """
                    cron expression "\(expression)" has \(fields.count) fields; write five (minute hour day-of-month month \
                    day-of-week, e.g. "30 2 * * 1-5"), six with leading seconds, or a macro such as @daily
                    """)
        }
        if fields.count == 5 { fields.insert("0", at: 0) }
        description = trimmed
        seconds = try Self.field(fields[0], "seconds", 0...59, expression: expression)
        minutes = try Self.field(fields[1], "minute", 0...59, expression: expression)
        hours = try Self.field(fields[2], "hour", 0...23, expression: expression)
        daysOfMonth = try Self.field(fields[3], "day of month", 1...31, expression: expression)
        months = try Self.field(fields[4], "month", 1...12, names: Self.monthNames, nameBase: 1, expression: expression)
        let weekdays = try Self.field(fields[5], "day of week", 0...7, names: Self.dayNames, nameBase: 0, expression: expression)
        daysOfWeek = Set(weekdays.map { $0 % 7 })
        dayOfMonthRestricted = !fields[3].hasPrefix("*")
        dayOfWeekRestricted = !fields[5].hasPrefix("*")
    }

    /// The first tick strictly after `instant`, in `timeZone`; nil when none comes within eight
    /// years (a date such as 30 February never comes).
    public func nextTick(after instant: Date, in timeZone: TimeZone) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var candidate = Date(timeIntervalSince1970: instant.timeIntervalSince1970.rounded(.down) + 1)
        let limit = candidate.addingTimeInterval(8 * 366 * 86_400)
        // Each step moves to the start of the next unit that could match; Calendar resolves local
        // times across daylight-saving changes, and a step never goes back in absolute time.
        func moveTo(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Int) {
            let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
            let next = calendar.date(from: components) ?? candidate.addingTimeInterval(1)
            candidate = next > candidate ? next : candidate.addingTimeInterval(1)
        }
        while candidate < limit {
            let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: candidate)
            let (year, month, day, hour, minute, second) = (c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
            if !months.contains(month) {
                moveTo(year, month + 1, 1, 0, 0, 0)
            } else if !dayMatches(day: day, weekday: c.weekday! - 1) {
                moveTo(year, month, day + 1, 0, 0, 0)
            } else if !hours.contains(hour) {
                moveTo(year, month, day, hour + 1, 0, 0)
            } else if !minutes.contains(minute) {
                moveTo(year, month, day, hour, minute + 1, 0)
            } else if !seconds.contains(second) {
                let later = seconds.filter { $0 > second }.min()
                moveTo(year, month, day, hour, later == nil ? minute + 1 : minute, later ?? 0)
            } else {
                return candidate
            }
        }
        return nil
    }

    private func dayMatches(day: Int, weekday: Int) -> Bool {
        switch (dayOfMonthRestricted, dayOfWeekRestricted) {
        case (true, true): daysOfMonth.contains(day) || daysOfWeek.contains(weekday)
        case (true, false): daysOfMonth.contains(day)
        case (false, true): daysOfWeek.contains(weekday)
        case (false, false): true
        }
    }

    private static func field(
        _ text: String, _ name: String, _ range: ClosedRange<Int>, names: [String] = [], nameBase: Int = 0, expression: String
    ) throws -> Set<Int> {
        func invalid(_ why: String) -> JobQueueError {
            let accepted = names.isEmpty ? "" : " or names \(names.first!)–\(names.last!)"
            return JobQueueError(
                code: .invalidOptions,
                message: """
                    cron expression "\(expression)": the \(name) field "\(text)" \(why); it accepts \(range.lowerBound)–\(range.upperBound)\
                    \(accepted), *, lists (a,b), ranges (a-b) and steps (*/n, a-b/n)
                    """)
        }
        func value(_ token: Substring) throws -> Int {
            if let number = Int(token) {
                guard range.contains(number) else { throw invalid("has \(number), out of range") }
                return number
            }
            if let index = names.firstIndex(of: token.uppercased()) { return index + nameBase }
            throw invalid("has \"\(token)\", which is not a number")
        }
        var values = Set<Int>()
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2, !pieces[0].isEmpty else { throw invalid("is malformed") }
            var step = 1
            if pieces.count == 2 {
                guard let parsed = Int(pieces[1]), parsed > 0 else { throw invalid("has a step that is not a positive number") }
                step = parsed
            }
            let bounds: ClosedRange<Int>
            if pieces[0] == "*" {
                bounds = range
            } else if let dash = pieces[0].firstIndex(of: "-") {
                let low = try value(pieces[0][..<dash])
                let high = try value(pieces[0][pieces[0].index(after: dash)...])
                guard low <= high else { throw invalid("has a range that runs backwards") }
                bounds = low...high
            } else {
                let single = try value(pieces[0])
                bounds = pieces.count == 2 ? single...range.upperBound : single...single
            }
            values.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
        }
        return values
    }
}
