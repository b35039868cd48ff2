/// What eligibility needs to know of an applicant. No name, no identity number: those stay in the store.
public struct Applicant: Sendable, Hashable, Codable {
    /// A title held.
    public struct HeldTitle: Sendable, Hashable, Codable {
        /// The series code.
        public var series: String
        /// The grade.
        public var grade: TitleGrade
        /// When it was obtained.
        public var obtained: CalendarDate
        /// The number of its certificate, which the formal check compares with the evidence.
        public var certificateNumber: String?
        /// A title.
        public init(series: String, grade: TitleGrade, obtained: CalendarDate, certificateNumber: String? = nil) {
            (self.series, self.grade, self.obtained, self.certificateNumber) = (series, grade, obtained, certificateNumber)
        }
    }

    /// A skill level held.
    public struct HeldSkillLevel: Sendable, Hashable, Codable {
        /// The occupation code.
        public var occupation: String
        /// The level.
        public var level: SkillLevel
        /// When it was obtained.
        public var obtained: CalendarDate
        /// The number of its certificate.
        public var certificateNumber: String?
        /// A level.
        public init(occupation: String, level: SkillLevel, obtained: CalendarDate, certificateNumber: String? = nil) {
            (self.occupation, self.level, self.obtained, self.certificateNumber) = (occupation, level, obtained, certificateNumber)
        }
    }

    /// A period of work: for an employer, or under contract with a platform or studio.
    public struct Employment: Sendable, Hashable, Codable {
        /// The employer's name.
        public var employer: String
        /// The employer's unified social credit code, when it has one.
        public var creditCode: CreditCode?
        /// The first day.
        public var start: CalendarDate
        /// The last day; nil while it lasts.
        public var end: CalendarDate?
        /// Whether the work was in the field applied for: only such years count towards an entry grade or level.
        public var inField: Bool

        /// A period.
        public init(employer: String, creditCode: CreditCode? = nil, start: CalendarDate, end: CalendarDate? = nil, inField: Bool = true) {
            (self.employer, self.creditCode, self.start, self.end, self.inField) = (employer, creditCode, start, end, inField)
        }

        /// The employer, for comparing with another.
        public var identity: EmployerIdentity { EmployerIdentity(name: employer, code: creditCode) }

        /// Whether it lasts on `date`.
        public func covers(_ date: CalendarDate) -> Bool { start <= date && (end.map { date <= $0 } ?? true) }
    }

    /// A course of vocational training (职业技能培训) and who gave it: none of its staff may examine
    /// the candidate, who declares it.
    public struct Training: Sendable, Hashable, Codable {
        /// The training provider's name.
        public var provider: String
        /// Its unified social credit code, when it has one.
        public var creditCode: CreditCode?
        /// The first day.
        public var start: CalendarDate
        /// The last day; nil while it lasts.
        public var end: CalendarDate?

        /// A course.
        public init(provider: String, creditCode: CreditCode? = nil, start: CalendarDate, end: CalendarDate? = nil) {
            (self.provider, self.creditCode, self.start, self.end) = (provider, creditCode, start, end)
        }

        /// The provider, for comparing with an examiner's employer.
        public var identity: EmployerIdentity { EmployerIdentity(name: provider, code: creditCode) }
    }

    /// The most entries of each list a record holds: far more than a career, few enough to check at once.
    public enum Limits {
        /// Titles held.
        public static let titles = 0...20
        /// Skill levels held.
        public static let skillLevels = 0...20
        /// Periods of work.
        public static let workHistory = 0...50
        /// Courses of training.
        public static let training = 0...20
        /// Characters of an employer's name.
        public static let employerName = 1...200
        /// Characters of a certificate number.
        public static let certificateNumber = 1...40
    }

    /// The date of birth (from the resident ID, or declared).
    public var birthDate: CalendarDate
    /// The highest education.
    public var education: Policy.Education
    /// Retirees may not apply for titles.
    public var isRetired: Bool
    /// After a title obtained by fraud was revoked: barred until this day (exclusive).
    public var barredUntil: CalendarDate?
    /// Titles held.
    public var titles: [HeldTitle]
    /// Skill levels held.
    public var skillLevels: [HeldSkillLevel]
    /// Where and when the applicant worked.
    public var workHistory: [Employment]
    /// The vocational training the applicant took.
    public var training: [Training]

    /// An applicant.
    public init(
        birthDate: CalendarDate, education: Policy.Education, isRetired: Bool = false, barredUntil: CalendarDate? = nil,
        titles: [HeldTitle] = [], skillLevels: [HeldSkillLevel] = [], workHistory: [Employment] = [], training: [Training] = []
    ) {
        self.birthDate = birthDate
        self.education = education
        self.isRetired = isRetired
        self.barredUntil = barredUntil
        self.titles = titles
        self.skillLevels = skillLevels
        self.workHistory = workHistory
        self.training = training
    }

    /// The record once a certificate for `target` is issued: the title or level is held from
    /// `obtained` under that number, replacing what was declared for the same grade or level.
    public mutating func hold(_ target: ApplicationTarget, obtained: CalendarDate, certificateNumber: String) {
        switch target {
        case .title(let series, let grade, _):
            titles.removeAll { $0.series == series && $0.grade == grade }
            titles.append(HeldTitle(series: series, grade: grade, obtained: obtained, certificateNumber: certificateNumber))
            titles = Array(titles.suffix(Limits.titles.upperBound))
        case .skill(let occupation, let level, _):
            skillLevels.removeAll { $0.occupation == occupation && $0.level == level }
            skillLevels.append(HeldSkillLevel(occupation: occupation, level: level, obtained: obtained, certificateNumber: certificateNumber))
            skillLevels = Array(skillLevels.suffix(Limits.skillLevels.upperBound))
        }
    }

    /// The record once the certificate numbered `certificateNumber` is revoked: it holds nothing by it.
    public mutating func relinquish(certificateNumber: String) {
        titles.removeAll { $0.certificateNumber == certificateNumber }
        skillLevels.removeAll { $0.certificateNumber == certificateNumber }
    }

    private enum CodingKeys: String, CodingKey {
        case birthDate, education, isRetired, barredUntil, titles, skillLevels, workHistory, training
    }

    /// Profiles stored before work history or training were kept read as having none.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        birthDate = try container.decode(CalendarDate.self, forKey: .birthDate)
        education = try container.decode(Policy.Education.self, forKey: .education)
        isRetired = try container.decode(Bool.self, forKey: .isRetired)
        barredUntil = try container.decodeIfPresent(CalendarDate.self, forKey: .barredUntil)
        titles = try container.decode([HeldTitle].self, forKey: .titles)
        skillLevels = try container.decode([HeldSkillLevel].self, forKey: .skillLevels)
        workHistory = try container.decodeIfPresent([Employment].self, forKey: .workHistory) ?? []
        training = try container.decodeIfPresent([Training].self, forKey: .training) ?? []
    }

    /// Whole years worked in the field up to `date`, periods that overlap counted once: 365 days make a year.
    public func yearsInField(until date: CalendarDate) -> Int {
        let periods = workHistory.filter(\.inField).compactMap { period -> ClosedRange<Int>? in
            let last = min(period.end ?? date, date).dayNumber
            return period.start.dayNumber <= last ? period.start.dayNumber...last : nil
        }.sorted { $0.lowerBound < $1.lowerBound }
        var days = 0
        var covered: ClosedRange<Int>?
        for period in periods {
            if let current = covered, period.lowerBound <= current.upperBound + 1 {
                covered = current.lowerBound...max(current.upperBound, period.upperBound)
            } else {
                days += covered.map { $0.count } ?? 0
                covered = period
            }
        }
        days += covered.map { $0.count } ?? 0
        return days / 365
    }

    /// The employers the applicant works for on `date`.
    public func employers(on date: CalendarDate) -> [EmployerIdentity] {
        workHistory.filter { $0.covers(date) }.map(\.identity)
    }

    /// Everything in the record that cannot be true on `today`, by field, each saying what to
    /// correct; empty when the record can be kept. Codes and grades are checked by eligibility,
    /// which names what the applicant applies for.
    public func problems(today: CalendarDate) -> [(field: String, message: LocalizedText)] {
        var problems: [(field: String, message: LocalizedText)] = []
        func date(_ field: String, _ value: CalendarDate) {
            if value < birthDate || value > today {
                problems.append((field, LocalizedText(zh: "须在出生日期与今天之间", en: "must lie between the date of birth and today")))
            }
        }
        func count(_ field: String, _ value: Int, _ range: ClosedRange<Int>) {
            if !range.contains(value) {
                problems.append((field, LocalizedText(zh: "至多 \(range.upperBound) 项", en: "must list at most \(range.upperBound) entries")))
            }
        }
        func number(_ field: String, _ value: String?) {
            if let value, !Limits.certificateNumber.contains(value.count) {
                problems.append((field, LocalizedText(zh: "须为 1 至 40 个字符", en: "must have 1 to 40 characters")))
            }
        }
        count("titles", titles.count, Limits.titles)
        count("skillLevels", skillLevels.count, Limits.skillLevels)
        count("workHistory", workHistory.count, Limits.workHistory)
        count("training", training.count, Limits.training)
        for (index, title) in titles.enumerated() {
            date("titles[\(index)].obtained", title.obtained)
            number("titles[\(index)].certificateNumber", title.certificateNumber)
            if let series = TitleSeries.named(title.series) {
                if series.titles[title.grade] == nil {
                    problems.append(
                        ("titles[\(index)].grade", LocalizedText(zh: "\(title.series)系列没有此级别", en: "series \(title.series) has no such grade")))
                }
            } else {
                problems.append(
                    ("titles[\(index)].series", LocalizedText(zh: "没有代码为\(title.series)的职称系列", en: "no title series has the code \(title.series)")))
            }
        }
        for (index, level) in skillLevels.enumerated() {
            date("skillLevels[\(index)].obtained", level.obtained)
            number("skillLevels[\(index)].certificateNumber", level.certificateNumber)
            if let occupation = Occupation.named(level.occupation) {
                if !occupation.levels.contains(level.level) {
                    problems.append(
                        (
                            "skillLevels[\(index)].level",
                            LocalizedText(zh: "职业\(level.occupation)没有此等级", en: "occupation \(level.occupation) has no such level")
                        ))
                }
            } else {
                problems.append(
                    (
                        "skillLevels[\(index)].occupation",
                        LocalizedText(zh: "没有代码为\(level.occupation)的职业", en: "no occupation has the code \(level.occupation)")
                    ))
            }
        }
        for (index, period) in workHistory.enumerated() {
            if !Limits.employerName.contains(period.employer.count) {
                problems.append(("workHistory[\(index)].employer", LocalizedText(zh: "须为 1 至 200 个字符", en: "must have 1 to 200 characters")))
            }
            date("workHistory[\(index)].start", period.start)
            if let end = period.end {
                if end < period.start {
                    problems.append(("workHistory[\(index)].end", LocalizedText(zh: "不得早于开始日期", en: "must not lie before the start")))
                }
                date("workHistory[\(index)].end", end)
            }
        }
        for (index, course) in training.enumerated() {
            if !Limits.employerName.contains(course.provider.count) {
                problems.append(("training[\(index)].provider", LocalizedText(zh: "须为 1 至 200 个字符", en: "must have 1 to 200 characters")))
            }
            date("training[\(index)].start", course.start)
            if let end = course.end {
                if end < course.start {
                    problems.append(("training[\(index)].end", LocalizedText(zh: "不得早于开始日期", en: "must not lie before the start")))
                }
                date("training[\(index)].end", end)
            }
        }
        return problems
    }
}

/// What an applicant applies for.
public enum ApplicationTarget: Sendable, Hashable, Codable {
    /// A professional title: series code, grade, and the specialty where the series names one.
    case title(series: String, grade: TitleGrade, specialty: String?)
    /// A skill level: occupation code, level, direction code.
    case skill(occupation: String, level: SkillLevel, direction: String)
}
