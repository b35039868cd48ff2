/// Spreadsheets saved as CSV: what the expert register and exam results arrive as.
public enum CSVText {
    /// `text` without the spaces around it (Foundation stays out of the domain).
    public static func trimmed(_ text: some StringProtocol) -> String {
        String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    /// RFC 4180 records: quoted values may hold commas, quotes (doubled) and line breaks. Each
    /// record carries the line it starts on.
    public static func records(_ text: String) -> [(line: Int, fields: [String])] {
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

    /// The rows of a file whose first row names its columns (in any order, matched without case):
    /// each row's non-empty values by column, with the line it starts on. Blank lines are skipped;
    /// a row with the wrong number of values is a problem of its line. A missing or unknown column,
    /// an empty file or more than `maxRows` rows refuse the file at once.
    public static func table(_ text: String, columns: [String], required: [String], maxRows: Int) -> Result<
        (rows: [(line: Int, values: [String: String])], problems: [CSVProblems.Problem]), CSVProblems
    > {
        let records = records(text)
        func refuse(_ zh: String, _ en: String) -> Result<
            (rows: [(line: Int, values: [String: String])], problems: [CSVProblems.Problem]), CSVProblems
        > {
            .failure(CSVProblems([(1, LocalizedText(zh: zh, en: en))]))
        }
        guard let header = records.first?.fields.map({ trimmed($0).lowercased() }) else {
            return refuse("文件为空：第一行须为列名", "the file is empty: the first row names the columns")
        }
        let missing = required.filter { !header.contains($0) }.joined(separator: ", ")
        if !missing.isEmpty { return refuse("表头缺少 \(missing)", "the header lacks \(missing)") }
        if let unknown = header.first(where: { !columns.contains($0) }) {
            let known = columns.joined(separator: ", ")
            return refuse("未知的列 \(unknown)；可用的列为 \(known)", "unknown column \(unknown); the columns are \(known)")
        }
        guard records.count - 1 <= maxRows else { return refuse("每个文件至多 \(maxRows) 行；请拆分", "at most \(maxRows) rows per file; split it") }
        var rows: [(line: Int, values: [String: String])] = []
        var problems: [CSVProblems.Problem] = []
        for record in records.dropFirst() where !(record.fields.count == 1 && trimmed(record.fields[0]).isEmpty) {
            guard record.fields.count == header.count else {
                problems.append(
                    (
                        record.line,
                        LocalizedText(
                            zh: "有 \(record.fields.count) 个值，应为 \(header.count) 列", en: "\(record.fields.count) values for \(header.count) columns")
                    ))
                continue
            }
            var values: [String: String] = [:]
            for (name, value) in zip(header, record.fields) where !trimmed(value).isEmpty { values[name] = trimmed(value) }
            rows.append((record.line, values))
        }
        return .success((rows, problems))
    }
}

/// Why a file was refused: every bad row, each with its line.
public struct CSVProblems: Error, Sendable {
    /// A bad row's line and what is wrong with it.
    public typealias Problem = (line: Int, message: LocalizedText)
    /// Every problem, in line order.
    public let problems: [Problem]

    /// Problems, sorted by line.
    public init(_ problems: [Problem]) { self.problems = problems.sorted { $0.line < $1.line } }

    /// The first few problems as one sentence in each language.
    public var summary: LocalizedText {
        let shown = problems.prefix(10)
        let more = problems.count - shown.count
        return LocalizedText(
            zh: shown.map { "第 \($0.line) 行：\($0.message.zh)" }.joined(separator: "；") + (more > 0 ? "；另有 \(more) 处" : ""),
            en: shown.map { "line \($0.line): \($0.message.en)" }.joined(separator: "; ") + (more > 0 ? "; and \(more) more" : ""))
    }
}
