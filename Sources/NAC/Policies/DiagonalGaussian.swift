import RealModule

/// The formulas of the diagonal Gaussian N(μ, diag(e^{2ℓ})) shared by the Gaussian policies
/// (ℓ = log σ):
///
///     log π(a) = Σ_i [ −½ ((a_i − μ_i) / e^{ℓ_i})² − ℓ_i − ½ log 2π ]
///     H        = Σ_i ℓ_i + (A/2)(1 + log 2π)
///     KL(1‖2)  = Σ_i [ ℓ2_i − ℓ1_i + (e^{2ℓ1_i} + (μ1_i − μ2_i)²) / (2 e^{2ℓ2_i}) − ½ ]
enum DiagonalGaussian {
    /// Records log π(a | μ, ℓ) per row (B × 1); ℓ is batched (B × A) or one unbatched row.
    static func logDensity<Scalar: NACScalar>(
        mean: Variable<Scalar>, logStandardDeviation ls: Variable<Scalar>, actions: Variable<Scalar>
    ) -> Variable<Scalar> {
        let z = (actions - mean) * (-ls).exp()
        let a = Scalar(actions.columns)
        return (z.squared() * Scalar(-0.5) - ls).sumAlongFeatures() - a * Scalar.log(2 * Scalar.pi) / 2
    }

    /// H per row; `logStd` is B × A, or 1 × A repeated for `rows` rows.
    static func entropy<Scalar: NACScalar>(logStd: Matrix<Scalar>, rows: Int) -> [Scalar] {
        let a = logStd.columns
        let constant = Scalar(a) * (1 + Scalar.log(2 * Scalar.pi)) / 2
        let perRow = (0..<logStd.rows).map { r in
            logStd.elements[(r * a)..<((r + 1) * a)].reduce(0, +) + constant
        }
        return logStd.rows == 1 ? Array(repeating: perRow[0], count: rows) : perRow
    }

    /// KL(N(μ1, ℓ1) ‖ N(μ2, ℓ2)) per row; each ℓ is B × A or 1 × A.
    static func klDivergence<Scalar: NACScalar>(
        mean1: Matrix<Scalar>, logStd1: Matrix<Scalar>, mean2: Matrix<Scalar>, logStd2: Matrix<Scalar>
    ) -> [Scalar] {
        let b = mean1.rows, a = mean1.columns
        return (0..<b).map { r in
            let r1 = logStd1.rows == 1 ? 0 : r, r2 = logStd2.rows == 1 ? 0 : r
            var total: Scalar = 0
            for i in 0..<a {
                let l1 = logStd1.elements[r1 * a + i], l2 = logStd2.elements[r2 * a + i]
                let d = mean1.elements[r * a + i] - mean2.elements[r * a + i]
                total += l2 - l1 + (Scalar.exp(2 * l1) + d * d) / (2 * Scalar.exp(2 * l2)) - Scalar(0.5)
            }
            return total
        }
    }

    /// a = μ + e^ℓ ⊙ z with z ~ N(0, I), drawn row by row, column by column.
    static func sample<Scalar: NACScalar>(
        mean: Matrix<Scalar>, logStd: Matrix<Scalar>, using generator: inout Xoshiro256StarStar
    ) -> Matrix<Scalar> {
        var out = mean
        let a = mean.columns
        for r in 0..<mean.rows {
            let rl = logStd.rows == 1 ? 0 : r
            for i in 0..<a {
                let z: Scalar = generator.normal()
                out.elements[r * a + i] += Scalar.exp(logStd.elements[rl * a + i]) * z
            }
        }
        return out
    }
}
