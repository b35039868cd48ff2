import Foundation

/// What PostgreSQL cannot store of valid JSON text: its `text` and `jsonb` reject U+0000.
public enum JSONText {
    /// Whether JSON text has a `\u0000` escape. Raw control characters are invalid JSON anyway, and
    /// a backslash outside an escape only occurs inside strings, so strings need not be tracked.
    public static func escapesNUL(_ text: some Sequence<UInt8>) -> Bool {
        let nulEscape = Array("u0000".utf8)
        // How much of `u0000` follows the last escaping backslash; nil outside an escape.
        var matched: Int?
        for byte in text {
            if let count = matched {
                if byte == nulEscape[count] {
                    if count + 1 == nulEscape.count { return true }
                    matched = count + 1
                } else {
                    // The escape ended: `\\` or `\n` (count 0), or `\u` with other digits.
                    matched = nil
                }
            } else if byte == UInt8(ascii: "\\") {
                matched = 0
            }
        }
        return false
    }
}

/// JSON text checked to be an object PostgreSQL's `jsonb` accepts: what a job filter matches
/// arguments against, so that a malformed filter is refused before it reaches SQL.
public struct JSONObjectText: Sendable, Equatable {
    /// The text.
    public let text: String

    /// Nil unless `text` is a JSON object of at most 2,000 bytes without a NUL escape.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count <= 2_000, !JSONText.escapesNUL(bytes),
            (try? JSONSerialization.jsonObject(with: Data(bytes))) is [String: Any]
        else { return nil }
        self.text = text
    }
}
