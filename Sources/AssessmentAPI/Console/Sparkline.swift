import Foundation

/// The last hour of one figure, minute by minute, drawn as SVG on the server: bars for counts
/// (jobs completed), a line for a level (the oldest wait). Minutes with no record stay empty.
struct Sparkline {
    enum Style { case bars, line }

    let title: String
    /// One value per minute, oldest first; nil where nothing was recorded.
    let values: [Double?]
    let style: Style

    /// The last `minutes` minutes ending now, from recorded minutes.
    init(title: String, style: Style, minutes: Int = 60, now: Date = Date(), recorded: [(Date, Double?)]) {
        let end = (now.timeIntervalSince1970 / 60).rounded(.down)
        var values = [Double?](repeating: nil, count: minutes)
        for (minute, value) in recorded {
            let index = minutes - 1 - Int(end - (minute.timeIntervalSince1970 / 60).rounded(.down))
            if values.indices.contains(index) { values[index] = value }
        }
        (self.title, self.values, self.style) = (title, values, style)
    }

    var peak: Double { values.compactMap { $0 }.max() ?? 0 }

    var svg: String {
        let (width, height, step) = (240.0, 48.0, 240.0 / Double(max(values.count, 1)))
        let top = max(peak, 1)
        var shapes = ""
        switch style {
        case .bars:
            for (index, value) in values.enumerated() {
                guard let value, value > 0 else { continue }
                let barHeight = max(1, value / top * (height - 4))
                shapes +=
                    #"<rect x="\#(Self.number(Double(index) * step))" y="\#(Self.number(height - barHeight))" width="\#(Self.number(max(1, step - 1)))" height="\#(Self.number(barHeight))" class="bar"/>"#
            }
        case .line:
            let points = values.enumerated().compactMap { index, value in
                value.map { "\(Self.number(Double(index) * step + step / 2)),\(Self.number(height - 2 - $0 / top * (height - 4)))" }
            }
            if !points.isEmpty { shapes = #"<polyline points="\#(points.joined(separator: " "))" class="line"/>"# }
        }
        let label = "\(title): \(Self.number(peak))"
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" class="sparkline" role="img" \
            aria-label="\(BarChart.escaped(label))"><title>\(BarChart.escaped(label))</title>\
            <line x1="0" y1="\(Int(height) - 1)" x2="\(Int(width))" y2="\(Int(height) - 1)" class="axis"/>\(shapes)</svg>
            """
    }

    private static func number(_ value: Double) -> String { String(format: "%.1f", value) }
}
