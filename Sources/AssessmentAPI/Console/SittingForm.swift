import Foundation
import Workflow

/// The form that schedules a skills sitting or moves one: the JSON API's `SittingBody` as fields a
/// browser sends without script (each part a fieldset, the rooms one per line).
enum SittingForm {
    /// Minutes each part is given unless the institution says otherwise.
    static let defaultMinutes: [SkillsPart: Int] = [.theory: 90, .skill: 120, .comprehensiveReview: 30]

    /// The body the form describes, checked as the API checks it; `levels` only when scheduling.
    static func body(_ form: FormFields, scheduling: Bool) throws -> SittingBody {
        var parts: [String: SittingBody.Part] = [:]
        for part in SkillsPart.allCases where form.optional("parts.\(part.rawValue).held") == "yes" {
            let field = "parts.\(part.rawValue)"
            parts[part.rawValue] = SittingBody.Part(
                date: try form.required("\(field).date", .init(zh: "\(part.chineseName)的日期", en: "the day of the \(part.englishName)")),
                start: try form.required("\(field).start", .init(zh: "\(part.chineseName)的开始时间", en: "the start of the \(part.englishName)")),
                minutes: try form.integer("\(field).minutes", in: SittingPart.durations))
        }
        var levels: [Int]?
        if scheduling {
            levels = try form.all("levels").map { text in
                guard let level = Int(text), Bounds.gradeOrLevel.contains(level) else {
                    throw invalidField("levels", "must be levels 1 to 5", zh: "须为 1 至 5 级")
                }
                return level
            }
        }
        let body = SittingBody(
            site: try form.required("site", .init(zh: "考点", en: "the site")), levels: levels, parts: parts,
            rooms: try rooms(form.optional("rooms") ?? ""),
            staffing: SittingBody.Staffing(
                invigilatorsPerRoom: try form.optionalInteger("staffing.invigilatorsPerRoom", in: StaffingOverrides.range),
                examinersPerRoom: try form.optionalInteger("staffing.examinersPerRoom", in: StaffingOverrides.range),
                reviewPanel: try form.optionalInteger("staffing.reviewPanel", in: StaffingOverrides.range)))
        try body.validate()
        return body
    }

    /// Rooms written one per line as a name and its seats: `A101, 30` (a comma, a Chinese comma or a space between).
    static func rooms(_ text: String) throws -> [SittingBody.Room] {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard lines.count <= SittingRoom.roomRange.upperBound else {
            throw invalidField("rooms", "must list 1 to 50 rooms", zh: "须列出 1 至 50 个考场")
        }
        return try lines.enumerated().map { index, line in
            let separators: Set<Character> = [",", "，", " ", "\t"]
            guard let cut = line.lastIndex(where: { separators.contains($0) }),
                let seats = Int(line[line.index(after: cut)...].trimmingCharacters(in: .whitespaces)), seats <= 10_000
            else {
                throw invalidField(
                    "rooms", "line \(index + 1): write a room as its name and seats, like A101, 30", zh: "第 \(index + 1) 行：请写考场名称和座位数，如 A101, 30")
            }
            let name = line[..<cut].trimmingCharacters(in: CharacterSet(charactersIn: ",， \t"))
            return SittingBody.Room(name: name, seats: seats)
        }
    }

    /// What the form shows: `sitting`'s values when moving it, blank days when scheduling.
    static func values(sites: [String], sitting: SittingRecord?, language: Language) -> [String: Any] {
        var values: [String: Any] = [
            "sites": sites.map { ["value": $0, "selected": $0 == sitting?.site] },
            "parts": SkillsPart.allCases.map { part -> [String: Any] in
                let held = sitting?.parts.first { $0.part == part }
                return [
                    "part": part.rawValue, "name": language == .zh ? part.chineseName : part.englishName,
                    "held": sitting.map { _ in held != nil } ?? (part != .comprehensiveReview), "date": held?.date.description ?? "",
                    "start": held?.startText ?? (part == .skill ? "14:00" : "09:00"),
                    "minutes": String(held?.minutes ?? defaultMinutes[part] ?? 60),
                ]
            },
            "rooms": sitting?.rooms.map { "\($0.name), \($0.seats)" }.joined(separator: "\n") ?? "",
        ]
        if sitting == nil {
            values["scheduling"] = true
            values["levels"] = Bounds.gradeOrLevel.compactMap(SkillLevel.init(rawValue:)).map {
                ["value": String($0.rawValue), "name": $0.chineseName]
            }
        }
        return values
    }
}
