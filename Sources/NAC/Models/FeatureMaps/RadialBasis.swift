/// Gaussian radial basis functions: φ_j(s) = exp(−‖s − c_j‖² / (2 σ_j²)), one per centre c_j.
///
/// ```swift
/// // 5 × 5 centres on [−1, 1]², width 0.5 each: 25 features
/// let rbf = RadialBasis<Double>.grid(lower: [-1, -1], upper: [1, 1], pointsPerDimension: 5, width: 0.5)
/// ```
public struct RadialBasis<Scalar: NACScalar>: FeatureMap {
    /// The centres c_j (k × d), one per row.
    public let centers: Matrix<Scalar>
    /// σ_j > 0, one per centre.
    public let widths: [Scalar]

    public init(centers: Matrix<Scalar>, widths: [Scalar]) {
        precondition(centers.rows >= 1 && centers.columns >= 1, "RadialBasis: \(centers.rows) × \(centers.columns) centres")
        precondition(widths.count == centers.rows, "RadialBasis: \(widths.count) widths for \(centers.rows) centres")
        for (j, w) in widths.enumerated() {
            precondition(w > 0 && w.isFinite, "RadialBasis: width \(w) of centre \(j)")
        }
        precondition(centers.isFinite, "RadialBasis: non-finite centre")
        self.centers = centers
        self.widths = widths
    }

    /// Centres at every point of a regular grid over [lower, upper] with `pointsPerDimension`
    /// points per axis (the first axis varying slowest), all of width `width`.
    public static func grid(lower: [Scalar], upper: [Scalar], pointsPerDimension n: Int, width: Scalar) -> RadialBasis {
        precondition(!lower.isEmpty && lower.count == upper.count && n >= 1,
                     "RadialBasis.grid: bounds of \(lower.count) and \(upper.count) entries, \(n) points")
        let d = lower.count
        var k = 1
        for _ in 0..<d { k *= n }
        var c = [Scalar]()
        c.reserveCapacity(k * d)
        for j in 0..<k {
            var digits = [Int](repeating: 0, count: d), rest = j
            for i in stride(from: d - 1, through: 0, by: -1) { digits[i] = rest % n; rest /= n }
            for i in 0..<d {
                let t = n == 1 ? Scalar(0.5) : Scalar(digits[i]) / Scalar(n - 1)
                c.append(lower[i] + t * (upper[i] - lower[i]))
            }
        }
        return RadialBasis(centers: Matrix(rows: k, columns: d, elements: c), widths: Array(repeating: width, count: k))
    }

    public var inputDimension: Int { centers.columns }
    public var featureCount: Int { centers.rows }

    public func features(_ observations: Matrix<Scalar>) -> Matrix<Scalar> {
        checkInput(observations, "RadialBasis")
        let b = observations.rows, d = inputDimension, k = featureCount
        return Matrix(rows: b, columns: k) { out in
            observations.withUnsafeBufferPointer { x in
                centers.withUnsafeBufferPointer { c in
                    for r in 0..<b {
                        for j in 0..<k {
                            var s: Scalar = 0
                            for i in 0..<d { let t = x[r * d + i] - c[j * d + i]; s += t * t }
                            out[r * k + j] = Scalar.exp(-s / (2 * widths[j] * widths[j]))
                        }
                    }
                }
            }
        }
    }
}
