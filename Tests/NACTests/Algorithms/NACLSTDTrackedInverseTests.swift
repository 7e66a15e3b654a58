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
    /// (each actor update resets A and ε): the policy parameters and the latest estimate agree
    /// with the `.ridge(ε)` run to 1e-8 after 40 episodes.
    @Test(arguments: [ActorUpdateRule<Double>.every(20), .angle(threshold: 0.2, lag: 5)])
    func trackedInverseFollowsTheRidgeSolve(rule: ActorUpdateRule<Double>) throws {
        let p = try SharedSoftmaxProblem()
        func run(_ solve: LSTDSolveMethod<Double>) throws -> (theta: [Double], w: [Double], v: [Double], updates: Int) {
            var learner = try NACLSTD(environment: p.mdp, policy: p.policy, features: p.baseline,
                                      configuration: Self.configuration(p, rule: rule, forgetting: 0, solve: solve), seed: 5)
            var updates = 0
            for _ in 0..<40 { updates += try learner.iterate().policyUpdates }
            return (learner.policy.parameters, learner.latestEstimate!.w, learner.latestEstimate!.v, updates)
        }
        let tracked = try run(.trackedInverse)
        let ridge = try run(.ridge(0.01))
        #expect(tracked.updates > 0 && tracked.updates == ridge.updates)
        #expect(Self.relativeError(tracked.theta, ridge.theta) < 1e-8)
        #expect(Self.relativeError(tracked.w + tracked.v, ridge.w + ridge.v) < 1e-8)
        #expect(tracked.theta != p.policy.parameters)
    }

    /// With forgetting β = 0.5 the tracked ridge decays with A (ε β^k after k actor updates; M is
    /// rescaled, not refactorised): the latest estimate is the ridge solve with that ε.
    @Test func trackedRidgeDecaysWithForgetting() throws {
        let p = try SharedSoftmaxProblem()
        var learner = try NACLSTD(environment: p.mdp, policy: p.policy, features: p.baseline,
                                  configuration: Self.configuration(p, rule: .every(20), forgetting: 0.5, solve: .trackedInverse),
                                  seed: 5)
        var updates = 0
        for _ in 0..<40 { updates += try learner.iterate().policyUpdates }
        let ridge = try #require(learner.statistics.trackedInverseRidge)
        #expect(updates > 0)
        #expect(abs(ridge - 0.01 * pow(0.5, Double(updates))) <= 1e-15 * 0.01)
        let direct = try learner.statistics.solve(.ridge(ridge))
        let latest = try #require(learner.latestEstimate)
        #expect(Self.relativeError(latest.w + latest.v, direct.w + direct.v) < 1e-8)
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
