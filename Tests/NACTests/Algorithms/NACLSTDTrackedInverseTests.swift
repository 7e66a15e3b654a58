import Foundation
import Testing
@testable import NAC

/// NAC-LSTD with `lstdSolve: .trackedInverse` keeps a Sherman–Morrison inverse of A + εI in its
/// accumulator and solves by M b; the systems are those of `.ridge(ε)`, so the two runs must
/// follow the same trajectory.
@Suite struct NACLSTDTrackedInverseTests {
    /// ‖a − b‖ / ‖b‖.
    static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        var d = a
        axpy(-1, b, &d)
        return norm(d) / norm(b)
    }

    /// Both actor rules (TYPE 2 every 20 steps; TYPE 1, which solves at every step) with β = 0
    /// (each actor update resets A and ε), and TYPE 2 with β = 0.5 (A scaled, M re-inverted at ε):
    /// the policy parameters and the latest estimate agree with the `.ridge(ε)` run to 1e-8 after
    /// 40 episodes.
    @Test(arguments: [(ActorUpdateRule<Double>.every(20), 0.0), (.angle(threshold: 0.2, lag: 5), 0.0), (.every(20), 0.5)])
    func trackedInverseFollowsTheRidgeSolve(rule: ActorUpdateRule<Double>, forgetting: Double) throws {
        let p = try SharedSoftmaxProblem()
        func run(_ solve: LSTDSolveMethod<Double>) throws -> (theta: [Double], w: [Double], v: [Double], updates: Int, ridge: Double?) {
            var learner = try NACLSTD(environment: p.mdp, policy: p.policy, features: p.baseline,
                                      configuration: Self.configuration(p, rule: rule, forgetting: forgetting, solve: solve),
                                      seed: 5)
            var updates = 0
            for _ in 0..<40 { updates += try learner.iterate().policyUpdates }
            return (learner.policy.parameters, learner.latestEstimate!.w, learner.latestEstimate!.v, updates,
                    learner.statistics.trackedInverseRidge)
        }
        let tracked = try run(.trackedInverse)
        let ridge = try run(.ridge(0.01))
        #expect(tracked.updates > 0 && tracked.updates == ridge.updates)
        #expect(Self.relativeError(tracked.theta, ridge.theta) < 1e-8)
        #expect(Self.relativeError(tracked.w + tracked.v, ridge.w + ridge.v) < 1e-8)
        #expect(tracked.theta != p.policy.parameters)
        #expect(tracked.ridge == 0.01 && ridge.ridge == nil)
    }

    /// Under TYPE 2, an episode whose last step updates the actor keeps that update's w as the
    /// latest estimate; it used to be re-solved from the statistics just forgotten (w = 0).
    /// random-mdp's episodes last 100 steps, the default rule updates every 100.
    @Test func anUpdateAtTheLastStepKeepsItsEstimate() throws {
        let env = try EnvironmentRegistry.make("random-mdp", as: Double.self)
        var learner = try ThomasLearnerFactory.make(algorithm: "nac-lstd", environment: env, seed: 2)
        for _ in 0..<3 {
            let step = try learner.iterate()
            #expect(step.environmentSteps == 100 && step.policyUpdates == 1)
            #expect(step.diagnostics["w_norm"]! > 0)
        }
    }

    /// `refreshTrackedInverse(ridge:)` restores ε after forgetting scaled it, and refuses a bad ε.
    @Test func refreshingRestoresTheRidge() throws {
        var lstd = try LSTDQAccumulator<Double>(parameterCount: 4, featureCount: 3, discount: 0.9, traceDecay: 0.8,
                                                forgetting: 0.5, trackedInverseRidge: 0.1, blockSize: 4)
        for transition in randomTransitions(count: 30, n: 4, m: 3, seed: 77) { try lstd.observe(transition) }
        lstd.forget()
        #expect(lstd.trackedInverseRidge == 0.05)
        try lstd.refreshTrackedInverse(ridge: 0.1)
        #expect(lstd.trackedInverseRidge == 0.1)
        let tracked = try lstd.solve(.trackedInverse), direct = try lstd.solve(.ridge(0.1))
        #expect(Self.relativeError(tracked.w + tracked.v, direct.w + direct.v) < 1e-10)
        for bad in [0.0, -1, .nan, .infinity] {
            #expect(throws: NaturalGradientError.self) { try lstd.refreshTrackedInverse(ridge: bad) }
        }
        #expect(lstd.trackedInverseRidge == 0.1)
    }

    /// A relative cut-off outside [0, 1) is refused when NAC-LSTD is built, not at its first solve.
    @Test(arguments: [2.0, -1, .nan, 1])
    func aBadCutoffIsRefusedUpFront(cutoff: Double) throws {
        let p = try SharedSoftmaxProblem()
        var c = p.configuration(.unbiased)
        c.lstdSolve = .leastSquares(relativeCutoff: cutoff)
        #expect(throws: AlgorithmError.self) {
            _ = try NACLSTD(environment: p.mdp, policy: p.policy, features: p.baseline, configuration: c, seed: 5)
        }
        c.lstdSolve = .leastSquares(relativeCutoff: 0.5)
        _ = try NACLSTD(environment: p.mdp, policy: p.policy, features: p.baseline, configuration: c, seed: 5)
    }

    static func configuration(
        _ p: SharedSoftmaxProblem, rule: ActorUpdateRule<Double>, forgetting: Double, solve: LSTDSolveMethod<Double>
    ) -> ThomasConfiguration<Double> {
        var c = p.configuration(.unbiased)
        c.actorUpdate = rule
        c.forgetting = forgetting
        c.lstdSolve = solve
        c.lstdTrackedInverseRidge = 0.01
        return c
    }

    @Test(arguments: [0.0, -1.0, Double.nan])
    func trackedInverseNeedsAPositiveRidge(ridge: Double) throws {
        let p = try SharedSoftmaxProblem()
        var c = p.configuration(.unbiased)
        c.lstdSolve = .trackedInverse
        c.lstdTrackedInverseRidge = ridge
        #expect(throws: AlgorithmError.self) {
            _ = try NACLSTD(environment: p.mdp, policy: p.policy, features: p.baseline, configuration: c, seed: 5)
        }
        // The ridge is only checked where it is used.
        c.lstdSolve = .leastSquares()
        _ = try NACLSTD(environment: p.mdp, policy: p.policy, features: p.baseline, configuration: c, seed: 5)
    }
}
