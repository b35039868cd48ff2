/// What a certificate says it certifies, in Chinese as printed and in English alongside:
/// `高级经济师` / "Economics, deputy senior grade"; `全媒体运营师（创意策划）` / `四级/中级工`.
public struct CertificateWording: Sendable, Hashable {
    /// The qualification, in Chinese.
    public let qualification: String
    /// The qualification, in English.
    public let qualificationEnglish: String
    /// The grade or level, in Chinese.
    public let level: String
    /// The grade or level, in English.
    public let levelEnglish: String
    /// How it was obtained when by a national exam (以考代评): the exam and its year.
    public let basis: LocalizedText?
    /// A skills certificate's part results: 理论知识考试 72 分（2026-06-01）；技能考核 ….
    public let results: LocalizedText?

    /// The wording of a passed application's certificate; `examYear` for a result of a national
    /// exam, `parts` for the parts of a skills sitting, in the order they are held.
    public init(_ target: ApplicationTarget, examYear: Int? = nil, parts: [PassedPart] = []) {
        let ordered = SkillsPart.allCases.flatMap { part in parts.filter { $0.part == part } }.map(\.text)
        results =
            ordered.isEmpty
            ? nil : LocalizedText(zh: ordered.map(\.zh).joined(separator: "；"), en: ordered.map(\.en).joined(separator: "; "))
        switch target {
        case .title(let code, let grade, let specialty):
            let series = TitleSeries.named(code)
            qualification = series?.titleName(grade, specialty: specialty) ?? "\(code) \(grade.chineseName)"
            let specialtyNote = specialty.map { " (\($0))" } ?? ""
            qualificationEnglish = "\(series?.name ?? code)\(specialtyNote), \(grade.englishName) grade"
            (level, levelEnglish) = (grade.chineseName, grade.englishName.prefix(1).uppercased() + grade.englishName.dropFirst())
            basis = examYear.map { year in
                LocalizedText(
                    zh: "\(year)年度全国\(series?.chineseName ?? code)专业技术资格考试合格（以考代评）",
                    en: "passed the \(year) national \((series?.name ?? code).lowercased()) qualification exam (qualification by exam)")
            }
        case .skill(let code, let skillLevel, let directionCode):
            let occupation = Occupation.named(code)
            let direction = occupation?.directions.first { $0.code == directionCode }
            qualification = "\(occupation?.chineseName ?? code)（\(direction?.chineseName ?? directionCode)）"
            qualificationEnglish = "\(occupation?.name ?? code) (\(Self.englishName(ofCode: directionCode)))"
            (level, levelEnglish) = (skillLevel.chineseName, skillLevel.englishName)
            basis = nil
        }
    }

    /// `live_stream_operation` → "Live Stream Operation".
    static func englishName(ofCode code: String) -> String {
        code.split(separator: "_").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }
}

extension TitleGrade {
    /// 员级 … 正高级.
    public var chineseName: String {
        switch self {
        case .junior: "员级"
        case .assistant: "助理级"
        case .intermediate: "中级"
        case .deputySenior: "副高级"
        case .senior: "正高级"
        }
    }

    /// junior … senior, as English sentences use them.
    public var englishName: String {
        switch self {
        case .junior: "junior"
        case .assistant: "assistant"
        case .intermediate: "intermediate"
        case .deputySenior: "deputy senior"
        case .senior: "senior"
        }
    }
}

extension SkillLevel {
    /// 四级/中级工: the level's number and its name, as certificates print them.
    public var chineseName: String { ["一级/高级技师", "二级/技师", "三级/高级工", "四级/中级工", "五级/初级工"][rawValue - 1] }

    /// "Level 4 / Intermediate Worker".
    public var englishName: String {
        "Level \(rawValue) / " + ["Senior Technician", "Technician", "Senior Worker", "Intermediate Worker", "Junior Worker"][rawValue - 1]
    }
}
