import Testing
@testable import NAC

/// Data that does not fit a policy is refused with the right `PolicyError`.
@Suite struct PolicyValidationTests {
    @Test func mismatchedDataIsRejected() throws {
        let gaussian = PolicyFixtures.gaussian(Double.self)
        let categorical = PolicyFixtures.categorical(Double.self)
        let s3: Matrix<Double> = PolicyFixtures.observations(rows: 2, columns: 3, seed: 1)
        let s4: Matrix<Double> = PolicyFixtures.observations(rows: 2, columns: 4, seed: 1)
        let a2 = Actions<Double>.continuous(Matrix(rows: 2, columns: 2, repeating: 0))
        #expect(throws: PolicyError.observationWidth(expected: 3, actual: 4)) { try gaussian.scores(observations: s4, actions: a2) }
        #expect(throws: PolicyError.batchSizeMismatch(observations: 2, actions: 1)) {
            try gaussian.scores(observations: s3, actions: .continuous(Matrix(rows: 1, columns: 2, repeating: 0)))
        }
        #expect(throws: PolicyError.actionWidth(expected: 2, actual: 3)) {
            try gaussian.logProbabilities(observations: s3, actions: .continuous(Matrix(rows: 2, columns: 3, repeating: 0)))
        }
        #expect(throws: PolicyError.actionKindMismatch(expected: .continuous(dimension: 2), actual: "discrete")) {
            try gaussian.scores(observations: s3, actions: .discrete([0, 1]))
        }
        #expect(throws: PolicyError.actionIndexOutOfRange(row: 1, index: 4, actionCount: 4)) {
            try categorical.scores(observations: s3, actions: .discrete([0, 4]))
        }
        #expect(throws: PolicyError.weightCount(expected: 2, actual: 3)) {
            try categorical.meanLogProbabilityGradient(observations: s3, actions: .discrete([0, 1]), weights: [1, 2, 3])
        }
        let tabular = LinearSoftmaxPolicy<Double>(features: .oneHot(OneHotEncoding(stateCount: 3)), actionCount: 2)
        #expect(throws: PolicyError.invalidStateIndex(row: 1, value: 3, stateCount: 3)) {
            try tabular.entropy(observations: Matrix(column: [0, 3]))
        }
        let other = CategoricalPolicy<Double>(observationDimension: 3, hiddenLayers: [6], actionCount: 4, seed: 1)
        #expect(throws: PolicyError.self) { try categorical.klDivergence(to: other, observations: s3) }
        // An empty batch is fine.
        let empty = try gaussian.scores(observations: Matrix(rows: 0, columns: 3, repeating: 0),
                                        actions: .continuous(Matrix(rows: 0, columns: 2, repeating: 0)))
        #expect(empty.rows == 0 && empty.columns == gaussian.parameterCount)
    }

    @Test func samplingIsSeededAndFloatWorks() throws {
        let p = PolicyFixtures.gaussian(Float.self)
        let s: Matrix<Float> = PolicyFixtures.observations(rows: 5, columns: 3, seed: 2)
        var g1 = Xoshiro256StarStar(seed: 9), g2 = Xoshiro256StarStar(seed: 9)
        let a1 = try p.sample(observations: s, using: &g1), a2 = try p.sample(observations: s, using: &g2)
        #expect(a1 == a2)
        let psi = try p.scores(observations: s, actions: a1)
        #expect(psi.rows == 5 && psi.columns == p.parameterCount && psi.isFinite)
        let c = PolicyFixtures.categorical(Float.self)
        let ac = try c.sample(observations: s, using: &g1)
        #expect(ac.indices!.allSatisfy { (0..<4).contains($0) })
    }
}
