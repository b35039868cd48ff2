import Foundation

/// Tables as the bureau's national systems take them: CSV (UTF-8 with a byte-order mark, so that
/// spreadsheet programs read Chinese) and XLSX (Office Open XML in a stored ZIP, written here:
/// no library among ours writes one).
enum Spreadsheet {
    enum Cell: Sendable, Hashable {
        case text(String)
        case number(Double)
        case empty
    }

    /// RFC 4180, CRLF, quoting where needed. A text starting with `=`, `+`, `-` or `@` gets a
    /// leading apostrophe: names and employers come from applicants, and a spreadsheet would run
    /// them as formulas.
    static func csv(_ rows: [[Cell]]) -> [UInt8] {
        var text = "\u{FEFF}"
        for row in rows {
            text += row.map { cell -> String in
                switch cell {
                case .empty: return ""
                case .number(let value): return number(value)
                case .text(let value):
                    let safe = value.first.map { "=+-@".contains($0) } == true ? "'" + value : value
                    guard safe.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return safe }
                    return "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                }
            }.joined(separator: ",")
            text += "\r\n"
        }
        return Array(text.utf8)
    }

    /// A workbook of one sheet named `sheet`.
    static func xlsx(sheet: String, _ rows: [[Cell]]) -> [UInt8] {
        let main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
        let relationships = "http://schemas.openxmlformats.org/package/2006/relationships"
        let officeDocument = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        let header = #"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#
        var sheetXML = header + #"<worksheet xmlns="\#(main)"><sheetData>"#
        for (rowIndex, row) in rows.enumerated() {
            sheetXML += #"<row r="\#(rowIndex + 1)">"#
            for (columnIndex, cell) in row.enumerated() {
                let reference = column(columnIndex) + String(rowIndex + 1)
                switch cell {
                case .empty: continue
                case .number(let value): sheetXML += #"<c r="\#(reference)"><v>\#(number(value))</v></c>"#
                case .text(let value):
                    sheetXML += #"<c r="\#(reference)" t="inlineStr"><is><t xml:space="preserve">\#(escaped(value))</t></is></c>"#
                }
            }
            sheetXML += "</row>"
        }
        sheetXML += "</sheetData></worksheet>"
        let parts: [(String, String)] = [
            (
                "[Content_Types].xml",
                header + #"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#
                    + #"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#
                    + #"<Default Extension="xml" ContentType="application/xml"/>"#
                    + #"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#
                    + #"<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
                    + "</Types>"
            ),
            (
                "_rels/.rels",
                header + #"<Relationships xmlns="\#(relationships)">"#
                    + #"<Relationship Id="rId1" Type="\#(officeDocument)/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
            ),
            (
                "xl/workbook.xml",
                header + #"<workbook xmlns="\#(main)" xmlns:r="\#(officeDocument)"><sheets>"#
                    + #"<sheet name="\#(escaped(String(sheet.prefix(31))))" sheetId="1" r:id="rId1"/></sheets></workbook>"#
            ),
            (
                "xl/_rels/workbook.xml.rels",
                header + #"<Relationships xmlns="\#(relationships)">"#
                    + #"<Relationship Id="rId1" Type="\#(officeDocument)/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#
            ),
            ("xl/worksheets/sheet1.xml", sheetXML),
        ]
        return zip(parts.map { ($0.0, Array($0.1.utf8)) })
    }

    /// A number as both formats write it: whole numbers without a decimal point.
    static func number(_ value: Double) -> String {
        value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// The column letters of a 0-based index: A … Z, AA …
    static func column(_ index: Int) -> String {
        var index = index
        var letters = ""
        repeat {
            letters = String(UnicodeScalar(UInt8(65 + index % 26))) + letters
            index = index / 26 - 1
        } while index >= 0
        return letters
    }

    /// Text for XML: the five escapes, and characters XML 1.0 cannot hold dropped.
    static func escaped(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value >= 0x20 && scalar.value != 0xFFFE && scalar.value != 0xFFFF { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// A ZIP archive with every file stored (no compression), names in UTF-8.
    static func zip(_ files: [(name: String, bytes: [UInt8])]) -> [UInt8] {
        var archive: [UInt8] = []
        var directory: [UInt8] = []
        func le16(_ value: Int, into buffer: inout [UInt8]) { buffer += [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
        func le32(_ value: UInt32, into buffer: inout [UInt8]) { buffer += (0..<4).map { UInt8(value >> (8 * $0) & 0xFF) } }
        for (name, bytes) in files {
            let nameBytes = Array(name.utf8)
            let offset = UInt32(archive.count)
            // Version 2.0, UTF-8 names, stored, 1980-01-01 00:00; the same in both headers.
            var common: [UInt8] = []
            le16(20, into: &common)
            le16(0x0800, into: &common)
            le16(0, into: &common)
            le16(0, into: &common)
            le16(0x21, into: &common)
            le32(crc32(bytes), into: &common)
            le32(UInt32(bytes.count), into: &common)
            le32(UInt32(bytes.count), into: &common)
            le16(nameBytes.count, into: &common)
            le32(0x0403_4B50, into: &archive)
            archive += common
            le16(0, into: &archive)  // extra
            archive += nameBytes + bytes
            le32(0x0201_4B50, into: &directory)
            le16(20, into: &directory)  // made by
            directory += common
            for _ in 0..<4 { le16(0, into: &directory) }  // extra, comment, disk, internal attributes
            le32(0, into: &directory)  // external attributes
            le32(offset, into: &directory)
            directory += nameBytes
        }
        let directoryOffset = UInt32(archive.count)
        archive += directory
        le32(0x0605_4B50, into: &archive)
        le16(0, into: &archive)
        le16(0, into: &archive)
        le16(files.count, into: &archive)
        le16(files.count, into: &archive)
        le32(UInt32(directory.count), into: &archive)
        le32(directoryOffset, into: &archive)
        le16(0, into: &archive)
        return archive
    }

    static let crcTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    /// The CRC-32 of ZIP (IEEE 802.3, reflected).
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = crcTable[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
