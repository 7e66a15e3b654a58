/// The minibatch natural policy gradient with a KL trust region (Kakade 2002; Peters & Schaal
/// 2008; the "truncated natural policy gradient" of Schulman et al. 2015 / Rajeswaran et al.
/// 2017) for neural policies — one `iterate()` is one batch.
///
/// Each iteration, with the current policy π_θ and value baseline V:
///
/// 1. **Collect** T steps from each of N auto-resetting environment copies (`RolloutCollector`):
///    B = N·T samples (s_b, a_b, r_b, end_b), copy-major.
/// 2. **Advantages**: GAE(γ, λ) with V, bootstrapped at truncations and at each copy's last
///    step (`estimateAdvantages`): Â_b, and the λ-returns G^λ_b = Â_b + V(s_b); optionally
///    Â ← (Â − mean) / std.
/// 3. **Natural gradient** of the compatible regression min_w (1/B) ‖Ψ w − Â‖² + λ‖w‖², i.e.
///    (ΨᵀΨ/B + λI) w = ΨᵀÂ/B = g, with Ψ the B × P scores (row b = ψ_b = ∇θ log π(a_b | s_b)).
///    With `.fisherSystem`, Ψ in one engine call into a reused buffer, then `FisherSystem.solve()`
///    (automatic route). With `.factoredKernel`, the B × B kernel solution from the factored
///    per-sample Jacobian, never writing Ψ. `.automatic` (the default) takes the factored kernel
///    when B < P and the Fisher system otherwise. With `.matrixFreeConjugateGradient(k)`, g by
///    one reduced reverse pass and w by k CG steps on the engine's Fisher-vector products.
/// 4. **KL-normalised step**: Δθ = η w with η = √(2δ / wᵀFw) (`TrustRegionStep`), so the
///    quadratic model of the mean KL is exactly δ. F is by default the Fisher of the closed-form
///    KL at the batch's states (`TrustRegionCurvature.closedFormKL`), or the sampled ΨᵀΨ/B. With the line search, η is halved until the
///    measured mean KL(π_old ‖ π_new) over the batch is ≤ 1.5 δ and the surrogate
///    L(θ') = mean_b exp(log π_θ'(a_b|s_b) − log π_θ(a_b|s_b)) Â_b improves on L(θ) = mean Â.
/// 5. **Critic**: V is fitted to the λ-returns by Adam (`ValueBaseline.fit`).
///
/// Diagnostics (learning-curve columns): `kl` (measured mean KL of the accepted step), `kl_quadratic`
/// (½ η² wᵀFw), `step_size` (η), `wFw` (the curvature used), `wFw_sampled` (‖Ψw‖²/B), `gradient_norm` (‖g‖), `natural_gradient_norm` (‖w‖),
/// `solve_residual` (‖F w − g‖/‖g‖), `solve_fallback` (with the factored kernel: 1 when it
/// failed numerically and the Fisher system was used), `backtracks`, `entropy` (mean policy entropy on the batch),
/// `value_loss` (½ MSE of V against the λ-returns before the fit), `mean_advantage_raw`.
///
/// ```swift
/// var config = NaturalPolicyGradientConfiguration<Double>()
/// let env = CartPole<Double>()
/// let policy = CategoricalPolicy<Double>(observationDimension: 4, hiddenLayers: [32], actionCount: 2, seed: 0)
/// var learner = try NaturalPolicyGradient(policy: policy, environment: env, configuration: config)
/// let step = try learner.iterate()      // B environment steps, one policy update
/// ```
public struct NaturalPolicyGradient<P: Policy & PersistableModel, Base: Environment>: Learner
where P.Scalar == Base.Scalar {
    public typealias Scalar = P.Scalar

    /// The hyper-parameters (validated at init).
    public let configuration: NaturalPolicyGradientConfiguration<Scalar>
    /// π_θ.
    public private(set) var policy: P
    /// V.
    public private(set) var baseline: ValueBaseline<Scalar>
    /// The environment copies and the action generator.
    public private(set) var collector: RolloutCollector<Base>
    /// Iterations done.
    public private(set) var iteration = 0
    /// The natural gradient of the last iteration (length P; empty before the first).
    public private(set) var lastNaturalGradient: [Scalar] = []
    /// The last batch (kept for inspection and tests).
    public private(set) var lastRollout: Rollout<Scalar>?
    /// The advantages the last natural gradient was computed from (after normalisation).
    public private(set) var lastAdvantages: [Scalar] = []
    /// The policy before the last update.
    public private(set) var previousPolicy: P?
    private var scoreBuffer = Matrix<Scalar>(rows: 0, columns: 0, repeating: 0)
    /// Data parallelism: when set, the update is computed from the union of this learner's batch
    /// and the batches of the other participants of the reduction (see
    /// `NaturalGradientReduction`); requires the `.fisherSystem` solver (`.automatic` resolves to
    /// it). `nil` (the default):
    /// this learner's batch alone.
    public var reduction: (any NaturalGradientReduction<Scalar>)?

    public var name: String { "npg" }
    public var currentPolicy: SavedModel<Scalar> { policy.savedModel }

    /// A learner for `policy` on N copies of `environment`.
    /// - Throws: `.invalidHyperparameter` (see `NaturalPolicyGradientConfiguration.validate`),
    ///   `.policyEnvironmentMismatch` when the policy's observation width or action kind/size
    ///   differ from the environment's.
    public init(policy: P, environment: Base, configuration: NaturalPolicyGradientConfiguration<Scalar>) throws(TrainingError) {
        try configuration.validate()
        try checkCompatibility(policy: policy, environment: environment)
        self.configuration = configuration
        self.policy = policy
        var seeds = Xoshiro256StarStar(seed: configuration.seed)
        collector = RolloutCollector(environment: environment, copies: configuration.copies, seed: seeds.childSeed())
        let critic = MLPValueFunction<Scalar>(observationDimension: environment.observationDimension,
                                              hiddenLayers: configuration.valueHiddenLayers, seed: seeds.childSeed())
        baseline = ValueBaseline(critic: critic, learningRate: configuration.valueLearningRate,
                                 epochs: configuration.valueEpochs, minibatchSize: configuration.valueMinibatchSize,
                                 seed: seeds.childSeed())
    }

    public mutating func iterate() throws -> LearnerIteration {
        try iterateTyped()
    }

    /// `iterate()` with its typed error.
    public mutating func iterateTyped() throws(TrainingError) -> LearnerIteration {
        iteration += 1
        let c = configuration
        let rollout = try collector.collect(policy: policy, stepsPerCopy: c.stepsPerCopy)
        let estimate = try estimateAdvantages(rollout, baseline: baseline, discount: c.discount,
                                              lambda: c.gaeLambda, iteration: iteration)
        let rawMean = estimate.advantages.reduce(0, +) / Scalar(rollout.count)
        // The solve this iteration: `.automatic` resolves by shape.
        var solver = c.solver
        if solver == .automatic {
            solver = reduction == nil && rollout.count < policy.parameters.count ? .factoredKernel : .fisherSystem
        }
        if reduction != nil && solver != .fisherSystem {
            throw .invalidHyperparameter(name: "solver", value: "\(c.solver)",
                                         requirement: "data-parallel training (a reduction) needs the fisherSystem solver")
        }
        // The batch size over all participants and the advantages' mean over them.
        let totalCount: Scalar
        let advantages: [Scalar]
        if let reduction {
            let (count, normalizedAdvantages) = try reducedNormalization(estimate.advantages, reduction: reduction)
            totalCount = count
            advantages = normalizedAdvantages
        } else {
            totalCount = Scalar(rollout.count)
            advantages = c.normalizeAdvantages ? normalized(estimate.advantages) : estimate.advantages
        }
        var diagnostics: [String: Double] = ["mean_advantage_raw": Double(rawMean)]

        // Natural gradient w and wᵀFw.
        let observations = rollout.observations, actions = rollout.actions
        let w: [Scalar], g: [Scalar], sampledQuadratic: Scalar, oldLogProbabilities: [Scalar]
        // The factored kernel: (log π(a_b|s_b), the solution, ‖Ψw‖²/B), or nil after a numerical
        // failure, which falls back to the Fisher system.
        var factoredKernel: (values: [Scalar], solution: NaturalGradientSolution<Scalar>, quadratic: Scalar)?
        if solver == .factoredKernel {
            do {
                let (values, factored) = try policy.logProbability.factoredPerSampleJacobian(
                    at: policy.parameters, inputs: [observations, actions.engineInput])
                let solution = try factored.naturalGradientByKernel(advantages: advantages, damping: c.damping)
                let u = factored.product(solution.w)
                factoredKernel = (values.elements, solution, dot(u, u) / Scalar(rollout.count))
                diagnostics["solve_fallback"] = 0
            } catch {
                diagnostics["solve_fallback"] = 1
                solver = .fisherSystem
            }
        }
        switch solver {
        case .factoredKernel:
            let result = factoredKernel!
            oldLogProbabilities = result.values
            w = result.solution.w
            g = result.solution.gradient
            sampledQuadratic = result.quadratic
            diagnostics["solve_residual"] = Double(result.solution.diagnostics.relativeResidual)
        case .fisherSystem, .automatic:
            do {
                oldLogProbabilities = try policy.scores(observations: observations, actions: actions, into: &scoreBuffer)
            } catch { throw .policy(error) }
            try requireTrainingFinite("scores", scoreBuffer.elements, iteration: iteration)
            let solution: NaturalGradientSolution<Scalar>
            do {
                let system = try FisherSystem(scores: scoreBuffer, advantages: advantages, damping: c.damping)
                if let reduction {
                    solution = try reduction.solve(system)
                } else {
                    solution = try system.solve()
                }
            } catch let error as TrainingError {
                throw error
            } catch let error as NaturalGradientError {
                throw .naturalGradient(error)
            } catch {
                preconditionFailure("unexpected error \(error)")
            }
            w = solution.w
            g = solution.gradient
            let localQuadratic = TrustRegionStep.quadraticForm(scores: scoreBuffer, direction: w)
            if let reduction {
                sampledQuadratic = try reducedMean(localQuadratic * Scalar(rollout.count), count: totalCount, reduction: reduction)
            } else {
                sampledQuadratic = localQuadratic
            }
            diagnostics["solve_residual"] = Double(solution.diagnostics.relativeResidual)
        case .matrixFreeConjugateGradient(let k):
            let f = policy.logProbability, theta = policy.parameters, inputs = [observations, actions.engineInput]
            let options = ConjugateGradientOptions<Scalar>(maximumIterations: k, onNonPositiveCurvature: .returnCurrentIterate,
                                                           verifyResidual: false)
            do {
                oldLogProbabilities = try policy.logProbabilities(observations: observations, actions: actions)
                g = try policy.meanLogProbabilityGradient(observations: observations, actions: actions, weights: advantages)
            } catch { throw .policy(error) }
            try requireTrainingFinite("policy gradient", g, iteration: iteration)
            // Built once for the batch: on the factored Jacobian (a few gemms per product), or on
            // the recorded tape for a policy that mixes samples.
            let fisher = f.fisherVectorProductOperator(at: theta, inputs: inputs)
            let solution: NaturalGradientSolution<Scalar>
            do {
                solution = try ConjugateGradient.solve(gradient: g, damping: c.damping, options: options,
                                                       fisherVectorProduct: fisher)
            } catch { throw .naturalGradient(error) }
            sampledQuadratic = dot(solution.w, fisher(solution.w))
            w = solution.w
            diagnostics["solve_residual"] = Double(solution.diagnostics.relativeResidual)
        }
        try requireTrainingFinite("natural gradient", w, iteration: iteration)
        try requireTrainingFinite("wᵀFw", [sampledQuadratic], iteration: iteration)
        diagnostics["wFw_sampled"] = Double(sampledQuadratic)
        var quadratic = sampledQuadratic
        if c.curvature == .closedFormKL && sampledQuadratic > 0 {
            // Probe at a tenth of the sampled model's KL: ε = 0.3 η_sampled.
            let probe = TrustRegionStep.stepSize(maximumKL: c.maximumKL, quadraticForm: sampledQuadratic) * Scalar(0.3)
            do {
                quadratic = try TrustRegionStep.closedFormCurvature(of: policy, along: w, observations: observations, probe: probe)
            } catch { throw .policy(error) }
            if let reduction {
                quadratic = try reducedMean(quadratic * Scalar(rollout.count), count: totalCount, reduction: reduction)
            }
            try requireTrainingFinite("closed-form wᵀFw", [quadratic], iteration: iteration)
        }
        lastNaturalGradient = w
        lastAdvantages = advantages
        lastRollout = rollout

        // KL-normalised step with optional backtracking.
        var eta = TrustRegionStep.stepSize(maximumKL: c.maximumKL, quadraticForm: quadratic)
        var meanAdvantage = advantages.reduce(0, +) / Scalar(advantages.count)
        if let reduction {
            meanAdvantage = try reducedMean(advantages.reduce(0, +), count: totalCount, reduction: reduction)
        }
        var accepted = false, backtracks = 0, measuredKL: Scalar = 0
        previousPolicy = policy
        while eta > 0 {
            var candidate = policy
            var theta = policy.parameters
            axpy(eta, w, &theta)
            try requireTrainingFinite("policy parameters", theta, iteration: iteration)
            candidate.parameters = theta
            let kl: [Scalar]
            do { kl = try policy.klDivergence(to: candidate, observations: observations) } catch { throw .policy(error) }
            measuredKL = kl.reduce(0, +) / Scalar(kl.count)
            if reduction == nil { try requireTrainingFinite("KL divergence", [measuredKL], iteration: iteration) }
            var acceptable = true
            if let reduction {
                // One reduction per trial step: [Σ KL, Σ surrogate terms] over all participants.
                var sums = [kl.reduce(0, +), 0]
                if c.maximumBacktracks > 0 {
                    let newLogProbabilities: [Scalar]
                    do { newLogProbabilities = try candidate.logProbabilities(observations: observations, actions: actions) } catch {
                        throw .policy(error)
                    }
                    for b in 0..<advantages.count {
                        sums[1] += Scalar.exp(newLogProbabilities[b] - oldLogProbabilities[b]) * advantages[b]
                    }
                }
                sums = try reduction.sum(sums)
                measuredKL = sums[0] / totalCount
                try requireTrainingFinite("KL divergence", [measuredKL], iteration: iteration)
                if c.maximumBacktracks > 0 {
                    acceptable = measuredKL <= c.klTolerance * c.maximumKL && sums[1] / totalCount > meanAdvantage
                }
            } else if c.maximumBacktracks > 0 {
                let newLogProbabilities: [Scalar]
                do { newLogProbabilities = try candidate.logProbabilities(observations: observations, actions: actions) } catch {
                    throw .policy(error)
                }
                var surrogate: Scalar = 0
                for b in 0..<advantages.count {
                    surrogate += Scalar.exp(newLogProbabilities[b] - oldLogProbabilities[b]) * advantages[b]
                }
                surrogate /= Scalar(advantages.count)
                acceptable = measuredKL <= c.klTolerance * c.maximumKL && surrogate > meanAdvantage
            }
            if acceptable {
                policy = candidate
                accepted = true
                break
            }
            if backtracks >= c.maximumBacktracks { break }
            backtracks += 1
            eta *= c.backtrackFactor
        }

        if let reduction { try reduction.didUpdate(parameters: policy.parameters, iteration: iteration) }
        let valueLoss = baseline.fit(observations: observations, targets: estimate.lambdaReturns)
        try requireTrainingFinite("value loss", [valueLoss], iteration: iteration)
        try requireTrainingFinite("value parameters", baseline.critic.parameters, iteration: iteration)
        let entropy: [Scalar]
        do { entropy = try policy.entropy(observations: observations) } catch { throw .policy(error) }

        diagnostics["kl"] = accepted ? Double(measuredKL) : 0
        diagnostics["kl_quadratic"] = accepted ? Double(eta * eta * quadratic / 2) : 0
        diagnostics["step_size"] = accepted ? Double(eta) : 0
        diagnostics["wFw"] = Double(quadratic)
        diagnostics["gradient_norm"] = Double(norm(g))
        diagnostics["natural_gradient_norm"] = Double(norm(w))
        diagnostics["backtracks"] = Double(backtracks)
        diagnostics["entropy"] = Double(entropy.reduce(0, +) / Scalar(max(entropy.count, 1)))
        diagnostics["value_loss"] = Double(valueLoss)
        return LearnerIteration(completedEpisodes: rollout.completedEpisodes, environmentSteps: rollout.count,
                                policyUpdates: accepted ? 1 : 0, diagnostics: diagnostics)
    }
}

extension NaturalPolicyGradient {
    /// (count over all participants, advantages normalised with the mean and standard deviation
    /// over all participants — or unchanged without `normalizeAdvantages`): two reductions.
    func reducedNormalization(
        _ x: [Scalar], reduction: any NaturalGradientReduction<Scalar>
    ) throws(TrainingError) -> (count: Scalar, advantages: [Scalar]) {
        let first = try reduction.sum([x.reduce(0, +), Scalar(x.count)])
        let n = first[1]
        guard configuration.normalizeAdvantages else { return (n, x) }
        guard n > 1 else { return (n, x.map { _ in 0 }) }
        let mean = first[0] / n
        var squares: Scalar = 0
        for v in x { squares += (v - mean) * (v - mean) }
        let variance = try reduction.sum([squares])[0] / n
        let inverse = 1 / (variance.squareRoot() + Scalar(1e-8))
        return (n, x.map { ($0 - mean) * inverse })
    }

    /// Σ over participants of `localSum`, divided by `count`.
    func reducedMean(_ localSum: Scalar, count: Scalar, reduction: any NaturalGradientReduction<Scalar>) throws(TrainingError) -> Scalar {
        try reduction.sum([localSum])[0] / count
    }
}

/// Throws `.policyEnvironmentMismatch` unless `policy` reads the environment's observations and
/// emits actions of its kind and size.
func checkCompatibility<P: Policy, E: Environment>(policy: P, environment: E) throws(TrainingError) {
    guard policy.observationDimension == environment.observationDimension else {
        throw .policyEnvironmentMismatch(
            "the policy reads \(policy.observationDimension) observations, \(environment.name) has \(environment.observationDimension)")
    }
    switch (policy.actionSpace, environment.actionSpace) {
    case (.discrete(let n), .discrete(let m)) where n == m: return
    case (.continuous(let a), .box) where a == environment.actionSpace.dimension: return
    default:
        throw .policyEnvironmentMismatch("the policy takes \(policy.actionSpace), \(environment.name) has actions \(environment.actionSpace)")
    }
}
