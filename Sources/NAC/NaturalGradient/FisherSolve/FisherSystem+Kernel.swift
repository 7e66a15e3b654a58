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
        var k = zeroedBuffer(Scalar.self, count: b * b)
        let scales = scalesOfSamples
        scores.withUnsafeBufferPointer { a in
            k.withUnsafeMutableBufferPointer { pk in
                let uniform = sampleScales == nil
                Scalar.syrk(.upper, .none, n: b, k: p, alpha: uniform ? 1 / Scalar(b) : 1,
                            a: a.baseAddress!, lda: p, beta: 0, c: pk.baseAddress!, ldc: b)
                if !uniform {
                    for i in 0..<b {
                        Scalar.scal(n: b, alpha: scales[i], x: pk.baseAddress! + i * b, incx: 1)   // row i
                        Scalar.scal(n: b, alpha: scales[i], x: pk.baseAddress! + i, incx: b)       // column i
                    }
                    for i in 0..<b where scales[i] == 0 { pk[i * (b + 1)] = 1 }
                }
            }
        }
        // K₀ (before damping), kept for the residual: symmetrised, B × B.
        var kernel = k
        kernel.withUnsafeMutableBufferPointer { Scalar.symmetrize(.upper, n: b, $0.baseAddress!, lda: b) }
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
        // u = K⁻¹ (d ⊙ Â); then x = d ⊙ u and w = Ψᵀ x.
        var u = [Scalar](repeating: 0, count: b)
        u.withUnsafeMutableBufferPointer { pu in
            scales.withUnsafeBufferPointer { ps in
                advantages.withUnsafeBufferPointer { pa in
                    Scalar.multiplyElementwise(ps.baseAddress!, pa.baseAddress!, count: b, into: pu.baseAddress!)
                }
            }
            k.withUnsafeBufferPointer { pk in
                let info = Scalar.potrs(.lower, n: b, nrhs: 1, a: pk.baseAddress!, lda: b, b: pu.baseAddress!, ldb: b)
                checkLapackArguments(info, "potrs")
            }
        }
        let unscaled = u
        u.withUnsafeMutableBufferPointer { pu in
            scales.withUnsafeBufferPointer { ps in
                Scalar.multiplyElementwise(pu.baseAddress!, ps.baseAddress!, count: b, into: pu.baseAddress!)
            }
        }
        // One pass over Ψ for w, g and the residual: [x c s]ᵀ Ψ (3 × P, rows w, g, F w − g) with
        // x = d ⊙ u, c = d² ⊙ Â (g = Ψᵀc) and s = d ⊙ (K₀ ũ) + λx − c, where ũ = K⁻¹(d ⊙ Â) before
        // the final scaling: F w − g = Ψᵀ D²ΨΨᵀx + λΨᵀx − Ψᵀc = Ψᵀ s, since D²ΨΨᵀD = D K₀.
        // (`fewRowsProduct` reads Ψ once; gemm would pack it first, about 2.3 passes at W3's P,
        // and the separate w, g and Fisher-vector product cost 4.)
        var left = [Scalar](repeating: 0, count: 3 * b)
        let kernelTimesU = Matrix(rows: b, columns: b, elements: kernel).multiplied(by: unscaled)
        for i in 0..<b {
            let d = scales[i]
            let c = d * d * advantages[i]
            left[i] = u[i]
            left[b + i] = c
            left[2 * b + i] = d * kernelTimesU[i] + damping * u[i] - c
        }
        var products = [Scalar](repeating: 0, count: 3 * p)
        scores.withUnsafeBufferPointer { a in
            left.withUnsafeBufferPointer { pl in
                products.withUnsafeMutableBufferPointer { pp in
                    Scalar.fewRowsProduct(pl.baseAddress!, rows: 3, a.baseAddress!, rows: b, columns: p,
                                          aRowStride: p, into: pp.baseAddress!)
                }
            }
        }
        let w = Array(products[0..<p]), g = Array(products[p..<(2 * p)]), residual = Array(products[(2 * p)...])
        let gNorm = norm(g)
        return try finish(w, gradient: g, route: .kernel, conditionEstimate: rcond > 0 ? 1 / rcond : .infinity,
                          relativeResidual: gNorm > 0 ? norm(residual) / gNorm : norm(residual))
    }
}
