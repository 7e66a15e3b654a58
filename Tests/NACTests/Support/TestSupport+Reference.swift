import RealModule
@testable import NAC

/// Plain-loop reference computations in Double, independent of BLAS and LAPACK, and constructions
/// of test matrices with known spectra.
enum Reference {
    static func product(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
        precondition(a.columns == b.rows)
        var c = Matrix<Double>.zeros(rows: a.rows, columns: b.columns)
        for i in 0..<a.rows {
            for k in 0..<a.columns {
                let aik = a.elements[i * a.columns + k]
                for j in 0..<b.columns { c.elements[i * b.columns + j] += aik * b.elements[k * b.columns + j] }
            }
        }
        return c
    }

    static func transpose(_ a: Matrix<Double>) -> Matrix<Double> {
        var t = Matrix<Double>.zeros(rows: a.columns, columns: a.rows)
        for i in 0..<a.rows { for j in 0..<a.columns { t.elements[j * a.rows + i] = a.elements[i * a.columns + j] } }
        return t
    }

    static func subtract(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
        precondition(a.rows == b.rows && a.columns == b.columns)
        return Matrix(rows: a.rows, columns: a.columns, elements: zip(a.elements, b.elements).map { $0 - $1 })
    }

    static func frobeniusNorm(_ a: Matrix<Double>) -> Double {
        a.elements.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }

    /// Largest column sum of |aᵢⱼ|.
    static func oneNorm(_ a: Matrix<Double>) -> Double {
        (0..<a.columns).map { c in (0..<a.rows).reduce(0) { $0 + abs(a.elements[$1 * a.columns + c]) } }.max() ?? 0
    }

    /// A `rows × columns` matrix with orthonormal columns (rows ≥ columns): modified Gram–Schmidt,
    /// applied twice, to a seeded Gaussian matrix.
    static func orthonormalColumns(rows: Int, columns: Int, seed: UInt64) -> Matrix<Double> {
        precondition(rows >= columns)
        var q = Matrix<Double>.randomNormal(rows: rows, columns: columns, seed: seed)
        for _ in 0..<2 {
            for j in 0..<columns {
                for i in 0..<j {
                    var d = 0.0
                    for r in 0..<rows { d += q[r, i] * q[r, j] }
                    for r in 0..<rows { q[r, j] -= d * q[r, i] }
                }
                var norm = 0.0
                for r in 0..<rows { norm += q[r, j] * q[r, j] }
                norm = norm.squareRoot()
                for r in 0..<rows { q[r, j] /= norm }
            }
        }
        return q
    }

    /// U diag(values) Vᵀ for orthonormal-column U (rows × k) and V (columns × k).
    static func fromFactors(_ u: Matrix<Double>, _ values: [Double], _ v: Matrix<Double>) -> Matrix<Double> {
        var us = u
        for r in 0..<u.rows { for j in 0..<values.count { us[r, j] *= values[j] } }
        return product(us, transpose(v))
    }

    /// `count` values spaced logarithmically from 1 down to 1 / conditionNumber (largest first).
    static func logSpaced(count: Int, conditionNumber: Double) -> [Double] {
        (0..<count).map { i in
            count == 1 ? 1 : Double.pow(conditionNumber, -Double(i) / Double(count - 1))
        }
    }

    /// A symmetric positive-definite Q diag(σ) Qᵀ with eigenvalues from 1 down to 1/κ, with its
    /// inverse Q diag(1/σ) Qᵀ.
    static func positiveDefinite(order n: Int, conditionNumber: Double, seed: UInt64)
        -> (matrix: Matrix<Double>, inverse: Matrix<Double>, eigenvalues: [Double]) {
        let q = orthonormalColumns(rows: n, columns: n, seed: seed)
        let sigma = logSpaced(count: n, conditionNumber: conditionNumber)
        return (symmetrized(fromFactors(q, sigma, q)), symmetrized(fromFactors(q, sigma.map { 1 / $0 }, q)), sigma)
    }

    /// (A + Aᵀ) / 2, removing the rounding asymmetry of a product.
    static func symmetrized(_ a: Matrix<Double>) -> Matrix<Double> {
        var s = a
        for i in 0..<a.rows { for j in 0..<a.columns { s[i, j] = (a[i, j] + a[j, i]) / 2 } }
        return s
    }

    /// 1-norm condition number κ₁ = ‖A‖₁ ‖A⁻¹‖₁.
    static func oneNormConditionNumber(_ a: Matrix<Double>, inverse: Matrix<Double>) -> Double {
        oneNorm(a) * oneNorm(inverse)
    }
}
