/// The five grades of professional titles, lowest first.
public enum TitleGrade: Int, Sendable, Codable, Comparable, CaseIterable {
    /// 员级
    case junior = 1
    /// 助理级
    case assistant = 2
    /// 中级
    case intermediate = 3
    /// 副高级
    case deputySenior = 4
    /// 正高级
    case senior = 5

    /// Orders by rank.
    public static func < (lhs: TitleGrade, rhs: TitleGrade) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A professional title series (field) with its ladder of titles. Data, not code: a new series
/// is a new value.
public struct TitleSeries: Sendable, Hashable, Codable {
    /// A stable code, e.g. `crafts_arts`.
    public let code: String
    /// The English name.
    public let name: String
    /// The Chinese name.
    public let chineseName: String
    /// Title names by grade, for the grades the series has; `{specialty}` stands for the specialty.
    public let titles: [TitleGrade: String]
    /// Whether titles name a specialty (art: 一级演员, 二级编剧, …).
    public let needsSpecialty: Bool
    /// Grades obtained by national exam (以考代评) rather than review.
    public let examGrades: Set<TitleGrade>

    /// A series.
    public init(
        code: String, name: String, chineseName: String, titles: [TitleGrade: String], needsSpecialty: Bool = false,
        examGrades: Set<TitleGrade> = []
    ) {
        self.code = code
        self.name = name
        self.chineseName = chineseName
        self.titles = titles
        self.needsSpecialty = needsSpecialty
        self.examGrades = examGrades
    }

    /// The grades of the ladder, lowest first.
    public var grades: [TitleGrade] { titles.keys.sorted() }

    /// The grade directly below `grade` on this ladder, or nil for its lowest grade.
    public func grade(below grade: TitleGrade) -> TitleGrade? { grades.last { $0 < grade } }

    /// The title's name at a grade, with the specialty filled in.
    public func titleName(_ grade: TitleGrade, specialty: String? = nil) -> String? {
        titles[grade].map { $0.replacing("{specialty}", with: specialty ?? "") }
    }

    /// The series of DOMAIN.md.
    public static let all: [TitleSeries] = [
        TitleSeries(
            code: "crafts_arts", name: "Crafts & arts", chineseName: "工艺美术",
            titles: [
                .junior: "工艺美术员", .assistant: "助理工艺美术师", .intermediate: "工艺美术师",
                .deputySenior: "高级工艺美术师", .senior: "正高级工艺美术师",
            ]),
        TitleSeries(
            code: "art", name: "Art", chineseName: "艺术",
            titles: [
                .assistant: "四级{specialty}", .intermediate: "三级{specialty}",
                .deputySenior: "二级{specialty}", .senior: "一级{specialty}",
            ], needsSpecialty: true),
        TitleSeries(
            code: "cultural_relics_museums", name: "Cultural relics & museums", chineseName: "文物博物",
            titles: [
                .assistant: "助理馆员", .intermediate: "馆员", .deputySenior: "副研究馆员", .senior: "研究馆员",
            ]),
        TitleSeries(
            code: "economics", name: "Economics", chineseName: "经济",
            titles: [
                .assistant: "助理经济师", .intermediate: "经济师", .deputySenior: "高级经济师", .senior: "正高级经济师",
            ], examGrades: [.assistant, .intermediate]),
        TitleSeries(
            code: "science_communication", name: "Science communication", chineseName: "科学传播",
            titles: [
                .assistant: "助理级", .intermediate: "中级", .deputySenior: "副高级", .senior: "正高级",
            ]),
    ]

    /// The series with this code.
    public static func named(_ code: String) -> TitleSeries? { all.first { $0.code == code } }
}
