import CQRencode

/// A QR code drawn as SVG, encoded by libqrencode: what a phone scans on a printed certificate.
struct QRCode: Sendable {
    /// Modules per side, without the quiet zone.
    let width: Int
    /// Dark modules, row by row.
    let dark: [Bool]

    /// The code of `text` at error-correction level M (15% of the symbol may be damaged); nil when
    /// the text does not fit the largest version (about 2,300 bytes).
    init?(_ text: String) {
        guard let code = QRcode_encodeString8bit(text, 0, QR_ECLEVEL_M) else { return nil }
        defer { QRcode_free(code) }
        let side = Int(code.pointee.width)
        width = side
        dark = (0..<side * side).map { code.pointee.data[$0] & 1 == 1 }
    }

    /// An SVG of the code with the 4-module quiet zone scanners need, one path of unit squares.
    var svg: String {
        let side = width + 8
        var path = ""
        for row in 0..<width {
            for column in 0..<width where dark[row * width + column] {
                path += "M\(column + 4) \(row + 4)h1v1h-1z"
            }
        }
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(side) \(side)" width="\(side * 4)" height="\(side * 4)" \
            shape-rendering="crispEdges" role="img"><rect width="\(side)" height="\(side)" fill="#fff"/><path d="\(path)" fill="#000"/></svg>
            """
    }
}
