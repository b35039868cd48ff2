/// A person's right to have what an application was filed with corrected (PIPL art. 46). Until the
/// formal check an applicant changes it themselves (or after a return for correction); after that
/// the institution running the round decides: it compares the record the application was filed with
/// against the applicant's corrected record and carries the correction over, or refuses with a
/// reason. A result already decided stands: a correction fixes what is kept, and contesting the
/// result is an appeal.
public enum RecordCorrection {
    /// A part of the declared record.
    public enum Field: String, Sendable, CaseIterable, Codable {
        case education, retirement, titles, skillLevels, workHistory, training

        public var label: LocalizedText {
            switch self {
            case .education: LocalizedText(zh: "学历", en: "education")
            case .retirement: LocalizedText(zh: "退休状态", en: "retirement")
            case .titles: LocalizedText(zh: "所持职称", en: "titles held")
            case .skillLevels: LocalizedText(zh: "所持技能等级", en: "skill levels held")
            case .workHistory: LocalizedText(zh: "工作经历", en: "work history")
            case .training: LocalizedText(zh: "继续教育", en: "training")
            }
        }
    }

    /// How a request stands.
    public enum Outcome: String, Sendable, CaseIterable {
        case pending, accepted, refused
        /// The application was deleted (on request or by retention) before an answer.
        case withdrawn
    }

    /// Days the institution has to answer, counted from the request.
    public static let answerWithinDays = 15
    /// What the applicant writes: what is wrong and where the evidence is; counted in Unicode code
    /// points, as PostgreSQL counts the stored text.
    public static let noteLength = 1...1_000
    /// The institution's reason for refusing.
    public static let reasonLength = 1...500

    /// The parts of the record that differ between what was filed and the corrected record.
    public static func changes(filed: Applicant, corrected: Applicant) -> [Field] {
        Field.allCases.filter { field in
            switch field {
            case .education: filed.education != corrected.education
            case .retirement: filed.isRetired != corrected.isRetired
            case .titles: filed.titles != corrected.titles
            case .skillLevels: filed.skillLevels != corrected.skillLevels
            case .workHistory: filed.workHistory != corrected.workHistory
            case .training: filed.training != corrected.training
            }
        }
    }

    /// The last day to answer a request filed on `filed`.
    public static func due(filed: CalendarDate) throws -> CalendarDate {
        try filed.adding(days: answerWithinDays)
    }
}
