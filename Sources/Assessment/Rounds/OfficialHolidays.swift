extension HolidaySchedule {
    /// The national schedules the product ships, by year. Each is the State Council General
    /// Office's notice, day by day; a later year is loaded per round until a release ships it.
    public static let official: [Int: HolidaySchedule] = [
        // 国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）
        2025: official(
            2025,
            off: [
                (1, 1, 1),  // 元旦 New Year's Day
                (1, 28, 8),  // 春节 Spring Festival, 28 January to 4 February
                (4, 4, 3),  // 清明节 Qingming
                (5, 1, 5),  // 劳动节 Labour Day
                (5, 31, 3),  // 端午节 Dragon Boat Festival, 31 May to 2 June
                (10, 1, 8),  // 国庆节、中秋节 National Day and Mid-Autumn
            ],
            worked: [(1, 26), (2, 8), (4, 27), (9, 28), (10, 11)]),
        // 国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）
        2026: official(
            2026,
            off: [
                (1, 1, 3),  // 元旦 New Year's Day
                (2, 15, 9),  // 春节 Spring Festival, 15 to 23 February
                (4, 4, 3),  // 清明节 Qingming
                (5, 1, 5),  // 劳动节 Labour Day
                (6, 19, 3),  // 端午节 Dragon Boat Festival
                (9, 25, 3),  // 中秋节 Mid-Autumn
                (10, 1, 7),  // 国庆节 National Day
            ],
            worked: [(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)]),
    ]

    /// A shipped schedule from its holidays (first month, first day, length in days) and its
    /// moved working days; a typo here fails the first test that touches the calendar.
    private static func official(_ year: Int, off: [(Int, Int, Int)], worked: [(Int, Int)]) -> HolidaySchedule {
        let holidays = off.flatMap { month, day, length in
            (0..<length).map { offset in CalendarDate(dayNumber: CalendarDate(year: year, month: month, day: day)!.dayNumber + offset)! }
        }
        let adjusted = worked.map { month, day in CalendarDate(year: year, month: month, day: day)! }
        return try! HolidaySchedule(year: year, holidays: holidays, adjustedWorkdays: adjusted)
    }
}
