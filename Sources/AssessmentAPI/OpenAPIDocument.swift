import Foundation
import Workflow

/// The API's OpenAPI 3.1 description, built from the routes' own descriptions: every path, method,
/// parameter, body schema and numeric range here is the value the router and the decoder use.
/// Served at /openapi.json; the API tests check each response they get against it.
enum OpenAPIDocument {
    /// The parameters a path may hold, by name: a route with another `{name}` is a programming error.
    static let pathParameters: [String: JSONSchema] = [
        "id": .integer(Bounds.id),
        "number": .string(length: 1...64, "the certificate number"),
        "reviewer": .string(pattern: "^[A-Za-z0-9._-]{1,64}$", "an expert's id"),
        "sha256": .string(length: 64...64, "an evidence file's SHA-256, in lower-case hex"),
    ]

    static func json(_ operations: [OperationDescription]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // The document is built from constants; encoding it cannot fail.
        let data = (try? encoder.encode(document(operations))) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func document(_ operations: [OperationDescription]) -> JSONValue {
        var schemas: [String: JSONSchema] = ["Problem": Problem.schema]
        func add(_ references: [String: JSONSchema]) {
            schemas.merge(references) { first, second in
                // Two types under one name would document one shape for both.
                assert(first.node == second.node, "two schemas are named the same")
                return first
            }
        }
        var paths: [String: [String: JSONValue]] = [:]
        for operation in operations {
            var node: [String: JSONValue] = ["summary": .string(operation.summary), "tags": .array([.string(operation.audience)])]
            if case .anyone = operation.access {} else { node["security"] = .array([.object(["bearer": .array([])])]) }
            var parameters: [JSONValue] = operation.pathParameters.map { name in
                .object([
                    "name": .string(name), "in": .string("path"), "required": .bool(true),
                    "schema": .object(pathParameters[name]?.node ?? JSONSchema.string().node),
                ])
            }
            for parameter in operation.query {
                var member: [String: JSONValue] = ["name": .string(parameter.name), "in": .string("query"), "schema": .object(parameter.schema.node)]
                if let description = parameter.description { member["description"] = .string(description) }
                parameters.append(.object(member))
                add(parameter.schema.references)
            }
            if !parameters.isEmpty { node["parameters"] = .array(parameters) }
            if let body = operation.body {
                node["requestBody"] = .object([
                    "required": .bool(true), "content": .object(["application/json": .object(["schema": .object(body.node)])]),
                ])
                add(body.references)
            }
            if let upload = operation.upload {
                let file = JSONValue.object(["schema": .object(JSONSchema.binary.node)])
                node["requestBody"] = .object([
                    "required": .bool(true), "description": .string("the file's bytes, at most \(upload.maxBytes)"),
                    "content": .object(Dictionary(uniqueKeysWithValues: upload.types.map { ($0, file) })),
                ])
            }
            var responses: [String: JSONValue] = [:]
            var success: [String: JSONValue] = ["description": .string(operation.success.description)]
            if let content = operation.success.content {
                let schema = JSONValue.object(["schema": .object(content.schema.node)])
                success["content"] = .object(Dictionary(uniqueKeysWithValues: content.types.map { ($0, schema) }))
                add(content.schema.references)
            }
            responses[String(operation.success.status.code)] = .object(success)
            for status in operation.refusalStatuses {
                responses[String(status)] = .object(["$ref": .string("#/components/responses/Problem")])
            }
            node["responses"] = .object(responses)
            paths[operation.path, default: [:]][operation.method.rawValue.lowercased()] = .object(node)
        }
        return .object([
            "openapi": .string("3.1.0"),
            "info": .object([
                "title": .string("assess"), "version": .string("1"),
                "description": .string(
                    "Professional title evaluation and vocational skills certification. Refusals are application/problem+json (RFC 9457)."),
            ]),
            "components": .object([
                "securitySchemes": .object([
                    "bearer": .object([
                        "type": .string("http"), "scheme": .string("bearer"),
                        "description": .string(
                            "A token from POST /v1/applicants or /v1/sessions, or `assess tokens issue` for institutions, reviewers and the bureau."),
                    ])
                ]),
                "schemas": .object(schemas.mapValues { .object($0.node) }),
                "responses": .object([
                    "Problem": .object([
                        "description": .string("A refusal, saying what to fix"),
                        "content": .object(["application/problem+json": .object(["schema": .object(JSONSchema.ref(Problem.self).node)])]),
                    ])
                ]),
            ]),
            "paths": .object(paths.mapValues { .object($0) }),
        ])
    }
}
