import NAC

/// The stabilising solution of the continuous-time algebraic Riccati equation
///
///     AᵀP + PA − PBR⁻¹BᵀP + Q = 0
///
/// by Kleinman's iteration (Kleinman 1968, "On an iterative technique for Riccati equation
/// computations", IEEE TAC 13(1)): from a stabilising gain K₀, solve the Lyapunov equation
/// (A − BKᵢ)ᵀPᵢ + Pᵢ(A − BKᵢ) + Q + KᵢᵀRKᵢ = 0 and set Kᵢ₊₁ = R⁻¹BᵀPᵢ; convergence is
/// quadratic. Each Lyapunov equation is solved as the n² × n² linear system
/// (I ⊗ Aᶜᵀ + Aᶜᵀ ⊗ I) vec P = −vec(Q + KᵀRK) — fine for the small n of the examples.
public enum ContinuousAlgebraicRiccati {
    /// P and the optimal gain K* = R⁻¹BᵀP.
    public static func solve(
        a: Matrix<Double>, b: Matrix<Double>, q: Matrix<Double>, r: Matrix<Double>,
        initialGain: Matrix<Double>, iterations: Int = 50
    ) throws(LinearAlgebraError) -> (p: Matrix<Double>, gain: Matrix<Double>) {
        let rInverseBt = try r.solvePositiveDefinite(b.transposed())
        var k = initialGain
        var p = Matrix<Double>.zeros(rows: a.rows, columns: a.rows)
        for _ in 0..<iterations {
            let closed = a - b * k
            p = try lyapunov(closed, q + Matrix.product(k, r * k, transposeA: .transposed))
            let next = rInverseBt * p
            let change = (next - k).maximumMagnitude
            k = next
            if change <= 1e-15 * Swift.max(1, k.maximumMagnitude) { break }
        }
        return (p, k)
    }

    /// X with AᵀX + XA + C = 0 (A Hurwitz, C symmetric).
    public static func lyapunov(_ a: Matrix<Double>, _ c: Matrix<Double>) throws(LinearAlgebraError) -> Matrix<Double> {
        let n = a.rows
        // Row-major vec: X_ij ↔ i·n + j.  (AᵀX)_ij = Σ_k A_ki X_kj,  (XA)_ij = Σ_k X_ik A_kj.
        var m = Matrix<Double>.zeros(rows: n * n, columns: n * n)
        for i in 0..<n {
            for j in 0..<n {
                for k in 0..<n {
                    m[i * n + j, k * n + j] += a[k, i]
                    m[i * n + j, i * n + k] += a[k, j]
                }
            }
        }
        let x = try m.leastSquares(Matrix(column: (-c).elements))
        let solution = Matrix(rows: n, columns: n, elements: x.elements)
        return (solution + solution.transposed()) * 0.5
    }
}
