import Foundation
import Hummingbird
import Workflow

/// A page of a list: pass `next` as `after` for the following page; absent on the last.
struct Page<Item: Encodable & Sendable & Documented>: ResponseEncodable, Sendable, Documented {
    let items: [Item]
    let next: Int64?

    /// `records` as a page of at most `limit`, the next one starting after the last record's key.
    init<Record>(_ records: [Record], limit: Int, key: (Record) -> Int64, item: (Record) -> Item) {
        items = records.map(item)
        next = records.count == limit ? records.last.map(key) : nil
    }

    static var schemaName: String { Item.schemaName + "Page" }
    static var schema: JSONSchema {
        .object(
            required: ["items": .array(of: .ref(Item.self))], optional: ["next": .integer("pass as `after` for the next page; absent on the last")])
    }
}

extension Request {
    /// `after` and `limit` of a page request, in their documented ranges.
    func page() throws -> (after: Int64, limit: Int) {
        let query = uri.queryParameters
        let after =
            try query["after"].map { text -> Int64 in
                guard let value = Int64(String(text)), Bounds.after.contains(value) else {
                    throw Problem(
                        .badRequest, "after must be a whole number ≥ 0", zh: "after 须为不小于 0 的整数",
                        errors: [.init(field: "after", message: "not a whole number ≥ 0", zh: "不是不小于 0 的整数")])
                }
                return value
            } ?? 0
        return (after, try limit())
    }

    /// The id a list is narrowed to by the query parameter `name` (`round=`, `application=`), when given.
    func idFilter(_ name: String, _ what: String, zh: String) throws -> Int64? {
        try uri.queryParameters[Substring(name)].map { text in
            guard let id = Int64(String(text)), Bounds.id.contains(id) else {
                throw Problem(
                    .badRequest, "\(name) must be \(what)'s id", zh: "\(name) 须为\(zh)编号",
                    errors: [.init(field: name, message: "not \(what)'s id", zh: "不是\(zh)编号")])
            }
            return id
        }
    }

    /// `after` and `limit` of a page of a list ordered by text ids.
    func textPage() throws -> (after: String?, limit: Int) {
        let after = uri.queryParameters["after"].map(String.init)
        guard (after?.count ?? 1) <= 64 else {
            throw Problem(
                .badRequest, "after must have at most 64 characters", zh: "after 至多 64 个字符",
                errors: [.init(field: "after", message: "too long", zh: "过长")])
        }
        return (after, try limit())
    }

    private func limit() throws -> Int {
        let query = uri.queryParameters
        let limit =
            try query["limit"].map { text -> Int in
                guard let value = Int(String(text)), Bounds.limit.contains(value) else {
                    throw Problem(
                        .badRequest, "limit must be 1 to 100", zh: "limit 须为 1 至 100",
                        errors: [.init(field: "limit", message: "not 1 to 100", zh: "不在 1 至 100 之间")])
                }
                return value
            } ?? 50
        return limit
    }
}

/// The id of a record just made.
struct CreatedView: ResponseEncodable, Sendable, Documented {
    let id: Int64
    static var schema: JSONSchema { .object(required: ["id": .integer()]) }
}

struct ApplicationView: ResponseEncodable, Sendable, Documented {
    let id: Int64
    let round: Int64
    let state: String
    let appliedOn: String
    let score: Double?
    let passed: Bool?
    let appealOutcome: String?
    let appeal: String?
    let appealsUntil: String?
    let eligibilityAppeal: String?
    let eligibilityAppealOutcome: String?

    init(_ record: ApplicationRecord) {
        id = record.id
        round = record.roundID
        state = record.state.rawValue
        appliedOn = record.appliedOn.description
        score = record.score
        passed = record.passed
        appealOutcome = record.appealOutcome?.rawValue
        appeal = record.appeal?.rawValue
        // Only a published failure may be appealed.
        appealsUntil = record.state == .decided && record.passed == false ? record.appealsUntil?.description : nil
        eligibilityAppeal = record.eligibilityAppeal?.state.rawValue
        eligibilityAppealOutcome = record.eligibilityAppeal?.outcome?.rawValue
    }

    static var schema: JSONSchema {
        .object(
            required: ["id": .integer(), "round": .integer(), "state": .oneOf(ApplicationState.self), "appliedOn": .date],
            optional: [
                "score": .number, "passed": .boolean, "appealOutcome": .oneOf(AppealOutcome.self, "once an appeal is decided"),
                "appeal": .oneOf(AppealState.self, "where an appeal is, once filed: a rescored title awaits the committee's new vote"),
                "appealsUntil": JSONSchema.date.described("a published failure: the last day it may be appealed"),
                "eligibilityAppeal": .oneOf(["open", "decided"], "where an appeal of the ineligibility is, once filed"),
                "eligibilityAppealOutcome": .oneOf(AppealOutcome.self, "upheld (still ineligible) or overturned (eligible), once decided"),
            ])
    }
}

/// An uploaded spreadsheet's text, or a 422 saying how to save it.
func csvText(_ bytes: ByteBuffer) throws -> String {
    guard let text = String(validating: bytes.readableBytesView, as: UTF8.self) else {
        throw invalidField("body", "must be UTF-8 text; save the spreadsheet as CSV UTF-8", zh: "须为 UTF-8 文本；请将表格另存为 CSV UTF-8")
    }
    return text
}

/// A date field's value, or a 422 naming the field.
func dateField(_ text: String, _ field: String) throws -> CalendarDate {
    guard let date = CalendarDate(iso: text) else {
        throw invalidField(field, "must be a real date from 1900-01-01 on, like 2020-07-01", zh: "须为 1900-01-01 以后的真实日期，例如 2020-07-01")
    }
    return date
}

func invalidField(_ name: String, _ message: String, zh chinese: String?) -> Problem {
    Problem(
        .unprocessableContent, "\(name) \(message)", zh: chinese.map { "\(name)：\($0)" },
        errors: [.init(field: name, message: message, zh: chinese)])
}
