import Testing
@testable import NAC

/// Episode boundaries, bootstrap observations and GAE across the vector environment's
/// auto-reset, on `ScriptedEnvironment` where every number is known.
@Suite struct RolloutWiringTests {
    static let policy = CategoricalPolicy<Double>(observationDimension: 2, hiddenLayers: [4], actionCount: 2, seed: 3)

    /// V(s) = 10 s₀ + s₁, so V of every observation is recognisable.
    static func value(_ s: [Double]) -> Double { 10 * s[0] + s[1] }

    @Test func terminationsAreNotBootstrappedAndEachCopysLastStepIs() throws {
        var collector = RolloutCollector(environment: ScriptedEnvironment(terminateAfter: 3), copies: 2, seed: 1)
        let r = try collector.collect(policy: Self.policy, stepsPerCopy: 5)
        #expect(r.count == 10 && r.observations.rows == 10)
        // Copy-major: row i·T + t is step t of copy i; episode 2 starts after the terminal step 2.
        for i in 0..<2 {
            #expect((0..<5).map { r.observations.row(i * 5 + $0) } == [[0, 0], [1, 0], [2, 0], [0, 1], [1, 1]])
            #expect(Array(r.rewards[(i * 5)..<(i * 5 + 5)]) == [1, 2, 3, 1, 2])
            #expect(Array(r.ends[(i * 5)..<(i * 5 + 5)]) == [.continuing, .continuing, .terminated, .continuing, .continuing])
        }
        #expect(r.bootstrapSteps == [4, 9])
        #expect(r.bootstrapObservations.row(0) == [2, 1] && r.bootstrapObservations.row(1) == [2, 1])
        #expect(r.completedEpisodes == Array(repeating: CompletedEpisode(totalReward: 6, length: 3, truncated: false), count: 2))
        let values = (0..<10).map { Self.value(r.observations.row($0)) }
        let next = r.nextValues(values: values, bootstrapValues: [21, 21])
        #expect(Array(next[0..<5]) == [10, 20, 0, 11, 21])
    }

    @Test func truncationsBootstrapFromTheFinalObservationNotTheResetOne() throws {
        var collector = RolloutCollector(environment: ScriptedEnvironment(timeLimit: 2), copies: 3, seed: 1)
        let r = try collector.collect(policy: Self.policy, stepsPerCopy: 5)
        #expect(Array(r.ends[0..<5]) == [.continuing, .truncated, .continuing, .truncated, .continuing])
        #expect(r.bootstrapSteps == [1, 3, 4, 6, 8, 9, 11, 13, 14])
        #expect((0..<3).map { r.bootstrapObservations.row($0) } == [[2, 0], [2, 1], [1, 2]])
        #expect(r.completedEpisodes.count == 6 && r.completedEpisodes.allSatisfy { $0.truncated && $0.totalReward == 3 })
        let values = (0..<r.count).map { Self.value(r.observations.row($0)) }
        let bootstrap = (0..<r.bootstrapSteps.count).map { Self.value(r.bootstrapObservations.row($0)) }
        let next = r.nextValues(values: values, bootstrapValues: bootstrap)
        // The true V(s_{t+1}) of every step of copy 0: [1,0], [2,0] (final, not the reset [0,1]), [1,1], [2,1], [1,2].
        #expect(Array(next[0..<5]) == [10, 20, 11, 21, 12])

        // The learner's GAE (per copy) equals GAE of each copy's run alone, bootstrapped at the
        // copy's last step: no leakage between copies, and truncations cut the recursion.
        let baseline = ValueBaseline(critic: MLPValueFunction<Double>(
            network: MLP(layerSizes: [2, 1], hiddenActivation: .identity), parameters: [10, 1, 0]),
            learningRate: 1e-3, epochs: 1, minibatchSize: 8, seed: 0)
        #expect(baseline.values(r.observations) == values)
        let all = try estimateAdvantages(r, baseline: baseline, discount: 0.9, lambda: 0.8, iteration: 1)
        for i in 0..<3 {
            let range = (i * 5)..<(i * 5 + 5)
            let alone = try generalizedAdvantageEstimate(
                rewards: Array(r.rewards[range]), values: Array(values[range]), nextValues: Array(next[range]),
                ends: Array(r.ends[range]), discount: 0.9, lambda: 0.8)
            #expect(Array(all.advantages[range]) == alone.advantages)
        }
        // Copy 0's last step (s = [0, 2]) is bootstrapped from V([1, 2]) = 12: Â₄ = δ₄ = 1 + 0.9·12 − 2 = 9.8.
        #expect(abs(all.advantages[4] - 9.8) < 1e-12)
        // By hand for copy 0, t = 0 and 1 (γ = 0.9, λ = 0.8): δ₁ = 2 + 0.9·20 − 10 = 10 (truncated: Â₁ = δ₁),
        // δ₀ = 1 + 0.9·10 − 0 = 10, Â₀ = 10 + 0.72·10 = 17.2.
        #expect(abs(all.advantages[1] - 10) < 1e-12 && abs(all.advantages[0] - 17.2) < 1e-12)
    }

    @Test func episodesContinueAcrossRollouts() throws {
        var collector = RolloutCollector(environment: ScriptedEnvironment(terminateAfter: 4), copies: 1, seed: 1)
        let first = try collector.collect(policy: Self.policy, stepsPerCopy: 3)
        let second = try collector.collect(policy: Self.policy, stepsPerCopy: 3)
        #expect(first.completedEpisodes.isEmpty)
        #expect(second.observations.row(0) == [3, 0] && second.ends[0] == .terminated)
        #expect(second.completedEpisodes == [CompletedEpisode(totalReward: 10, length: 4, truncated: false)])
        #expect(collector.totalSteps == 6)
    }
}
