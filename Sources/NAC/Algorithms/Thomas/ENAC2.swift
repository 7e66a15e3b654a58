/// eNAC2, Thomas (2014) Algorithm 1 (spec §2.4): batch compatible regression of per-step
/// discounted returns-to-go on per-step compatible features, with the f(t) switch.
///
///     1  A ← 0; b ← 0; τ ← 0                           (once)
///     3  run one episode with θ
///     4  A ← A + Σ_t f(t) ψ_t ψ_tᵀ,   ψ_t = [ψ_θ(s_t, a_t) ; φ(s_t)]
///     5  b ← b + Σ_t f(t) ψ_t G_t,    G_t = Σ_{u ≥ t} γ^{u−t} r_u   (cut at a truncation)
///     6  [w ; v] ← least-squares solution of A ϖ = b (SVD: the pinv)
///     7  if TYPE 1 (ep ≥ k and ∠(w_ep, w_{ep−k}) ≤ ε) or TYPE 2 ((ep + 1) mod k = 0):
///     8      θ ← θ + η_τ w/‖w‖
///     9      τ ← τ + 1;  A ← βA;  b ← βb
///
/// A and b are kept (O(N²) memory) rather than refitted from stored rows by
/// `CompatibleLeastSquaresCritic`, because Algorithm 1 carries them across episodes with
/// forgetting β; the solution is the batch critic's over the same rows and weights. One
/// `iterate()` runs one episode (line 3–9); its scores come from one engine call.
/// - Complexity: O(T N²) per episode plus one O(N³) solve.
public struct ENAC2<E: Environment, P: Policy & PersistableModel>: Learner where P.Scalar == E.Scalar {
    public typealias Scalar = E.Scalar
    public let configuration: ResolvedThomasConfiguration<Scalar>
    var agent: ThomasAgent<E, P>
    var actor: Actor<Scalar>
    /// A, N × N.
    public private(set) var statistics: Matrix<Scalar>
    /// b, N.
    public private(set) var target: [Scalar]
    private var episodes = 0
    /// [w_ep ; v_ep] of the latest episode.
    public private(set) var latestEstimate: NaturalGradientEstimate<Scalar>?

    public var name: String { ThomasAlgorithm.enac2.rawValue }
    public var policy: P { agent.policy }
    public var currentPolicy: SavedModel<Scalar> { agent.policy.savedModel }

    /// - Throws: `AlgorithmError` for an invalid configuration or a policy that does not fit.
    public init(environment: E, policy: P, features: BaselineFeatures<Scalar> = .constant,
                configuration: ThomasConfiguration<Scalar> = .init(), seed: UInt64 = 0) throws(AlgorithmError) {
        try configuration.validate(for: .enac2)
        let c = configuration.resolved(for: .enac2)
        self.configuration = c
        agent = try ThomasAgent(environment: environment, policy: policy, features: features,
                                trainable: configuration.trainableParameters, seed: seed, algorithm: .enac2,
                                discount: configuration.discount)
        actor = Actor(rule: c.actorUpdate, step: c.actorStep, stepSize: c.actorStepSize)
        let size = agent.parameterCount + features.featureCount
        statistics = .zeros(rows: size, columns: size)
        target = Array(repeating: 0, count: size)
    }

    /// Runs one episode (Algorithm 1 lines 3–9).
    public mutating func iterate() throws(AlgorithmError) -> LearnerIteration {
        let episode = try agent.rollout()
        let psi = try agent.scores(observations: episode.observations, actions: episode.actions)
        let gamma = configuration.base.discount
        let returns = try wrapCritic { () throws(NaturalGradientError) in
            try discountedReturns(rewards: episode.rewards, ends: episode.ends, discount: gamma,
                                  truncatedBootstrapDefault: 0)
        }
        let weights: [Scalar] = configuration.timeWeighting.weights(ends: episode.ends, discount: gamma)
        // Rows √f(t) ψ_t, so that XᵀX = Σ f ψψᵀ (one syrk), and Xᵀ(√f G) = Σ f ψ G.
        let x = episode.features.columns == 0 ? psi : Matrix.concatenatingColumns([psi, episode.features])
        var scaled = x
        var scaledReturns = returns
        let size = x.columns
        for t in 0..<episode.length {
            let root = weights[t].squareRoot()
            for j in 0..<size { scaled.elements[t * size + j] *= root }
            scaledReturns[t] *= root
        }
        statistics += scaled.gram()
        axpy(1, scaled.multiplied(by: scaledReturns, .transposed), &target)
        episodes += 1
        let solution: LeastSquaresSolution<Scalar>
        do throws(LinearAlgebraError) {
            solution = try statistics.leastSquaresSVD(Matrix(column: target))
        } catch {
            throw .critic(LSTDQAccumulator<Scalar>.map(error, statistics: "eNAC2 statistics"))
        }
        let varpi = solution.solution.elements
        let n = agent.parameterCount
        let estimate = NaturalGradientEstimate(w: Array(varpi[0..<n]), v: Array(varpi[n...]))
        guard estimate.w.allSatisfy(\.isFinite) else { throw .nonFinite(quantity: "w", step: actor.totalUpdates + 1) }
        latestEstimate = estimate
        var updates = 0
        if actor.shouldUpdate(estimate: estimate.w, counter: episodes) {
            try agent.update(&actor, along: estimate.w)
            let beta = configuration.base.forgetting
            statistics = statistics * beta
            scale(&target, by: beta)
            updates = 1
        }
        return LearnerIteration(completedEpisodes: [episode.completed], environmentSteps: episode.length,
                                policyUpdates: updates, diagnostics: diagnostics(latestEstimate))
    }
}
