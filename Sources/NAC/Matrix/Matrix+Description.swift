extension Matrix: CustomStringConvertible {
    /// The shape, then (for matrices up to 12 × 12) the rows with right-aligned columns; larger
    /// matrices show their 5 × 5 corners with `…` between them. Integral values print as integers,
    /// others with 6 significant digits (`0.333333`, `-1.5e-7`, `-123457.0`).
    public var description: String {
        var lines = ["Matrix<\(Scalar.typeName)> \(rows) × \(columns)"]
        let showRows = rows <= 12 ? Array(0..<rows) : Array(0..<5) + [-1] + Array((rows - 5)..<rows)
        let showColumns = columns <= 12 ? Array(0..<columns) : Array(0..<5) + [-1] + Array((columns - 5)..<columns)
        func text(_ v: Scalar) -> String {
            let d = Double(v)
            if d == d.rounded() && abs(d) < 1e6 { return String(Int(d)) }
            return String(format6: d)
        }
        let cells: [[String]] = showRows.map { r in
            showColumns.map { c in (r < 0 || c < 0) ? "…" : text(elements[r * columns + c]) }
        }
        let width = cells.flatMap { $0 }.map(\.count).max() ?? 0
        for row in cells {
            lines.append("  [" + row.map { String(repeating: " ", count: width - $0.count) + $0 }
                .joined(separator: "  ") + "]")
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    /// `d` with 6 significant digits in scientific or plain notation, without Foundation.
    init(format6 d: Double) {
        guard d.isFinite, d != 0 else { self = String(describing: d); return }
        let exponent = Int((abs(d)).log10Floor)
        if exponent >= -3 && exponent < 6 {
            let scale = pow10(5 - exponent)
            self = String(describing: (d * scale).rounded() / scale)
        } else {
            let mantissa = d / pow10(exponent)
            self = String(describing: (mantissa * 1e5).rounded() / 1e5) + "e" + String(exponent)
        }
    }
}

private func pow10(_ n: Int) -> Double {
    var r = 1.0
    if n >= 0 { for _ in 0..<n { r *= 10 } } else { for _ in 0..<(-n) { r /= 10 } }
    return r
}

private extension Double {
    var log10Floor: Double {
        var e = 0.0, x = self
        while x >= 10 { x /= 10; e += 1 }
        while x < 1 { x *= 10; e -= 1 }
        return e
    }
}
