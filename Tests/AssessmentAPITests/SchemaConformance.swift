import Foundation

/// A JSON value as the wire has it: booleans, whole numbers and other numbers kept apart, which
/// JSONSerialization's NSNumber blurs.
indirect enum JSON: Decodable, Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSON])
    case object([String: JSON])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSON].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSON].self))
        }
    }

    static func parse(_ text: String) -> JSON? { try? JSONDecoder().decode(JSON.self, from: Data(text.utf8)) }

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
