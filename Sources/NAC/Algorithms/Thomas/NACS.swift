/// NAC-S(λ), Thomas (2014) Algorithm 2 (spec §2.5): a natural actor-critic whose critic is the
/// modified Sarsa(λ) of §2.1 (`SarsaCompatibleCritic`), biased (f(t) = 1) or unbiased
/// (f(t) = γ^t).
///
///     1  w ← 0; v ← 0; count ← 0                                  (once)
///     4  e^w ← 0; e^v ← 0                                         (every episode)
///     6  a_t ~ π(s_t, ·, θ); observe r_t, s_{t+1}; count += 1
///     7  δ_t = r_t + γ vᵀφ(s_{t+1}) − vᵀφ(s_t)
///     8  e^w ← γλ e^w + f(t) ψ_θ(s_t, a_t);   9  e^v ← γλ e^v + f(t) φ(s_t)
///    10  w ← w + α^w_{t−τ₁} [δ_t − wᵀψ_θ] e^w;   11  v ← v + α^v_{t−τ₁} δ_t e^v
///    12  if TYPE 1 (∠(w_t, w_{t−k}) ≤ ε) or TYPE 2 (count mod k = 0):
///    13      θ ← θ + η_{τ₂} w/‖w‖;  τ₁ ← t;  τ₂ ← τ₂ + 1
///
/// **Counters (spec §2.5 note, §5 point 2).** By default τ₁ and τ₂ are initialised once, next
/// to w and v: t in α_{t−τ₁} is the global step index, τ₁ the global step of the last actor
/// update, τ₂ the number of actor updates so far, and TYPE 1's ring buffer of the last k
/// values of w runs across episodes. With `resetsCountersEachEpisode` (Algorithm 2 as printed)
/// τ₁, τ₂ and the ring buffer restart every episode and t is the step inside the episode.
///
/// Spec PITFALL 1: keep α^w · Σ_t f(t)² · E[ψ²] ≲ 0.05 per episode. One `iterate()` runs one
/// episode.
/// - Complexity: O(n + m) per step plus one 1-row engine call for ψ_θ.
public struct NACS<E: Environment, P: Policy & PersistableModel>: Learner where P.Scalar == E.Scalar {
    public typealias Scalar = E.Scalar
    public let configuration: ResolvedThomasConfiguration<Scalar>
    var agent: ThomasAgent<E, P>
    var actor: Actor<Scalar>
    /// w, v and the traces.
    public private(set) var critic: SarsaCompatibleCritic<Scalar>
    /// τ₁: the step index of the last actor update.
    public private(set) var criticStepOffset = 0
    private var globalStep = 0

    public var name: String { ThomasAlgorithm.nacS.rawValue }
    public var policy: P { agent.policy }
    public var currentPolicy: SavedModel<Scalar> { agent.policy.savedModel }
    /// The critic's current w and v.
    public var latestEstimate: NaturalGradientEstimate<Scalar>? { NaturalGradientEstimate(w: critic.w, v: critic.v) }

    /// - Throws: `AlgorithmError` for an invalid configuration or a policy that does not fit.
    public init(environment: E, policy: P, features: BaselineFeatures<Scalar> = .constant,
                configuration: ThomasConfiguration<Scalar> = .init(), seed: UInt64 = 0) throws(AlgorithmError) {
        try configuration.validate(for: .nacS)
        let c = configuration.resolved(for: .nacS)
        self.configuration = c
        agent = try ThomasAgent(environment: environment, policy: policy, features: features,
                                trainable: configuration.trainableParameters, seed: seed, algorithm: .nacS,
                                discount: configuration.discount)
        actor = Actor(rule: c.actorUpdate, step: c.actorStep, stepSize: c.actorStepSize)
        let n = agent.parameterCount
        critic = try wrapCritic { () throws(NaturalGradientError) in
            try SarsaCompatibleCritic(
                parameterCount: n, featureCount: features.featureCount, discount: configuration.discount,
                traceDecay: configuration.traceDecay, timeWeighting: c.timeWeighting,
                weightStepSize: configuration.criticStepSize.value(at: 0),
                baselineStepSize: configuration.baselineStepSize.value(at: 0))
        }
    }

    /// Runs one episode (Algorithm 2 lines 3–14).
    public mutating func iterate() throws(AlgorithmError) -> LearnerIteration {
        let literal = configuration.base.resetsCountersEachEpisode
        var observation = agent.reset()
        critic.resetEpisode()                                      // line 4
        if literal {
            criticStepOffset = 0
            actor.updateCount = 0
            actor.history?.reset()
        }
        var total = 0.0, updates = 0, t = 0
        var segment: OnlineSegment<Scalar>
        repeat {
            segment = try agent.collectSegment(from: &observation, rule: actor.rule)   // line 6
            for i in 0..<segment.count {
                let transition = segment.transition(i, features: agent.features)
                let index = literal ? t : globalStep
                let alphaW = configuration.base.criticStepSize.value(at: index - criticStepOffset)
                let alphaV = configuration.base.baselineStepSize.value(at: index - criticStepOffset)
                try wrapCritic { () throws(NaturalGradientError) in
                    try critic.setStepSizes(weight: alphaW, baseline: alphaV)
                    try critic.update(transition)                      // lines 7–11
                }
                total += Double(segment.rewards[i])
                if actor.shouldUpdate(estimate: critic.w, counter: segment.counts[i]) {   // line 12
                    try agent.update(&actor, along: critic.w)          // line 13
                    criticStepOffset = index
                    updates += 1
                }
                t += 1
                globalStep += 1
            }
        } while !segment.endsEpisode                                   // line 14
        let truncated = segment.truncated
        return LearnerIteration(
            completedEpisodes: [CompletedEpisode(totalReward: total, length: t, truncated: truncated)],
            environmentSteps: t, policyUpdates: updates, diagnostics: diagnostics(latestEstimate))
    }
}
