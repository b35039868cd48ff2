/// A panel's marks of one part of one candidate: the mean, trimmed of the highest and the lowest
/// from `policy.trimmedMeanFrom` marks, and whether their spread exceeds the tolerance, which
/// sends the part to the sitting's supervisor before it counts.
public struct PanelMark: Sendable, Hashable {
    public let mark: Double
    public let spread: Double
    public let discrepant: Bool

    /// The panel's mark, or nil for no marks or a mark outside 0–100.
    public static func of(_ marks: [Double], policy: Policy) -> PanelMark? {
        guard !marks.isEmpty, marks.allSatisfy({ (0...100).contains($0) }) else { return nil }
        let sorted = marks.sorted()
        let kept = sorted.count >= policy.trimmedMeanFrom ? Array(sorted.dropFirst().dropLast()) : sorted
        let spread = sorted[sorted.count - 1] - sorted[0]
        return PanelMark(mark: kept.reduce(0, +) / Double(kept.count), spread: spread, discrepant: spread > policy.discrepancyTolerance)
    }
}

/// A part's result for one candidate.
public enum PartResult: Sendable, Hashable {
    case marked(Double)
    /// Recorded as absent: not a failure of the part, and no mark.
    case absent
}

/// What a sitting decides for a candidate.
public enum SittingOutcome: Sendable, Hashable {
    /// At least the pass mark in every part; the score is the parts' mean.
    case passed(score: Double)
    /// Below the pass mark in a part taken.
    case failed(score: Double)
    /// Absent from a part: recorded as absent, not failed; the score is the mean of the parts taken, if any.
    case absent(score: Double?)

    /// The outcome once every part `level` takes has a result, or nil while one has none.
    public static func of(level: SkillLevel, results: [SkillsPart: PartResult], policy: Policy) -> SittingOutcome? {
        let required = SkillsPart.required(at: level)
        guard required.allSatisfy({ results[$0] != nil }) else { return nil }
        let marks = required.compactMap { part -> Double? in
            if case .marked(let mark) = results[part] { return mark }
            return nil
        }
        let score = marks.isEmpty ? nil : marks.reduce(0, +) / Double(marks.count)
        guard marks.count == required.count, let score else { return .absent(score: score) }
        return marks.allSatisfy { $0 >= policy.partPassMark } ? .passed(score: score) : .failed(score: score)
    }
}

/// Theory exam marks as the exam system exports them: a header naming `ticket` and `mark`, then a
/// row per candidate; a mark is 0–100, or `absent` (缺考). Every row is checked; one bad row refuses
/// the file.
public enum TheoryMarkCSV {
    public static let columns = ["ticket", "mark"]
    public static let maxRows = 10_000

    /// Each row's ticket and mark (nil: absent), or every problem with its line.
    public static func read(_ text: String) -> Result<[(line: Int, ticket: String, mark: Double?)], CSVProblems> {
        let table: (rows: [(line: Int, values: [String: String])], problems: [CSVProblems.Problem])
        switch CSVText.table(text, columns: columns, required: columns, maxRows: maxRows) {
        case .success(let parsed): table = parsed
        case .failure(let refused): return .failure(refused)
        }
        var problems = table.problems
        var rows: [(line: Int, ticket: String, mark: Double?)] = []
        var seen: Set<String> = []
        for (line, values) in table.rows {
            let ticket = values["ticket"] ?? ""
            guard ticket.wholeMatch(of: /[0-9]{18}/) != nil else {
                problems.append((line, LocalizedText(zh: "准考证号须为 18 位数字", en: "ticket must be 18 digits")))
                continue
            }
            guard seen.insert(ticket).inserted else {
                problems.append((line, LocalizedText(zh: "准考证号 \(ticket) 重复出现", en: "ticket \(ticket) appears twice")))
                continue
            }
            let text = values["mark"] ?? ""
            if ["absent", "缺考"].contains(text) {
                rows.append((line, ticket, nil))
            } else if let mark = Double(text), mark.isFinite, (0...100).contains(mark) {
                rows.append((line, ticket, mark))
            } else {
                problems.append((line, LocalizedText(zh: "成绩须为 0 至 100 或“缺考”", en: "mark must be 0 to 100, or absent")))
            }
        }
        if !problems.isEmpty { return .failure(CSVProblems(problems)) }
        if rows.isEmpty { return .failure(CSVProblems([(1, LocalizedText(zh: "文件中没有成绩", en: "the file holds no mark"))])) }
        return .success(rows)
    }
}
