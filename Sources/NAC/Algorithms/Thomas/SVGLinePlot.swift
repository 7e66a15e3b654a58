import Foundation

/// A tiny SVG writer for line-and-marker plots (the Papers/ figures): linear axes with ticks,
/// one polyline with circle markers per series, and a legend. No dependencies.
///
/// ```swift
/// var plot = SVGLinePlot(title: "θ against γ", xLabel: "γ", yLabel: "θ")
/// plot.add(SVGLinePlot.Series(name: "unbiased", points: [(0.5, 0), (1, 0.5)]))
/// try plot.svg().write(toFile: "figure.svg", atomically: true, encoding: .utf8)
/// ```
public struct SVGLinePlot: Sendable {
    /// One named series of (x, y) points, drawn in order.
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        /// Dashed line (for reference curves such as analytic values).
        public var dashed: Bool

        public init(name: String, points: [(x: Double, y: Double)], dashed: Bool = false) {
            self.name = name
            self.points = points
            self.dashed = dashed
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series] = []
    public var width = 640.0, height = 420.0

    public init(title: String, xLabel: String, yLabel: String) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    public mutating func add(_ s: Series) { series.append(s) }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]

    /// The plot as SVG text.
    public func svg() -> String {
        let all = series.flatMap(\.points)
        var xMin = all.map(\.x).min() ?? 0, xMax = all.map(\.x).max() ?? 1
        var yMin = all.map(\.y).min() ?? 0, yMax = all.map(\.y).max() ?? 1
        if xMax <= xMin { xMax = xMin + 1 }
        if yMax <= yMin { yMax = yMin + 1 }
        let yPad = 0.05 * (yMax - yMin), xPad = 0.02 * (xMax - xMin)
        (xMin, xMax, yMin, yMax) = (xMin - xPad, xMax + xPad, yMin - yPad, yMax + yPad)
        let left = 70.0, right = 170.0, top = 40.0, bottom = 55.0
        let plotW = width - left - right, plotH = height - top - bottom
        func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * plotW }
        func py(_ y: Double) -> Double { top + (1 - (y - yMin) / (yMax - yMin)) * plotH }
        func f(_ v: Double) -> String { String(format: "%.2f", v) }
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;")
        }
        var out = """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(f(width))" height="\(f(height))" font-family="sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(f(left + plotW / 2))" y="22" text-anchor="middle" font-size="14">\(esc(title))</text>
        <rect x="\(f(left))" y="\(f(top))" width="\(f(plotW))" height="\(f(plotH))" fill="none" stroke="black"/>

        """
        for tick in Self.ticks(xMin, xMax) {
            out += "<line x1=\"\(f(px(tick)))\" y1=\"\(f(top + plotH))\" x2=\"\(f(px(tick)))\" y2=\"\(f(top + plotH + 5))\" stroke=\"black\"/>"
            out += "<text x=\"\(f(px(tick)))\" y=\"\(f(top + plotH + 18))\" text-anchor=\"middle\">\(Self.label(tick))</text>\n"
        }
        for tick in Self.ticks(yMin, yMax) {
            out += "<line x1=\"\(f(left - 5))\" y1=\"\(f(py(tick)))\" x2=\"\(f(left))\" y2=\"\(f(py(tick)))\" stroke=\"black\"/>"
            out += "<line x1=\"\(f(left))\" y1=\"\(f(py(tick)))\" x2=\"\(f(left + plotW))\" y2=\"\(f(py(tick)))\" stroke=\"#eeeeee\"/>"
            out += "<text x=\"\(f(left - 8))\" y=\"\(f(py(tick) + 4))\" text-anchor=\"end\">\(Self.label(tick))</text>\n"
        }
        out += "<text x=\"\(f(left + plotW / 2))\" y=\"\(f(height - 12))\" text-anchor=\"middle\">\(esc(xLabel))</text>\n"
        out += "<text x=\"18\" y=\"\(f(top + plotH / 2))\" text-anchor=\"middle\" transform=\"rotate(-90 18 \(f(top + plotH / 2)))\">\(esc(yLabel))</text>\n"
        for (i, s) in series.enumerated() {
            let color = Self.palette[i % Self.palette.count]
            let points = s.points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\"\(s.dashed ? " stroke-dasharray=\"5,4\"" : "") points=\"\(points)\"/>\n"
            if !s.dashed {
                for p in s.points {
                    out += "<circle cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"3\" fill=\"\(color)\"/>"
                }
                out += "\n"
            }
            let ly = top + 10 + Double(i) * 18
            out += "<line x1=\"\(f(left + plotW + 10))\" y1=\"\(f(ly))\" x2=\"\(f(left + plotW + 30))\" y2=\"\(f(ly))\" stroke=\"\(color)\" stroke-width=\"1.5\"\(s.dashed ? " stroke-dasharray=\"5,4\"" : "")/>"
            out += "<text x=\"\(f(left + plotW + 35))\" y=\"\(f(ly + 4))\">\(esc(s.name))</text>\n"
        }
        return out + "</svg>\n"
    }

    /// About five round ticks in [lo, hi].
    static func ticks(_ lo: Double, _ hi: Double) -> [Double] {
        let raw = (hi - lo) / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var t = ceil(lo / step) * step
        var result = [Double]()
        while t <= hi + 1e-12 { result.append(abs(t) < step * 1e-9 ? 0 : t); t += step }
        return result
    }

    static func label(_ v: Double) -> String {
        var s = String(format: "%.3f", v)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
