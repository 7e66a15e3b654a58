extension ScoreBenchmarkCase {
    /// Advantages for the case's batch: B entries N(0, 1) from `Xoshiro256StarStar(seed:)`.
    public func randomAdvantages(seed: UInt64 = 11) -> [Scalar] {
        var g = Xoshiro256StarStar(seed: seed)
        return (0..<batchSize).map { _ in g.normal(Scalar.self) }
    }

    /// One plain batch gradient ∇θ Σ_b log π(a_b | s_b) of the case's policy: one reduced
    /// reverse pass of the engine (what a vanilla policy gradient costs).
    public func batchGradient() -> [Scalar] {
        policy.logProbability.gradient(at: policy.parameters, inputs: [observations, actions.engineInput]).parameters
    }

    /// The engine's matrix-free natural gradient by `iterations` conjugate-gradient iterations
    /// (`naturalGradientByConjugateGradient`: one reverse pass for g = Σ_b Â_b ψ_b / B, one
    /// recording, then one Fisher-vector product per iteration), exactly `iterations`
    /// iterations (tolerance 0, no residual check, truncation at non-positive curvature
    /// reported instead of thrown). Ψ is never formed.
    public func conjugateGradientNaturalGradient(
        advantages: [Scalar], damping: Scalar = 1e-3, iterations: Int = 10
    ) throws(NaturalGradientError) -> NaturalGradientSolution<Scalar> {
        try policy.logProbability.naturalGradientByConjugateGradient(
            at: policy.parameters, inputs: [observations, actions.engineInput], advantages: advantages,
            damping: damping,
            options: ConjugateGradientOptions(maximumIterations: iterations, relativeTolerance: 0,
                                              onNonPositiveCurvature: .returnCurrentIterate, verifyResidual: false))
    }

    /// The exact natural gradient by the kernel route on the factored Jacobian
    /// (`naturalGradientByKernel`): Ψ is never formed.
    public func factoredKernelNaturalGradient(
        advantages: [Scalar], damping: Scalar = 1e-3
    ) throws(NaturalGradientError) -> NaturalGradientSolution<Scalar> {
        try policy.logProbability.naturalGradientByKernel(
            at: policy.parameters, inputs: [observations, actions.engineInput], advantages: advantages, damping: damping)
    }
}
