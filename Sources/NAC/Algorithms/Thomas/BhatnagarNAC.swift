/// Algorithm 3 of Bhatnagar, Sutton, Ghavamzadeh & Lee (2009), "Natural actor-critic
/// algorithms" (Automatica), the natural actor-critic with advantage parameters, in the
/// average-reward setting (spec §2.6; the equations are from the spec author's background and
/// third-party code, spec §5 point 4):
///
///     Ĵ ← (1 − ξ) Ĵ + ξ r_{t+1}
///     δ_t = r_{t+1} − Ĵ + vᵀφ(s_{t+1}) − vᵀφ(s_t)      (φ(terminal) = 0)
///     v ← v + α^v δ_t φ(s_t)
///     w ← w + α^w (δ_t − ψ_θᵀ w) ψ_θ
///     θ ← θ + η_t w                                      (every step: TYPE 2, k = 1, not normalised)
///
/// Two timescales: η_t = o(α_t) (choose `actorStepSize` much smaller than `criticStepSize`). The
/// published algorithm uses one α for v and w; here they are `baselineStepSize` and
/// `criticStepSize`. There is no f(t) switch and γ is not used. One `iterate()` runs one
/// episode; Ĵ, v and w persist across episodes.
public struct BhatnagarNAC<E: Environment, P: Policy & PersistableModel>: Learner where P.Scalar == E.Scalar {
    public typealias Scalar = E.Scalar
    public let configuration: ResolvedThomasConfiguration<Scalar>
    var agent: ThomasAgent<E, P>
    var actor: Actor<Scalar>
    public private(set) var w: [Scalar]
    public private(set) var v: [Scalar]
    /// Ĵ.
    public private(set) var averageReward: Scalar = 0
    private var globalStep = 0

    public var name: String { ThomasAlgorithm.bhatnagar.rawValue }
    public var policy: P { agent.policy }
    public var currentPolicy: SavedModel<Scalar> { agent.policy.savedModel }
    public var latestEstimate: NaturalGradientEstimate<Scalar>? { NaturalGradientEstimate(w: w, v: v) }

    public init(environment: E, policy: P, features: BaselineFeatures<Scalar> = .constant,
                configuration: ThomasConfiguration<Scalar> = .init(), seed: UInt64 = 0) throws(AlgorithmError) {
        try configuration.validate(for: .bhatnagar)
        let c = configuration.resolved(for: .bhatnagar)
        self.configuration = c
        agent = try ThomasAgent(environment: environment, policy: policy, features: features,
                                trainable: configuration.trainableParameters, seed: seed, algorithm: .bhatnagar,
                                discount: configuration.discount)
        actor = Actor(rule: c.actorUpdate, step: c.actorStep, stepSize: c.actorStepSize)
        w = Array(repeating: 0, count: agent.parameterCount)
        v = Array(repeating: 0, count: features.featureCount)
    }

    /// Runs one episode.
    public mutating func iterate() throws(AlgorithmError) -> LearnerIteration {
        let base = configuration.base
        let xi = base.averageRewardStepSize
        var observation = agent.reset()
        var total = 0.0, updates = 0, t = 0
        var segment: OnlineSegment<Scalar>
        repeat {
            segment = try agent.collectSegment(from: &observation, rule: actor.rule)
            for i in 0..<segment.count {
                let psi = segment.score(i), reward = segment.rewards[i], terminated = segment.ends[i] == .terminated
                let phi = agent.features(segment.observations[i])
                let newAverage = (1 - xi) * averageReward + xi * reward
                var delta = reward - newAverage - dot(v, phi)
                if !terminated { delta += dot(v, agent.features(segment.nextObservations[i])) }
                let alphaW = base.criticStepSize.value(at: globalStep)
                let alphaV = base.baselineStepSize.value(at: globalStep)
                var newV = v, newW = w
                axpy(alphaV * delta, phi, &newV)
                axpy(alphaW * (delta - dot(psi, w)), psi, &newW)
                guard newAverage.isFinite, newV.allSatisfy(\.isFinite), newW.allSatisfy(\.isFinite) else {
                    throw .nonFinite(quantity: "critic (w, v, average reward)", step: globalStep + 1)
                }
                (averageReward, v, w) = (newAverage, newV, newW)
                total += Double(reward)
                if actor.shouldUpdate(estimate: w, counter: segment.counts[i]) {
                    try agent.update(&actor, along: w)
                    updates += 1
                }
                t += 1
                globalStep += 1
            }
        } while !segment.endsEpisode
        let truncated = segment.truncated
        return LearnerIteration(
            completedEpisodes: [CompletedEpisode(totalReward: total, length: t, truncated: truncated)],
            environmentSteps: t, policyUpdates: updates,
            diagnostics: diagnostics(latestEstimate).merging(["average_reward": Double(averageReward)]) { a, _ in a })
    }
}
