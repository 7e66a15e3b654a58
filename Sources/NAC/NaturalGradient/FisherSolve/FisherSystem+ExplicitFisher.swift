extension FisherSystem {
    /// Route 1: forms F explicitly and solves F w = g by Cholesky.
    ///
    ///     F = Ψ_ωᵀ Ψ_ω + λI   (syrk),   F = L Lᵀ   (potrf),   w = L⁻ᵀ L⁻¹ g   (potrs)
    ///
    /// F is symmetric, so its row-major upper triangle (what syrk writes) is its column-major
    /// lower triangle: LAPACK is called column-major on the same buffer with no transposition
    /// (BUILD-NOTES pitfall 9). Uniform weights cost no copy of Ψ; with weights, rows are scaled
    /// by √(ω_b/Σω) in blocks of 256 (see `fisherMatrix()`).
    ///
    /// After factorising, LAPACK `pocon` estimates κ₁(F); a matrix whose reciprocal estimate is
    /// below `minimumReciprocalCondition` (default ε, LAPACK's own `?posvx` test) is treated as
    /// numerically singular.
    ///
    /// - Returns: w with `conditionEstimate` = κ₁(F) (estimated).
    /// - Throws: `.notPositiveDefinite(route: .explicitFisher, order:)` (e.g. λ = 0 and
    ///   rank Ψ < P), `.illConditioned`, `.nonFiniteSolution`.
    /// - Complexity: BP² (syrk) + P³/3 (potrf) + O(P²) flops; P² scalars of memory.
    public func solveExplicitFisher(
        minimumReciprocalCondition: Scalar = Scalar.ulpOfOne
    ) throws(NaturalGradientError) -> NaturalGradientSolution<Scalar> {
        let p = parameterCount
        var f = formFisherUpperRowMajor()
        let (rcond, info) = f.withUnsafeMutableBufferPointer { pf -> (Scalar, Int) in
            let anorm = Scalar.symmetricOneNorm(.upper, n: p, pf.baseAddress!, rowStride: p)
            let info = Scalar.potrf(.lower, n: p, a: pf.baseAddress!, lda: p)
            checkLapackArguments(info, "potrf")
            guard info == 0 else { return (0, info) }
            var rcond: Scalar = 0
            let conInfo = Scalar.pocon(.lower, n: p, a: pf.baseAddress!, lda: p, anorm: anorm, rcond: &rcond)
            checkLapackArguments(conInfo, "pocon")
            return (rcond, 0)
        }
        if info > 0 { throw .notPositiveDefinite(route: .explicitFisher, order: info) }
        guard rcond >= minimumReciprocalCondition else {
            throw .illConditioned(route: .explicitFisher, reciprocalCondition: Double(rcond))
        }
        let g = gradient()
        var w = g
        f.withUnsafeBufferPointer { pf in
            w.withUnsafeMutableBufferPointer { pw in
                let info = Scalar.potrs(.lower, n: p, nrhs: 1, a: pf.baseAddress!, lda: p, b: pw.baseAddress!, ldb: p)
                checkLapackArguments(info, "potrs")
            }
        }
        return try finish(w, gradient: g, route: .explicitFisher,
                          conditionEstimate: rcond > 0 ? 1 / rcond : .infinity)
    }
}
