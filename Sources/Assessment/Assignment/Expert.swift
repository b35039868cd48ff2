/// An expert of an institution's database (专家库) as the institution files them: what they may
/// review, the grade they hold, whom they work for, and the term they serve.
public struct ExpertProfile: Sendable, Hashable {
    /// Their name, as the institution's lists show it (reviews stay blind to applicants).
    public var name: String
    /// Title series or occupation codes they review.
    public var fields: Set<String>
    /// The specialty within a series (艺术: 播音主持, 摄影 …), when it names one.
    public var specialty: String?
    /// The title grade they hold: they review cases at or below it.
    public var grade: TitleGrade?
    /// Their employer, and its unified social credit code, for recusal.
    public var employer: String?
    public var employerCode: CreditCode?
    /// The first and last day of their term.
    public var termStart: CalendarDate
    public var termEnd: CalendarDate
    /// The most cases they take in one round.
    public var loadCap: Int
    /// The skill level they hold of the occupations they examine: they mark candidates at or below it.
    public var skillLevel: SkillLevel?
    /// Their examiner's or supervisor's certificate: a sitting draws examiners and supervisors holding a valid one.
    public var certificate: ExaminerCertificate?

    /// A term lasts at most this many years (a policy of most provinces: 3).
    public static let termYears = 3
    /// The most cases one expert takes in a round.
    public static let loadCaps = 1...500
    /// An expert's id: what the institution's own register calls them.
    public static func isValidID(_ id: String) -> Bool { id.wholeMatch(of: /[A-Za-z0-9._-]{1,64}/) != nil }

    /// A profile.
    public init(
        name: String, fields: Set<String>, specialty: String? = nil, grade: TitleGrade?, employer: String? = nil,
        employerCode: CreditCode? = nil, termStart: CalendarDate, termEnd: CalendarDate, loadCap: Int, skillLevel: SkillLevel? = nil,
        certificate: ExaminerCertificate? = nil
    ) {
        (self.name, self.fields, self.specialty, self.grade) = (name, fields, specialty, grade)
        (self.skillLevel, self.certificate) = (skillLevel, certificate)
        (self.employer, self.employerCode, self.termStart, self.termEnd, self.loadCap) = (employer, employerCode, termStart, termEnd, loadCap)
    }

    /// The longest term starting on `start`: `termYears` years, ending the day before the anniversary.
    public static func fullTerm(from start: CalendarDate) throws(CalendarError) -> CalendarDate {
        try start.adding(years: termYears).adding(days: -1)
    }

    /// Every part that cannot be filed, by field, each saying what it must be.
    public func problems() -> [(field: String, message: LocalizedText)] {
        var problems: [(field: String, message: LocalizedText)] = []
        if !(1...100).contains(name.count) { problems.append(("name", LocalizedText(zh: "须为 1 至 100 个字符", en: "must have 1 to 100 characters"))) }
        if fields.isEmpty || fields.count > 20 {
            problems.append(("fields", LocalizedText(zh: "须列出 1 至 20 个职称系列或职业", en: "must name 1 to 20 series or occupations")))
        }
        if let unknown = fields.sorted().first(where: { TitleSeries.named($0) == nil && Occupation.named($0) == nil }) {
            problems.append(("fields", LocalizedText(zh: "没有代码为 \(unknown) 的职称系列或职业", en: "no title series or occupation has the code \(unknown)")))
        }
        if let specialty, !(1...50).contains(specialty.count) {
            problems.append(("specialty", LocalizedText(zh: "须为 1 至 50 个字符", en: "must have 1 to 50 characters")))
        }
        let series = fields.compactMap(TitleSeries.named)
        if !series.isEmpty {
            if let grade {
                if let lacking = series.first(where: { $0.titles[grade] == nil }) {
                    problems.append(
                        (
                            "grade",
                            LocalizedText(
                                zh: "系列 \(lacking.code) 没有第 \(grade.rawValue) 级", en: "series \(lacking.code) has no grade \(grade.rawValue)")
                        ))
                }
            } else {
                problems.append(
                    (
                        "grade",
                        LocalizedText(
                            zh: "职称系列的专家须注明所持等级（1 员级 … 5 正高级）：只评审不高于该等级的申请",
                            en: "an expert of a title series holds a grade of it (1 员级 … 5 正高级): they review at or below it")
                    ))
            }
        }
        if let employer, !(1...200).contains(employer.count) {
            problems.append(("employer", LocalizedText(zh: "须为 1 至 200 个字符", en: "must have 1 to 200 characters")))
        }
        if termEnd < termStart {
            problems.append(("termEnd", LocalizedText(zh: "不能早于任期开始日", en: "must not lie before the term's start")))
        } else if let longest = try? Self.fullTerm(from: termStart), termEnd > longest {
            problems.append(
                (
                    "termEnd",
                    LocalizedText(
                        zh: "任期至多 \(Self.termYears) 年：最迟至 \(longest)", en: "a term lasts at most \(Self.termYears) years: \(longest) at the latest")
                ))
        }
        if !Self.loadCaps.contains(loadCap) { problems.append(("loadCap", LocalizedText(zh: "须为 1 至 500", en: "must be 1 to 500"))) }
        if let certificate, !ExaminerCertificate.isValidNumber(certificate.number) {
            problems.append(("certificate.number", LocalizedText(zh: "须为 1 至 40 个字母、数字或连字符", en: "must be 1 to 40 letters, digits or dashes")))
        }
        if (skillLevel != nil || certificate != nil) && !fields.contains(where: { Occupation.named($0) != nil }) {
            problems.append(
                (
                    skillLevel != nil ? "skillLevel" : "certificate",
                    LocalizedText(
                        zh: "技能等级和考评员证只适用于考评职业的专家：fields 须含职业代码",
                        en: "a skill level and a certificate are for examiners of an occupation: fields must name one")
                ))
        }
        return problems
    }

    /// The expert as a draw sees them.
    public func reviewer(id: ReviewerID, conflicts: Set<String> = [], isAvailable: Bool = true) -> Reviewer {
        Reviewer(
            id: id, fields: fields, employer: employer, employerCode: employerCode, grade: grade, declaredConflicts: conflicts,
            loadCap: loadCap, isAvailable: isAvailable)
    }
}

/// Where an expert is in the database.
public enum ExpertStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Serving: drawn for panels and committees within their term.
    case active
    /// Set aside for now (illness, an investigation); may serve again.
    case suspended
    /// Gone for good; kept for the record of what they reviewed.
    case retired
}

/// The expert database as a spreadsheet exports it: a header row naming the columns, then one
/// expert per row. Fields are separated by `;`; dates are `YYYY-MM-DD`; a missing `term_end` is
/// the full term. Every row is checked; one bad row refuses the whole file.
public enum ExpertCSV {
    /// The columns, in any order; `id`, `name`, `fields` and `term_start` are required.
    public static let columns = [
        "id", "name", "fields", "specialty", "grade", "employer", "employer_code", "term_start", "term_end", "load_cap", "skill_level",
        "certificate_kind", "certificate_number", "certificate_until",
    ]
    /// The most rows of one file.
    public static let maxRows = 5_000

    /// The experts of `text`, or every problem, each with its line number.
    public static func parse(_ text: String) -> Result<[(line: Int, id: String, profile: ExpertProfile)], CSVProblems> {
        let table: (rows: [(line: Int, values: [String: String])], problems: [CSVProblems.Problem])
        switch CSVText.table(text, columns: columns, required: ["id", "name", "fields", "term_start"], maxRows: maxRows) {
        case .success(let parsed): table = parsed
        case .failure(let refused): return .failure(refused)
        }
        var experts: [(line: Int, id: String, profile: ExpertProfile)] = []
        var problems = table.problems
        var seen: Set<String> = []
        for (line, values) in table.rows {
            func fail(_ zh: String, _ en: String) { problems.append((line, LocalizedText(zh: zh, en: en))) }
            let id = values["id"] ?? ""
            guard ExpertProfile.isValidID(id) else {
                fail("id 须为 1 至 64 个字母、数字、点、短横线或下划线", "id must be 1 to 64 letters, digits, dots, dashes or underscores")
                continue
            }
            guard seen.insert(id).inserted else {
                fail("id \(id) 重复出现", "id \(id) appears twice")
                continue
            }
            guard let start = values["term_start"].flatMap(CalendarDate.init(iso:)) else {
                fail("term_start 须为日期，例如 2026-01-01", "term_start must be a date like 2026-01-01")
                continue
            }
            let end: CalendarDate
            if let text = values["term_end"] {
                guard let date = CalendarDate(iso: text) else {
                    fail("term_end 须为日期，例如 2028-12-31", "term_end must be a date like 2028-12-31")
                    continue
                }
                end = date
            } else {
                guard let full = try? ExpertProfile.fullTerm(from: start) else {
                    fail("term_start 过晚", "term_start lies too late")
                    continue
                }
                end = full
            }
            // A column's value: nil when left empty; a bad one is named, and the row refused below.
            var unreadable = false
            func value<Value>(_ column: String, _ zh: String, _ en: String, _ read: (String) -> Value?) -> Value? {
                guard let text = values[column] else { return nil }
                guard let parsed = read(text) else {
                    fail(zh, en)
                    unreadable = true
                    return nil
                }
                return parsed
            }
            let grade = value("grade", "grade 须为 1 至 5", "grade must be 1 to 5") { Int($0).flatMap(TitleGrade.init(rawValue:)) }
            let code = value("employer_code", "employer_code 不是有效的统一社会信用代码", "employer_code \(CreditCode.rule)", CreditCode.init)
            let loadCap =
                value("load_cap", "load_cap 须为 1 至 500", "load_cap must be 1 to 500") {
                    Int($0).flatMap { ExpertProfile.loadCaps.contains($0) ? $0 : nil }
                }
                ?? 20
            let skillLevel = value("skill_level", "skill_level 须为 1 至 5", "skill_level must be 1 to 5") {
                Int($0).flatMap(SkillLevel.init(rawValue:))
            }
            if unreadable { continue }
            var certificate: ExaminerCertificate?
            let certificateColumns = (values["certificate_kind"], values["certificate_number"], values["certificate_until"])
            if let kind = certificateColumns.0, let number = certificateColumns.1, let until = certificateColumns.2 {
                guard let parsedKind = ExaminerCertificate.Kind(rawValue: kind), let date = CalendarDate(iso: until) else {
                    fail(
                        "certificate_kind 须为 examiner 或 supervisor，certificate_until 须为日期",
                        "certificate_kind must be examiner or supervisor, and certificate_until a date")
                    continue
                }
                certificate = ExaminerCertificate(kind: parsedKind, number: number, validUntil: date)
            } else if certificateColumns.0 != nil || certificateColumns.1 != nil || certificateColumns.2 != nil {
                fail(
                    "certificate_kind、certificate_number 与 certificate_until 须同时填写或同时留空",
                    "certificate_kind, certificate_number and certificate_until go together or not at all")
                continue
            }
            let fields = Set((values["fields"] ?? "").split(separator: ";").map(CSVText.trimmed).filter { !$0.isEmpty })
            let profile = ExpertProfile(
                name: values["name"] ?? "", fields: fields, specialty: values["specialty"], grade: grade, employer: values["employer"],
                employerCode: code, termStart: start, termEnd: end, loadCap: loadCap, skillLevel: skillLevel, certificate: certificate)
            if let problem = profile.problems().first {
                fail("\(Self.column(problem.field))：\(problem.message.zh)", "\(Self.column(problem.field)) \(problem.message.en)")
                continue
            }
            experts.append((line, id, profile))
        }
        if !problems.isEmpty { return .failure(CSVProblems(problems)) }
        if experts.isEmpty { return .failure(CSVProblems([(1, LocalizedText(zh: "文件中没有专家", en: "the file names no expert"))])) }
        return .success(experts)
    }

    static func column(_ field: String) -> String {
        [
            "employerCode": "employer_code", "termStart": "term_start", "termEnd": "term_end", "loadCap": "load_cap", "skillLevel": "skill_level",
            "certificate": "certificate_kind", "certificate.number": "certificate_number",
        ][field] ?? field
    }
}
