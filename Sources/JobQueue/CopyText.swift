import Foundation
import PostgresNIO

/// PostgreSQL's COPY text format: a field is written as is but for the characters that format
/// gives meaning to, each escaped with a backslash.
enum CopyText {
    /// A timestamp to the microsecond, in UTC, as `timestamptz` reads it: what a bound `Date` keeps.
    static func timestamp(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970
        let whole = seconds.rounded(.down)
        let micros = min(999_999, Int(((seconds - whole) * 1_000_000).rounded()))
        return utcSeconds(whole) + "." + String(format: "%06d", micros) + "+00"
    }

    /// Whole seconds in UTC, `2026-12-07T04:21:34`: formatted by hand, as a formatter per row cost
    /// more than the row.
    private static func utcSeconds(_ whole: Double) -> String {
        var time = time_t(whole)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour),
            Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// Appends `field` to `buffer`, its backslashes, tabs and line breaks escaped.
    static func write(_ field: String, to buffer: inout ByteBuffer) {
        var field = field
        field.withUTF8 { bytes in
            var start = 0
            for (index, byte) in bytes.enumerated() {
                let escape: UInt8
                switch byte {
                case UInt8(ascii: "\\"): escape = UInt8(ascii: "\\")
                case UInt8(ascii: "\t"): escape = UInt8(ascii: "t")
                case UInt8(ascii: "\n"): escape = UInt8(ascii: "n")
                case UInt8(ascii: "\r"): escape = UInt8(ascii: "r")
                default: continue
                }
                buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start..<index])))
                buffer.writeInteger(UInt8(ascii: "\\"))
                buffer.writeInteger(escape)
                start = index + 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[start...])))
        }
    }
}
