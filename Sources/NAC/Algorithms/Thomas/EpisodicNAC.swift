/// The episodic natural actor-critic eNAC of Peters & Schaal (2008), spec §2.3: after every N
/// episodes with the current θ, regress each episode's discounted return on its discounted
/// score sum,
///
///     Φ_i = [Σ_t γ^t ψ_θ(s_t, a_t) ; 1],   R_i = Σ_t γ^t r_t,   [w ; J] = argmin ‖Φ [w ; J] − R‖
///
/// (minimum-norm least squares by SVD — the pinv of the spec), then apply the actor rule to the
/// estimate (TYPE 2 `.every(k)` counts estimates; TYPE 1 compares estimates k batches apart).
///
/// There is no f(t) switch: in expectation the estimate weights the state at step t by
/// γ^{2t} (spec §1.4 [INFERRED], tested against `ExactOracle` with `.visitation(discount: γ²)`),
/// so it is biased in its own way for γ < 1. One `iterate()` runs one episode; its scores are
/// computed in one engine call.
public struct EpisodicNAC<E: Environment, P: Policy & PersistableModel>: Learner where P.Scalar == E.Scalar {
    public typealias Scalar = E.Scalar
    public let configuration: ResolvedThomasConfiguration<Scalar>
    /// N.
    public let episodesPerEstimate: Int
    var agent: ThomasAgent<E, P>
    var actor: Actor<Scalar>
    private var rows: [Scalar] = []
    private var returns: [Scalar] = []
    private var estimates = 0
    /// The latest regression ([w ; J]: `v` holds the single constant J).
    public private(set) var latestEstimate: NaturalGradientEstimate<Scalar>?

    public var name: String { ThomasAlgorithm.enac.rawValue }
    public var policy: P { agent.policy }
    public var currentPolicy: SavedModel<Scalar> { agent.policy.savedModel }

    /// - Throws: `AlgorithmError` for an invalid configuration (including `bias`, which eNAC
    ///   does not have) or a policy that does not fit.
    public init(environment: E, policy: P, configuration: ThomasConfiguration<Scalar> = .init(),
                seed: UInt64 = 0) throws(AlgorithmError) {
        try configuration.validate(for: .enac)
        let c = configuration.resolved(for: .enac)
        self.configuration = c
        agent = try ThomasAgent(environment: environment, policy: policy, features: .none,
                                trainable: configuration.trainableParameters, seed: seed, algorithm: .enac,
                                discount: configuration.discount)
        actor = Actor(rule: c.actorUpdate, step: c.actorStep, stepSize: c.actorStepSize)
        episodesPerEstimate = configuration.episodesPerEstimate ?? 2 * (agent.parameterCount + 1)
    }

    /// Runs one episode; every N-th also estimates w and may update θ.
    public mutating func iterate() throws(AlgorithmError) -> LearnerIteration {
        let episode = try agent.rollout()
        let psi = try agent.scores(observations: episode.observations, actions: episode.actions)
        let gamma = configuration.base.discount
        let n = agent.parameterCount
        var summed = [Scalar](repeating: 0, count: n)
        var discountedReturn: Scalar = 0
        var weight: Scalar = 1
        for t in 0..<episode.length {
            for j in 0..<n { summed[j] += weight * psi.elements[t * n + j] }
            discountedReturn += weight * episode.rewards[t]
            weight *= gamma
        }
        rows += summed
        returns.append(discountedReturn)
        var updates = 0
        if returns.count == episodesPerEstimate {
            let count = returns.count
            let phi = Matrix(rows: count, columns: n, elements: rows)
            let ones = Matrix<Scalar>(rows: count, columns: 1, repeating: 1)
            let targets = returns
            let solution = try wrapCritic { () throws(NaturalGradientError) in
                try CompatibleLeastSquaresCritic.fit(scores: phi, baselineFeatures: ones, targets: targets)
            }
            rows.removeAll(keepingCapacity: true)
            returns.removeAll(keepingCapacity: true)
            estimates += 1
            latestEstimate = NaturalGradientEstimate(w: solution.w, v: solution.v)
            if actor.shouldUpdate(estimate: solution.w, counter: estimates) {
                try agent.update(&actor, along: solution.w)
                updates = 1
            }
        }
        return LearnerIteration(completedEpisodes: [episode.completed], environmentSteps: episode.length,
                                policyUpdates: updates, diagnostics: diagnostics(latestEstimate))
    }
}
