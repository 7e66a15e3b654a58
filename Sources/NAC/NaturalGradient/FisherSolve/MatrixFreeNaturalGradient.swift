extension DifferentiableFunction {
    /// The natural gradient w = (F + λI)⁻¹ g of per-sample log-likelihoods (this function's
    /// B × 1 output), by conjugate gradient on matrix-free Fisher-vector products: the score
    /// matrix Ψ is never formed.
    ///
    ///     g = Σ_b ω_b Â_b ψ_b / Σω  = Jᵀ(ω ⊙ Â)/Σω
    ///     F v = Σ_b ω_b ψ_b (ψ_bᵀ v) / Σω  = Jᵀ(ω ⊙ J v)/Σω
    ///
    /// J is kept **factored** (`factoredPerSampleJacobian`: one reverse pass that stores each dense
    /// layer's signals and inputs, O(B × Σ widths)), so g and every product are a few gemms — about
    /// two thirds of a batch gradient per product on MLPs. A computation that mixes samples has no
    /// per-sample J; it falls back to the recorded-once `fisherVectorProductOperator` (one tangent
    /// sweep and one reverse pass per product).
    ///
    /// - Parameters:
    ///   - advantages: Â (B).
    ///   - sampleWeights: ω (B, non-negative, positive sum); nil means all ones.
    ///   - damping: λ ≥ 0.
    ///   - options: iteration cap (default 10), tolerance, curvature policy.
    /// - Throws: `NaturalGradientError` for non-finite advantages or weights, negative weights,
    ///   a zero total weight, invalid damping, and the failures of `ConjugateGradient.solve`.
    /// - Complexity: one factored reverse pass (about one batch gradient) and `maximumIterations`
    ///   products with the factors (2 × 2B Σ in·out flops each on MLPs); memory O(P + B × the sum
    ///   of layer widths).
    public func naturalGradientByConjugateGradient(
        at theta: [Scalar], inputs: [Matrix<Scalar>], advantages: [Scalar], sampleWeights: [Scalar]? = nil,
        damping: Scalar, options: ConjugateGradientOptions<Scalar> = .init()
    ) throws(NaturalGradientError) -> NaturalGradientSolution<Scalar> {
        let b = batchSize(of: inputs)
        let total = try validateNaturalGradientInputs(batchSize: b, advantages: advantages, sampleWeights: sampleWeights,
                                                      damping: damping, caller: "naturalGradientByConjugateGradient")
        let coefficients = (0..<b).map { (sampleWeights?[$0] ?? 1) * advantages[$0] / total }
        if let factored = try? factoredPerSampleJacobian(at: theta, inputs: inputs).jacobian {
            let g = factored.transposedProduct(coefficients)
            return try ConjugateGradient.solve(gradient: g, damping: damping, options: options) { v in
                factored.fisherVectorProduct(v, sampleWeights: sampleWeights)
            }
        }
        let seed = Matrix<Scalar>(rows: b, columns: 1, elements: coefficients)
        let g = gradient(at: theta, inputs: inputs, outputWeights: seed).parameters
        // Recorded once; each product re-sweeps the tangents and runs one reverse pass.
        let fisher = fisherVectorProductOperator(at: theta, inputs: inputs, sampleWeights: sampleWeights)
        return try ConjugateGradient.solve(gradient: g, damping: damping, options: options, fisherVectorProduct: fisher)
    }
}

/// Checks the inputs shared by the engine natural-gradient routes; returns Σω.
func validateNaturalGradientInputs<Scalar: NACScalar>(
    batchSize b: Int, advantages: [Scalar], sampleWeights: [Scalar]?, damping: Scalar, caller: String
) throws(NaturalGradientError) -> Scalar {
    guard b > 0 else { throw .emptyBatch }
    precondition(advantages.count == b, "\(caller): \(advantages.count) advantages for a batch of \(b)")
    if let sampleWeights {
        precondition(sampleWeights.count == b,
                     "\(caller): \(sampleWeights.count) weights for a batch of \(b)")
    }
    var total: Scalar = 0
    for i in 0..<b {
        guard advantages[i].isFinite else { throw .nonFiniteAdvantage(sample: i) }
        let w = sampleWeights?[i] ?? 1
        guard w.isFinite else { throw .nonFiniteWeight(sample: i) }
        guard w >= 0 else { throw .negativeWeight(sample: i, value: Double(w)) }
        total += w
    }
    guard total > 0 else { throw .zeroTotalWeight }
    guard damping.isFinite, damping >= 0 else { throw .invalidDamping(Double(damping)) }
    return total
}
