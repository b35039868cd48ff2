import Foundation
import JobQueue
import Testing

@Suite("Cron expressions")
struct CronExpressionTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    static let newYork = TimeZone(identifier: "America/New_York")!

    /// An instant from an ISO 8601 text with its offset.
    func at(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }

    func next(_ expression: String, after text: String, in zone: TimeZone = shanghai) throws -> Date? {
        try CronExpression(expression).nextTick(after: at(text), in: zone)
    }

    @Test("weekdays at 02:30 Shanghai time: Friday night's next tick is Monday")
    func weekdays() throws {
        #expect(try next("30 2 * * 1-5", after: "2026-11-20T03:00:00+08:00") == at("2026-11-23T02:30:00+08:00"))
        #expect(try next("30 2 * * MON-FRI", after: "2026-11-23T02:29:59+08:00") == at("2026-11-23T02:30:00+08:00"))
        // Strictly after: a tick is never its own successor.
        #expect(try next("30 2 * * 1-5", after: "2026-11-23T02:30:00+08:00") == at("2026-11-24T02:30:00+08:00"))
    }

    @Test("steps, lists, ranges with steps and names")
    func fields() throws {
        #expect(try next("*/15 * * * *", after: "2026-11-22T10:07:30+08:00") == at("2026-11-22T10:15:00+08:00"))
        #expect(try next("5,35 9-17/4 * * *", after: "2026-11-22T13:36:00+08:00") == at("2026-11-22T17:05:00+08:00"))
        #expect(try next("0 9 1 jan,JUL *", after: "2026-11-22T00:00:00+08:00") == at("2027-01-01T09:00:00+08:00"))
        #expect(try next("0 0 * * 7", after: "2026-11-22T00:00:00+08:00") == at("2026-11-29T00:00:00+08:00"), "7 is Sunday too")
        #expect(try next("@daily", after: "2026-11-22T13:00:00+08:00") == at("2026-11-23T00:00:00+08:00"))
        #expect(try next("@hourly", after: "2026-11-22T13:00:00+08:00") == at("2026-11-22T14:00:00+08:00"))
    }

    @Test("a leading seconds field runs finer than a minute")
    func seconds() throws {
        #expect(try next("*/10 * * * * *", after: "2026-11-22T12:00:05+08:00") == at("2026-11-22T12:00:10+08:00"))
        #expect(try next("* * * * * *", after: "2026-11-22T12:00:59.5+08:00") == at("2026-11-22T12:01:00+08:00"))
        #expect(try next("50 59 23 31 12 *", after: "2026-11-22T12:00:00+08:00") == at("2026-12-31T23:59:50+08:00"))
    }

    @Test("day of month and day of week both restricted: either matches, as in Vixie cron")
    func dayOrWeekday() throws {
        // The 13th or a Friday: after Friday 11 December 2026 comes Sunday the 13th, before Friday the 18th.
        #expect(try next("0 0 13 * 5", after: "2026-12-11T00:00:00+08:00") == at("2026-12-13T00:00:00+08:00"))
        #expect(try next("0 0 13 * 5", after: "2026-12-13T00:00:00+08:00") == at("2026-12-18T00:00:00+08:00"))
        // Only the day of month restricted: weekdays do not matter.
        #expect(try next("0 0 13 * *", after: "2026-12-13T00:00:00+08:00") == at("2027-01-13T00:00:00+08:00"))
    }

    @Test("29 February waits for a leap year; 30 February never comes")
    func leapDay() throws {
        #expect(try next("0 0 29 2 *", after: "2026-03-01T00:00:00+08:00") == at("2028-02-29T00:00:00+08:00"))
        #expect(try next("0 0 30 2 *", after: "2026-03-01T00:00:00+08:00") == nil)
    }

    @Test("the same expression in two zones fires at different instants")
    func zones() throws {
        let utc = TimeZone(identifier: "UTC")!
        #expect(try next("0 9 * * *", after: "2026-11-22T00:00:00Z", in: utc) == at("2026-11-22T09:00:00Z"))
        #expect(try next("0 9 * * *", after: "2026-11-22T00:00:00Z", in: Self.shanghai) == at("2026-11-22T01:00:00Z"))
    }

    @Test("daylight saving: a skipped local time does not fire that day, a repeated one fires once")
    func daylightSaving() throws {
        // New York springs forward on 8 March 2026: 02:30 does not exist that day.
        #expect(try next("30 2 * * *", after: "2026-03-07T03:00:00-05:00", in: Self.newYork) == at("2026-03-09T02:30:00-04:00"))
        // It falls back on 1 November 2026: 01:30 happens twice, and fires only the first time.
        let first = try #require(try next("30 1 * * *", after: "2026-11-01T00:00:00-04:00", in: Self.newYork))
        #expect(first == at("2026-11-01T01:30:00-04:00"))
        #expect(try CronExpression("30 1 * * *").nextTick(after: first, in: Self.newYork) == at("2026-11-02T01:30:00-05:00"))
        // An hourly schedule across the fall-back hour goes on without repeating or stopping.
        var tick = at("2026-11-01T00:00:00-04:00")
        var ticks: [Date] = []
        for _ in 0..<4 {
            tick = try #require(try CronExpression("0 * * * *").nextTick(after: tick, in: Self.newYork))
            ticks.append(tick)
        }
        #expect(zip(ticks, ticks.dropFirst()).allSatisfy { $1 > $0 })
    }

    @Test(
        "a wrong expression says which field is wrong and what it accepts",
        arguments: [
            ("61 * * * *", "minute"), ("* 24 * * *", "hour"), ("* * 0 * *", "day of month"), ("* * * 13 *", "month"),
            ("* * * * 8", "day of week"), ("* * * FOO *", "not a number"), ("5-1 * * * *", "backwards"),
            ("*/0 * * * *", "step"), ("* * *", "five"), ("1,,2 * * * *", "malformed"),
        ])
    func errors(expression: String, mention: String) {
        #expect {
            try CronExpression(expression)
        } throws: { error in
            "\(error)".contains(mention) && "\(error)".contains(expression)
        }
    }

    @Test("a schedule with an unknown time zone is refused")
    func unknownZone() {
        #expect(throws: JobQueueError.self) {
            try CronSchedule(name: "x", expression: "@daily", timeZone: "Mars/Olympus", args: NumberedJob(n: 1))
        }
    }
}
