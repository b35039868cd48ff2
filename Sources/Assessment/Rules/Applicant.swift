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
        /// A title.
        public init(series: String, grade: TitleGrade, obtained: CalendarDate) {
            (self.series, self.grade, self.obtained) = (series, grade, obtained)
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
        /// A level.
        public init(occupation: String, level: SkillLevel, obtained: CalendarDate) {
            (self.occupation, self.level, self.obtained) = (occupation, level, obtained)
        }
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

    /// An applicant.
    public init(
        birthDate: CalendarDate, education: Policy.Education, isRetired: Bool = false, barredUntil: CalendarDate? = nil,
        titles: [HeldTitle] = [], skillLevels: [HeldSkillLevel] = []
    ) {
        self.birthDate = birthDate
        self.education = education
        self.isRetired = isRetired
        self.barredUntil = barredUntil
        self.titles = titles
        self.skillLevels = skillLevels
    }
}

/// What an applicant applies for.
public enum ApplicationTarget: Sendable, Hashable, Codable {
    /// A professional title: series code, grade, and the specialty where the series names one.
    case title(series: String, grade: TitleGrade, specialty: String?)
    /// A skill level: occupation code, level, direction code.
    case skill(occupation: String, level: SkillLevel, direction: String)
}
