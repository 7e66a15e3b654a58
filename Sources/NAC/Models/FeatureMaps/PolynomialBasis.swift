/// All monomials of total degree ≤ n in the d inputs: φ_j(s) = Π_i s_i^{e_ji}, k = C(d + n, n).
///
/// Order: by total degree 0, 1, …, n; within a degree, exponent vectors (e_1, …, e_d) in
/// descending lexicographic order. For d = 2, n = 2: 1, s₁, s₂, s₁², s₁s₂, s₂².
///
/// Inputs are used as given (no normalisation); scale them to about [−1, 1] for well-conditioned
/// features.
public struct PolynomialBasis<Scalar: NACScalar>: FeatureMap {
    public let inputDimension: Int
    /// n, the largest total degree.
    public let degree: Int
    /// The exponent vectors, one per feature (k × d), in feature order.
    public let exponents: [[Int]]

    public init(inputDimension: Int, degree: Int) {
        precondition(inputDimension >= 1 && degree >= 0, "PolynomialBasis: dimension \(inputDimension), degree \(degree)")
        self.inputDimension = inputDimension
        self.degree = degree
        var all = [[Int]]()
        for total in 0...degree {
            // Descending lexicographic: the first exponent as large as possible first.
            func fill(_ prefix: [Int], _ remaining: Int) {
                if prefix.count == inputDimension - 1 {
                    all.append(prefix + [remaining])
                    return
                }
                for e in stride(from: remaining, through: 0, by: -1) { fill(prefix + [e], remaining - e) }
            }
            fill([], total)
        }
        exponents = all
    }

    public var featureCount: Int { exponents.count }

    public func features(_ observations: Matrix<Scalar>) -> Matrix<Scalar> {
        checkInput(observations, "PolynomialBasis")
        let b = observations.rows, d = inputDimension, k = featureCount
        return Matrix(rows: b, columns: k) { out in
            observations.withUnsafeBufferPointer { x in
                // Powers s_i^0 … s_i^n per row, then products.
                var powers = [Scalar](repeating: 1, count: d * (degree + 1))
                for r in 0..<b {
                    for i in 0..<d {
                        let s = x[r * d + i]
                        if degree >= 1 { for e in 1...degree { powers[i * (degree + 1) + e] = powers[i * (degree + 1) + e - 1] * s } }
                    }
                    for (j, e) in exponents.enumerated() {
                        var v: Scalar = 1
                        for i in 0..<d where e[i] > 0 { v *= powers[i * (degree + 1) + e[i]] }
                        out[r * k + j] = v
                    }
                }
            }
        }
    }
}
