/// Eligible, or every reason why not.
public enum Eligibility: Sendable, Hashable {
    /// May apply.
    case eligible
    /// May not apply, for all of these reasons.
    case ineligible([IneligibilityReason])

    /// The decision for `applicant` applying for `target` on `date` under `policy`, to an
    /// institution that evaluates only the people of `onlyEmployeesOf` when it is an employer.
    public static func decide(
        _ applicant: Applicant, applyingFor target: ApplicationTarget, on date: CalendarDate, policy: Policy,
        onlyEmployeesOf employer: EmployerIdentity? = nil
    ) -> Eligibility {
        var reasons: [IneligibilityReason] = []
        if let barredUntil = applicant.barredUntil, date < barredUntil {
            reasons.append(.barred(until: barredUntil))
        }
        if let employer, !applicant.employers(on: date).contains(where: { $0.isSame(as: employer) }) {
            reasons.append(.notAnEmployee(of: employer.code?.text ?? employer.normalisedName))
        }
        switch target {
        case .title(let code, let grade, let specialty):
            reasons += titleReasons(applicant, series: code, grade: grade, specialty: specialty, on: date, policy: policy)
        case .skill(let code, let level, let direction):
            reasons += skillReasons(applicant, occupation: code, level: level, direction: direction, on: date, policy: policy)
        }
        return reasons.isEmpty ? .eligible : .ineligible(reasons)
    }

    private static func titleReasons(
        _ applicant: Applicant, series code: String, grade: TitleGrade, specialty: String?, on date: CalendarDate, policy: Policy
    ) -> [IneligibilityReason] {
        guard let series = TitleSeries.named(code) else { return [.unknownSeries(code)] }
        guard series.titles[grade] != nil else { return [.gradeNotInSeries(series: code, grade: grade)] }
        var reasons: [IneligibilityReason] = []
        if applicant.isRetired { reasons.append(.retired) }
        if series.needsSpecialty, (specialty ?? "").isEmpty { reasons.append(.specialtyMissing(series: code)) }
        let held = applicant.titles.filter { $0.series == code }.max { $0.grade < $1.grade }
        guard let required = series.grade(below: grade) else {
            if let held { reasons.append(.notOneLevelUp(held: .grade(held.grade), applied: .grade(grade))) }
            let needed = policy.titleYears[grade]?[applicant.education] ?? 0
            let has = applicant.yearsInField(until: date)
            if has < needed { reasons.append(.tooFewYearsInField(needed: needed, has: has)) }
            return reasons
        }
        guard let held, held.grade == required else {
            reasons.append(.notOneLevelUp(held: held.map { .grade($0.grade) }, applied: .grade(grade)))
            return reasons
        }
        let needed = policy.titleYears[grade]?[applicant.education] ?? 0
        let has = held.obtained.wholeYears(until: date)
        if has < needed { reasons.append(.tooFewYears(needed: needed, has: has)) }
        return reasons
    }

    private static func skillReasons(
        _ applicant: Applicant, occupation code: String, level: SkillLevel, direction: String, on date: CalendarDate, policy: Policy
    ) -> [IneligibilityReason] {
        guard let occupation = Occupation.named(code) else { return [.unknownOccupation(code)] }
        guard occupation.levels.contains(level) else { return [.levelNotOffered(occupation: code, level: level.rawValue)] }
        var reasons: [IneligibilityReason] = []
        let age = applicant.birthDate.wholeYears(until: date)
        if age < policy.minimumSkillsAge { reasons.append(.underMinimumAge(age: age, minimum: policy.minimumSkillsAge)) }
        if !occupation.offers(direction: direction, at: level) {
            reasons.append(.directionNotOffered(direction: direction, level: level.rawValue))
        }
        let entryLevel = occupation.levels.min()
        guard level != entryLevel, let required = level.previous else {
            let needed = policy.skillYears[level.rawValue] ?? 0
            let has = applicant.yearsInField(until: date)
            if has < needed { reasons.append(.tooFewYearsInField(needed: needed, has: has)) }
            return reasons
        }
        let held = applicant.skillLevels.filter { $0.occupation == code }.max { $0.level < $1.level }
        guard let held, held.level == required else {
            reasons.append(.notOneLevelUp(held: held.map { .level($0.level) }, applied: .level(level)))
            return reasons
        }
        let needed = policy.skillYears[level.rawValue] ?? 0
        let has = held.obtained.wholeYears(until: date)
        if has < needed { reasons.append(.tooFewYears(needed: needed, has: has)) }
        return reasons
    }
}

/// One reason an applicant may not apply, with a message that says what is missing.
public enum IneligibilityReason: Sendable, Hashable, CustomStringConvertible {
    case underMinimumAge(age: Int, minimum: Int)
    case notOneLevelUp(held: Rung?, applied: Rung)
    case tooFewYears(needed: Int, has: Int)
    case tooFewYearsInField(needed: Int, has: Int)
    case retired
    case barred(until: CalendarDate)
    case directionNotOffered(direction: String, level: Int)
    case levelNotOffered(occupation: String, level: Int)
    case gradeNotInSeries(series: String, grade: TitleGrade)
    case specialtyMissing(series: String)
    case unknownSeries(String)
    case unknownOccupation(String)
    case notCorrected(by: CalendarDate)
    case notAnEmployee(of: String)

    /// What is wrong, in English: the text stored with the decision.
    public var description: String { text.en }

    /// What is wrong, Chinese first.
    public var text: LocalizedText { LocalizedText(zh: chinese, en: english) }

    private var chinese: String {
        switch self {
        case .underMinimumAge(let age, let minimum): "申报之日须年满\(minimum)周岁；申请人为\(age)周岁"
        case .notOneLevelUp(let held, let applied): "须逐级申报：申报\(applied.chineseName)须持有下一级，申请人持有\(held?.chineseName ?? "无")"
        case .tooFewYears(let needed, let has): "取得下一级后须满\(needed)年；申请人为\(has)年"
        case .tooFewYearsInField(let needed, let has): "申报最低等级须从事本专业工作满\(needed)年；工作经历显示\(has)年"
        case .retired: "退休人员不得申报职称评审"
        case .barred(let until): "职称因弄虚作假被撤销，\(until)前不得申报"
        case .directionNotOffered(let direction, let level):
            "\(SkillLevel(rawValue: level)?.chineseName ?? "\(level)级")不设\(Occupation.directionName(direction))方向"
        case .levelNotOffered(let occupation, let level): "\(Occupation.named(occupation)?.chineseName ?? occupation)不设\(level)级"
        case .gradeNotInSeries(let series, let grade): "\(TitleSeries.named(series)?.chineseName ?? series)系列不设\(grade.chineseName)职称"
        case .specialtyMissing(let series): "\(TitleSeries.named(series)?.chineseName ?? series)系列的职称须写明专业"
        case .unknownSeries(let code): "没有代码为\(code)的职称系列"
        case .unknownOccupation(let code): "没有代码为\(code)的职业"
        case .notCorrected(let deadline): "申请被退回补正，未在\(deadline)前重新提交"
        case .notAnEmployee(let employer): "用人单位只评价本单位职工和签约人员；工作经历显示申报之日未在\(employer)工作"
        }
    }

    private var english: String {
        switch self {
        case .underMinimumAge(let age, let minimum):
            "applicants must be at least \(minimum) on the application date; the applicant is \(age)"
        case .notOneLevelUp(let held, let applied):
            "one level at a time: applying for \(applied.englishName) needs the one directly below it, but the applicant holds \(held?.englishName ?? "none")"
        case .tooFewYears(let needed, let has):
            "\(needed) years since the previous level are needed; the applicant has \(has)"
        case .tooFewYearsInField(let needed, let has):
            "\(needed) years of work in the field are needed for the entry level; the work history shows \(has)"
        case .retired:
            "retirees may not apply for professional titles"
        case .barred(let until):
            "barred after a revoked title obtained by fraud, until \(until)"
        case .directionNotOffered(let direction, let level):
            "the direction \(direction) is not offered at level \(level)"
        case .levelNotOffered(let occupation, let level):
            "occupation \(occupation) has no level \(level)"
        case .gradeNotInSeries(let series, let grade):
            "series \(series) has no \(grade) grade"
        case .specialtyMissing(let series):
            "titles of series \(series) name a specialty; give one"
        case .unknownSeries(let code):
            "no title series has the code \(code)"
        case .unknownOccupation(let code):
            "no occupation has the code \(code)"
        case .notAnEmployee(let employer):
            "an employer's evaluation is for its own employees and contracted creators; the work history shows no work for \(employer) on the application date"
        case .notCorrected(let deadline):
            "the application was returned for correction and not resubmitted by \(deadline)"
        }
    }
}

/// A rung of a ladder, as the one-level-at-a-time rule names it: a title grade or a skill level.
public enum Rung: Sendable, Hashable {
    case grade(TitleGrade)
    case level(SkillLevel)

    /// 中级, 四级/中级工.
    public var chineseName: String {
        switch self {
        case .grade(let grade): grade.chineseName
        case .level(let level): level.chineseName
        }
    }

    /// "the intermediate grade", "level 4".
    public var englishName: String {
        switch self {
        case .grade(let grade): "the \(grade.englishName) grade"
        case .level(let level): "level \(level.rawValue)"
        }
    }
}
