/// One part of a sitting on the round's calendar: its day, when it starts and how long it runs,
/// in the round's time zone, as an institution's notice writes it (2026年10月10日 9:00–10:30).
public struct SittingPart: Sendable, Hashable, Codable {
    public var part: SkillsPart
    public var date: CalendarDate
    /// Minutes after midnight.
    public var startMinute: Int
    public var minutes: Int

    /// The longest part, in minutes: a working day.
    public static let durations = 15...480

    public init(part: SkillsPart, date: CalendarDate, startMinute: Int, minutes: Int) {
        (self.part, self.date, self.startMinute, self.minutes) = (part, date, startMinute, minutes)
    }

    /// `09:00`.
    public var startText: String { Self.clock(startMinute) }
    /// `10:30`.
    public var endText: String { Self.clock(startMinute + minutes) }

    /// Minutes after midnight of `09:00`, or nil.
    public static func minute(of text: String) -> Int? {
        guard let match = text.wholeMatch(of: /([01][0-9]|2[0-3]):([0-5][0-9])/), let hour = Int(match.1), let minute = Int(match.2) else {
            return nil
        }
        return hour * 60 + minute
    }

    private static func clock(_ minute: Int) -> String {
        let (hour, rest) = (minute / 60, minute % 60)
        return (hour < 10 ? "0" : "") + "\(hour):" + (rest < 10 ? "0" : "") + "\(rest)"
    }

    /// Parts in the order they are held.
    public static func ordered(_ parts: [SittingPart]) -> [SittingPart] {
        parts.sorted { ($0.date, $0.startMinute) < ($1.date, $1.startMinute) }
    }

    /// Every part in the order held, as one line: 理论知识考试 2026-10-10 09:00–10:30；技能考核 ….
    public static func schedule(_ parts: [SittingPart]) -> LocalizedText {
        let texts = ordered(parts).map(\.text)
        return LocalizedText(zh: texts.map(\.zh).joined(separator: "；"), en: texts.map(\.en).joined(separator: "; "))
    }

    /// 理论知识考试 2026-10-10 09:00–10:30.
    public var text: LocalizedText {
        LocalizedText(
            zh: "\(part.chineseName) \(date) \(startText)–\(endText)", en: "\(part.englishName) \(date) \(startText)–\(endText)")
    }
}

/// Admission ticket numbers (准考证号): 18 digits, the year's last two, the site, the sitting (the
/// last six digits of its id) and the seat's sequence within the sitting, from 1.
public enum AdmissionTicketNumber {
    /// The number of the `sequence`th seat of a sitting; unique within it for up to 9,999 seats.
    public static func make(year: Int, site: String, sitting: Int64, sequence: Int) -> String {
        digits(year % 100, 2) + site + digits(Int(sitting % 1_000_000), 6) + digits(sequence % 10_000, 4)
    }

    private static func digits(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

/// A room of a sitting and its seats.
public struct SittingRoom: Sendable, Hashable, Codable {
    public var name: String
    public var seats: Int

    /// Seats of one room.
    public static let seatRange = 1...200
    /// Rooms of one sitting.
    public static let roomRange = 1...50

    public init(name: String, seats: Int) { (self.name, self.seats) = (name, seats) }
}

/// What an institution schedules: where, when, in which rooms, for candidates of which levels,
/// and the staff it plans beyond the minimum.
public struct SittingDraft: Sendable, Hashable {
    /// The institution's site (6 digits), which the certificates name.
    public var site: String
    public var levels: Set<SkillLevel>
    public var parts: [SittingPart]
    public var rooms: [SittingRoom]
    public var planned: StaffingOverrides

    public init(site: String, levels: Set<SkillLevel>, parts: [SittingPart], rooms: [SittingRoom], planned: StaffingOverrides = .init()) {
        (self.site, self.levels, self.parts, self.rooms, self.planned) = (site, levels, parts, rooms, planned)
    }

    /// The last day of the sitting: examiner certificates must be valid through it.
    public var lastDay: CalendarDate? { parts.map(\.date).max() }
    /// Every seat of every room.
    public var seats: Int { rooms.reduce(0) { $0 + $1.seats } }

    /// Every part that cannot be scheduled, by field, each saying what it must be. `today` is the
    /// round's day now: a sitting lies after it, and within a year.
    public func problems(today: CalendarDate) -> [(field: String, message: LocalizedText)] {
        var problems: [(field: String, message: LocalizedText)] = []
        func add(_ field: String, _ zh: String, _ en: String) { problems.append((field, LocalizedText(zh: zh, en: en))) }
        if site.wholeMatch(of: /[0-9]{6}/) == nil { add("site", "须为 6 位数字的考点编号", "must be a site number of 6 digits") }
        if levels.isEmpty { add("levels", "须列出至少一个等级", "must name at least one level") }
        if !SittingRoom.roomRange.contains(rooms.count) { add("rooms", "须为 1 至 50 个考场", "must list 1 to 50 rooms") }
        for (index, room) in rooms.enumerated() {
            if !(1...50).contains(room.name.count) { add("rooms[\(index)].name", "须为 1 至 50 个字符", "must have 1 to 50 characters") }
            if !SittingRoom.seatRange.contains(room.seats) { add("rooms[\(index)].seats", "须为 1 至 200", "must be 1 to 200") }
        }
        if Set(rooms.map(\.name)).count != rooms.count { add("rooms", "考场名称不得重复", "room names must differ") }
        let needed = Set(levels.flatMap(SkillsPart.required(at:)))
        let given = parts.map(\.part)
        for part in SkillsPart.allCases where needed.contains(part) && !given.contains(part) {
            add("parts.\(part.rawValue)", "这些等级须有\(part.chineseName)的时间", "the levels need a time for the \(part.englishName)")
        }
        for part in SkillsPart.allCases where given.contains(part) && !needed.contains(part) {
            add(
                "parts.\(part.rawValue)", "这些等级没有\(part.chineseName)；综合评审仅适用于二级和一级",
                "these levels take no \(part.englishName); the comprehensive review is for levels 2 and 1")
        }
        let latest = (try? today.adding(days: 366)) ?? today
        for (index, part) in parts.enumerated() {
            let field = "parts.\(part.part.rawValue)"
            if given[..<index].contains(part.part) { add(field, "同一项目只能安排一次", "is scheduled twice") }
            if part.date <= today || part.date > latest {
                add(field, "日期须在今天（\(today)）之后一年之内", "the date must lie after today (\(today)) and within a year")
            }
            if !(0..<1_440).contains(part.startMinute) { add(field, "开始时间须为 00:00 至 23:59", "must start at 00:00 to 23:59") }
            if !SittingPart.durations.contains(part.minutes) {
                add(field, "时长须为 15 至 480 分钟", "must last 15 to 480 minutes")
            } else if part.startMinute + part.minutes > 1_440 {
                add(field, "须在当天结束", "must end on its day")
            }
            for other in parts[..<index] where other.date == part.date && other.part != part.part {
                if part.startMinute < other.startMinute + other.minutes && other.startMinute < part.startMinute + part.minutes {
                    add(field, "与\(other.part.chineseName)时间重叠", "overlaps the \(other.part.englishName)")
                }
            }
        }
        problems.append(contentsOf: planned.problems())
        return problems
    }
}

/// Staff an institution plans above the minimum, the same in every room; nil takes the minimum.
public struct StaffingOverrides: Sendable, Hashable, Codable {
    public var invigilatorsPerRoom: Int?
    public var examinersPerRoom: Int?
    public var reviewPanel: Int?

    /// The most of any post.
    public static let range = 1...30

    public init(invigilatorsPerRoom: Int? = nil, examinersPerRoom: Int? = nil, reviewPanel: Int? = nil) {
        (self.invigilatorsPerRoom, self.examinersPerRoom, self.reviewPanel) = (invigilatorsPerRoom, examinersPerRoom, reviewPanel)
    }

    func problems() -> [(field: String, message: LocalizedText)] {
        [
            ("staffing.invigilatorsPerRoom", invigilatorsPerRoom), ("staffing.examinersPerRoom", examinersPerRoom),
            ("staffing.reviewPanel", reviewPanel),
        ]
        .compactMap { field, value in
            guard let value, !Self.range.contains(value) else { return nil }
            return (field, LocalizedText(zh: "须为 1 至 30", en: "must be 1 to 30"))
        }
    }
}

/// What a sitting's staff do.
public enum SittingRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// 监考员: watches a room.
    case invigilator
    /// 考评员: marks the skill assessment of a room's candidates.
    case examiner
    /// 综合评审专家: marks the comprehensive review of levels 2 and 1.
    case reviewer
    /// 督导员: supervises the whole sitting.
    case supervisor

    public var chineseName: String {
        switch self {
        case .invigilator: "监考员"
        case .examiner: "考评员"
        case .reviewer: "综合评审专家"
        case .supervisor: "督导员"
        }
    }
}

extension SkillsPart {
    /// 理论知识考试.
    public var chineseName: String {
        switch self {
        case .theory: "理论知识考试"
        case .skill: "技能考核"
        case .comprehensiveReview: "综合评审"
        }
    }

    /// theory exam.
    public var englishName: String {
        switch self {
        case .theory: "theory exam"
        case .skill: "skill assessment"
        case .comprehensiveReview: "comprehensive review"
        }
    }
}
