/// NAC-LSTD (Peters & Schaal 2008), biased (f(t) = 1, the original) or unbiased (f(t) = γ^t,
/// Thomas 2014 §5), following the pseudocode of spec §2.2 line by line.
///
/// Per step t of an episode (t from 0; z ← 0 at the episode start, spec §2.2 [INFERRED]):
///
///     a_t ~ π(s_t, ·, θ); observe r_t, s_{t+1}; count += 1
///     φ̂_t = [ψ_θ(s_t, a_t) ; φ(s_t)],  φ̃_t = [0 ; φ(s_{t+1})]  (0 if s_{t+1} is terminal)
///     z ← c z + f(t) φ̂_t,   c = γλ (default; spec PITFALL 2) or λ (`literalTrace`)
///     A ← A + z (φ̂_t − γ φ̃_t)ᵀ,  b ← b + z r_t
///     [w ; v] ← solve(A, b)
///     if TYPE 1 (∠(w, w_{k solves ago}) ≤ ε) or TYPE 2 (count mod k = 0):
///         θ ← θ + η_τ w/‖w‖;  τ += 1;  A ← βA, b ← βb, z ← βz
///
/// The statistics are `LSTDQAccumulator`'s (which orders ϖ as [w ; v]). P&S re-solve every
/// step; this implementation solves only when the result is used — every step under TYPE 1,
/// at the update steps under TYPE 2, and at episode ends for `latestEstimate` (unless the last
/// step updated the actor: then it is that update's w) — which gives the same θ trajectory.
/// One `iterate()` runs one episode.
/// - Complexity: O(N²) per step plus O(N³) per solve, N = n + m.
public struct NACLSTD<E: Environment, P: Policy & PersistableModel>: Learner where P.Scalar == E.Scalar {
    public typealias Scalar = E.Scalar
    public let configuration: ResolvedThomasConfiguration<Scalar>
    var agent: ThomasAgent<E, P>
    var actor: Actor<Scalar>
    /// A, b, z.
    public private(set) var statistics: LSTDQAccumulator<Scalar>
    /// The latest solve of A ϖ = b.
    public private(set) var latestEstimate: NaturalGradientEstimate<Scalar>?

    public var name: String { ThomasAlgorithm.nacLSTD.rawValue }
    public var policy: P { agent.policy }
    public var currentPolicy: SavedModel<Scalar> { agent.policy.savedModel }

    /// - Throws: `AlgorithmError` for an invalid configuration or a policy that does not fit.
    public init(environment: E, policy: P, features: BaselineFeatures<Scalar> = .constant,
                configuration: ThomasConfiguration<Scalar> = .init(), seed: UInt64 = 0) throws(AlgorithmError) {
        try configuration.validate(for: .nacLSTD)
        let c = configuration.resolved(for: .nacLSTD)
        self.configuration = c
        agent = try ThomasAgent(environment: environment, policy: policy, features: features,
                                trainable: configuration.trainableParameters, seed: seed, algorithm: .nacLSTD,
                                discount: configuration.discount)
        actor = Actor(rule: c.actorUpdate, step: c.actorStep, stepSize: c.actorStepSize)
        let n = agent.parameterCount
        statistics = try wrapCritic { () throws(NaturalGradientError) in
            try LSTDQAccumulator(parameterCount: n, featureCount: features.featureCount,
                                 discount: configuration.discount, traceDecay: configuration.traceDecay,
                                 timeWeighting: c.timeWeighting, literalTrace: configuration.literalTrace,
                                 forgetting: configuration.forgetting,
                                 trackedInverseRidge: configuration.lstdSolve == .trackedInverse
                                     ? configuration.lstdTrackedInverseRidge : nil)
        }
    }

    /// Solves A ϖ = b by `lstdSolve`. With `.trackedInverse`, a Sherman–Morrison breakdown (a
    /// tiny denominator on the way) is answered by re-inverting A + εI directly, once.
    private mutating func solve() throws(AlgorithmError) -> NaturalGradientEstimate<Scalar> {
        let method = configuration.base.lstdSolve
        let solution: CompatibleCriticSolution<Scalar>
        do throws(NaturalGradientError) {
            solution = try statistics.solve(method)
        } catch {
            guard case .trackedInverseUnavailable(denominator: .some) = error else { throw .critic(error) }
            do throws(NaturalGradientError) {
                try statistics.refreshTrackedInverse()
                solution = try statistics.solve(method)
            } catch {
                throw .critic(error)
            }
        }
        return NaturalGradientEstimate(w: solution.w, v: solution.v)
    }

    /// Forgets after an actor update. With the tracked inverse and β > 0, the accumulator
    /// rescales M, which leaves the ridge at εβ after the update — ever smaller, until round-off
    /// along A's null directions (a softmax policy always has some) dominates w. So M is
    /// re-inverted at the configured ε (O(N³), once per actor update): ϖ stays `.ridge(ε)`'s.
    private mutating func forget() throws(AlgorithmError) {
        statistics.forget()
        guard configuration.base.lstdSolve == .trackedInverse, configuration.base.forgetting > 0 else { return }
        do throws(NaturalGradientError) {
            try statistics.refreshTrackedInverse(ridge: configuration.base.lstdTrackedInverseRidge)
        } catch {
            throw .critic(error)
        }
    }

    /// Runs one episode.
    public mutating func iterate() throws(AlgorithmError) -> LearnerIteration {
        var observation = agent.reset()
        statistics.resetEpisode()
        var total = 0.0, steps = 0, updates = 0, truncated = false
        var updatedAtLastStep = false
        var segment: OnlineSegment<Scalar>
        repeat {
            segment = try agent.collectSegment(from: &observation, rule: actor.rule)
            for i in 0..<segment.count {
                let transition = segment.transition(i, features: agent.features)
                try wrapCritic { () throws(NaturalGradientError) in try statistics.observe(transition) }
                total += Double(segment.rewards[i])
                steps += 1
                var estimate: NaturalGradientEstimate<Scalar>? = nil
                updatedAtLastStep = false
                if actor.needsEveryEstimate {
                    estimate = try solve()
                    latestEstimate = estimate
                }
                if actor.shouldUpdate(estimate: estimate?.w, counter: segment.counts[i]) {
                    let w: NaturalGradientEstimate<Scalar>
                    if let estimate { w = estimate } else { w = try solve() }
                    latestEstimate = w
                    try agent.update(&actor, along: w.w)
                    try forget()
                    updates += 1
                    updatedAtLastStep = true
                }
            }
        } while !segment.endsEpisode
        truncated = segment.truncated
        // The estimate at the episode's end; after an update at its last step that is the
        // update's w (the statistics were just forgotten, and β = 0 would leave w = 0).
        if !actor.needsEveryEstimate && !updatedAtLastStep { latestEstimate = try solve() }
        return LearnerIteration(
            completedEpisodes: [CompletedEpisode(totalReward: total, length: steps, truncated: truncated)],
            environmentSteps: steps, policyUpdates: updates,
            diagnostics: diagnostics(latestEstimate))
    }
}

func diagnostics<Scalar: NACScalar>(_ estimate: NaturalGradientEstimate<Scalar>?) -> [String: Double] {
    guard let estimate else { return [:] }
    return ["w_norm": Double(norm(estimate.w))]
}
