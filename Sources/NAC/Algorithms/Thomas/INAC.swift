/// INAC, the incremental natural actor-critic of Degris, Pilarski & Sutton (2012), spec §2.7
/// (from third-party code; the paper text was not available — spec §5 point 4):
///
///     δ   = r − R̄ + γ vᵀφ(s′) − vᵀφ(s);      R̄ ← R̄ + α_R δ
///     e^v ← γλ e^v + f(t) φ(s);                v ← v + α^v δ e^v
///     e^u ← γλ e^u + f(t) ψ_θ(s, a);           w ← w − α^w ψ_θψ_θᵀ w + α^w δ e^u
///     θ   ← θ + α_u w                           (every step, not normalised, by default)
///
/// f(t) = 1 is INAC as published (biased in Thomas's sense; the default). f(t) = γ^t is the
/// "INAC with the γ^t term" of T14 §5. The source uses one step α^v for both v and w; here w
/// has its own `criticStepSize` (set it equal to `baselineStepSize` to match). Traces restart
/// every episode; φ(terminal) = 0. One `iterate()` runs one episode.
public struct INAC<E: Environment, P: Policy & PersistableModel>: Learner where P.Scalar == E.Scalar {
    public typealias Scalar = E.Scalar
    public let configuration: ResolvedThomasConfiguration<Scalar>
    var agent: ThomasAgent<E, P>
    var actor: Actor<Scalar>
    /// w.
    public private(set) var w: [Scalar]
    /// v.
    public private(set) var v: [Scalar]
    /// R̄, the running average reward.
    public private(set) var averageReward: Scalar = 0
    private var globalStep = 0

    public var name: String { ThomasAlgorithm.inac.rawValue }
    public var policy: P { agent.policy }
    public var currentPolicy: SavedModel<Scalar> { agent.policy.savedModel }
    public var latestEstimate: NaturalGradientEstimate<Scalar>? { NaturalGradientEstimate(w: w, v: v) }

    public init(environment: E, policy: P, features: BaselineFeatures<Scalar> = .constant,
                configuration: ThomasConfiguration<Scalar> = .init(), seed: UInt64 = 0) throws(AlgorithmError) {
        try configuration.validate(for: .inac)
        let c = configuration.resolved(for: .inac)
        self.configuration = c
        agent = try ThomasAgent(environment: environment, policy: policy, features: features,
                                trainable: configuration.trainableParameters, seed: seed, algorithm: .inac,
                                discount: configuration.discount)
        actor = Actor(rule: c.actorUpdate, step: c.actorStep, stepSize: c.actorStepSize)
        w = Array(repeating: 0, count: agent.parameterCount)
        v = Array(repeating: 0, count: features.featureCount)
    }

    /// Runs one episode.
    public mutating func iterate() throws(AlgorithmError) -> LearnerIteration {
        let base = configuration.base
        let gamma = base.discount, decay = base.discount * base.traceDecay
        var observation = agent.reset()
        var traceV = [Scalar](repeating: 0, count: v.count), traceU = [Scalar](repeating: 0, count: w.count)
        var f: Scalar = 1
        var total = 0.0, updates = 0, t = 0
        var segment: OnlineSegment<Scalar>
        repeat {
            segment = try agent.collectSegment(from: &observation, rule: actor.rule)
            for i in 0..<segment.count {
                let psi = segment.score(i), reward = segment.rewards[i], terminated = segment.ends[i] == .terminated
                let phi = agent.features(segment.observations[i])
                var delta = reward - averageReward - dot(v, phi)
                if !terminated { delta += gamma * dot(v, agent.features(segment.nextObservations[i])) }
                let alphaW = base.criticStepSize.value(at: globalStep)
                let alphaV = base.baselineStepSize.value(at: globalStep)
                let newAverage = averageReward + base.averageRewardStepSize * delta
                scale(&traceV, by: decay)
                axpy(f, phi, &traceV)
                scale(&traceU, by: decay)
                axpy(f, psi, &traceU)
                var newV = v, newW = w
                axpy(alphaV * delta, traceV, &newV)
                axpy(-alphaW * dot(psi, w), psi, &newW)
                axpy(alphaW * delta, traceU, &newW)
                guard newAverage.isFinite, newV.allSatisfy(\.isFinite), newW.allSatisfy(\.isFinite) else {
                    throw .nonFinite(quantity: "critic (w, v, average reward)", step: globalStep + 1)
                }
                (averageReward, v, w) = (newAverage, newV, newW)
                total += Double(reward)
                if actor.shouldUpdate(estimate: w, counter: segment.counts[i]) {
                    try agent.update(&actor, along: w)
                    updates += 1
                }
                if configuration.timeWeighting == .unbiased { f *= gamma }
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
