import Foundation

/// A JSON value as the wire has it: booleans, whole numbers and other numbers kept apart, which
/// JSONSerialization's NSNumber blurs. Parsed by hand: decoding it with JSONDecoder means trying each
/// type in turn, and the throw of every wrong guess cost a fifth of the suite's CPU.
indirect enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    static func parse(_ text: String) -> JSON? {
        var parser = JSONParser(bytes: Array(text.utf8))
        guard let value = parser.value() else { return nil }
        parser.skipSpace()
        return parser.atEnd ? value : nil
    }

    subscript(key: String) -> JSON? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    var text: String? { if case .string(let value) = self { value } else { nil } }
    var members: [String: JSON] { if case .object(let members) = self { members } else { [:] } }
    var elements: [JSON] { if case .array(let elements) = self { elements } else { [] } }
    var double: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }
}

/// Checks what the server answered against what its OpenAPI document says of that operation: the
/// status is one it lists, and the body fits the schema of that status (a problem for a refusal).
struct SchemaConformance: Sendable {
    let document: JSON

    /// What is wrong with this reply, as sentences; empty when it conforms. A path no operation
    /// matches (the router's own 404 and 405) is not the document's business.
    func violations(method: String, path: String, status: Int, contentType: String?, body: String) -> [String] {
        guard let (template, operation) = operation(method: method, path: path) else { return [] }
        // The HTTP parser's own refusal of a request line too long to read: it never reaches a route.
        if status == 400, contentType == nil, body.isEmpty, path.utf8.count > 8_192 { return [] }
        let what = "\(method) \(template) → \(status)"
        guard let response = operation["responses"]?[String(status)].map(resolve) else {
            return ["\(what): the status is not documented (\(operation["responses"]?.members.keys.sorted() ?? []))"]
        }
        guard let contents = response["content"]?.members, !contents.isEmpty else {
            return body.isEmpty ? [] : ["\(what): documented without a body, but one came: \(body.prefix(100))"]
        }
        guard let contentType, let content = contents.first(where: { contentType.hasPrefix($0.key) }) else {
            return ["\(what): content type \(contentType ?? "none"), documented \(contents.keys.sorted())"]
        }
        guard content.key.hasSuffix("json") else { return [] }
        guard let value = JSON.parse(body) else { return ["\(what): the body is not JSON"] }
        return validate(value, against: content.value["schema"] ?? .object([:]), at: "body").map { "\(what): \($0)" }
    }

    func operation(method: String, path: String) -> (String, JSON)? {
        let segments = path.split(separator: "?").first.map { $0.split(separator: "/") } ?? []
        for (template, item) in document["paths"]?.members ?? [:] {
            let parts = template.split(separator: "/")
            guard parts.count == segments.count, zip(parts, segments).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }),
                let operation = item[method.lowercased()]
            else { continue }
            return (template, operation)
        }
        return nil
    }

    func resolve(_ node: JSON) -> JSON {
        guard let reference = node["$ref"]?.text else { return node }
        var found: JSON? = document
        for key in reference.dropFirst(2).split(separator: "/") { found = found?[String(key)] }
        return resolve(found ?? .object([:]))
    }

    func validate(_ value: JSON, against node: JSON, at place: String) -> [String] {
        let schema = resolve(node)
        if let choices = schema["oneOf"]?.elements {
            let fitting = choices.filter { validate(value, against: $0, at: place).isEmpty }
            return fitting.count == 1 ? [] : ["\(place) fits \(fitting.count) of the \(choices.count) choices, not one"]
        }
        var types: [String] = []
        if let type = schema["type"]?.text { types = [type] } else { types = schema["type"]?.elements.compactMap(\.text) ?? [] }
        if value == .null {
            return types.contains("null") || types.isEmpty ? [] : ["\(place) is null, which \(types) does not allow"]
        }
        let type: String =
            switch value {
            case .bool: "boolean"
            case .integer: "integer"
            case .number: "number"
            case .string: "string"
            case .array: "array"
            case .object: "object"
            case .null: "null"
            }
        guard types.isEmpty || types.contains(type) || (type == "integer" && types.contains("number")) else {
            return ["\(place) is \(type), documented \(types)"]
        }
        var problems: [String] = []
        if let allowed = schema["enum"]?.elements, !allowed.contains(value) { problems.append("\(place) = \(value) is not one of \(allowed)") }
        if let number = value.double {
            if let minimum = schema["minimum"]?.double, number < minimum { problems.append("\(place) = \(number) is below \(minimum)") }
            if let maximum = schema["maximum"]?.double, number > maximum { problems.append("\(place) = \(number) is above \(maximum)") }
        }
        if case .string(let text) = value {
            switch schema["format"]?.text {
            case "date" where text.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) == nil: problems.append("\(place) = \(text) is not a date")
            case "date-time" where (try? Date(text, strategy: .iso8601)) == nil: problems.append("\(place) = \(text) is not a date-time")
            default: break
            }
            if let maximum = schema["maxLength"]?.double, Double(text.count) > maximum { problems.append("\(place) is longer than \(maximum)") }
        }
        if case .array(let elements) = value, let items = schema["items"] {
            for (index, element) in elements.enumerated() { problems += validate(element, against: items, at: "\(place)[\(index)]") }
        }
        if case .object(let members) = value {
            for name in schema["required"]?.elements.compactMap(\.text) ?? [] where members[name] == nil {
                problems.append("\(place).\(name) is required but absent")
            }
            let properties = schema["properties"]?.members ?? [:]
            for (name, member) in members {
                if let property = properties[name] {
                    problems += validate(member, against: property, at: "\(place).\(name)")
                } else if let additional = schema["additionalProperties"] {
                    problems += validate(member, against: additional, at: "\(place).\(name)")
                } else if !properties.isEmpty {
                    problems.append("\(place).\(name) is not documented")
                }
            }
        }
        return problems
    }
}

/// RFC 8259, strictly: what it refuses, the wire must not carry.
private struct JSONParser {
    let bytes: [UInt8]
    var index = 0

    var atEnd: Bool { index == bytes.count }

    mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }

    mutating func value() -> JSON? {
        skipSpace()
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "{"): return object()
        case UInt8(ascii: "["): return array()
        case UInt8(ascii: "\""): return string().map(JSON.string)
        case UInt8(ascii: "t"): return literal("true", .bool(true))
        case UInt8(ascii: "f"): return literal("false", .bool(false))
        case UInt8(ascii: "n"): return literal("null", .null)
        default: return number()
        }
    }

    private mutating func literal(_ word: String, _ value: JSON) -> JSON? {
        let expected = Array(word.utf8)
        guard bytes[index...].starts(with: expected) else { return nil }
        index += expected.count
        return value
    }

    private mutating func object() -> JSON? {
        index += 1
        var members: [String: JSON] = [:]
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return .object(members)
        }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let key = string() else { return nil }
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
            index += 1
            guard let member = value() else { return nil }
            members[key] = member
            skipSpace()
            guard index < bytes.count else { return nil }
            index += 1
            switch bytes[index - 1] {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "}"): return .object(members)
            default: return nil
            }
        }
    }

    private mutating func array() -> JSON? {
        index += 1
        var elements: [JSON] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return .array(elements)
        }
        while true {
            guard let element = value() else { return nil }
            elements.append(element)
            skipSpace()
            guard index < bytes.count else { return nil }
            index += 1
            switch bytes[index - 1] {
            case UInt8(ascii: ","): continue
            case UInt8(ascii: "]"): return .array(elements)
            default: return nil
            }
        }
    }

    private mutating func string() -> String? {
        index += 1
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() {
            scalars.append(contentsOf: String(decoding: run, as: UTF8.self).unicodeScalars)
            run.removeAll(keepingCapacity: true)
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush()
                guard index < bytes.count else { return nil }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(Unicode.Scalar(escape))
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    guard let unit = hex4() else { return nil }
                    if (0xD800..<0xDC00).contains(unit) {
                        guard bytes[index...].starts(with: Array("\\u".utf8)) else { return nil }
                        index += 2
                        guard let low = hex4(), (0xDC00..<0xE000).contains(low),
                            let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                        else { return nil }
                        scalars.append(scalar)
                    } else {
                        guard let scalar = Unicode.Scalar(unit) else { return nil }
                        scalars.append(scalar)
                    }
                default: return nil
                }
            case 0..<0x20: return nil
            default: run.append(byte)
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard index + 4 <= bytes.count, let unit = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { return nil }
        index += 4
        return unit
    }

    private mutating func number() -> JSON? {
        let start = index
        var whole = true
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"): break
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"): whole = false
            default:
                return number(String(decoding: bytes[start..<index], as: UTF8.self), whole: whole)
            }
            index += 1
        }
        return number(String(decoding: bytes[start..<index], as: UTF8.self), whole: whole)
    }

    private func number(_ text: String, whole: Bool) -> JSON? {
        guard text.wholeMatch(of: /-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/) != nil else { return nil }
        if whole, let value = Int64(text) { return .integer(value) }
        return Double(text).map(JSON.number)
    }
}
