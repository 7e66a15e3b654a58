/// How a minibatch natural policy gradient computes w = F⁻¹ g.
public enum NaturalGradientSolver: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// `.factoredKernel` when the batch is smaller than the policy (B < P) and the learner has no
    /// data-parallel reduction, `.fisherSystem` otherwise. The two give the same w up to
    /// rounding where both apply; the factored kernel never writes the B × P matrix Ψ.
    case automatic
    /// Form the B × P score matrix Ψ (one engine call into a reused buffer) and solve the damped
    /// compatible regression / Fisher system with `FisherSystem.solve(options:)`: the automatic
    /// route (explicit Fisher + Cholesky when B ≥ P ≤ 6000, the B × B kernel form when B < P, CG
    /// on Ψ beyond), with its fallbacks.
    case fisherSystem
    /// Never form Ψ: the exact B × B kernel-route solution from the factored per-sample Jacobian
    /// (`FactoredJacobian.naturalGradientByKernel`): O(B² × Σ layer widths + B³) time and O(B²)
    /// memory instead of B × P for Ψ and B²P for its Gram matrix. If the kernel system is not
    /// positive definite or is too ill-conditioned, that iteration falls back to `.fisherSystem`
    /// (and its fallbacks), reported as the diagnostic `solve_fallback` = 1.
    case factoredKernel
    /// Never form Ψ: g by one reduced reverse pass, w by `iterations` steps of conjugate gradient
    /// on the engine's matrix-free Fisher-vector products (for P too large for B × P memory).
    case matrixFreeConjugateGradient(iterations: Int)

    public var description: String {
        switch self {
        case .automatic: "automatic (factored kernel when B < P, else Fisher system)"
        case .fisherSystem: "Fisher system (automatic route)"
        case .factoredKernel: "factored kernel"
        case .matrixFreeConjugateGradient(let k): "matrix-free conjugate gradient (\(k) iterations)"
        }
    }
}

/// Which Fisher matrix F measures the step length in the KL trust region η = √(2δ / wᵀFw).
public enum TrustRegionCurvature: Sendable, Equatable, Hashable {
    /// The Fisher of the closed-form KL divergence between policies at the batch's states,
    /// F̄ = mean_s E_{a∼π(·|s)}[ψψᵀ] — the Hessian of the mean KL — measured along w as
    /// (KL(θ ‖ θ + εw) + KL(θ ‖ θ − εw)) / ε² (the cubic terms cancel; ε gives a KL of about
    /// δ/10). The natural gradient w = F̂⁻¹g points where the *sampled* Fisher F̂ = ΨᵀΨ/B is small,
    /// which is where F̂ underestimates F̄ most; with this curvature the measured KL of the step is
    /// ≈ δ rather than several times δ. Costs four extra forward passes over the batch.
    case closedFormKL
    /// The sampled Fisher of the batch, wᵀF̂w = ‖Ψw‖²/B (free; the step's real KL is often 2–5 × δ
    /// for small batches, which the line search then cuts back).
    case sampledFisher
}

/// Hyper-parameters of `NaturalPolicyGradient` (and the shared ones of
/// `ReplayNaturalPolicyGradient`). The defaults learn CartPole with a 4→32→2 categorical policy
/// (see the README's "Train a policy"); `validate()` checks every field.
public struct NaturalPolicyGradientConfiguration<Scalar: NACScalar>: Sendable {
    /// N, environment copies stepped together.
    public var copies: Int = 8
    /// T, steps per copy per iteration; the batch is B = N · T.
    public var stepsPerCopy: Int = 128
    /// γ ∈ [0, 1].
    public var discount: Scalar = 0.99
    /// GAE λ ∈ [0, 1].
    public var gaeLambda: Scalar = 0.95
    /// δ > 0, the KL trust region: the step is scaled so that ½ ΔθᵀFΔθ = δ.
    public var maximumKL: Scalar = 0.02
    /// The Fisher that measures the step (see `TrustRegionCurvature`).
    public var curvature: TrustRegionCurvature = .closedFormKL
    /// Normalise the advantages of each batch to mean 0 and standard deviation 1 before the
    /// solve (changes only the step direction's baseline: the KL scaling removes their scale).
    public var normalizeAdvantages = true
    /// The Fisher solve.
    public var solver: NaturalGradientSolver = .automatic
    /// λ ≥ 0 added to F (the ridge of the compatible regression).
    public var damping: Scalar = 1e-3
    /// Backtracking steps of the line search (0 disables it): the step η w is halved
    /// (`backtrackFactor`) until the measured mean KL is ≤ `klTolerance` · δ and the importance-
    /// sampled surrogate improves; if no step qualifies the policy is left unchanged.
    public var maximumBacktracks = 10
    /// The factor a rejected step is multiplied by, in (0, 1).
    public var backtrackFactor: Scalar = 0.5
    /// The accepted measured KL, as a multiple of δ (≥ 1).
    public var klTolerance: Scalar = 1.5
    /// Hidden widths of the value network.
    public var valueHiddenLayers: [Int] = [64, 64]
    /// Adam learning rate of the value network.
    public var valueLearningRate: Scalar = 3e-3
    /// Passes over the batch per value fit.
    public var valueEpochs = 5
    /// Samples per Adam step of the value fit.
    public var valueMinibatchSize = 256
    /// Seeds the environments, the action draws and the value network.
    public var seed: UInt64 = 0

    public init() {}

    /// B = N · T.
    public var batchSize: Int { copies * stepsPerCopy }

    /// Checks every hyper-parameter.
    /// - Throws: `TrainingError.invalidHyperparameter` naming the first invalid one.
    public func validate() throws(TrainingError) {
        try requireTrainingCount("copies", copies)
        try requireTrainingCount("stepsPerCopy", stepsPerCopy)
        try requireTraining("discount", discount, in: 0...1)
        try requireTraining("gaeLambda", gaeLambda, in: 0...1)
        try requireTrainingPositive("maximumKL", maximumKL)
        try requireTrainingPositive("damping", damping, allowZero: true)
        try requireTrainingCount("maximumBacktracks", maximumBacktracks, atLeast: 0)
        guard backtrackFactor.isFinite, backtrackFactor > 0, backtrackFactor < 1 else {
            throw .invalidHyperparameter(name: "backtrackFactor", value: "\(backtrackFactor)", requirement: "must lie in (0, 1)")
        }
        guard klTolerance.isFinite, klTolerance >= 1 else {
            throw .invalidHyperparameter(name: "klTolerance", value: "\(klTolerance)", requirement: "must be finite and ≥ 1")
        }
        for (i, width) in valueHiddenLayers.enumerated() where width < 1 {
            throw .invalidHyperparameter(name: "valueHiddenLayers[\(i)]", value: "\(width)", requirement: "must be at least 1")
        }
        try requireTrainingPositive("valueLearningRate", valueLearningRate)
        try requireTrainingCount("valueEpochs", valueEpochs, atLeast: 0)
        try requireTrainingCount("valueMinibatchSize", valueMinibatchSize)
        if case .matrixFreeConjugateGradient(let k) = solver {
            try requireTrainingCount("conjugate-gradient iterations", k)
            if damping == 0 {
                // CG needs a positive-definite operator; F alone is only semidefinite.
                throw .invalidHyperparameter(name: "damping", value: "0", requirement: "must be > 0 for conjugate gradient")
            }
        }
    }
}

/// The KL-normalised natural-gradient step.
///
/// With the natural gradient w and the (undamped) Fisher F of the batch, the second-order
/// expansion of the mean KL divergence between the old and the new policy along Δθ = η w is
/// KL ≈ ½ η² wᵀFw. Setting it to δ gives
///
///     η = √(2δ / wᵀFw),      wᵀFw = (1/B) Σ_b (ψ_bᵀ w)² = ‖Ψ w‖² / B.
public enum TrustRegionStep {
    /// η = √(2δ / wᵀFw), or 0 when wᵀFw is not positive (a zero gradient).
    public static func stepSize<Scalar: NACScalar>(maximumKL delta: Scalar, quadraticForm: Scalar) -> Scalar {
        guard quadraticForm > 0, quadraticForm.isFinite else { return 0 }
        return (2 * delta / quadraticForm).squareRoot()
    }

    /// wᵀF̄w for the closed-form KL of `policy` at the rows of `observations`:
    /// (KL(θ ‖ θ + εw) + KL(θ ‖ θ − εw)) / ε², KL the mean over rows (see
    /// `TrustRegionCurvature.closedFormKL`).
    public static func closedFormCurvature<P: Policy>(
        of policy: P, along w: [P.Scalar], observations: Matrix<P.Scalar>, probe epsilon: P.Scalar
    ) throws(PolicyError) -> P.Scalar {
        var total: P.Scalar = 0
        for sign in [P.Scalar(1), -1] {
            var moved = policy
            var theta = policy.parameters
            axpy(sign * epsilon, w, &theta)
            moved.parameters = theta
            let kl = try policy.klDivergence(to: moved, observations: observations)
            total += kl.reduce(0, +) / P.Scalar(kl.count)
        }
        return total / (epsilon * epsilon)
    }

    /// wᵀFw = ‖Ψ w‖² / B for an explicit B × P score matrix (one gemv).
    public static func quadraticForm<Scalar: NACScalar>(scores: Matrix<Scalar>, direction w: [Scalar]) -> Scalar {
        let u = scores.multiplied(by: w)
        return dot(u, u) / Scalar(scores.rows)
    }
}
