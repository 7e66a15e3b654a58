/// The iterative compatible-feature critic of NAC-S(λ), Thomas (2014) Algorithm 2 lines 7–11
/// (spec §2.5): a Sarsa(λ)-style TD critic with eligibility traces and the f(t) time weighting.
///
/// For each transition (s_t, a_t, r_t, s_{t+1}):
///
///     δ_t  = r_t + γ vᵀφ(s_{t+1}) − vᵀφ(s_t)          (φ(terminal) = 0)
///     e^w ← γλ e^w + f(t) ψ_θ(s_t, a_t)
///     e^v ← γλ e^v + f(t) φ(s_t)
///     w   ← w + α^w [δ_t − wᵀψ_θ(s_t, a_t)] e^w
///     v   ← v + α^v δ_t e^v
///
/// δ_t and wᵀψ use the values before this step's update. w and v persist across episodes and
/// policy updates; the traces and t restart at each episode (automatically after a transition
/// whose `end` finishes the episode, or by `resetEpisode()`). Step sizes may be changed between
/// updates (`setStepSizes`) to follow a schedule α_{t−τ₁}.
///
/// Spec PITFALL 1: keep α^w · Σ_t f(t)² · E[ψ²] ≲ 0.05 per episode, or w tracks recent states.
/// - Complexity: O(n + m) per update (BLAS level 1).
public struct SarsaCompatibleCritic<Scalar: NACScalar>: Sendable {
    /// n, the length of ψ_θ.
    public let parameterCount: Int
    /// m, the length of φ.
    public let featureCount: Int
    /// γ ∈ [0, 1].
    public let discount: Scalar
    /// λ ∈ [0, 1].
    public let traceDecay: Scalar
    /// f(t).
    public let timeWeighting: TimeWeighting
    /// α^w ≥ 0.
    public private(set) var weightStepSize: Scalar
    /// α^v ≥ 0.
    public private(set) var baselineStepSize: Scalar
    /// w, the natural-gradient estimate (length n).
    public private(set) var w: [Scalar]
    /// v, the baseline weights (length m).
    public private(set) var v: [Scalar]
    /// e^w (length n).
    public private(set) var weightTrace: [Scalar]
    /// e^v (length m).
    public private(set) var baselineTrace: [Scalar]
    /// t, the step index inside the current episode.
    public private(set) var timeStep: Int = 0
    /// Updates applied since construction.
    public private(set) var updateCount: Int = 0
    private var currentWeight: Scalar = 1

    /// w = 0, v = 0, empty traces.
    /// - Throws: `.invalidHyperparameter` for γ or λ outside [0, 1] or a negative step size.
    public init(
        parameterCount: Int, featureCount: Int, discount: Scalar, traceDecay: Scalar,
        timeWeighting: TimeWeighting = .unbiased, weightStepSize: Scalar, baselineStepSize: Scalar
    ) throws(NaturalGradientError) {
        precondition(parameterCount >= 0 && featureCount >= 0,
                     "SarsaCompatibleCritic: negative sizes n = \(parameterCount), m = \(featureCount)")
        try requireHyperparameter("discount", discount, in: 0...1)
        try requireHyperparameter("traceDecay", traceDecay, in: 0...1)
        try requirePositive("weightStepSize", weightStepSize, allowZero: true)
        try requirePositive("baselineStepSize", baselineStepSize, allowZero: true)
        self.parameterCount = parameterCount
        self.featureCount = featureCount
        self.discount = discount
        self.traceDecay = traceDecay
        self.timeWeighting = timeWeighting
        self.weightStepSize = weightStepSize
        self.baselineStepSize = baselineStepSize
        w = Array(repeating: 0, count: parameterCount)
        v = Array(repeating: 0, count: featureCount)
        weightTrace = w
        baselineTrace = v
    }

    /// Changes α^w and α^v (e.g. to follow a decaying schedule).
    /// - Throws: `.invalidHyperparameter` for a negative or non-finite step size.
    public mutating func setStepSizes(weight: Scalar, baseline: Scalar) throws(NaturalGradientError) {
        try requirePositive("weightStepSize", weight, allowZero: true)
        try requirePositive("baselineStepSize", baseline, allowZero: true)
        weightStepSize = weight
        baselineStepSize = baseline
    }

    /// Starts a new episode: e^w ← 0, e^v ← 0, t ← 0 (w and v are kept).
    public mutating func resetEpisode() {
        weightTrace = Array(repeating: 0, count: parameterCount)
        baselineTrace = Array(repeating: 0, count: featureCount)
        timeStep = 0
        currentWeight = 1
    }

    /// Performs lines 7–11 of Algorithm 2 for one transition and returns δ_t.
    /// - Throws: `.nonFiniteInput` naming the offending field, or `.criticDiverged` if w or v
    ///   would become non-finite; in both cases nothing is updated.
    /// - Precondition: the transition's sizes are n and m.
    @discardableResult
    public mutating func update(_ transition: CompatibleTransition<Scalar>) throws(NaturalGradientError) -> Scalar {
        precondition(transition.score.count == parameterCount && transition.features.count == featureCount,
                     "SarsaCompatibleCritic: expected n = \(parameterCount) scores and m = \(featureCount) features, got \(transition.score.count) and \(transition.features.count)")
        try transition.validate()
        let psi = transition.score, phi = transition.features
        var delta = transition.reward - dot(v, phi)
        if let next = transition.nextFeatures { delta += discount * dot(v, next) }
        let prediction = dot(w, psi)
        let decay = discount * traceDecay
        var newWeightTrace = weightTrace, newBaselineTrace = baselineTrace
        scale(&newWeightTrace, by: decay)
        axpy(currentWeight, psi, &newWeightTrace)
        scale(&newBaselineTrace, by: decay)
        axpy(currentWeight, phi, &newBaselineTrace)
        var newW = w, newV = v
        axpy(weightStepSize * (delta - prediction), newWeightTrace, &newW)
        axpy(baselineStepSize * delta, newBaselineTrace, &newV)
        do throws(NaturalGradientError) {
            try requireFinite("w", newW)
            try requireFinite("v", newV)
        } catch {
            throw .criticDiverged(update: updateCount + 1)
        }
        (weightTrace, baselineTrace, w, v) = (newWeightTrace, newBaselineTrace, newW, newV)
        updateCount += 1
        timeStep += 1
        currentWeight = timeWeighting == .unbiased ? currentWeight * discount : 1
        if transition.end.endsEpisode { resetEpisode() }
        return delta
    }
}
