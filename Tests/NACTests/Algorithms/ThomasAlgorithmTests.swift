import Foundation
import Testing
@testable import NAC

@Suite struct ThomasAlgorithmTests {
    static func chain() throws -> FiniteMDP<Double> {
        try FiniteMDP<Double>.chain(length: 5, discount: 0.9, slipProbability: 0.2, timeLimit: 60)
    }

    /// With γ = 1, f(t) = γ^t = 1 exactly, so biased and unbiased runs are the same computation:
    /// bit-identical θ for a shared seed, for every algorithm with the switch.
    @Test(arguments: ["nac-lstd", "enac2", "nac-s", "inac"])
    func undiscountedBiasedEqualsUnbiased(algorithm: String) throws {
        var results = [[Double]]()
        for bias in [TimeWeighting.biased, .unbiased] {
            var c = ThomasConfiguration<Double>()
            c.discount = 1
            c.bias = bias
            c.actorUpdate = algorithm == "enac2" ? .every(2) : .every(7)
            c.actorStepSize = .constant(0.1)
            let env = try Self.chain()
            var learner = try ThomasLearnerFactory.make(algorithm: algorithm, environment: env, configuration: c,
                                                        seed: 5)
            var updates = 0
            for _ in 0..<20 { updates += try learner.iterate().policyUpdates }
            #expect(updates > 0)
            results.append(learner.currentPolicy.parameters)
        }
        #expect(results[0] == results[1])
    }

    @Test(arguments: ThomasAlgorithm.allCases)
    func everyAlgorithmRunsOnCartPoleAndDriftingTarget(algorithm: ThomasAlgorithm) throws {
        var cart = try ThomasLearnerFactory.make(algorithm: algorithm.rawValue,
                                                 environment: try EnvironmentRegistry.make("cartpole", as: Double.self))
        let iteration = try cart.iterate()
        #expect(iteration.completedEpisodes.count == 1)
        #expect(cart.name == algorithm.rawValue)
        var drift = try ThomasLearnerFactory.make(algorithm: algorithm.rawValue,
                                                  environment: try EnvironmentRegistry.make("drifting-target", as: Double.self))
        #expect(try drift.iterate().environmentSteps == 100)
    }

    @Test func invalidHyperparametersThrowTypedErrors() throws {
        let env = try Self.chain()
        func error(_ edit: (inout ThomasConfiguration<Double>) -> Void, algorithm: String = "nac-s") -> AlgorithmError? {
            var c = ThomasConfiguration<Double>()
            edit(&c)
            do {
                _ = try ThomasLearnerFactory.make(algorithm: algorithm, environment: env, configuration: c)
                return nil
            } catch {
                return error
            }
        }
        let e1 = error { $0.discount = 1.5 }
        #expect(e1 == .invalidHyperparameter(name: "discount", value: 1.5, requirement: "in [0.0, 1.0]"))
        let e2 = error { $0.traceDecay = -0.1 }
        #expect(e2 == .invalidHyperparameter(name: "traceDecay", value: -0.1, requirement: "in [0.0, 1.0]"))
        let e3 = error { $0.forgetting = 2 }
        #expect(e3 == .invalidHyperparameter(name: "forgetting", value: 2, requirement: "in [0.0, 1.0]"))
        let e4 = error { $0.actorUpdate = .every(0) }
        #expect(e4 == .invalidHyperparameter(name: "k", value: 0, requirement: "an integer ≥ 1"))
        let e5 = error { $0.actorUpdate = .angle(threshold: -0.1, lag: 3) }
        #expect(e5 == .invalidHyperparameter(name: "angleThreshold", value: -0.1, requirement: "finite and ≥ 0"))
        let e6 = error { $0.actorStepSize = .constant(0) }
        #expect(e6 == .invalidHyperparameter(name: "actorStepSize", value: 0, requirement: "finite and > 0"))
        let e7 = error { $0.criticStepSize = .constant(-1) }
        #expect(e7 == .invalidHyperparameter(name: "criticStepSize", value: -1, requirement: "finite and > 0"))
        let e8 = error { $0.actorStepSize = .decaying(initial: 1, halfLife: 0, power: 1) }
        #expect(e8 == .invalidHyperparameter(name: "actorStepSize.halfLife", value: 0, requirement: "finite and > 0"))
        let e9 = error({ $0.bias = .biased }, algorithm: "enac")
        #expect(e9 == .unsupportedOption(algorithm: "enac", option: "bias"))
        let e10 = error({ _ in }, algorithm: "nac-q")
        #expect(e10 == .unknownAlgorithm(name: "nac-q", known: ThomasLearnerFactory.algorithmNames))
        // γ = 1 on a continuing task without a time limit.
        let continuing = try FiniteMDP<Double>.random(states: 3, actions: 2, discount: 0.9, seed: 1)
        var c = ThomasConfiguration<Double>()
        c.discount = 1
        #expect(throws: AlgorithmError.undiscountedContinuingTask(environment: "random-mdp")) {
            _ = try ThomasLearnerFactory.make(algorithm: "nac-lstd", environment: continuing, configuration: c)
        }
        // A policy that does not fit the environment.
        let wrong = LinearSoftmaxPolicy<Double>(features: .identity(IdentityFeatures(inputDimension: 3)), actionCount: 2)
        #expect(throws: AlgorithmError.self) {
            _ = try NACS(environment: env, policy: wrong)
        }
    }

    /// A step that would make θ non-finite is refused with a typed error, θ unchanged.
    @Test func nonFiniteUpdateThrows() throws {
        var actor = Actor<Double>(rule: .every(1), step: .plain, stepSize: .constant(1e308))
        var theta = [1e308]
        #expect(throws: AlgorithmError.nonFinite(quantity: "theta", step: 1)) {
            try actor.apply([10], to: &theta, trainable: [0])
        }
        #expect(theta == [1e308])
        #expect(throws: AlgorithmError.nonFinite(quantity: "w", step: 1)) {
            try actor.apply([.nan], to: &theta, trainable: [0])
        }
    }

    @Test func angleAndSchedules() {
        #expect(abs(ActorUpdateRule<Double>.angle([1, 0], [0, 2]) - Double.pi / 2) < 1e-12)
        #expect(ActorUpdateRule<Double>.angle([1, 1], [2, 2]) < 1e-7)
        var history = AngleHistory<Double>(lag: 2)
        let passed = [[1, 0], [0, 1], [1, 0.01], [1, 0]].map { history.record($0, threshold: 0.1) }
        // The third is compared with [1, 0] (two ago) and passes; the fourth with [0, 1].
        #expect(passed == [false, false, true, false])
        let eta = StepSizeSchedule<Double>.decaying(initial: 0.1, halfLife: 100, power: 1)
        #expect(eta.value(at: 0) == 0.1)
        #expect(abs(eta.value(at: 100) - 0.05) < 1e-15)
    }

    /// The normalised step moves θ by exactly η, in the direction of w.
    @Test func normalisedStepHasLengthEta() throws {
        var actor = Actor<Double>(rule: .every(1), step: .normalized, stepSize: .constant(0.5))
        var theta = [0.0, 0.0, 7.0]
        try actor.apply([3, 4], to: &theta, trainable: [0, 1])
        #expect(abs(theta[0] - 0.3) < 1e-15 && abs(theta[1] - 0.4) < 1e-15 && theta[2] == 7)
    }
}
