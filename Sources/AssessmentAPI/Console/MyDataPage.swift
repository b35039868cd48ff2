import Foundation
import Workflow

/// The copy of everything held about an applicant (`GET /v1/me/data`) as a page a person reads:
/// one section per part, an object as a list of its fields, a list of records as a table. The page
/// reads the same document the download gives, so the two can never differ.
enum MyDataPage {
    /// The document's parts in the order a person looks for them, with their names.
    static let parts: [(key: String, name: LocalizedText)] = [
        ("applicant", .init(zh: "注册信息与个人记录", en: "Registration and record")),
        ("applications", .init(zh: "申请", en: "Applications")),
        ("certificates", .init(zh: "证书", en: "Certificates")),
        ("consents", .init(zh: "同意记录", en: "Consents")),
        ("requests", .init(zh: "个人信息申请", en: "Requests about my data")),
        ("notifications", .init(zh: "通知", en: "Notifications")),
        ("sessions", .init(zh: "登录凭证", en: "Sign-in sessions")),
        ("history", .init(zh: "操作记录", en: "What was done about me")),
    ]

    /// Chinese names of the fields a person meets most; others keep their own name.
    static let fieldNames: [String: String] = [
        "name": "姓名", "document": "证件", "birthDate": "出生日期", "education": "学历", "employer": "工作单位", "record": "个人记录",
        "registeredAt": "注册时间", "id": "编号", "round": "评审轮次", "target": "申报", "state": "状态", "appliedOn": "申请日期",
        "passed": "是否通过", "score": "成绩", "files": "材料文件", "works": "代表作品", "number": "编号", "application": "申请",
        "content": "内容", "issuedAt": "签发时间", "revokedAt": "吊销时间", "notice": "说明版本", "purpose": "事项", "givenAt": "时间",
        "kind": "类别", "filedAt": "提出时间", "answeredAt": "答复时间", "outcome": "结果", "note": "说明", "due": "答复期限",
        "fields": "更正内容", "reasons": "理由", "event": "事件", "payload": "内容", "createdAt": "时间", "deliveredAt": "送达时间",
        "expiresAt": "到期时间", "at": "时间", "action": "操作", "subject": "对象", "byRole": "操作方",
    ]

    /// The page's sections, or nil when `json` is not the copy's shape.
    static func sections(_ json: String, _ language: Language) -> [[String: Any]]? {
        guard let document = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return nil }
        return parts.map { part in
            var section: [String: Any] = ["id": part.key, "title": part.name(language)]
            switch document[part.key] {
            case let object as [String: Any]:
                section["hasFields"] = true
                section["fields"] = object.keys.sorted().map { ["label": label($0, language), "value": text(object[$0])] }
            case let records as [[String: Any]] where !records.isEmpty:
                var columns: [String] = []
                for record in records { for key in record.keys.sorted() where !columns.contains(key) { columns.append(key) } }
                section["hasTable"] = true
                section["columns"] = columns.map { label($0, language) }
                section["rows"] = records.map { record in ["cells": columns.map { text(record[$0]) }] }
            default:
                section["empty"] = true
            }
            return section
        }
    }

    static func label(_ key: String, _ language: Language) -> String {
        language == .zh ? fieldNames[key].map { "\($0) \(key)" } ?? key : key
    }

    /// A value as text: nested values as compact JSON with sorted keys, nothing as a dash.
    static func text(_ value: Any?) -> String {
        switch value {
        case nil, is NSNull: return "—"
        case let text as String: return text
        // JSON's true and false arrive as NSNumbers too; only their type tells them from 1 and 0.
        case let number as NSNumber where String(cString: number.objCType) == "c": return number.boolValue ? "true" : "false"
        case let number as NSNumber: return number.stringValue
        case let nested?:
            guard let data = try? JSONSerialization.data(withJSONObject: nested, options: [.sortedKeys, .withoutEscapingSlashes]) else { return "—" }
            return String(decoding: data, as: UTF8.self)
        }
    }
}
