import Foundation
import Testing
@testable import NAC

/// The policy types, loaded from the shared reference files as-is, reproduce the stored JAX
/// log-probabilities and scores.
@Suite struct ReferencePolicyTests {
    static func url(_ name: String) -> URL {
        Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Resources")!
    }

    func maxDifference(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Double {
        zip(a.elements, b.elements).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    @Test func gaussianW1ScoresMatchReference() throws {
        let reference = try ReferencePolicy.load("reference_scores_W1")
        let policy = try GaussianPolicy<Double>(contentsOf: Self.url("reference_scores_W1"))
        #expect(policy.parameterCount == 5708)
        // The file's decimals are read with one correctly rounded conversion each (the compiler
        // parses these literals the same way); the test helper's JSONSerialization may differ by an ulp.
        #expect(policy.parameters[0] == -0.020741651037541897)
        #expect(policy.parameters[5702...] == [-0.46170328573567915, -0.6211277061795518, -0.4059727450831554,
                                                -0.6091942607226932, -0.511781295510329, -0.657778491814825])
        #expect(zip(policy.parameters, reference.parameters).allSatisfy { abs($0 - $1) <= 1e-15 })
        #expect(policy.namedParameterSlices.map(\.name) == ["layer0.weight", "layer0.bias", "layer1.weight", "layer1.bias",
                                                             "layer2.weight", "layer2.bias", "log_std"])
        #expect(policy.logStandardDeviationSlice.offset == 5702)
        let batch = try PolicyBatch<Double>(contentsOf: Self.url("reference_scores_W1"), actionSpace: policy.actionSpace)
        var psi = Matrix<Double>(rows: 1, columns: 1, repeating: 0)   // wrong shape: replaced
        let logProbs = try policy.scores(observations: batch.observations, actions: batch.actions, into: &psi)
        #expect(psi.rows == 8 && psi.columns == 5708)
        #expect(maxDifference(psi, reference.scores) <= 1e-10)
        for (a, r) in zip(logProbs, reference.logProbabilities) { #expect(abs(a - r) <= 1e-10) }
        let direct = try policy.logProbabilities(observations: batch.observations, actions: batch.actions)
        for (a, r) in zip(direct, reference.logProbabilities) { #expect(abs(a - r) <= 1e-10) }
        // Reused buffer (right shape) gives the same numbers.
        let again = psi
        try policy.scores(observations: batch.observations, actions: batch.actions, into: &psi)
        #expect(psi == again)
    }

    @Test func categoricalW2ScoresMatchReference() throws {
        let reference = try ReferencePolicy.load("reference_scores_W2")
        let model = try SavedModel<Double>(contentsOf: Self.url("reference_scores_W2"))
        guard case .categoricalPolicy(let policy) = model else { Issue.record("not categorical: \(model.kindName)"); return }
        #expect(policy.parameterCount == 226)
        let batch = try PolicyBatch<Double>(contentsOf: Self.url("reference_scores_W2"), actionSpace: policy.actionSpace)
        #expect(batch.actions == .discrete(reference.discreteActions!))
        let psi = try policy.scores(observations: batch.observations, actions: batch.actions)
        #expect(maxDifference(psi, reference.scores) <= 1e-10)
        let logProbs = try policy.logProbabilities(observations: batch.observations, actions: batch.actions)
        for (a, r) in zip(logProbs, reference.logProbabilities) { #expect(abs(a - r) <= 1e-10) }
        // Through the existential too.
        let any = model.policy!
        let psi2 = try any.scores(observations: batch.observations, actions: batch.actions, chunkSize: 3)
        #expect(maxDifference(psi2, reference.scores) <= 1e-10)
    }

    @Test(arguments: ["reference_scores_W1", "reference_scores_W2"])
    func floatPoliciesMatchReferenceLoosely(_ name: String) throws {
        let reference = try ReferencePolicy.load(name)
        let model = try SavedModel<Float>(contentsOf: Self.url(name))
        let policy = try #require(model.policy)
        let batch = try PolicyBatch<Float>(contentsOf: Self.url(name), actionSpace: policy.actionSpace)
        let psi = try policy.scores(observations: batch.observations, actions: batch.actions)
        // Float: inputs and θ rounded (relative 6e-8), rounding in every layer; 1e-4 of the
        // largest score is a wide margin over the observed ~1e-6.
        let worst = zip(psi.elements, reference.scores.elements).reduce(0.0) { max($0, abs(Double($1.0) - $1.1)) }
        #expect(worst <= 1e-4 * max(1, reference.scores.maximumMagnitude))
    }

    @Test func meanGradientIsTheMeanOfTheScores() throws {
        let policy = try GaussianPolicy<Double>(contentsOf: Self.url("reference_scores_W1"))
        let reference = try ReferencePolicy.load("reference_scores_W1")
        let batch = try PolicyBatch<Double>(contentsOf: Self.url("reference_scores_W1"), actionSpace: policy.actionSpace)
        let g = try policy.meanLogProbabilityGradient(observations: batch.observations, actions: batch.actions,
                                                      weights: reference.advantages)
        // (1/B) Ψᵀ A
        let expected = reference.scores.multiplied(by: reference.advantages, .transposed).map { $0 / 8 }
        let worst = zip(g, expected).reduce(0) { max($0, abs($1.0 - $1.1)) }
        #expect(worst <= 1e-12)
        // The reference's g is Ψᵀ A / B too.
        let worstRef = zip(g, reference.fisherRightHandSide).reduce(0) { max($0, abs($1.0 - $1.1)) }
        #expect(worstRef <= 1e-10)
    }
}
