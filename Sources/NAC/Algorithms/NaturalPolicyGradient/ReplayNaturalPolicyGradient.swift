/// Hyper-parameters of `ReplayNaturalPolicyGradient`.
public struct ReplayNaturalPolicyGradientConfiguration<Scalar: NACScalar>: Sendable {
    /// The shared settings: collection (N copies × T steps per iteration), γ, GAE λ, δ, damping,
    /// advantage normalisation (per minibatch), the value network and its fit, the seed. The
    /// line-search fields limit the KL backtracking of the actor step (measured on the last
    /// minibatch); `solver` must be `.fisherSystem`.
    public var base = NaturalPolicyGradientConfiguration<Scalar>()
    /// C, the transitions the FIFO buffer holds (the oldest are overwritten).
    public var bufferCapacity = 8192
    /// M, transitions per minibatch (drawn uniformly with replacement from the buffer).
    public var minibatchSize = 512
    /// K, minibatch compatible regressions per actor update (the critic's fast timescale).
    public var minibatchesPerUpdate = 4
    /// β ∈ (0, 1], the rate of the critic's running average x̄ ← (1 − β) x̄ + β x_k.
    public var criticAveraging: Scalar = 0.5
    /// c̄ > 0: importance weights ω = min(c̄, π_θ(a|s) / μ(a|s)) weight the regression; nil
    /// disables them (all ω = 1).
    public var importanceWeightClip: Scalar? = 1

    public init() {
        base.copies = 8
        base.stepsPerCopy = 64
        base.maximumKL = 0.01
        base.solver = .fisherSystem
    }

    /// Checks every hyper-parameter.
    public func validate() throws(TrainingError) {
        try base.validate()
        guard base.solver == .fisherSystem else {
            throw .invalidHyperparameter(name: "solver", value: "\(base.solver)", requirement: "must be .fisherSystem for the replay variant")
        }
        try requireTrainingCount("bufferCapacity", bufferCapacity)
        try requireTrainingCount("minibatchSize", minibatchSize)
        try requireTrainingCount("minibatchesPerUpdate", minibatchesPerUpdate)
        guard criticAveraging.isFinite, criticAveraging > 0, criticAveraging <= 1 else {
            throw .invalidHyperparameter(name: "criticAveraging", value: "\(criticAveraging)", requirement: "must lie in (0, 1]")
        }
        if let c = importanceWeightClip { try requireTrainingPositive("importanceWeightClip", c) }
        guard bufferCapacity >= base.batchSize else {
            throw .invalidHyperparameter(name: "bufferCapacity", value: "\(bufferCapacity)",
                                         requirement: "must hold at least one iteration's \(base.batchSize) transitions")
        }
    }
}

/// The replay-buffer natural policy gradient used in practice: experience is stored, the
/// compatible regression is solved on minibatches of stored transitions, and the policy moves on
/// a slower timescale than the compatible critic.
///
/// **What is stored.** Per transition, in a FIFO ring buffer of capacity C: the observation s_t,
/// the action a_t, the GAE(γ, λ) advantage Â_t, and the behaviour log-probability log μ(a_t|s_t)
/// (μ = the policy that acted). Â_t is computed **once, at insertion**, from the rollout it came
/// from with the value baseline of that moment (bootstrapped at truncations and at each copy's
/// last step, exactly as in `NaturalPolicyGradient`); it is not recomputed later, so older
/// entries carry the advantages of an older policy and critic — the buffer's staleness, bounded
/// by C / (N·T) iterations.
///
/// **Each iteration.**
/// 1. Collect N·T steps with π_θ, estimate Â with V, append to the buffer; fit V by Adam to the
///    fresh rollout's λ-returns (on-policy targets only).
/// 2. Critic, fast timescale: K times, draw a minibatch of M stored transitions uniformly (with
///    replacement), compute their scores ψ under the **current** θ (one engine call; the same
///    call gives log π_θ(a|s)), the importance weights ω = min(c̄, π_θ(a|s)/μ(a|s)) (truncated
///    importance sampling) and, optionally, Â normalised within the minibatch, and solve the
///    compatible loss
///
///        x_k = argmin_x  Σ_b ω_b (ψ_bᵀ x − Â_b)² / Σω + λ ‖x‖²
///
///    by `FisherSystem.solve()`; average x̄ ← (1 − β) x̄ + β x_k (x̄ persists across iterations).
/// 3. Actor, slow timescale: one step Δθ = η x̄ per iteration with η = √(2δ / x̄ᵀF x̄), F the
///    (weighted) Fisher of the last minibatch, halved while the measured KL on that minibatch
///    exceeds `klTolerance` · δ (up to `maximumBacktracks` times).
///
/// Diagnostics: `kl`, `step_size`, `wFw`, `natural_gradient_norm` (‖x̄‖), `minibatch_solution_norm`
/// (‖x_K‖), `solve_residual`, `importance_weight_mean`, `buffer_size`, `value_loss`.
public struct ReplayNaturalPolicyGradient<P: Policy & PersistableModel, Base: Environment>: Learner
where P.Scalar == Base.Scalar {
    public typealias Scalar = P.Scalar

    public let configuration: ReplayNaturalPolicyGradientConfiguration<Scalar>
    public private(set) var policy: P
    public private(set) var baseline: ValueBaseline<Scalar>
    public private(set) var collector: RolloutCollector<Base>
    public private(set) var iteration = 0
    /// x̄, the running compatible weights (length P).
    public private(set) var criticWeights: [Scalar]
    /// Transitions stored.
    public private(set) var bufferCount = 0
    private var bufferNext = 0
    private var storedObservations: [Scalar]
    private var storedActions: [Scalar]
    private var storedAdvantages: [Scalar]
    private var storedLogProbabilities: [Scalar]
    private let observationWidth: Int
    private let actionWidth: Int
    private var sampler: Xoshiro256StarStar
    private var scoreBuffer = Matrix<Scalar>(rows: 0, columns: 0, repeating: 0)

    public var name: String { "npg-replay" }
    public var currentPolicy: SavedModel<Scalar> { policy.savedModel }

    public init(policy: P, environment: Base, configuration: ReplayNaturalPolicyGradientConfiguration<Scalar>) throws(TrainingError) {
        try configuration.validate()
        try checkCompatibility(policy: policy, environment: environment)
        self.configuration = configuration
        self.policy = policy
        let c = configuration.base
        var seeds = Xoshiro256StarStar(seed: c.seed)
        collector = RolloutCollector(environment: environment, copies: c.copies, seed: seeds.childSeed())
        let critic = MLPValueFunction<Scalar>(observationDimension: environment.observationDimension,
                                              hiddenLayers: c.valueHiddenLayers, seed: seeds.childSeed())
        baseline = ValueBaseline(critic: critic, learningRate: c.valueLearningRate, epochs: c.valueEpochs,
                                 minibatchSize: c.valueMinibatchSize, seed: seeds.childSeed())
        sampler = Xoshiro256StarStar(seed: seeds.childSeed())
        observationWidth = environment.observationDimension
        switch policy.actionSpace {
        case .discrete: actionWidth = 1
        case .continuous(let a): actionWidth = a
        }
        let capacity = configuration.bufferCapacity
        storedObservations = [Scalar](repeating: 0, count: capacity * observationWidth)
        storedActions = [Scalar](repeating: 0, count: capacity * actionWidth)
        storedAdvantages = [Scalar](repeating: 0, count: capacity)
        storedLogProbabilities = [Scalar](repeating: 0, count: capacity)
        criticWeights = [Scalar](repeating: 0, count: policy.parameterCount)
    }

    public mutating func iterate() throws -> LearnerIteration { try iterateTyped() }

    /// `iterate()` with its typed error.
    public mutating func iterateTyped() throws(TrainingError) -> LearnerIteration {
        iteration += 1
        let r = configuration, c = r.base
        // 1. Collect, estimate, store; fit V on the fresh rollout.
        let rollout = try collector.collect(policy: policy, stepsPerCopy: c.stepsPerCopy)
        let estimate = try estimateAdvantages(rollout, baseline: baseline, discount: c.discount, lambda: c.gaeLambda,
                                              iteration: iteration)
        let behaviour: [Scalar]
        do { behaviour = try policy.logProbabilities(observations: rollout.observations, actions: rollout.actions) } catch {
            throw .policy(error)
        }
        store(rollout, advantages: estimate.advantages, logProbabilities: behaviour)
        let valueLoss = baseline.fit(observations: rollout.observations, targets: estimate.lambdaReturns)
        try requireTrainingFinite("value loss", [valueLoss], iteration: iteration)

        // 2. Critic: K minibatch compatible regressions, averaged.
        var lastSolution: [Scalar] = [], residual: Scalar = 0, weightMean: Scalar = 0
        var lastObservations = Matrix<Scalar>(rows: 0, columns: observationWidth, repeating: 0)
        var lastWeights: [Scalar] = []
        for _ in 0..<r.minibatchesPerUpdate {
            let (observations, actions, advantages, oldLogProbabilities) = sampleMinibatch()
            let logProbabilities: [Scalar]
            do { logProbabilities = try policy.scores(observations: observations, actions: actions, into: &scoreBuffer) } catch {
                throw .policy(error)
            }
            try requireTrainingFinite("scores", scoreBuffer.elements, iteration: iteration)
            var weights: [Scalar]? = nil
            if let clip = r.importanceWeightClip {
                weights = (0..<logProbabilities.count).map {
                    min(clip, Scalar.exp(logProbabilities[$0] - oldLogProbabilities[$0]))
                }
                try requireTrainingFinite("importance weights", weights!, iteration: iteration)
            }
            let targets = c.normalizeAdvantages ? normalized(advantages) : advantages
            let solution: NaturalGradientSolution<Scalar>
            do {
                solution = try FisherSystem(scores: scoreBuffer, advantages: targets, weights: weights, damping: c.damping).solve()
            } catch { throw .naturalGradient(error) }
            try requireTrainingFinite("minibatch compatible weights", solution.w, iteration: iteration)
            scale(&criticWeights, by: 1 - r.criticAveraging)
            axpy(r.criticAveraging, solution.w, &criticWeights)
            lastSolution = solution.w
            residual = solution.diagnostics.relativeResidual
            lastObservations = observations
            lastWeights = weights ?? [Scalar](repeating: 1, count: observations.rows)
            weightMean = lastWeights.reduce(0, +) / Scalar(lastWeights.count)
        }
        try requireTrainingFinite("natural gradient", criticWeights, iteration: iteration)

        // 3. Actor: one KL-normalised step along x̄ (F of the last minibatch, weighted).
        let projected = scoreBuffer.multiplied(by: criticWeights)
        var quadratic: Scalar = 0, total: Scalar = 0
        for b in 0..<projected.count {
            quadratic += lastWeights[b] * projected[b] * projected[b]
            total += lastWeights[b]
        }
        quadratic /= max(total, Scalar.leastNormalMagnitude)
        try requireTrainingFinite("x̄ᵀFx̄", [quadratic], iteration: iteration)
        var eta = TrustRegionStep.stepSize(maximumKL: c.maximumKL, quadraticForm: quadratic)
        var accepted = false, backtracks = 0, measuredKL: Scalar = 0
        while eta > 0 {
            var candidate = policy
            var theta = policy.parameters
            axpy(eta, criticWeights, &theta)
            try requireTrainingFinite("policy parameters", theta, iteration: iteration)
            candidate.parameters = theta
            let kl: [Scalar]
            do { kl = try policy.klDivergence(to: candidate, observations: lastObservations) } catch { throw .policy(error) }
            measuredKL = kl.reduce(0, +) / Scalar(kl.count)
            try requireTrainingFinite("KL divergence", [measuredKL], iteration: iteration)
            if measuredKL <= c.klTolerance * c.maximumKL || c.maximumBacktracks == 0 {
                policy = candidate
                accepted = true
                break
            }
            if backtracks >= c.maximumBacktracks { break }
            backtracks += 1
            eta *= c.backtrackFactor
        }
        let diagnostics: [String: Double] = [
            "kl": accepted ? Double(measuredKL) : 0,
            "step_size": accepted ? Double(eta) : 0,
            "wFw": Double(quadratic),
            "natural_gradient_norm": Double(norm(criticWeights)),
            "minibatch_solution_norm": Double(norm(lastSolution)),
            "solve_residual": Double(residual),
            "importance_weight_mean": Double(weightMean),
            "buffer_size": Double(bufferCount),
            "backtracks": Double(backtracks),
            "value_loss": Double(valueLoss),
        ]
        return LearnerIteration(completedEpisodes: rollout.completedEpisodes, environmentSteps: rollout.count,
                                policyUpdates: accepted ? 1 : 0, diagnostics: diagnostics)
    }

    private mutating func store(_ rollout: Rollout<Scalar>, advantages: [Scalar], logProbabilities: [Scalar]) {
        let d = observationWidth, a = actionWidth, capacity = configuration.bufferCapacity
        let actions = rollout.actions.engineInput
        for t in 0..<rollout.count {
            let slot = bufferNext
            for j in 0..<d { storedObservations[slot * d + j] = rollout.observations.elements[t * d + j] }
            for j in 0..<a { storedActions[slot * a + j] = actions.elements[t * a + j] }
            storedAdvantages[slot] = advantages[t]
            storedLogProbabilities[slot] = logProbabilities[t]
            bufferNext = (bufferNext + 1) % capacity
            bufferCount = min(bufferCount + 1, capacity)
        }
    }

    private mutating func sampleMinibatch() -> (Matrix<Scalar>, Actions<Scalar>, [Scalar], [Scalar]) {
        let m = configuration.minibatchSize, d = observationWidth, a = actionWidth
        var observations = [Scalar](repeating: 0, count: m * d)
        var actionValues = [Scalar](repeating: 0, count: m * a)
        var advantages = [Scalar](repeating: 0, count: m)
        var logProbabilities = [Scalar](repeating: 0, count: m)
        for b in 0..<m {
            let slot = Int(sampler.next() % UInt64(bufferCount))
            for j in 0..<d { observations[b * d + j] = storedObservations[slot * d + j] }
            for j in 0..<a { actionValues[b * a + j] = storedActions[slot * a + j] }
            advantages[b] = storedAdvantages[slot]
            logProbabilities[b] = storedLogProbabilities[slot]
        }
        let actions: Actions<Scalar>
        switch policy.actionSpace {
        case .discrete: actions = .discrete(actionValues.map { Int($0) })
        case .continuous: actions = .continuous(Matrix(rows: m, columns: a, elements: actionValues))
        }
        return (Matrix(rows: m, columns: d, elements: observations), actions, advantages, logProbabilities)
    }
}
