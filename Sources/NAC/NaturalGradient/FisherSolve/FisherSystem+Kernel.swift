extension FisherSystem {
    /// Route 3: the B × B kernel (Woodbury) form, for B < P.
    ///
    ///     K = Ψ_ω Ψ_ωᵀ + λ I_B   (B × B),   K u = Â_ω,   w = Ψ_ωᵀ u
    ///
    /// **Derivation.** With d_b = √(ω_b/Σω), Ψ_ω = diag(d) Ψ and Â_ω = d ⊙ Â we have
    /// F = Ψ_ωᵀ Ψ_ω + λ I_P and g = Ψ_ωᵀ Â_ω (see `FisherSystem`). The push-through identity
    /// (Ψ_ωᵀ Ψ_ω + λ I_P) Ψ_ωᵀ = Ψ_ωᵀ (Ψ_ω Ψ_ωᵀ + λ I_B) gives, for λ > 0 (both factors
    /// invertible),
    ///
    ///     w = F⁻¹ g = (Ψ_ωᵀ Ψ_ω + λ I_P)⁻¹ Ψ_ωᵀ Â_ω = Ψ_ωᵀ (Ψ_ω Ψ_ωᵀ + λ I_B)⁻¹ Â_ω .
    ///
    /// Unweighted (ω = 1, d_b = 1/√B): w = (Ψᵀ/√B)(ΨΨᵀ/B + λI)⁻¹ (Â/√B) = Ψᵀ (ΨΨᵀ + BλI)⁻¹ Â,
    /// the form in `workloads.json`. With λ = 0 and full row rank it is the minimum-norm
    /// solution of Ψ_ω w = Â_ω, i.e. the pseudo-inverse solution F⁺ g.
    ///
    /// Computed without copying Ψ: K = diag(d) (Ψ Ψᵀ) diag(d) + λI by one syrk on Ψ and row/column
    /// scalings, factorised by Cholesky (column-major on the symmetric buffer). Then w = Ψᵀ(d ⊙ u),
    /// g = Ψᵀ(d² ⊙ Â) and the residual F w − g = Ψᵀ s (s formed in the B-space from K₀ = K − λI)
    /// come from one 3 × B by B × P product that reads Ψ once (`fewRowsProduct`), instead of four
    /// memory-bound passes (w, g, and the two of a Fisher-vector product). Samples with ω_b = 0
    /// give a zero row and column in K; their diagonal entry is set to 1 + λ so that K stays
    /// positive definite, which decouples them (u_b = 0) exactly as deleting them would.
    ///
    /// - Returns: w with `conditionEstimate` = κ₁(K) (estimated by `pocon`).
    /// - Throws: `.notPositiveDefinite(route: .kernel, order:)` (λ = 0 and rank Ψ_ω < B),
    ///   `.illConditioned`, `.nonFiniteSolution`.
    /// - Complexity: B²P (syrk) + B³/3 (potrf) + 6BP flops (one pass over Ψ); 2B² scalars of memory.
    public func solveKernel(
        minimumReciprocalCondition: Scalar = Scalar.ulpOfOne
    ) throws(NaturalGradientError) -> NaturalGradientSolution<Scalar> {
        let b = sampleCount, p = parameterCount
        var gram = zeroedBuffer(Scalar.self, count: b * b)
        scores.withUnsafeBufferPointer { a in
            gram.withUnsafeMutableBufferPointer { pk in
                Scalar.syrk(.upper, .none, n: b, k: p, alpha: 1, a: a.baseAddress!, lda: p, beta: 0,
                            c: pk.baseAddress!, ldc: b)
                Scalar.symmetrize(.upper, n: b, pk.baseAddress!, lda: b)
            }
        }
        let solved = try KernelSystem.solve(gram: gram, scales: scalesOfSamples, advantages: advantages,
                                            damping: damping, minimumReciprocalCondition: minimumReciprocalCondition)
        // One pass over Ψ for w, g and the residual: [x c s]ᵀ Ψ (3 × P, rows w, g, F w − g); the
        // separate w, g and Fisher-vector product would cost 4 passes.
        let products = scoreProducts(solved.x + solved.c + solved.s, rows: 3)
        let w = products[0], g = products[1], residual = products[2]
        let gNorm = norm(g)
        return try finish(w, gradient: g, route: .kernel,
                          conditionEstimate: solved.reciprocalCondition > 0 ? 1 / solved.reciprocalCondition : .infinity,
                          relativeResidual: gNorm > 0 ? norm(residual) / gNorm : norm(residual))
    }
}

/// The B-space half of the kernel route, shared by `FisherSystem.solveKernel` (G = ΨΨᵀ by syrk)
/// and `DifferentiableFunction.naturalGradientByKernel` (G from a factored Jacobian).
enum KernelSystem {
    /// With d = the per-sample scales (√(ω_b/Σω)), K₀ = D G D (inactive samples: diagonal 1) and
    /// K = K₀ + λI: ũ = K⁻¹(d ⊙ Â) by Cholesky, and the three B-vectors whose products with Ψᵀ
    /// give w, g and the residual F w − g:
    ///
    ///     x = d ⊙ ũ              (w = Ψᵀx)
    ///     c = d² ⊙ Â             (g = Ψᵀc)
    ///     s = d ⊙ (K₀ ũ) + λx − c   (F w − g = Ψᵀ D²ΨΨᵀx + λΨᵀx − Ψᵀc = Ψᵀs, since D²ΨΨᵀD = D K₀)
    ///
    /// - Parameter gram: G = ΨΨᵀ, B × B, both triangles.
    /// - Throws: `.notPositiveDefinite(route: .kernel, …)`, `.illConditioned(route: .kernel, …)`.
    /// - Complexity: B³/3 + O(B²).
    static func solve<Scalar: NACScalar>(
        gram: [Scalar], scales: [Scalar], advantages: [Scalar], damping: Scalar, minimumReciprocalCondition: Scalar
    ) throws(NaturalGradientError) -> (x: [Scalar], c: [Scalar], s: [Scalar], reciprocalCondition: Scalar) {
        let b = scales.count
        precondition(gram.count == b * b && advantages.count == b,
                     "KernelSystem.solve: G has \(gram.count) entries, \(advantages.count) advantages, \(b) scales")
        // K₀ = D G D, kept for the residual.
        var kernel = gram
        kernel.withUnsafeMutableBufferPointer { pk in
            scales.withUnsafeBufferPointer { pd in
                // Row i ← d_i (row i ⊙ d), by a specialised kernel: the per-element generic loop it
                // replaces ran through witness tables, about 5 % of the route at W1 B = 256 in perf.
                for i in 0..<b {
                    let row = pk.baseAddress! + i * b
                    Scalar.multiplyElementwise(row, pd.baseAddress!, count: b, alpha: pd[i], into: row)
                }
            }
            for i in 0..<b where scales[i] == 0 { pk[i * (b + 1)] = 1 }
        }
        var k = kernel
        addToDiagonal(&k, n: b, damping)
        let (rcond, info) = k.withUnsafeMutableBufferPointer { pk -> (Scalar, Int) in
            let anorm = Scalar.symmetricOneNorm(.upper, n: b, pk.baseAddress!, rowStride: b)
            let info = Scalar.potrf(.lower, n: b, a: pk.baseAddress!, lda: b)
            checkLapackArguments(info, "potrf")
            guard info == 0 else { return (0, info) }
            var rcond: Scalar = 0
            let conInfo = Scalar.pocon(.lower, n: b, a: pk.baseAddress!, lda: b, anorm: anorm, rcond: &rcond)
            checkLapackArguments(conInfo, "pocon")
            return (rcond, 0)
        }
        if info > 0 { throw .notPositiveDefinite(route: .kernel, order: info) }
        guard rcond >= minimumReciprocalCondition else {
            throw .illConditioned(route: .kernel, reciprocalCondition: Double(rcond))
        }
        var u = (0..<b).map { scales[$0] * advantages[$0] }
        u.withUnsafeMutableBufferPointer { pu in
            k.withUnsafeBufferPointer { pk in
                let info = Scalar.potrs(.lower, n: b, nrhs: 1, a: pk.baseAddress!, lda: b, b: pu.baseAddress!, ldb: b)
                checkLapackArguments(info, "potrs")
            }
        }
        let kernelTimesU = Matrix(rows: b, columns: b, elements: kernel).multiplied(by: u)
        var x = [Scalar](repeating: 0, count: b), c = x, s = x
        for i in 0..<b {
            let d = scales[i]
            x[i] = d * u[i]
            c[i] = d * d * advantages[i]
            s[i] = d * kernelTimesU[i] + damping * x[i] - c[i]
        }
        return (x, c, s, rcond)
    }
}
