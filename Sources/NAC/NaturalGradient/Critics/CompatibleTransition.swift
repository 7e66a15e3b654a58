/// One time step as the compatible-feature critics see it: the policy score, the baseline
/// features of the state before and after, the reward, and how the episode goes on.
///
/// The critics fit f_ϖ(s, a) = wᵀψ(s, a) + vᵀφ(s) (spec §1.3); `w` is the natural-gradient
/// estimate, `v` the baseline. Features are plain arrays so that any layer (the engine's batched
/// scores, a tabular policy, a finite-MDP oracle) can produce them.
public struct CompatibleTransition<Scalar: NACScalar>: Sendable {
    /// ψ_θ(s_t, a_t) = ∇θ log π(a_t | s_t), length n.
    public var score: [Scalar]
    /// φ(s_t), length m.
    public var features: [Scalar]
    /// r_t.
    public var reward: Scalar
    /// φ(s_{t+1}), length m; `nil` (read as 0) when s_{t+1} is terminal.
    public var nextFeatures: [Scalar]?
    /// How step t + 1 relates to this one.
    public var end: StepEnd

    /// - Precondition: `nextFeatures` has the length of `features`, and is given unless
    ///   `end == .terminated`.
    public init(score: [Scalar], features: [Scalar], reward: Scalar, nextFeatures: [Scalar]?, end: StepEnd) {
        if let nextFeatures {
            precondition(nextFeatures.count == features.count,
                         "CompatibleTransition: \(features.count) features but \(nextFeatures.count) next features")
        } else {
            precondition(end == .terminated,
                         "CompatibleTransition: next features are needed unless s_{t+1} is terminal (end is \(end))")
        }
        self.score = score
        self.features = features
        self.reward = reward
        self.nextFeatures = end == .terminated ? nil : nextFeatures
        self.end = end
    }

    /// Throws `.nonFiniteInput` if any feature, score or the reward is not finite.
    func validate() throws(NaturalGradientError) {
        try requireFinite("score", score)
        try requireFinite("features", features)
        guard reward.isFinite else { throw .nonFiniteInput(argument: "reward", index: 0) }
        if let nextFeatures { try requireFinite("nextFeatures", nextFeatures) }
    }
}

/// The estimate of a compatible-feature critic: ϖ = [w ; v].
public struct CompatibleCriticSolution<Scalar: NACScalar>: Sendable {
    /// The natural-gradient estimate (length n).
    public var w: [Scalar]
    /// The baseline weights (length m).
    public var v: [Scalar]
    /// ‖M ϖ − c‖ / ‖c‖ for the linear system M ϖ = c that was solved: the weighted normal
    /// equations for the batch critic, the LSTD statistics A ϖ = b (with the ridge, if any) for
    /// LSTD-Q.
    public var relativeResidual: Scalar
    /// The effective rank when the solve was by SVD, otherwise `nil`.
    public var effectiveRank: Int?

    public init(w: [Scalar], v: [Scalar], relativeResidual: Scalar, effectiveRank: Int? = nil) {
        self.w = w
        self.v = v
        self.relativeResidual = relativeResidual
        self.effectiveRank = effectiveRank
    }
}
