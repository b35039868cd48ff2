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

    /// A term lasts at most this many years (a policy of most provinces: 3).
    public static let termYears = 3
    /// The most cases one expert takes in a round.
    public static let loadCaps = 1...500
    /// An expert's id: what the institution's own register calls them.
    public static func isValidID(_ id: String) -> Bool { id.wholeMatch(of: /[A-Za-z0-9._-]{1,64}/) != nil }

    /// A profile.
    public init(
        name: String, fields: Set<String>, specialty: String? = nil, grade: TitleGrade?, employer: String? = nil,
        employerCode: CreditCode? = nil, termStart: CalendarDate, termEnd: CalendarDate, loadCap: Int
    ) {
        (self.name, self.fields, self.specialty, self.grade) = (name, fields, specialty, grade)
        (self.employer, self.employerCode, self.termStart, self.termEnd, self.loadCap) = (employer, employerCode, termStart, termEnd, loadCap)
    }

    /// The longest term starting on `start`: `termYears` years, ending the day before the anniversary.
    public static func fullTerm(from start: CalendarDate) throws(CalendarError) -> CalendarDate {
        try start.adding(years: termYears).adding(days: -1)
    }

    /// Every part that cannot be filed, by field, each saying what it must be.
    public func problems() -> [(field: String, message: String)] {
        var problems: [(field: String, message: String)] = []
        if !(1...100).contains(name.count) { problems.append(("name", "must have 1 to 100 characters")) }
        if fields.isEmpty || fields.count > 20 { problems.append(("fields", "must name 1 to 20 series or occupations")) }
        if let unknown = fields.sorted().first(where: { TitleSeries.named($0) == nil && Occupation.named($0) == nil }) {
            problems.append(("fields", "no title series or occupation has the code \(unknown)"))
        }
        if let specialty, !(1...50).contains(specialty.count) { problems.append(("specialty", "must have 1 to 50 characters")) }
        let series = fields.compactMap(TitleSeries.named)
        if !series.isEmpty {
            if let grade {
                if let lacking = series.first(where: { $0.titles[grade] == nil }) {
                    problems.append(("grade", "series \(lacking.code) has no grade \(grade.rawValue)"))
                }
            } else {
                problems.append(("grade", "an expert of a title series holds a grade of it (1 员级 … 5 正高级): they review at or below it"))
            }
        }
        if let employer, !(1...200).contains(employer.count) { problems.append(("employer", "must have 1 to 200 characters")) }
        if termEnd < termStart {
            problems.append(("termEnd", "must not lie before the term's start"))
        } else if let longest = try? Self.fullTerm(from: termStart), termEnd > longest {
            problems.append(("termEnd", "a term lasts at most \(Self.termYears) years: \(longest) at the latest"))
        }
        if !Self.loadCaps.contains(loadCap) { problems.append(("loadCap", "must be 1 to 500")) }
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
    public static let columns = ["id", "name", "fields", "specialty", "grade", "employer", "employer_code", "term_start", "term_end", "load_cap"]
    /// The most rows of one file.
    public static let maxRows = 5_000

    /// The experts of `text`, or every problem, each with its line number.
    public static func parse(_ text: String) -> Result<[(line: Int, id: String, profile: ExpertProfile)], ExpertCSVError> {
        let rows = records(text)
        guard let header = rows.first?.fields.map({ trimmed($0).lowercased() }) else {
            return .failure(ExpertCSVError(problems: [(1, "the file is empty: the first row names the columns")]))
        }
        let missing = ["id", "name", "fields", "term_start"].filter { !header.contains($0) }
        if !missing.isEmpty { return .failure(ExpertCSVError(problems: [(1, "the header lacks \(missing.joined(separator: ", "))")])) }
        if let unknown = header.first(where: { !columns.contains($0) }) {
            return .failure(ExpertCSVError(problems: [(1, "unknown column \(unknown); the columns are \(columns.joined(separator: ", "))")]))
        }
        guard rows.count - 1 <= maxRows else {
            return .failure(ExpertCSVError(problems: [(1, "at most \(maxRows) experts per file; split it")]))
        }
        var experts: [(line: Int, id: String, profile: ExpertProfile)] = []
        var problems: [(line: Int, message: String)] = []
        var seen: Set<String> = []
        for row in rows.dropFirst() where !(row.fields.count == 1 && row.fields[0].isEmpty) {
            var values: [String: String] = [:]
            for (name, value) in zip(header, row.fields) {
                let value = trimmed(value)
                if !value.isEmpty { values[name] = value }
            }
            func fail(_ message: String) { problems.append((row.line, message)) }
            guard row.fields.count == header.count else {
                fail("\(row.fields.count) values for \(header.count) columns")
                continue
            }
            let id = values["id"] ?? ""
            guard ExpertProfile.isValidID(id) else {
                fail("id must be 1 to 64 letters, digits, dots, dashes or underscores")
                continue
            }
            guard seen.insert(id).inserted else {
                fail("id \(id) appears twice")
                continue
            }
            guard let start = values["term_start"].flatMap(CalendarDate.init(iso:)) else {
                fail("term_start must be a date like 2026-01-01")
                continue
            }
            let end: CalendarDate
            if let text = values["term_end"] {
                guard let date = CalendarDate(iso: text) else {
                    fail("term_end must be a date like 2028-12-31")
                    continue
                }
                end = date
            } else {
                guard let full = try? ExpertProfile.fullTerm(from: start) else {
                    fail("term_start lies too late")
                    continue
                }
                end = full
            }
            var grade: TitleGrade?
            if let text = values["grade"] {
                guard let number = Int(text), let parsed = TitleGrade(rawValue: number) else {
                    fail("grade must be 1 to 5")
                    continue
                }
                grade = parsed
            }
            var code: CreditCode?
            if let text = values["employer_code"] {
                guard let parsed = CreditCode(text) else {
                    fail("employer_code \(CreditCode.rule)")
                    continue
                }
                code = parsed
            }
            var loadCap = 20
            if let text = values["load_cap"] {
                guard let number = Int(text), ExpertProfile.loadCaps.contains(number) else {
                    fail("load_cap must be 1 to 500")
                    continue
                }
                loadCap = number
            }
            let fields = Set((values["fields"] ?? "").split(separator: ";").map(trimmed).filter { !$0.isEmpty })
            let profile = ExpertProfile(
                name: values["name"] ?? "", fields: fields, specialty: values["specialty"], grade: grade, employer: values["employer"],
                employerCode: code, termStart: start, termEnd: end, loadCap: loadCap)
            if let problem = profile.problems().first {
                fail("\(Self.column(problem.field)) \(problem.message)")
                continue
            }
            experts.append((row.line, id, profile))
        }
        if !problems.isEmpty { return .failure(ExpertCSVError(problems: problems)) }
        if experts.isEmpty { return .failure(ExpertCSVError(problems: [(1, "the file names no expert")])) }
        return .success(experts)
    }

    /// `text` without the spaces around it (Foundation stays out of the domain).
    static func trimmed(_ text: some StringProtocol) -> String {
        String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    static func column(_ field: String) -> String {
        ["employerCode": "employer_code", "termStart": "term_start", "termEnd": "term_end", "loadCap": "load_cap"][field] ?? field
    }

    /// RFC 4180 records: quoted values may hold commas, quotes (doubled) and line breaks. Each
    /// record carries the line it starts on.
    static func records(_ text: String) -> [(line: Int, fields: [String])] {
        var records: [(line: Int, fields: [String])] = []
        var fields: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var start = 1
        var characters = text.makeIterator()
        var pending: Character? = characters.next()
        // A byte-order mark from a spreadsheet is no part of the first column's name.
        if pending == "\u{FEFF}" { pending = characters.next() }
        while let character = pending {
            pending = characters.next()
            if quoted {
                if character == "\"" {
                    if pending == "\"" {
                        field.append("\"")
                        pending = characters.next()
                    } else {
                        quoted = false
                    }
                } else {
                    if character.isNewline { line += 1 }
                    field.append(character)
                }
                continue
            }
            switch character {
            case "\"" where field.isEmpty: quoted = true
            case ",":
                fields.append(field)
                field = ""
            case "\n", "\r\n", "\r":
                fields.append(field)
                records.append((start, fields))
                (fields, field) = ([], "")
                line += 1
                start = line
            default: field.append(character)
            }
        }
        if !field.isEmpty || !fields.isEmpty {
            fields.append(field)
            records.append((start, fields))
        }
        return records
    }
}

/// Why an expert file was refused: every bad row, each with its line.
public struct ExpertCSVError: Error, Sendable {
    public let problems: [(line: Int, message: String)]

    /// The first few problems as one sentence.
    public var summary: String {
        let shown = problems.prefix(10).map { "line \($0.line): \($0.message)" }.joined(separator: "; ")
        return problems.count > 10 ? "\(shown); and \(problems.count - 10) more" : shown
    }
}
