/// A horizontal bar chart drawn as SVG on the server: the console has no script, and its content
/// policy allows no inline styles, so bars are sized by attributes.
struct BarChart {
    let title: String
    let bars: [(label: String, value: Int)]

    var svg: String {
        let (rowHeight, labelWidth, barWidth) = (28, 150, 360)
        let largest = max(1, bars.map(\.value).max() ?? 1)
        var rows = ""
        for (index, bar) in bars.enumerated() {
            let y = index * rowHeight
            let width = bar.value == 0 ? 0 : max(2, bar.value * barWidth / largest)
            rows += """
                <text x="\(labelWidth - 8)" y="\(y + 19)" text-anchor="end">\(Self.escaped(bar.label))</text>\
                <rect x="\(labelWidth)" y="\(y + 5)" width="\(width)" height="\(rowHeight - 10)" class="bar"/>\
                <text x="\(labelWidth + width + 6)" y="\(y + 19)">\(bar.value)</text>
                """
        }
        let height = max(rowHeight, bars.count * rowHeight)
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(labelWidth + barWidth + 60) \(height)" class="chart" role="img" \
            aria-label="\(Self.escaped(title))"><title>\(Self.escaped(title))</title>\(rows)</svg>
            """
    }

    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
