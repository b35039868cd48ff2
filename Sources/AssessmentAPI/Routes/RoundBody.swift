import Foundation
import Workflow

/// What an institution opens a round with: every rule of its policy, its calendar and its clock.
struct RoundBody: RequestBody, Documented {
    var name: String
    var track: String
    var kind: String?
    var field: String
    var startDate: String
    var timeZone: String?
    var site: String?
    var closesOnDay: Int?
    var scoringDays: Int?
    /// The round's clock: seconds in one of its days. Production keeps 86,400; a rehearsal
    /// compresses the calendar so that deadlines, notices and appeal windows pass in minutes.
    var daySeconds: Int?
    var seed: Int64?
    var policy: PolicyChanges?
    var calendar: CalendarBody?

    func validate() throws {
        if let closesOnDay { try Bounds.check(closesOnDay, "closesOnDay", Bounds.closesOnDay) }
        if let scoringDays { try Bounds.check(scoringDays, "scoringDays", Bounds.scoringDays) }
        if let daySeconds { try Bounds.check(daySeconds, "daySeconds", Bounds.daySeconds) }
        if let seed { try Bounds.check(seed, "seed", Bounds.seed) }
        try policy?.validate()
        try calendar?.validate(field: "calendar")
    }

    func draft(institution: String) throws -> RoundDraft {
        guard (1...200).contains(name.count) else { throw invalidField("name", "must have 1 to 200 characters", zh: "须为 1 至 200 个字符") }
        guard let track = RoundRecord.Track(rawValue: track) else { throw invalidField("track", "must be title or skill", zh: "须为 title 或 skill") }
        guard let kind = RoundKind(rawValue: kind ?? RoundKind.review.rawValue) else {
            throw invalidField("kind", "must be review or exam", zh: "须为 review 或 exam")
        }
        guard let start = CalendarDate(iso: startDate) else {
            throw invalidField("startDate", "must be a date like 2026-11-23", zh: "须为日期，如 2026-11-23")
        }
        let zone = timeZone ?? RoundRecord.defaultTimeZone
        guard RoundRecord.zone(zone) != nil else {
            throw invalidField("timeZone", "must be an IANA time zone such as Asia/Shanghai", zh: "须为 IANA 时区，如 Asia/Shanghai")
        }
        let daySeconds = daySeconds ?? 86_400
        if let site, site.wholeMatch(of: /[0-9]{6}/) == nil {
            throw invalidField("site", "must be 6 digits, one of the institution's sites", zh: "须为 6 位数字，且为本机构的考点之一")
        }
        return RoundDraft(
            institutionID: institution, name: name, track: track, kind: kind, field: field, policy: try (policy?.applied(to: Policy())) ?? Policy(),
            calendar: try (calendar ?? CalendarBody()).calendar(rehearsal: daySeconds < 86_400),
            seed: seed ?? Int64.random(in: Bounds.seed), startDate: start, daySeconds: daySeconds, timeZone: zone, site: site,
            closesOnDay: closesOnDay ?? 30, scoringDays: scoringDays ?? 14)
    }

    static var schema: JSONSchema {
        .object(
            required: [
                "name": .string(length: 1...200), "track": .oneOf(["title", "skill"]), "field": .string(),
                "startDate": .string(
                    format: "date", "day 0 of the round: today or later in its time zone, unless the round is a rehearsal (daySeconds below 86400)"),
            ],
            optional: [
                "kind": .oneOf(
                    RoundKind.self,
                    "review unless given; exam: economics 助理经济师 and 经济师 by national exam (以考代评), results imported, no applications"),
                "timeZone": .string(length: 1...64, "the IANA zone whose midnight starts the round's days; Asia/Shanghai unless given"),
                "site": .string(pattern: "^[0-9]{6}$", "a skills round: the institution's site its certificates name; its first unless given"),
                "closesOnDay": .integer(Bounds.closesOnDay, "30 unless given"), "scoringDays": .integer(Bounds.scoringDays, "14 unless given"),
                "seed": .integer(Bounds.seed, "the panel draw's seed; random unless given"),
                "daySeconds": .integer(Bounds.daySeconds, "seconds in one day of the round's clock; below 86400 makes the round a rehearsal"),
                "policy": PolicyChanges.schema, "calendar": CalendarBody.schema,
            ])
    }
}

/// Changes to the default policy (DOMAIN.md's *(policy)* rules), each within `Policy.Bounds`; the
/// round refuses an inconsistent result, naming the rule.
struct PolicyChanges: Decodable {
    struct FractionBody: Decodable {
        var numerator: Int
        var denominator: Int

        func fraction(_ field: String) throws -> Fraction {
            try Bounds.check(numerator, "\(field).numerator", Policy.Bounds.fractionDenominator)
            try Bounds.check(denominator, "\(field).denominator", Policy.Bounds.fractionDenominator)
            guard numerator <= denominator else {
                throw invalidField(field, "must be at most 1: numerator at most denominator", zh: "不得大于 1：分子不得大于分母")
            }
            return Fraction(numerator, denominator)
        }

        static var schema: JSONSchema {
            .object(
                required: [
                    "numerator": .integer(Policy.Bounds.fractionDenominator), "denominator": .integer(Policy.Bounds.fractionDenominator),
                ], "a fraction above 0 and at most 1")
        }
    }

    var titleYears: [String: [String: Int]]?
    var skillYears: [String: Int]?
    var minimumSkillsAge: Int?
    var formalCheck: Bool?
    var committeeSize: Int?
    var committeeKind: String?
    var pilotCommittee: Bool?
    var reviewersPerCase: Int?
    var quorum: FractionBody?
    var passFraction: FractionBody?
    var trimmedMeanFrom: Int?
    var discrepancyTolerance: Double?
    var closestScoresKept: Int?
    var partPassMark: Double?
    var noticeWorkingDays: Int?
    var appealWindowDays: Int?
    var blindReview: Bool?
    var noticeNames: String?
    var reviewerLoadCap: Int?
    var sittingRatios: SittingRatiosBody?
    var partCarryOverYears: Int?

    /// The staffing ratios of skills sittings; each may be stricter than the national value, never looser.
    struct SittingRatiosBody: Decodable {
        var candidatesPerInvigilator: Int?
        var invigilatorsPerRoom: Int?
        var candidatesPerExaminer: Int?
        var examinersPerRoom: Int?
        var reviewPanel: Int?

        typealias Limit = SittingRatios.Bounds

        func validate() throws {
            if let candidatesPerInvigilator {
                try Bounds.check(candidatesPerInvigilator, "policy.sittingRatios.candidatesPerInvigilator", Limit.candidatesPerInvigilator)
            }
            if let invigilatorsPerRoom {
                try Bounds.check(invigilatorsPerRoom, "policy.sittingRatios.invigilatorsPerRoom", Limit.invigilatorsPerRoom)
            }
            if let candidatesPerExaminer {
                try Bounds.check(candidatesPerExaminer, "policy.sittingRatios.candidatesPerExaminer", Limit.candidatesPerExaminer)
            }
            if let examinersPerRoom { try Bounds.check(examinersPerRoom, "policy.sittingRatios.examinersPerRoom", Limit.examinersPerRoom) }
            if let reviewPanel { try Bounds.check(reviewPanel, "policy.sittingRatios.reviewPanel", Limit.reviewPanel) }
        }

        func applied(to base: SittingRatios) -> SittingRatios {
            SittingRatios(
                candidatesPerInvigilator: candidatesPerInvigilator ?? base.candidatesPerInvigilator,
                invigilatorsPerRoom: invigilatorsPerRoom ?? base.invigilatorsPerRoom,
                candidatesPerExaminer: candidatesPerExaminer ?? base.candidatesPerExaminer,
                examinersPerRoom: examinersPerRoom ?? base.examinersPerRoom, reviewPanel: reviewPanel ?? base.reviewPanel)
        }

        static var schema: JSONSchema {
            .object(
                required: [:],
                optional: [
                    "candidatesPerInvigilator": .integer(Limit.candidatesPerInvigilator, "national: 15"),
                    "invigilatorsPerRoom": .integer(Limit.invigilatorsPerRoom, "national: 2"),
                    "candidatesPerExaminer": .integer(Limit.candidatesPerExaminer, "national: 5"),
                    "examinersPerRoom": .integer(Limit.examinersPerRoom, "odd; national: 3"),
                    "reviewPanel": .integer(Limit.reviewPanel, "odd; national: 3"),
                ], "the staffing ratios of skills sittings, stricter than the national ones or equal")
        }
    }

    /// Title grades and skill levels, each with the years it needs: since the level below, or of
    /// work in the field for the lowest.
    static let titleGrades = (TitleGrade.junior.rawValue...TitleGrade.senior.rawValue).map(String.init)
    static let skillLevels = (1...5).map(String.init)

    func validate() throws {
        typealias Limit = Policy.Bounds
        _ = try titleYearChanges()
        for (level, years) in (skillYears ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard Self.skillLevels.contains(level) else {
                throw invalidField("policy.skillYears", "names levels 1 to 5, not \(level)", zh: "的等级须为 1 至 5，而非 \(level)")
            }
            try Bounds.check(years, "policy.skillYears.\(level)", Limit.minimumYears)
        }
        if let minimumSkillsAge { try Bounds.check(minimumSkillsAge, "policy.minimumSkillsAge", Limit.minimumSkillsAge) }
        if let committeeSize {
            try Bounds.check(committeeSize, "policy.committeeSize", Limit.committeeSize)
            guard committeeSize % 2 == 1 else { throw invalidField("policy.committeeSize", "must be odd", zh: "须为奇数") }
        }
        if let committeeKind, CommitteeKind(rawValue: committeeKind) == nil {
            throw invalidField("policy.committeeKind", "must be series or specialty", zh: "须为 series 或 specialty")
        }
        if let reviewersPerCase { try Bounds.check(reviewersPerCase, "policy.reviewersPerCase", Limit.reviewersPerCase) }
        _ = try quorum?.fraction("policy.quorum")
        _ = try passFraction?.fraction("policy.passFraction")
        if let trimmedMeanFrom { try Bounds.check(trimmedMeanFrom, "policy.trimmedMeanFrom", Limit.trimmedMeanFrom) }
        if let discrepancyTolerance { try Bounds.check(discrepancyTolerance, "policy.discrepancyTolerance", Limit.discrepancyTolerance) }
        if let closestScoresKept { try Bounds.check(closestScoresKept, "policy.closestScoresKept", Limit.closestScoresKept) }
        if let partPassMark { try Bounds.check(partPassMark, "policy.partPassMark", Limit.partPassMark) }
        if let noticeWorkingDays, !Limit.noticeWorkingDays.contains(noticeWorkingDays) {
            throw invalidField("policy.noticeWorkingDays", "must be 5 or 7", zh: "须为 5 或 7")
        }
        if let appealWindowDays { try Bounds.check(appealWindowDays, "policy.appealWindowDays", Limit.appealWindowDays) }
        if let reviewerLoadCap { try Bounds.check(reviewerLoadCap, "policy.reviewerLoadCap", Limit.reviewerLoadCap) }
        try sittingRatios?.validate()
        if let partCarryOverYears { try Bounds.check(partCarryOverYears, "policy.partCarryOverYears", Limit.partCarryOverYears) }
        if let noticeNames, NoticeNames(rawValue: noticeNames) == nil {
            throw invalidField("policy.noticeNames", "must be full or masked", zh: "须为 full 或 masked")
        }
    }

    private func titleYearChanges() throws -> [(TitleGrade, Policy.Education, Int)] {
        var changes: [(TitleGrade, Policy.Education, Int)] = []
        for (grade, byEducation) in (titleYears ?? [:]).sorted(by: { $0.key < $1.key }) {
            guard Self.titleGrades.contains(grade), let number = Int(grade), let titleGrade = TitleGrade(rawValue: number) else {
                throw invalidField("policy.titleYears", "names grades 1 to 5, not \(grade)", zh: "的等级须为 1 至 5，而非 \(grade)")
            }
            for (education, years) in byEducation.sorted(by: { $0.key < $1.key }) {
                guard let level = Policy.Education(rawValue: education) else {
                    let names = Policy.Education.allCases.map(\.rawValue).joined(separator: ", ")
                    throw invalidField(
                        "policy.titleYears.\(grade)", "names educations \(names), not \(education)", zh: "的学历须为 \(names) 之一，而非 \(education)")
                }
                try Bounds.check(years, "policy.titleYears.\(grade).\(education)", Policy.Bounds.minimumYears)
                changes.append((titleGrade, level, years))
            }
        }
        return changes
    }

    func applied(to base: Policy) throws -> Policy {
        var policy = base
        for (grade, education, years) in try titleYearChanges() { policy.titleYears[grade, default: [:]][education] = years }
        for (level, years) in skillYears ?? [:] { if let level = Int(level) { policy.skillYears[level] = years } }
        if let minimumSkillsAge { policy.minimumSkillsAge = minimumSkillsAge }
        if let formalCheck { policy.formalCheck = formalCheck }
        if let committeeSize { policy.committeeSize = committeeSize }
        if let kind = committeeKind.flatMap(CommitteeKind.init) { policy.committeeKind = kind }
        if let pilotCommittee { policy.pilotCommittee = pilotCommittee }
        if let reviewersPerCase { policy.reviewersPerCase = reviewersPerCase }
        if let quorum { policy.quorum = try quorum.fraction("policy.quorum") }
        if let passFraction { policy.passFraction = try passFraction.fraction("policy.passFraction") }
        if let trimmedMeanFrom { policy.trimmedMeanFrom = trimmedMeanFrom }
        if let discrepancyTolerance { policy.discrepancyTolerance = discrepancyTolerance }
        if let closestScoresKept { policy.closestScoresKept = closestScoresKept }
        if let partPassMark { policy.partPassMark = partPassMark }
        if let noticeWorkingDays { policy.noticeWorkingDays = noticeWorkingDays }
        if let appealWindowDays { policy.appealWindowDays = appealWindowDays }
        if let blindReview { policy.blindReview = blindReview }
        if let names = noticeNames.flatMap(NoticeNames.init(rawValue:)) { policy.noticeNames = names }
        if let reviewerLoadCap { policy.reviewerLoadCap = reviewerLoadCap }
        if let sittingRatios { policy.sittingRatios = sittingRatios.applied(to: policy.sittingRatios) }
        if let partCarryOverYears { policy.partCarryOverYears = partCarryOverYears }
        return policy
    }

    static var schema: JSONSchema {
        typealias Limit = Policy.Bounds
        let years = JSONSchema.integer(Limit.minimumYears)
        return .object(
            optional: [
                "titleYears": .map(
                    of: .map(of: years, "years by highest education: \(Policy.Education.allCases.map(\.rawValue).joined(separator: ", "))"),
                    "minimum years since the previous title, by grade applied for (1 to 5); for a series' lowest grade, years of work in the field"),
                "skillYears": .map(
                    of: years,
                    "minimum years since the previous level, by level applied for (1 to 5); for an occupation's entry level, years of work in the field"
                ),
                "minimumSkillsAge": .integer(Limit.minimumSkillsAge, "16 unless given"),
                "formalCheck": .boolean.described(
                    "an officer checks each application's records and materials (形式审查) before eligibility, and may return it for correction; false unless given"
                ),
                "committeeSize": .integer(Limit.committeeSize, "odd; at least the national minimum of its kind unless a pilot; 25 unless given"),
                "committeeKind": .oneOf(CommitteeKind.self, "series (at least 25 members) or specialty (at least 11); series unless given"),
                "pilotCommittee": .boolean.described("a pilot round, whose committee may be smaller than the national minimum; false unless given"),
                "reviewersPerCase": .integer(Limit.reviewersPerCase, "3 unless given"),
                "quorum": FractionBody.schema.described("of the committee present; 2/3 unless given"),
                "passFraction": FractionBody.schema.described("of the members present voting yes; 2/3 unless given"),
                "trimmedMeanFrom": .integer(Limit.trimmedMeanFrom, "5 unless given"),
                "discrepancyTolerance": .number(Limit.discrepancyTolerance, "15 unless given"),
                "closestScoresKept": .integer(Limit.closestScoresKept, "2 unless given"),
                "partPassMark": .number(Limit.partPassMark, "skills parts only; 60 unless given"),
                "noticeWorkingDays": .integer(in: Array(Limit.noticeWorkingDays).sorted(), "5 unless given"),
                "appealWindowDays": .integer(Limit.appealWindowDays, "calendar days, ending on a working day; 15 unless given"),
                "blindReview": .boolean.described("true unless given"),
                "noticeNames": .oneOf(
                    NoticeNames.self, "how the public notice shows names: full, or masked (the first character); masked unless given"),
                "reviewerLoadCap": .integer(Limit.reviewerLoadCap, "40 unless given"),
                "sittingRatios": SittingRatiosBody.schema,
                "partCarryOverYears": .integer(
                    Limit.partCarryOverYears, "years a skills part passed at a sitting is kept for re-sits of the others (0: none); 1 unless given"),
            ], "changes to the default policy")
    }
}

/// A round's working-day calendar: the shipped national schedules (2025, 2026), more years loaded
/// for the round, and what to do in a year nobody loaded.
struct CalendarBody: Decodable {
    var official: Bool?
    var schedules: [HolidayScheduleBody]?
    var unloadedYears: String?

    static let maximumSchedules = 10

    func validate(field: String) throws {
        let schedules = schedules ?? []
        guard schedules.count <= Self.maximumSchedules else { throw invalidField("\(field).schedules", "must hold at most 10 years", zh: "至多 10 年") }
        for (index, schedule) in schedules.enumerated() { _ = try schedule.schedule(field: "\(field).schedules[\(index)]") }
        if let unloadedYears, WorkingCalendar.UnloadedYears(rawValue: unloadedYears) == nil {
            throw invalidField("\(field).unloadedYears", "must be refuse or weekends_only", zh: "须为 refuse 或 weekends_only")
        }
    }

    func calendar(rehearsal: Bool) throws -> WorkingCalendar {
        let unloaded = unloadedYears.flatMap(WorkingCalendar.UnloadedYears.init) ?? .byDefault(rehearsal: rehearsal)
        var calendar = official ?? true ? WorkingCalendar.official(unloadedYears: unloaded) : WorkingCalendar(unloadedYears: unloaded)
        for (index, schedule) in (schedules ?? []).enumerated() { calendar.load(try schedule.schedule(field: "calendar.schedules[\(index)]")) }
        return calendar
    }

    static var schema: JSONSchema {
        .object(
            optional: [
                "official": .boolean.described("start from the shipped national schedules of 2025 and 2026; true unless given"),
                "schedules": .array(of: .ref(HolidayScheduleBody.self), count: 0...maximumSchedules, "more years, each replacing that year's days"),
                "unloadedYears": .oneOf(
                    WorkingCalendar.UnloadedYears.self,
                    "a count reaching a year without a schedule waits for it (refuse) or counts Monday to Friday; refuse unless the round is a rehearsal"
                ),
            ], "the round's working days")
    }
}

/// One year's days off and weekend days worked, as the State Council's notice lists them.
struct HolidayScheduleBody: RequestBody, Documented {
    var year: Int
    var holidays: [String]
    var adjustedWorkdays: [String]

    func validate() throws { _ = try schedule(field: "") }

    func schedule(field: String) throws -> HolidaySchedule {
        let prefix = field.isEmpty ? "" : field + "."
        try Bounds.check(year, prefix + "year", Bounds.scheduleYear)
        guard holidays.count <= 366, adjustedWorkdays.count <= 366 else {
            throw invalidField(
                prefix + "holidays", "and adjustedWorkdays must list at most 366 days each", zh: "与 adjustedWorkdays 各至多 366 天")
        }
        func dates(_ texts: [String], _ name: String) throws -> [CalendarDate] {
            try texts.enumerated().map { index, text in
                guard let date = CalendarDate(iso: text) else {
                    throw invalidField("\(prefix)\(name)[\(index)]", "must be a date like 2027-01-01", zh: "须为日期，如 2027-01-01")
                }
                return date
            }
        }
        do {
            return try HolidaySchedule(
                year: year, holidays: try dates(holidays, "holidays"), adjustedWorkdays: try dates(adjustedWorkdays, "adjustedWorkdays"))
        } catch let error as CalendarError {
            throw invalidField(prefix + "holidays", error.text.en, zh: error.text.zh)
        }
    }

    static var schema: JSONSchema {
        .object(required: [
            "year": .integer(Bounds.scheduleYear),
            "holidays": .array(of: .date, count: 0...366, "every day off, weekends within a holiday included"),
            "adjustedWorkdays": .array(of: .date, count: 0...366, "Saturdays and Sundays worked instead (调休上班)"),
        ])
    }
}
