import Foundation
import Hummingbird

/// A `multipart/form-data` body (RFC 7578) as browsers send a form with a file: its text fields
/// and at most one file. Strict: a part without a name, a second file, or a body that does not
/// end with the closing delimiter is refused rather than guessed at.
struct MultipartForm {
    struct File {
        let field: String
        let filename: String
        let bytes: [UInt8]
    }

    private(set) var fields: [(String, String)] = []
    private(set) var file: File?

    /// The boundary a `Content-Type` header names, if it is multipart/form-data with a valid one.
    static func boundary(of contentType: String) -> String? {
        let parts = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.first?.lowercased() == "multipart/form-data" else { return nil }
        for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("boundary=") {
            var value = String(parameter.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            guard (1...70).contains(value.count), value.allSatisfy({ $0.isASCII && !$0.isNewline }) else { return nil }
            return value
        }
        return nil
    }

    /// The parts of `body`; nil when it is not a well-formed form with that boundary.
    init?(_ body: [UInt8], boundary: String) {
        let delimiter = Array("--\(boundary)".utf8)
        let separator = Array("\r\n".utf8)
        guard var position = Self.find(delimiter, in: body, from: 0) else { return nil }
        while true {
            position += delimiter.count
            // "--" after a delimiter closes the body.
            if body.count >= position + 2, body[position] == UInt8(ascii: "-"), body[position + 1] == UInt8(ascii: "-") { return }
            guard body.count >= position + 2, Array(body[position..<position + 2]) == separator else { return nil }
            position += 2
            guard let headerEnd = Self.find(Array("\r\n\r\n".utf8), in: body, from: position) else { return nil }
            let headers = String(decoding: body[position..<headerEnd], as: UTF8.self)
            let contentStart = headerEnd + 4
            guard let next = Self.find(separator + delimiter, in: body, from: contentStart) else { return nil }
            let content = Array(body[contentStart..<next])
            guard let disposition = headers.split(separator: "\r\n").first(where: { $0.lowercased().hasPrefix("content-disposition:") }),
                let name = Self.parameter("name", of: disposition)
            else { return nil }
            if let filename = Self.parameter("filename", of: disposition) {
                guard file == nil else { return nil }
                file = File(field: name, filename: filename, bytes: content)
            } else {
                fields.append((name, String(decoding: content, as: UTF8.self)))
            }
            position = next + separator.count
        }
    }

    private static func parameter(_ name: String, of header: Substring) -> String? {
        for piece in header.split(separator: ";").dropFirst() {
            let pair = piece.trimmingCharacters(in: .whitespaces)
            guard pair.lowercased().hasPrefix("\(name)=\"") else { continue }
            let value = pair.dropFirst(name.count + 2)
            guard value.hasSuffix("\"") else { return nil }
            return String(value.dropLast())
        }
        return nil
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == needle[0], haystack[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}

/// The CSV file a console import form carried, as the JSON API's upload of it would be read.
func uploadedCSV(_ context: APIContext, maxBytes: Int) throws -> String {
    guard let upload = context.visit?.upload, !upload.bytes.isEmpty else {
        throw invalidField("file", "choose the CSV file to import", zh: "请选择要导入的 CSV 文件")
    }
    guard upload.bytes.count <= maxBytes else {
        throw Problem(.contentTooLarge, "the file is larger than \(maxBytes / 1024) KiB; split it", zh: "文件超过 \(maxBytes / 1024) KiB；请拆分")
    }
    return try csvText(ByteBuffer(bytes: upload.bytes))
}
