import Testing
@testable import NAC

/// The natural-gradient solvers of `NaturalPolicyGradient`: the factored kernel (never forming Ψ)
/// gives the Fisher system's w, `.automatic` picks it exactly when B < P, and a numerical
/// failure of the kernel falls back to the Fisher system.
@Suite struct NaturalPolicyGradientSolverTests {
    typealias CartPoleLearner = NaturalPolicyGradient<CategoricalPolicy<Double>, CartPole<Double>>

    /// 4 copies × 64 steps = 256 samples; hidden [64] gives P = 4·64 + 64 + 64·2 + 2 = 450 > B.
    static func learner(
        hidden: [Int], solver: NaturalGradientSolver, damping: Double = 0.05
    ) throws(TrainingError) -> CartPoleLearner {
        var c = NaturalPolicyGradientConfiguration<Double>()
        c.copies = 4
        c.stepsPerCopy = 64
        c.seed = 11
        c.damping = damping
        c.solver = solver
        let policy = CategoricalPolicy<Double>(observationDimension: 4, hiddenLayers: hidden, actionCount: 2, seed: 2,
                                               initialization: MLPInitialization(outputLayerScale: 0.3))
        return try CartPoleLearner(policy: policy, environment: CartPole<Double>(), configuration: c)
    }

    @Test func factoredKernelEqualsTheFisherSystemWhenTheBatchIsSmallerThanThePolicy() throws {
        var factored = try Self.learner(hidden: [64], solver: .factoredKernel)
        var automatic = try Self.learner(hidden: [64], solver: .automatic)
        var fisher = try Self.learner(hidden: [64], solver: .fisherSystem)
        #expect(factored.policy.parameters.count == 450)
        for _ in 0..<3 {
            let a = try factored.iterateTyped(), b = try automatic.iterateTyped(), c = try fisher.iterateTyped()
            #expect(factored.lastRollout!.count == 256)
            #expect(fisher.lastRollout!.observations == factored.lastRollout!.observations)
            // `.automatic` took the factored kernel: the same arithmetic, bit for bit.
            #expect(automatic.lastNaturalGradient == factored.lastNaturalGradient)
            #expect(a.diagnostics["solve_fallback"] == 0 && b.diagnostics["solve_fallback"] == 0)
            #expect(c.diagnostics["solve_fallback"] == nil)
            // The Fisher system (its automatic route: the kernel form on the written Ψ) agrees.
            #expect(relativeError(factored.lastNaturalGradient, fisher.lastNaturalGradient) < 1e-9)
            #expect(abs(a.diagnostics["wFw_sampled"]! - c.diagnostics["wFw_sampled"]!) <= 1e-9 * c.diagnostics["wFw_sampled"]!)
            #expect(abs(a.diagnostics["gradient_norm"]! - c.diagnostics["gradient_norm"]!) <= 1e-10 * c.diagnostics["gradient_norm"]!)
            #expect(a.diagnostics["solve_residual"]! < 1e-8)
            #expect(relativeError(factored.policy.parameters, fisher.policy.parameters) < 1e-9)
        }
        // Independently: w solves (ΨᵀΨ/B + λI) w = ΨᵀÂ/B with Ψ recomputed from the old policy.
        let old = try #require(factored.previousPolicy), rollout = try #require(factored.lastRollout)
        let psi = try old.scores(observations: rollout.observations, actions: rollout.actions)
        let w = factored.lastNaturalGradient, advantages = factored.lastAdvantages
        let psiW = psi.multiplied(by: w)
        let fw = zip(psi.multiplied(by: psiW, .transposed), w).map { $0 / 256 + 0.05 * $1 }
        let g = psi.multiplied(by: advantages, .transposed).map { $0 / 256 }
        #expect(relativeError(fw, g) < 1e-9)
    }

    @Test func automaticTakesTheFisherSystemWhenTheBatchCoversThePolicy() throws {
        // hidden [16]: P = 114 ≤ B = 256.
        var automatic = try Self.learner(hidden: [16], solver: .automatic)
        var fisher = try Self.learner(hidden: [16], solver: .fisherSystem)
        let a = try automatic.iterateTyped(), c = try fisher.iterateTyped()
        #expect(a.diagnostics["solve_fallback"] == nil)
        #expect(automatic.lastNaturalGradient == fisher.lastNaturalGradient)
        #expect(a.diagnostics["wFw_sampled"] == c.diagnostics["wFw_sampled"])
    }

    /// With one observation for every step, the 256 scores take two values (one per action), so
    /// with λ = 0 the kernel K = ΨΨᵀ/B has rank 2 and its Cholesky factorisation fails: the
    /// iteration falls back to the Fisher system (whose own fallbacks handle the singular F), and
    /// reports it.
    @Test func aSingularKernelFallsBackToTheFisherSystem() throws {
        var c = NaturalPolicyGradientConfiguration<Double>()
        c.copies = 4
        c.stepsPerCopy = 64
        c.damping = 0
        c.seed = 5
        func make(_ solver: NaturalGradientSolver) throws -> NaturalPolicyGradient<CategoricalPolicy<Double>, ConstantObservationEnvironment> {
            var configuration = c
            configuration.solver = solver
            let policy = CategoricalPolicy<Double>(observationDimension: 2, hiddenLayers: [64], actionCount: 2, seed: 3)
            return try NaturalPolicyGradient(policy: policy, environment: ConstantObservationEnvironment(), configuration: configuration)
        }
        var factored = try make(.factoredKernel), fisher = try make(.fisherSystem)
        #expect(factored.policy.parameters.count == 322)
        let a = try factored.iterateTyped(), b = try fisher.iterateTyped()
        #expect(a.diagnostics["solve_fallback"] == 1)
        #expect(b.diagnostics["solve_fallback"] == nil)
        #expect(factored.lastNaturalGradient == fisher.lastNaturalGradient)
        #expect(factored.lastNaturalGradient.allSatisfy { $0.isFinite })
        // And the kernel route itself refuses this batch.
        let old = try #require(factored.previousPolicy), rollout = try #require(factored.lastRollout)
        let (_, jacobian) = try old.logProbability.factoredPerSampleJacobian(
            at: old.parameters, inputs: [rollout.observations, rollout.actions.engineInput])
        #expect(throws: NaturalGradientError.self) {
            _ = try jacobian.naturalGradientByKernel(advantages: factored.lastAdvantages, damping: 0)
        }
    }

    @Test func dataParallelTrainingRefusesASolverWithoutΨ() throws {
        for solver in [NaturalGradientSolver.factoredKernel, .matrixFreeConjugateGradient(iterations: 5)] {
            var learner = try Self.learner(hidden: [64], solver: solver)
            learner.reduction = IdentityReduction()
            #expect(throws: TrainingError.invalidHyperparameter(
                name: "solver", value: "\(solver)",
                requirement: "data-parallel training (a reduction) needs the fisherSystem solver")) {
                _ = try learner.iterateTyped()
            }
        }
        // `.automatic` resolves to the Fisher system under a reduction, even for B < P.
        var learner = try Self.learner(hidden: [64], solver: .automatic)
        learner.reduction = IdentityReduction()
        let step = try learner.iterateTyped()
        #expect(step.diagnostics["solve_fallback"] == nil)
        var fisher = try Self.learner(hidden: [64], solver: .fisherSystem)
        _ = try fisher.iterateTyped()
        #expect(learner.lastNaturalGradient == fisher.lastNaturalGradient)
    }
}

/// The single-participant reduction: `solve` is `local.solve()`, sums are the values.
struct IdentityReduction: NaturalGradientReduction {
    func solve(_ local: FisherSystem<Double>) throws(TrainingError) -> NaturalGradientSolution<Double> {
        do { return try local.solve() } catch { throw .naturalGradient(error) }
    }
    func sum(_ values: [Double]) throws(TrainingError) -> [Double] { values }
    func didUpdate(parameters: [Double], iteration: Int) throws(TrainingError) {}
}

/// Every observation is [1, −1]; the reward is the action index; no episode ends.
struct ConstantObservationEnvironment: Environment {
    typealias Scalar = Double
    var name: String { "constant" }
    var observationSpace: Space { .box(dimension: 2, lower: -.infinity, upper: .infinity) }
    var actionSpace: Space { .discrete(2) }
    var timeLimit: Int? { nil }
    private(set) var elapsedSteps = 0
    private(set) var needsReset = true

    mutating func reset(seed: UInt64) -> [Double] { reset() }
    mutating func reset() -> [Double] {
        elapsedSteps = 0
        needsReset = false
        return [1, -1]
    }
    mutating func step(_ action: Action) throws(EnvironmentError) -> StepResult<Double> {
        if needsReset { throw .resetRequired }
        try actionSpace.validate(action)
        elapsedSteps += 1
        guard case .discrete(let index) = action else { return StepResult(observation: [1, -1], reward: 0, terminated: false, truncated: false) }
        return StepResult(observation: [1, -1], reward: Double(index), terminated: false, truncated: false)
    }
}
