import Testing
import NAC
import NACExamples

/// Example 4: engine gradients of the discrete SAC losses against the hand-derived formulas and
/// finite differences.
@Suite struct DiscreteSoftActorCriticExampleTests {
    typealias SAC = DiscreteSoftActorCriticExample

    static func expectAgreement(_ r: SAC.Reports) {
        // Engine and hand formulas compute the same expression in different orders: round-off only.
        #expect(r.policyEngineVersusHand.maximumRelativeError < 1e-10, "\(r.policyEngineVersusHand)")
        #expect(r.criticEngineVersusHand.maximumRelativeError < 1e-10, "\(r.criticEngineVersusHand)")
        // Central differences: truncation and cancellation near ε^(2/3); the usual 1e-6 margin.
        #expect(r.policyEngineVersusFiniteDifferences.maximumRelativeError < 1e-6, "\(r.policyEngineVersusFiniteDifferences)")
        #expect(r.policyHandVersusFiniteDifferences.maximumRelativeError < 1e-6, "\(r.policyHandVersusFiniteDifferences)")
        #expect(r.criticEngineVersusFiniteDifferences.maximumRelativeError < 1e-6, "\(r.criticEngineVersusFiniteDifferences)")
        #expect(r.criticHandVersusFiniteDifferences.maximumRelativeError < 1e-6, "\(r.criticHandVersusFiniteDifferences)")
    }

    @Test(arguments: [UInt64(0), 1, 2])
    func randomWeightsAgree(seed: UInt64) {
        let architecture = SAC.Architecture(stateDimension: 3, actionCount: 4, hiddenLayers: [6, 5])
        let r = SAC.check(architecture, weights: .random(architecture, seed: seed),
                          batch: .random(architecture, size: 10, seed: seed + 100), temperature: 0.3, discount: 0.95)
        Self.expectAgreement(r)
    }

    /// User-supplied weights: a hand-written θ in the documented layout (weight [out, in]
    /// row-major, then bias, layer by layer), with the softplus activation as well.
    @Test func userSuppliedWeightsAgree() {
        let architecture = SAC.Architecture(stateDimension: 2, actionCount: 2, hiddenLayers: [3], activation: .softplus)
        #expect(architecture.network.parameterCount == 3 * 2 + 3 + 2 * 3 + 2)
        let policy: [Double] = [0.5, -0.2, 0.1, 0.9, -0.7, 0.3,  0.05, -0.1, 0.2,  1.0, -0.5, 0.25, 0.4, 0.6, -0.8,  0.1, -0.1]
        let critic: [Double] = [-0.3, 0.8, 0.6, -0.4, 0.2, 0.2,  0.0, 0.3, -0.2,  0.7, 0.1, -0.6, 0.9, -0.3, 0.5,  1.0, 2.0]
        let target = critic.map { $0 * 0.9 + 0.05 }
        let batch = SAC.Batch(states: Matrix([[0.1, -1.0], [2.0, 0.3], [-0.5, 0.5]]), actions: [1, 0, 1],
                              rewards: [1, -0.5, 0.2], nextStates: Matrix([[0.0, 0.4], [1.5, -0.2], [0.3, 0.3]]),
                              terminal: [false, true, false])
        let r = SAC.check(architecture, weights: SAC.Weights(policy: policy, critic: critic, targetCritic: target),
                          batch: batch, temperature: 0.1, discount: 0.9)
        Self.expectAgreement(r)
    }

    /// The closed form ∂J/∂z = π ⊙ (g − Σπg) has no α-term: a constant shift of g leaves it unchanged.
    @Test func policyGradientIsInvariantToShiftingCriticValues() {
        let architecture = SAC.Architecture(stateDimension: 3, actionCount: 3, hiddenLayers: [4])
        var weights = SAC.Weights.random(architecture, seed: 4)
        let batch = SAC.Batch.random(architecture, size: 8, seed: 5)
        let g0 = SAC.handPolicyGradient(architecture, weights: weights, batch: batch, temperature: 0.2)
        // Shift the critic's output bias (the last parameters): Q(s, a) + 1 for every a.
        let outputBias = architecture.network.network.layers.last!.bias.range
        for i in outputBias { weights.critic[i] += 1 }
        let g1 = SAC.handPolicyGradient(architecture, weights: weights, batch: batch, temperature: 0.2)
        #expect(zip(g0, g1).allSatisfy { abs($0 - $1) < 1e-14 })
    }
}
