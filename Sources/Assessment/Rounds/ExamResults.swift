/// One candidate's result in a national exam (以考代评), as the exam office's file gives it.
public struct ExamResult: Sendable, Hashable {
    /// The line of the file it came from.
    public let line: Int
    public let documentKind: IdentityDocument.Kind
    /// As written; matched the way registrations are keyed.
    public let documentNumber: String
    /// A passport's issuing country.
    public let issuingCountry: String?
    /// The name the exam office has; it must be the registered name.
    public let name: String
    public let grade: TitleGrade
    public let specialty: String?
    public let examYear: Int
    public let passed: Bool
}

/// An exam office's result file: a header row naming the columns, then one candidate per row.
/// Every row is checked; one bad row refuses the whole file.
public enum ExamResultCSV {
    /// The columns, in any order; `document_kind` is `resident_id` unless given.
    public static let columns = [
        "document_kind", "document_number", "issuing_country", "name", "grade", "specialty", "exam_year", "passed",
    ]
    /// The most rows of one file.
    public static let maxRows = 10_000
    /// Words for a pass and for a fail, as exam offices write them.
    static let passWords: [String: Bool] = [
        "true": true, "yes": true, "1": true, "pass": true, "passed": true, "合格": true, "通过": true,
        "false": false, "no": false, "0": false, "fail": false, "failed": false, "不合格": false, "未通过": false,
    ]

    /// The well-formed results of `text` for an exam of `series` sat in one of `years`, and the
    /// problems of the other rows by line, so that checks against the registry can name theirs
    /// alongside; a file that cannot be read at all (header, size, no row) is refused.
    public static func read(_ text: String, series: TitleSeries, years: ClosedRange<Int>) -> Result<
        (results: [ExamResult], problems: [CSVProblems.Problem]), CSVProblems
    > {
        let table: (rows: [(line: Int, values: [String: String])], problems: [CSVProblems.Problem])
        let required = ["document_number", "name", "grade", "exam_year", "passed"]
        switch CSVText.table(text, columns: columns, required: required, maxRows: maxRows) {
        case .success(let parsed): table = parsed
        case .failure(let refused): return .failure(refused)
        }
        let grades = series.examGrades.sorted()
        let gradeWords = grades.map { "\($0.rawValue)（\(series.titleName($0) ?? "")）" }.joined(separator: "、")
        var results: [ExamResult] = []
        var problems = table.problems
        var seen: Set<String> = []
        for (line, values) in table.rows {
            func fail(_ zh: String, _ en: String) { problems.append((line, LocalizedText(zh: zh, en: en))) }
            guard let kind = IdentityDocument.Kind(rawValue: values["document_kind"] ?? IdentityDocument.Kind.residentID.rawValue) else {
                let kinds = IdentityDocument.Kind.allCases.map(\.rawValue).joined(separator: ", ")
                fail("document_kind 须为 \(kinds) 之一", "document_kind must be one of \(kinds)")
                continue
            }
            let number = values["document_number"] ?? ""
            guard (1...40).contains(number.count), number.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                fail("document_number 须为 1 至 40 个字母或数字", "document_number must be 1 to 40 letters or digits")
                continue
            }
            let country = values["issuing_country"]
            if kind == .passport, !(country.map { (2...3).contains($0.count) && $0.allSatisfy { $0.isASCII && $0.isLetter } } ?? false) {
                fail("护照须填写 issuing_country（国家代码，如 FRA）", "a passport needs its issuing_country, a country code such as FRA")
                continue
            }
            let name = values["name"] ?? ""
            guard (1...100).contains(name.count) else {
                fail("name 须为 1 至 100 个字符", "name must have 1 to 100 characters")
                continue
            }
            guard let grade = values["grade"].flatMap(Int.init).flatMap(TitleGrade.init(rawValue:)), series.examGrades.contains(grade) else {
                fail(
                    "grade 须为考试取得的等级：\(gradeWords)",
                    "grade must be a grade the exam confers: \(grades.map { String($0.rawValue) }.joined(separator: " or "))")
                continue
            }
            let specialty = values["specialty"]
            guard (specialty?.count ?? 0) <= 50 else {
                fail("specialty 至多 50 个字符", "specialty must have at most 50 characters")
                continue
            }
            guard let year = values["exam_year"].flatMap(Int.init), years.contains(year) else {
                fail("exam_year 须为 \(years.lowerBound) 至 \(years.upperBound) 年", "exam_year must be \(years.lowerBound) to \(years.upperBound)")
                continue
            }
            guard let passed = values["passed"].flatMap({ passWords[$0.lowercased()] }) else {
                fail("passed 须为 合格 / 不合格（或 true / false）", "passed must be true or false (合格 / 不合格)")
                continue
            }
            let key = IdentityDocument.lookupName(kind: kind, number: number, issuingCountry: country)
            guard seen.insert(key).inserted else {
                fail("同一证件出现两次", "the same identity document appears twice")
                continue
            }
            results.append(
                ExamResult(
                    line: line, documentKind: kind, documentNumber: number, issuingCountry: country, name: name, grade: grade,
                    specialty: specialty, examYear: year, passed: passed))
        }
        if results.isEmpty, problems.isEmpty {
            return .failure(CSVProblems([(1, LocalizedText(zh: "文件中没有考试结果", en: "the file holds no result"))]))
        }
        return .success((results, problems))
    }
}
