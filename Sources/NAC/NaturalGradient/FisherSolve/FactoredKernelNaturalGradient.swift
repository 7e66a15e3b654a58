extension FactoredJacobian {
    /// The exact natural gradient w = (F + λI)⁻¹ g of the per-sample scores this factored
    /// Jacobian holds (J = Ψ, B × P) by the B × B kernel route, without writing Ψ:
    ///
    ///     G = ΨΨᵀ from the factors              (per dense layer (Ȳ Ȳᵀ) ∘ (X Xᵀ), see `gram()`)
    ///     K = D G D + λI,  ũ = K⁻¹(d ⊙ Â)       (Cholesky, d_b = √(ω_b/Σω))
    ///     w = Ψᵀ(d ⊙ ũ),  g = Ψᵀ(d² ⊙ Â)        (products with the factors)
    ///
    /// the same solution as `FisherSystem(scores: Ψ, …).solveKernel()` (route `.kernel`, with its
    /// condition estimate and the residual ‖F w − g‖/‖g‖, formed in the B-space as Ψᵀs).
    ///
    /// - Parameters:
    ///   - advantages: Â (B).
    ///   - sampleWeights: ω (B, non-negative, positive sum); nil means all ones.
    ///   - damping: λ ≥ 0 (λ = 0 needs G of full rank on the active samples).
    ///   - minimumReciprocalCondition: below this estimated 1/κ₁(K) the solve is refused.
    /// - Throws: `.emptyBatch`, `.nonFiniteAdvantage`, `.nonFiniteWeight`, `.negativeWeight`,
    ///   `.zeroTotalWeight`, `.invalidDamping`; `.notPositiveDefinite` / `.illConditioned`
    ///   (route `.kernel`); `.nonFiniteSolution`.
    /// - Complexity: Σ 2B²(out + in) per dense layer for G (plus B² · count for other
    ///   parameters), B³/3 for the Cholesky factorisation, three products with the factors;
    ///   memory O(B²).
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func naturalGradientByKernel(
        advantages: [Scalar], sampleWeights: [Scalar]? = nil, damping: Scalar,
        minimumReciprocalCondition: Scalar = Scalar.ulpOfOne
    ) throws(NaturalGradientError) -> NaturalGradientSolution<Scalar> {
        let b = sampleCount
        let total = try validateNaturalGradientInputs(batchSize: b, advantages: advantages, sampleWeights: sampleWeights,
                                                      damping: damping, caller: "FactoredJacobian.naturalGradientByKernel")
        let scales = (0..<b).map { ((sampleWeights?[$0] ?? 1) / total).squareRoot() }
        let solved = try KernelSystem.solve(gram: gram().elements, scales: scales, advantages: advantages,
                                            damping: damping, minimumReciprocalCondition: minimumReciprocalCondition)
        let w = transposedProduct(solved.x)
        let g = transposedProduct(solved.c)
        let residual = transposedProduct(solved.s)
        guard w.allSatisfy(\.isFinite) else { throw .nonFiniteSolution(route: .kernel) }
        let gNorm = norm(g)
        let diagnostics = FisherSolveDiagnostics(
            route: .kernel, damping: damping, relativeResidual: gNorm > 0 ? norm(residual) / gNorm : norm(residual),
            conditionEstimate: solved.reciprocalCondition > 0 ? 1 / solved.reciprocalCondition : .infinity,
            effectiveRank: nil, singularValues: [])
        return NaturalGradientSolution(w: w, gradient: g, diagnostics: diagnostics)
    }
}

extension DifferentiableFunction {
    /// The exact natural gradient w = (F + λI)⁻¹ g of per-sample log-likelihoods (this function's
    /// B × 1 output) by the B × B kernel route, **without forming the score matrix Ψ**: one
    /// factored reverse pass (`factoredPerSampleJacobian`), then
    /// `FactoredJacobian.naturalGradientByKernel`.
    ///
    /// The same solution as `FisherSystem(scores: Ψ, …).solveKernel()`, at a fraction of the cost
    /// when layers are wide: G costs 2B²(out + in) per dense layer instead of B² · out · in, and
    /// Ψ (B × P) is never written — for W3 (P = 84 496) at B = 256 about 2 batch gradients
    /// instead of a 173 MB matrix and a B²P syrk.
    ///
    /// - Parameters: as `FactoredJacobian.naturalGradientByKernel`; `inputs` as for
    ///   `perSampleJacobian`.
    /// - Throws: `.perSampleScoresUnavailable` if the computation mixes samples; otherwise the
    ///   errors of `FactoredJacobian.naturalGradientByKernel`.
    /// - Complexity: about one batch gradient, plus the kernel solve; memory O(B² + B × Σ widths).
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func naturalGradientByKernel(
        at theta: [Scalar], inputs: [Matrix<Scalar>], advantages: [Scalar], sampleWeights: [Scalar]? = nil,
        damping: Scalar, minimumReciprocalCondition: Scalar = Scalar.ulpOfOne
    ) throws(NaturalGradientError) -> NaturalGradientSolution<Scalar> {
        // Checked before the reverse pass, so that bad inputs are reported as such (O(B)).
        _ = try validateNaturalGradientInputs(batchSize: batchSize(of: inputs), advantages: advantages,
                                              sampleWeights: sampleWeights, damping: damping,
                                              caller: "naturalGradientByKernel")
        let factored: FactoredJacobian<Scalar>
        do {
            factored = try factoredPerSampleJacobian(at: theta, inputs: inputs).jacobian
        } catch {
            throw .perSampleScoresUnavailable(error)
        }
        return try factored.naturalGradientByKernel(advantages: advantages, sampleWeights: sampleWeights, damping: damping,
                                                    minimumReciprocalCondition: minimumReciprocalCondition)
    }
}
