import Testing
@testable import NAC

// The QR least-squares route's two forms (a copy of the stacked system factorised whole, or
// streamed through `HouseholderTriangle` in chunks of rows) and the accuracy of its seminormal
// equations on the wide system.

@Suite struct FisherSolveLeastSquaresTests {
    /// (samples, parameters, damping, with a zero-weight sample): wide and tall systems, damped and
    /// not, so that every kind of stacked row (scores, √λ rows, the tall right-hand-side column)
    /// falls inside, across and at the edges of chunks.
    @Test(arguments: [(12, 40, 0.01, false), (12, 40, 0.0, true), (12, 40, 0.3, true),
                      (60, 9, 0.01, false), (60, 9, 0.0, true), (60, 9, 0.2, true)] as [(Int, Int, Double, Bool)])
    func streamedQRAgreesWithTheCopyAndTheCholeskyRoutes(b: Int, p: Int, damping: Double, inactive: Bool) throws {
        let psi = randomMatrix(b, p, seed: UInt64(b * 100 + p), as: Double.self)
        let advantages = randomVector(b, seed: UInt64(b + p), as: Double.self)
        var weights = (0..<b).map { 0.5 + Double($0 % 5) / 4 }
        if inactive { weights[3] = 0 }
        let system = try FisherSystem(scores: psi, advantages: advantages, weights: weights, damping: damping)
        // The independent reference: the kernel route (Cholesky of Ψ_ωΨ_ωᵀ + λI) when wide, the
        // explicit Fisher (Cholesky of F) when tall — each nonsingular there even with λ = 0.
        let expected = try (b < p ? system.solveKernel() : system.solveExplicitFisher()).w
        let whole = try system.solveLeastSquares(.qr)
        #expect(whole.diagnostics.route == .leastSquaresQR)
        #expect(relativeError(whole.w, expected) < 1e-10)
        #expect(whole.diagnostics.relativeResidual < 1e-10)
        let columns = b - (inactive ? 1 : 0) < p ? b - (inactive ? 1 : 0) : p + 1
        for chunk in [columns, columns + 3, 2 * columns + 1] {
            let streamed = try system.solveLeastSquaresByQR(chunkRows: chunk)
            #expect(relativeError(streamed.w, expected) < 1e-10, "chunks of \(chunk)")
            #expect(streamed.diagnostics.relativeResidual < 1e-10)
        }
    }

    /// The wide route solves RᵀR z = Â_ω and returns w = Ψ_ωᵀ z (seminormal equations) instead of
    /// applying Q. For the minimum-norm problem that is forward stable (Paige 1973; Higham,
    /// *Accuracy and Stability of Numerical Algorithms*, ch. 21): error O(κ₂ ε), where the normal
    /// equations (the kernel route) give O(κ₂² ε).
    ///
    /// Ψ = U Σ Vᵀ with singular values 1 … 10⁻⁶ (κ₂ = 10⁶), U and V products of two Householder
    /// reflectors (orthogonal by construction, to rounding), λ = 0, Â = Ψ w* for w* in the row space:
    /// w* is the exact minimum-norm solution. Measured: QR 0.13 κ ε (whole) and 0.014 κ ε
    /// (streamed in chunks of 8 rows), the kernel route 5.6e4 κ ε (1.3e-5).
    @Test func seminormalEquationsKeepTheErrorLinearInKappa() throws {
        let b = 8, p = 40
        let sigma = (0..<b).map { Double.pow(10, -6 * Double($0) / Double(b - 1)) }
        let u = reflections(b, seed: 1), v = reflections(p, seed: 2)
        // Ψ = U Σ V₁ᵀ with V₁ the first b columns of V.
        var elements = [Double](repeating: 0, count: b * p)
        for i in 0..<b { for j in 0..<p { for k in 0..<b { elements[i * p + j] += u[i][k] * sigma[k] * v[j][k] } } }
        let psi = Matrix(rows: b, columns: p, elements: elements)
        let coefficients = [0.3, -1.1, 0.7, 2.0, -0.4, 0.9, -1.6, 0.5]
        let wStar = (0..<p).map { j in (0..<b).reduce(0.0) { $0 + v[j][$1] * coefficients[$1] } }
        let advantages = psi.multiplied(by: wStar)
        let system = try FisherSystem(scores: psi, advantages: advantages, damping: 0)
        let kappaEpsilon = 1e6 * Double.ulpOfOne
        let qr = try system.solveLeastSquares(.qr)
        let streamed = try system.solveLeastSquaresByQR(chunkRows: b)
        let kernel = try system.solveKernel()
        #expect(relativeError(qr.w, wStar) < 10 * kappaEpsilon)
        #expect(relativeError(streamed.w, wStar) < 10 * kappaEpsilon)
        // The bound is not vacuous: the normal equations lose κ₂² ε here.
        #expect(relativeError(kernel.w, wStar) > 1000 * kappaEpsilon)
    }
}

/// An n × n orthogonal matrix (rows as arrays): the product of two Householder reflectors
/// I − 2 x xᵀ / xᵀx with seeded random x.
private func reflections(_ n: Int, seed: UInt64) -> [[Double]] {
    var q = (0..<n).map { i in (0..<n).map { Double($0 == i ? 1 : 0) } }
    for k in 0..<2 {
        let x = randomVector(n, seed: seed * 10 + UInt64(k), as: Double.self)
        let xx = x.reduce(0) { $0 + $1 * $1 }
        // q ← q (I − 2 x xᵀ / xᵀx)
        for i in 0..<n {
            let dot = (0..<n).reduce(0.0) { $0 + q[i][$1] * x[$1] }
            for j in 0..<n { q[i][j] -= 2 * dot * x[j] / xx }
        }
    }
    return q
}

/// The SVD route's forms: tall from the augmented triangle, wide streamed (SVD of R, seminormal
/// equations with the pseudo-inverse) against wide through Q, on full-rank and rank-deficient
/// systems.
@Suite struct FisherSolveLeastSquaresSVDTests {
    @Test(arguments: [(12, 40, 0.01, false), (12, 40, 0.0, true), (60, 9, 0.01, false), (60, 9, 0.0, true)]
          as [(Int, Int, Double, Bool)])
    func streamedSVDAgreesWithTheCholeskyRoutes(b: Int, p: Int, damping: Double, inactive: Bool) throws {
        let psi = randomMatrix(b, p, seed: UInt64(b * 7 + p), as: Double.self)
        let advantages = randomVector(b, seed: UInt64(b + 2 * p), as: Double.self)
        var weights = (0..<b).map { 1 + Double($0 % 3) }
        if inactive { weights[5] = 0 }
        let system = try FisherSystem(scores: psi, advantages: advantages, weights: weights, damping: damping)
        let expected = try (b < p ? system.solveKernel() : system.solveExplicitFisher()).w
        let active = b - (inactive ? 1 : 0)
        let columns = active < p ? active : p + 1
        let whole = try system.solveLeastSquares(.svd())
        for solution in [whole, try system.solveLeastSquaresBySVD(relativeCutoff: nil, chunkRows: columns + 2)] {
            #expect(solution.diagnostics.route == .leastSquaresSVD)
            #expect(relativeError(solution.w, expected) < 1e-10)
            #expect(solution.diagnostics.effectiveRank == min(active, p))
            #expect(solution.diagnostics.relativeResidual < 1e-10)
        }
        let streamed = try system.solveLeastSquaresBySVD(relativeCutoff: nil, chunkRows: columns + 2)
        #expect(relativeError(streamed.diagnostics.singularValues, whole.diagnostics.singularValues.map { Double($0) }) < 1e-12)
        #expect(streamed.diagnostics.conditionEstimate!.isApproximatelyEqual(to: whole.diagnostics.conditionEstimate!,
                                                                            relativeTolerance: 1e-9))
    }

    /// Ψ of rank 4 (rows of a 4-dimensional space) with λ = 0: the wide system is rank deficient,
    /// the SVD route drops the zero singular values and returns the pseudo-inverse solution
    /// Ψ⁺Â — checked against the closed form Ψ⁺ = Ψᵀ(ΨΨᵀ)⁺ on the rank-4 factorisation
    /// Ψ = C Bᵀ: Ψ⁺ = B(BᵀB)⁻¹(CᵀC)⁻¹Cᵀ, the 4 × 4 inverses by Gauss–Jordan here.
    @Test func streamedSVDGivesThePseudoInverseSolutionWhenRankDeficient() throws {
        let b = 10, p = 30, r = 4
        let c = randomMatrix(b, r, seed: 31, as: Double.self), basis = randomMatrix(p, r, seed: 32, as: Double.self)
        var elements = [Double](repeating: 0, count: b * p)
        for i in 0..<b { for j in 0..<p { for k in 0..<r { elements[i * p + j] += c[i, k] * basis[j, k] } } }
        let psi = Matrix(rows: b, columns: p, elements: elements)
        let advantages = randomVector(b, seed: 33, as: Double.self)
        // w = Ψ⁺Â with uniform weights: the system is Ψ/√B w = Â/√B, the same minimiser.
        let cInverse = invert(gram(c)), bInverse = invert(gram(basis))
        let cta = (0..<r).map { k in (0..<b).reduce(0.0) { $0 + c[$1, k] * advantages[$1] } }
        let middle = (0..<r).map { i in (0..<r).reduce(0.0) { $0 + cInverse[i][$1] * cta[$1] } }
        let inner = (0..<r).map { i in (0..<r).reduce(0.0) { $0 + bInverse[i][$1] * middle[$1] } }
        let expected = (0..<p).map { j in (0..<r).reduce(0.0) { $0 + basis[j, $1] * inner[$1] } }

        let system = try FisherSystem(scores: psi, advantages: advantages, damping: 0)
        let whole = try system.solveLeastSquares(.svd())
        let streamed = try system.solveLeastSquaresBySVD(relativeCutoff: nil, chunkRows: b + 1)
        for solution in [whole, streamed] {
            #expect(solution.diagnostics.effectiveRank == r)
            #expect(relativeError(solution.w, expected) < 1e-10)
        }
        // QR cannot: the triangle has (numerically) zero pivots and the solution is garbage or an error.
        let qr = try? system.solveLeastSquares(.qr)
        #expect(qr == nil || relativeError(qr!.w, expected) > 1e-3)
    }
}

/// The SVD route's two branches on scores of known SVD Ψ = U Σ Vᵀ (U, V products of two
/// Householder reflectors; uniform weights and λ = 0, so the stacked system is Ψ/√B and its
/// relative singular values are Σ's), tall and wide, whole and streamed: with nothing below the
/// cut-off it solves by the QR factor's triangle, otherwise through the SVD's vectors.
@Suite struct FisherSolveLeastSquaresSVDBranchTests {
    /// Ψ (b × p) with singular values 1 … 10⁻⁶ (κ₂ = 10⁶), its factors and an exact solution.
    struct KnownSVD {
        var psi: Matrix<Double>, sigma: [Double], u: [[Double]], v: [[Double]]

        init(samples b: Int, parameters p: Int) {
            let k = min(b, p)
            sigma = (0..<k).map { Double.pow(10, -6 * Double($0) / Double(k - 1)) }
            u = reflections(b, seed: 5)
            v = reflections(p, seed: 6)
            var elements = [Double](repeating: 0, count: b * p)
            for i in 0..<b { for j in 0..<p { for l in 0..<k { elements[i * p + j] += u[i][l] * sigma[l] * v[j][l] } } }
            psi = Matrix(rows: b, columns: p, elements: elements)
        }

        /// Σ_{l < r} v_l (u_lᵀ a) / σ_l: the minimum-norm least-squares solution of Ψ w ≈ a over the r
        /// largest singular values.
        func truncatedSolution(_ a: [Double], rank r: Int) -> [Double] {
            var w = [Double](repeating: 0, count: v.count)
            for l in 0..<r {
                let coefficient = (0..<a.count).reduce(0.0) { $0 + u[$1][l] * a[$1] } / sigma[l]
                for j in w.indices { w[j] += v[j][l] * coefficient }
            }
            return w
        }
    }

    /// (samples, parameters): wide and tall.
    static let shapes: [(Int, Int)] = [(8, 40), (40, 8)]

    /// Nothing cut off (default cut-off max(m, n) ε ≪ 10⁻⁶): the triangle's solve keeps the error
    /// linear in κ₂ (as `seminormalEquationsKeepTheErrorLinearInKappa` for QR), and the singular
    /// values are Σ/√B.
    @Test(arguments: shapes) func fullRankErrorStaysLinearInKappa(b: Int, p: Int) throws {
        let known = KnownSVD(samples: b, parameters: p)
        let k = min(b, p)
        let coefficients = randomVector(k, seed: 8, as: Double.self)
        // a = Ψ w* = Σ_l u_l σ_l c_l with w* in the row space: w* is the exact minimum-norm solution.
        var a = [Double](repeating: 0, count: b)
        for i in 0..<b { for l in 0..<k { a[i] += known.u[i][l] * known.sigma[l] * coefficients[l] } }
        let wStar = known.truncatedSolution(a, rank: min(b, p))
        let system = try FisherSystem(scores: known.psi, advantages: a, damping: 0)
        let kappaEpsilon = 1e6 * Double.ulpOfOne
        let columns = b < p ? b : p + 1
        for solution in [try system.solveLeastSquares(.svd()),
                         try system.solveLeastSquaresBySVD(relativeCutoff: nil, chunkRows: columns + 1)] {
            #expect(solution.diagnostics.effectiveRank == min(b, p))
            #expect(relativeError(solution.w, wStar) < 10 * kappaEpsilon)
            #expect(relativeError(solution.diagnostics.singularValues,
                                  known.sigma.map { $0 / Double(b).squareRoot() }) < 1e-13)
            #expect(solution.diagnostics.conditionEstimate!.isApproximatelyEqual(to: 1e12, relativeTolerance: 1e-6))
        }
    }

    /// A cut-off of 10⁻³ drops the singular values 10⁻⁶ … < 10⁻³ of a full-rank Ψ: the solution is
    /// the truncated SVD's, not the exact one.
    @Test(arguments: shapes) func cutOffSingularValuesAreDropped(b: Int, p: Int) throws {
        let known = KnownSVD(samples: b, parameters: p)
        let a = randomVector(b, seed: 7, as: Double.self)
        let rank = known.sigma.filter { $0 > 1e-3 }.count
        let expected = known.truncatedSolution(a, rank: rank)
        let system = try FisherSystem(scores: known.psi, advantages: a, damping: 0)
        let columns = b < p ? b : p + 1
        for solution in [try system.solveLeastSquares(.svd(relativeCutoff: 1e-3)),
                         try system.solveLeastSquaresBySVD(relativeCutoff: 1e-3, chunkRows: columns + 1)] {
            #expect(solution.diagnostics.effectiveRank == rank)
            #expect(relativeError(solution.w, expected) < 1e-9)
            // Not the untruncated solution, which the small singular values dominate.
            #expect(relativeError(solution.w, known.truncatedSolution(a, rank: min(b, p))) > 0.5)
        }
    }
}

private func gram(_ m: Matrix<Double>) -> [[Double]] {
    (0..<m.columns).map { i in (0..<m.columns).map { j in (0..<m.rows).reduce(0.0) { $0 + m[$1, i] * m[$1, j] } } }
}

/// The inverse of a small symmetric positive definite matrix by Gauss–Jordan elimination.
private func invert(_ a: [[Double]]) -> [[Double]] {
    let n = a.count
    var m = a.enumerated().map { i, row in row + (0..<n).map { $0 == i ? 1.0 : 0.0 } }
    for k in 0..<n {
        let pivot = m[k][k]
        m[k] = m[k].map { $0 / pivot }
        for i in 0..<n where i != k {
            let factor = m[i][k]
            m[i] = zip(m[i], m[k]).map { $0 - factor * $1 }
        }
    }
    return m.map { Array($0[n...]) }
}
