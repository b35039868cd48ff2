import Foundation

/// Runs `body` (which dates something "today" in Shanghai) once at least five minutes of the day
/// remain there, waiting past midnight if need be. The server checks dates against its own clock:
/// a round dated today just before midnight and created just after is refused as starting
/// yesterday, which failed five API tests of a CI run that began at 16:00 UTC.
public func clearOfShanghaiMidnight<Result>(_ body: () throws -> Result) async throws -> Result {
    let wait = secondsToWaitClearOfShanghaiMidnight(at: Date())
    if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
    return try body()
}

/// At `instant`: nothing when five minutes or more of the Shanghai day remain, else until a second
/// past midnight.
public func secondsToWaitClearOfShanghaiMidnight(at instant: Date) -> Double {
    guard let zone = TimeZone(identifier: "Asia/Shanghai") else { return 0 }
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    guard
        let midnight = calendar.nextDate(
            after: instant, matching: DateComponents(hour: 0, minute: 0, second: 0), matchingPolicy: .nextTime)
    else { return 0 }
    let left = midnight.timeIntervalSince(instant)
    return left < 300 ? left + 1 : 0
}
