import Foundation

/// A small, dependency-free SVG line plot: one or more (x, y) series on linear axes with "nice"
/// ticks, a title, axis labels and a legend — enough for learning curves.
///
/// ```swift
/// var plot = SVGLinePlot(title: "cartpole, npg", xLabel: "environment steps", yLabel: "return")
/// plot.add(SVGLinePlot.Series(name: "episode return", points: points, color: "#bbbbbb"))
/// try plot.svgText().write(to: url, atomically: true, encoding: .utf8)
/// ```
///
/// The output is a standalone SVG 1.1 document (XML declaration, `svg` root in the SVG
/// namespace); all text is XML-escaped. Non-finite points are skipped; an empty plot draws
/// axes on [0, 1].
public struct SVGLinePlot: Sendable {
    /// One polyline.
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        /// Any SVG colour ("#1f77b4", "steelblue"); nil: the palette colour of the series' index.
        public var color: String?
        public var strokeWidth: Double
        /// A dashed line (for reference curves such as analytic values).
        public var dashed: Bool

        public init(name: String, points: [(x: Double, y: Double)], color: String? = nil, strokeWidth: Double = 1.5,
                    dashed: Bool = false) {
            self.name = name
            self.points = points
            self.color = color
            self.strokeWidth = strokeWidth
            self.dashed = dashed
        }
    }

    /// Colours of series without their own.
    public static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var width: Double
    public var height: Double
    public var series: [Series] = []
    /// Horizontal reference lines (for example a target return), drawn dashed.
    public var referenceLines: [(y: Double, label: String)] = []

    public init(title: String, xLabel: String, yLabel: String, width: Double = 720, height: Double = 420) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.width = width
        self.height = height
    }

    public mutating func add(_ s: Series) { series.append(s) }

    /// About `count` round tick values covering [lower, upper] (steps of 1, 2 or 5 × 10ᵏ).
    public static func ticks(from lower: Double, to upper: Double, count: Int = 6) -> [Double] {
        guard lower.isFinite, upper.isFinite, upper > lower, count > 0 else { return [lower] }
        let raw = (upper - lower) / Double(count)
        let magnitude = Foundation.pow(10, Foundation.log10(raw).rounded(.down))
        let residual = raw / magnitude
        let step = (residual < 1.5 ? 1 : residual < 3 ? 2 : residual < 7 ? 5 : 10) * magnitude
        var t = (lower / step).rounded(.up) * step
        var result: [Double] = []
        while t <= upper + step * 1e-9 {
            result.append(abs(t) < step * 1e-9 ? 0 : t)
            t += step
        }
        return result
    }

    /// `text` with &, <, >, " and ' escaped for XML.
    public static func escaped(_ text: String) -> String {
        var out = ""
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(ch)
            }
        }
        return out
    }

    static func format(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e15 { return String(Int64(v)) }
        var s = String(v)
        if s.count > 8 { s = String(Double(Int64((v * 1e4).rounded())) / 1e4) }
        return s
    }

    static func tickLabel(_ v: Double) -> String {
        let a = abs(v)
        if a >= 1e6 && a.truncatingRemainder(dividingBy: 1e5) == 0 { return format(v / 1e6) + "M" }
        if a >= 1e3 && a.truncatingRemainder(dividingBy: 100) == 0 { return format(v / 1e3) + "k" }
        return format(v)
    }

    /// The SVG document (the same as `svgText()`).
    public func svg() -> String { svgText() }

    /// The SVG document.
    public func svgText() -> String {
        let left = 70.0, right = 20.0, top = 40.0, bottom = 55.0
        let plotWidth = max(width - left - right, 10), plotHeight = max(height - top - bottom, 10)
        var xs: [Double] = [], ys: [Double] = []
        for s in series {
            for p in s.points where p.x.isFinite && p.y.isFinite {
                xs.append(p.x)
                ys.append(p.y)
            }
        }
        for r in referenceLines where r.y.isFinite { ys.append(r.y) }
        var x0 = xs.min() ?? 0, x1 = xs.max() ?? 1, y0 = ys.min() ?? 0, y1 = ys.max() ?? 1
        if x1 <= x0 { x1 = x0 + 1 }
        if y1 <= y0 { y0 -= 0.5; y1 += 0.5 }
        let xTicks = Self.ticks(from: x0, to: x1), yTicks = Self.ticks(from: y0, to: y1)
        func px(_ x: Double) -> Double { left + (x - x0) / (x1 - x0) * plotWidth }
        func py(_ y: Double) -> Double { top + plotHeight - (y - y0) / (y1 - y0) * plotHeight }
        func n(_ v: Double) -> String { String(Double((v * 100).rounded()) / 100) }

        var svg = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\(n(width))" height="\(n(height))" viewBox="0 0 \(n(width)) \(n(height))" font-family="sans-serif" font-size="12">
        <rect x="0" y="0" width="\(n(width))" height="\(n(height))" fill="white"/>
        <text x="\(n(width / 2))" y="22" text-anchor="middle" font-size="15">\(Self.escaped(title))</text>

        """
        // Grid and ticks.
        for t in xTicks {
            svg += "<line x1=\"\(n(px(t)))\" y1=\"\(n(top))\" x2=\"\(n(px(t)))\" y2=\"\(n(top + plotHeight))\" stroke=\"#eeeeee\"/>\n"
            svg += "<text x=\"\(n(px(t)))\" y=\"\(n(top + plotHeight + 16))\" text-anchor=\"middle\">\(Self.escaped(Self.tickLabel(t)))</text>\n"
        }
        for t in yTicks {
            svg += "<line x1=\"\(n(left))\" y1=\"\(n(py(t)))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(py(t)))\" stroke=\"#eeeeee\"/>\n"
            svg += "<text x=\"\(n(left - 6))\" y=\"\(n(py(t) + 4))\" text-anchor=\"end\">\(Self.escaped(Self.tickLabel(t)))</text>\n"
        }
        svg += "<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(plotWidth))\" height=\"\(n(plotHeight))\" fill=\"none\" stroke=\"#333333\"/>\n"
        svg += "<text x=\"\(n(left + plotWidth / 2))\" y=\"\(n(height - 12))\" text-anchor=\"middle\">\(Self.escaped(xLabel))</text>\n"
        svg += "<text transform=\"translate(16 \(n(top + plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(Self.escaped(yLabel))</text>\n"
        for r in referenceLines where r.y.isFinite {
            svg += "<line x1=\"\(n(left))\" y1=\"\(n(py(r.y)))\" x2=\"\(n(left + plotWidth))\" y2=\"\(n(py(r.y)))\" stroke=\"#d62728\" stroke-dasharray=\"6 4\"/>\n"
            svg += "<text x=\"\(n(left + plotWidth - 4))\" y=\"\(n(py(r.y) - 4))\" text-anchor=\"end\" fill=\"#d62728\">\(Self.escaped(r.label))</text>\n"
        }
        // Series.
        func color(_ i: Int) -> String { Self.escaped(series[i].color ?? Self.palette[i % Self.palette.count]) }
        func dash(_ s: Series) -> String { s.dashed ? " stroke-dasharray=\"6 4\"" : "" }
        for (i, s) in series.enumerated() {
            let points = s.points.filter { $0.x.isFinite && $0.y.isFinite }
            guard !points.isEmpty else { continue }
            let list = points.map { "\(n(px($0.x))),\(n(py($0.y)))" }.joined(separator: " ")
            svg += "<polyline fill=\"none\" stroke=\"\(color(i))\" stroke-width=\"\(n(s.strokeWidth))\"\(dash(s)) points=\"\(list)\"/>\n"
        }
        // Legend.
        for (i, s) in series.enumerated() {
            let y = top + 14 + Double(i) * 16
            svg += "<line x1=\"\(n(left + 10))\" y1=\"\(n(y - 4))\" x2=\"\(n(left + 30))\" y2=\"\(n(y - 4))\" stroke=\"\(color(i))\" stroke-width=\"2\"\(dash(s))/>\n"
            svg += "<text x=\"\(n(left + 36))\" y=\"\(n(y))\">\(Self.escaped(s.name))</text>\n"
        }
        svg += "</svg>\n"
        return svg
    }
}
