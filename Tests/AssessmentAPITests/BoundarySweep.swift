import Foundation
import NIOHTTP1

/// Requests built from the served OpenAPI document: for every operation, a body that fits its
/// schema, and then that body (or path, or query) with one number or string replaced by a value at
/// or past the edge.
struct BoundarySweep {
    /// One input of an operation: a number or a string, where it sits, and what the document allows.
    struct Leaf {
        enum Place {
            case body([Any])
            case path(String)
            case query(String)
        }
        let place: Place
        let name: String
        let isNumber: Bool
        let minimum: Double?
        let maximum: Double?
        let allowed: [Double]?
    }

    /// One request to send and what the document says of it.
    struct Probe {
        let method: HTTPMethod
        /// The operation's path as documented, with `{id}` and the like.
        let template: String
        let path: String
        let body: String?
        let leaf: Leaf
        let value: Any
        /// Whether the document's range excludes the value: then only a 4xx will do.
        let outOfRange: Bool
    }

    let document: [String: Any]

    /// The numbers every numeric input is tried with.
    static var numbers: [Any] { [0, -1, 1 << 31, 1 << 53, Int.max, Int.min, 1e308] }
    /// The strings every string input is tried with.
    static var strings: [Any] { ["", String(repeating: "长", count: 100_000)] }

    /// A JSON number as a Double, whichever Swift type JSONSerialization chose for it.
    static func number(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }

    func resolve(_ node: Any) -> [String: Any] {
        guard let object = node as? [String: Any] else { return [:] }
        guard let reference = object["$ref"] as? String else { return object }
        var found: Any = document
        for key in reference.dropFirst(2).split(separator: "/") { found = (found as? [String: Any])?[String(key)] as Any }
        return resolve(found as Any)
    }

    static func type(of schema: [String: Any]) -> String {
        if let type = schema["type"] as? String { return type }
        return (schema["type"] as? [String])?.first { $0 != "null" } ?? "object"
    }

    /// A value that fits `schema`: the least allowed number, the first enum member, a date, …
    func example(_ node: Any, name: String = "") -> Any {
        let schema = resolve(node)
        if let values = schema["enum"] as? [Any], let first = values.first { return first }
        switch Self.type(of: schema) {
        case "integer": return Int((Self.number(schema["minimum"])) ?? 1)
        case "number": return (Self.number(schema["minimum"])) ?? 1
        case "boolean": return true
        case "string":
            if schema["format"] as? String == "date" { return "2026-11-23" }
            if let pattern = schema["pattern"] as? String, pattern.contains("A-Za-z0-9") { return "sweep-reviewer" }
            if name == "url" { return "https://hooks.example/sweep" }
            if name == "contact" { return "sweep@example.org" }
            let minimum = (schema["minLength"] as? Int) ?? 1
            return String(repeating: "a", count: max(minimum, 1))
        case "array":
            return (schema["minItems"] as? Int ?? 0) > 0 ? [example(schema["items"] as Any)] : []
        default:
            var object: [String: Any] = [:]
            for (key, property) in (schema["properties"] as? [String: Any]) ?? [:] { object[key] = example(property, name: key) }
            return object
        }
    }

    /// Every number and string input under `node`, with its path in the body.
    func leaves(_ node: Any, at path: [Any] = []) -> [Leaf] {
        let schema = resolve(node)
        let name = path.map { "\($0)" }.joined(separator: ".")
        switch Self.type(of: schema) {
        case "integer", "number":
            return [
                Leaf(
                    place: .body(path), name: name, isNumber: true, minimum: Self.number(schema["minimum"]),
                    maximum: Self.number(schema["maximum"]), allowed: (schema["enum"] as? [Any])?.compactMap { Self.number($0) })
            ]
        case "string":
            return [Leaf(place: .body(path), name: name, isNumber: false, minimum: nil, maximum: nil, allowed: nil)]
        case "array":
            return leaves(schema["items"] as Any, at: path + [0])
        case "object":
            return ((schema["properties"] as? [String: Any]) ?? [:]).sorted { $0.key < $1.key }.flatMap { leaves($0.value, at: path + [$0.key]) }
        default:
            return []
        }
    }

    /// `value` set at `path` inside `base`, arrays grown to hold it.
    static func setting(_ value: Any, at path: [Any], in base: Any) -> Any {
        guard let first = path.first else { return value }
        let rest = Array(path.dropFirst())
        if let key = first as? String {
            var object = (base as? [String: Any]) ?? [:]
            object[key] = setting(value, at: rest, in: object[key] as Any)
            return object
        }
        var array = (base as? [Any]) ?? []
        if array.isEmpty { array.append(value) }
        array[0] = setting(value, at: rest, in: array[0])
        return array
    }

    /// Whether the document's range leaves `value` out.
    static func isOutOfRange(_ value: Any, _ leaf: Leaf) -> Bool {
        // No string input of the API takes 10,000 characters: the body limit is 64 KiB.
        guard leaf.isNumber else { return ((value as? String)?.count ?? 0) > 10_000 }
        let number: Double
        switch value {
        case let whole as Int: number = Double(whole)
        case let real as Double: number = real
        default: return true
        }
        if let allowed = leaf.allowed { return !allowed.contains(number) }
        if let minimum = leaf.minimum, number < minimum { return true }
        if let maximum = leaf.maximum, number > maximum { return true }
        return false
    }

    /// Every probe of every operation, and the numeric inputs the document leaves unbounded.
    func probes(pathValues: [String: String]) -> (probes: [Probe], unbounded: [String]) {
        var probes: [Probe] = []
        var unbounded: [String] = []
        for (path, item) in ((document["paths"] as? [String: Any]) ?? [:]).sorted(by: { $0.key < $1.key }) {
            for (methodName, operationNode) in (item as? [String: Any]) ?? [:] {
                let operation = resolve(operationNode)
                let method = HTTPMethod(rawValue: methodName.uppercased())
                var concrete = path
                for (name, value) in pathValues { concrete = concrete.replacingOccurrences(of: "{\(name)}", with: value) }
                var leaves: [Leaf] = []
                for parameterNode in (operation["parameters"] as? [Any]) ?? [] {
                    let parameter = resolve(parameterNode)
                    guard let name = parameter["name"] as? String, let place = parameter["in"] as? String else { continue }
                    let schema = resolve(parameter["schema"] as Any)
                    let type = Self.type(of: schema)
                    guard type == "integer" || (type == "string" && schema["enum"] == nil) else { continue }
                    leaves.append(
                        Leaf(
                            place: place == "path" ? .path(name) : .query(name), name: name, isNumber: type == "integer",
                            minimum: Self.number(schema["minimum"]), maximum: Self.number(schema["maximum"]), allowed: nil))
                }
                var base: Any?
                if let content = ((operation["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any] {
                    base = example(content["schema"] as Any)
                    leaves += self.leaves(content["schema"] as Any)
                }
                for leaf in leaves {
                    if leaf.isNumber, leaf.allowed == nil, leaf.minimum == nil || leaf.maximum == nil {
                        unbounded.append("\(methodName.uppercased()) \(path) \(leaf.name)")
                    }
                    var values = leaf.isNumber ? Self.numbers : Self.strings
                    if let minimum = leaf.minimum, minimum > -9e15 { values.append(Int(minimum) - 1) }
                    if let maximum = leaf.maximum, maximum < 9e15 { values.append(maximum == maximum.rounded() ? Int(maximum) + 1 : maximum + 1) }
                    for value in values {
                        var target = concrete
                        var body = base
                        switch leaf.place {
                        case .body(let at): body = Self.setting(value, at: at, in: base as Any)
                        case .path(let name):
                            target = path.replacingOccurrences(of: "{\(name)}", with: "\(value)")
                            for (other, known) in pathValues { target = target.replacingOccurrences(of: "{\(other)}", with: known) }
                        case .query(let name):
                            let text = "\(value)".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? ""
                            target += "?\(name)=\(text)"
                        }
                        let json = body.flatMap { try? JSONSerialization.data(withJSONObject: $0) }.map { String(decoding: $0, as: UTF8.self) }
                        probes.append(
                            Probe(
                                method: method, template: path, path: target, body: json, leaf: leaf, value: value,
                                outOfRange: Self.isOutOfRange(value, leaf)))
                    }
                }
            }
        }
        return (probes, unbounded)
    }
}
