import Foundation

/// A JSON document as values, so that `/openapi.json` is built, not typed by hand.
enum JSONValue: Encodable, Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case number(Double)
    case bool(Bool)
    case array([JSONValue])
    case object([String: JSONValue])

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value):
            // Whole bounds read as integers, as a reader of the document expects (100, not 100.0).
            if value == value.rounded(), abs(value) < 1e15 { try container.encode(Int64(value)) } else { try container.encode(value) }
        case .bool(let value): try container.encode(value)
        case .array(let values): try container.encode(values)
        case .object(let members): try container.encode(members)
        }
    }
}

/// A JSON Schema (2020-12, as OpenAPI 3.1 uses it), with the named schemas it refers to.
struct JSONSchema: Sendable {
    private(set) var node: [String: JSONValue]
    /// Every named schema this one refers to, however deep, by name.
    private(set) var references: [String: JSONSchema] = [:]

    private init(_ node: [String: JSONValue], references: [String: JSONSchema] = [:]) {
        self.node = node
        self.references = references
    }

    static func string(length: ClosedRange<Int>? = nil, format: String? = nil, pattern: String? = nil, _ description: String? = nil) -> JSONSchema {
        var node: [String: JSONValue] = ["type": .string("string")]
        if let length {
            node["minLength"] = .integer(Int64(length.lowerBound))
            node["maxLength"] = .integer(Int64(length.upperBound))
        }
        if let format { node["format"] = .string(format) }
        if let pattern { node["pattern"] = .string(pattern) }
        return JSONSchema(node).described(description)
    }

    /// A string that is one of `values`.
    static func oneOf(_ values: [String], _ description: String? = nil) -> JSONSchema {
        JSONSchema(["type": .string("string"), "enum": .array(values.map(JSONValue.string))]).described(description)
    }

    /// A string naming a case of `type`.
    static func oneOf<Cases: CaseIterable & RawRepresentable>(_ type: Cases.Type, _ description: String? = nil) -> JSONSchema
    where Cases.RawValue == String {
        oneOf(type.allCases.map(\.rawValue), description)
    }

    /// A whole number in `range`; int64-formatted when the range needs it.
    static func integer<Number: BinaryInteger>(_ range: ClosedRange<Number>, _ description: String? = nil) -> JSONSchema {
        var node: [String: JSONValue] = [
            "type": .string("integer"), "minimum": .integer(Int64(range.lowerBound)),
            "maximum": .integer(Int64(range.upperBound)),
        ]
        if range.upperBound > Int32.max { node["format"] = .string("int64") }
        return JSONSchema(node).described(description)
    }

    /// A whole number the server writes: its range is the server's business.
    static func integer(_ description: String? = nil) -> JSONSchema {
        JSONSchema(["type": .string("integer"), "format": .string("int64")]).described(description)
    }

    /// A whole number that is one of `values`.
    static func integer(in values: [Int], _ description: String? = nil) -> JSONSchema {
        JSONSchema(["type": .string("integer"), "enum": .array(values.map { .integer(Int64($0)) })]).described(description)
    }

    static func number(_ range: ClosedRange<Double>, _ description: String? = nil) -> JSONSchema {
        JSONSchema(["type": .string("number"), "minimum": .number(range.lowerBound), "maximum": .number(range.upperBound)]).described(description)
    }

    /// A number the server writes.
    static var number: JSONSchema { JSONSchema(["type": .string("number")]) }

    static var boolean: JSONSchema { JSONSchema(["type": .string("boolean")]) }

    static var date: JSONSchema { .string(format: "date") }
    /// Bytes: a file's body, as OpenAPI 3.1 writes it.
    static var binary: JSONSchema { JSONSchema(["type": .string("string"), "contentEncoding": .string("binary")]) }

    static var dateTime: JSONSchema { .string(format: "date-time") }

    static func array(of items: JSONSchema, count: ClosedRange<Int>? = nil, _ description: String? = nil) -> JSONSchema {
        var node: [String: JSONValue] = ["type": .string("array"), "items": .object(items.node)]
        if let count {
            node["minItems"] = .integer(Int64(count.lowerBound))
            node["maxItems"] = .integer(Int64(count.upperBound))
        }
        return JSONSchema(node, references: items.references).described(description)
    }

    /// An object with these members; `optional` ones may be absent (or null, where nullable).
    static func object(
        required: KeyValuePairs<String, JSONSchema> = [:], optional: KeyValuePairs<String, JSONSchema> = [:],
        _ description: String? = nil
    ) -> JSONSchema {
        var properties: [String: JSONValue] = [:]
        var references: [String: JSONSchema] = [:]
        for (name, schema) in Array(required) + Array(optional) {
            properties[name] = .object(schema.node)
            references.merge(schema.references) { first, _ in first }
        }
        var node: [String: JSONValue] = ["type": .string("object"), "properties": .object(properties)]
        if !required.isEmpty { node["required"] = .array(required.map { .string($0.key) }) }
        return JSONSchema(node, references: references).described(description)
    }

    /// An object whose member names are free and whose values all fit `values`.
    static func map(of values: JSONSchema, _ description: String? = nil) -> JSONSchema {
        JSONSchema(["type": .string("object"), "additionalProperties": .object(values.node)], references: values.references).described(description)
    }

    /// Any JSON object: for a document the server passes through.
    static var anyObject: JSONSchema { JSONSchema(["type": .string("object")]) }

    /// Exactly one of `choices`.
    static func choice(_ choices: [JSONSchema]) -> JSONSchema {
        var references: [String: JSONSchema] = [:]
        for choice in choices { references.merge(choice.references) { first, _ in first } }
        return JSONSchema(["oneOf": .array(choices.map { .object($0.node) })], references: references)
    }

    /// The named schema of `type`, by reference.
    static func ref<Type: Documented>(_ type: Type.Type) -> JSONSchema {
        var references = type.schema.references
        references[type.schemaName] = type.schema
        return JSONSchema(["$ref": .string("#/components/schemas/\(type.schemaName)")], references: references)
    }

    /// This schema, or JSON null.
    var orNull: JSONSchema {
        var copy = self
        if case .string(let type) = node["type"] { copy.node["type"] = .array([.string(type), .string("null")]) }
        return copy
    }

    func described(_ description: String?) -> JSONSchema {
        guard let description else { return self }
        var copy = self
        copy.node["description"] = .string(description)
        return copy
    }
}

/// A request or response body with a named schema in `/openapi.json`: the schema is written beside
/// the type, from the same `Bounds` its validation uses, and the API tests check every served body
/// against it.
protocol Documented {
    static var schemaName: String { get }
    static var schema: JSONSchema { get }
}

extension Documented {
    /// `ObjectionView` is `Objection`, and `ObjectionBody` is `ObjectionRequest`.
    static var schemaName: String {
        let name = String(describing: Self.self)
        if name.hasSuffix("View") { return String(name.dropLast(4)) }
        if name.hasSuffix("Body") { return String(name.dropLast(4)) + "Request" }
        return name
    }
}
