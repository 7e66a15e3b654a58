import NAC

/// The discounted discrete-time LQR solution: P = Q + γAᵀPA − γ²AᵀPB(R + γBᵀPB)⁻¹BᵀPA, found by
/// iterating the Riccati recursion (value iteration) from P = Q to a fixed point; the optimal
/// policy is u = −K x with K = γ(R + γBᵀPB)⁻¹BᵀPA, and the optimal action-value function is
/// Q*(x, u) = xᵀQx + uᵀRu + γ(Ax + Bu)ᵀP(Ax + Bu).
public enum DiscreteAlgebraicRiccati {
    public static func solve(
        a: Matrix<Double>, b: Matrix<Double>, q: Matrix<Double>, r: Matrix<Double>, discount gamma: Double,
        maximumIterations: Int = 100_000
    ) throws(LinearAlgebraError) -> (p: Matrix<Double>, gain: Matrix<Double>) {
        var p = q
        var k = Matrix<Double>.zeros(rows: b.columns, columns: a.rows)
        for _ in 0..<maximumIterations {
            let pa = p * a, pb = p * b
            let curvature = r + Matrix.product(b, pb, transposeA: .transposed) * gamma
            k = try curvature.solvePositiveDefinite(Matrix.product(b, pa, transposeA: .transposed) * gamma)
            var next = q + Matrix.product(a, pa, transposeA: .transposed) * gamma
                - Matrix.product(Matrix.product(a, pb, transposeA: .transposed), k) * gamma
            next = (next + next.transposed()) * 0.5
            let change = (next - p).maximumMagnitude
            p = next
            if change <= 1e-14 * Swift.max(1, p.maximumMagnitude) { break }
        }
        return (p, k)
    }
}
