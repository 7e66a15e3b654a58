import Testing
@testable import NAC

@Suite struct ValueFunctionTests {
    @Test func linearValueFunctionIsFeaturesTimesWeights() {
        let features = AnyFeatureMap<Double>.polynomial(PolynomialBasis(inputDimension: 2, degree: 1))
        let v = LinearValueFunction(features: features, parameters: [0.5, 2, -1])
        let s = Matrix<Double>([[1, 3], [0, 0]])
        #expect(v.values(observations: s) == [0.5 + 2 - 3, 0.5])
        // ∇θ V = φ(s); Σ_b w_b φ(s_b).
        #expect(v.gradient(observations: s, weights: [2, 1]) == [3, 2, 6])
        #expect(v.perSampleGradients(observations: s) == Matrix([[1, 1, 3], [1, 0, 0]]))
    }

    @Test func mlpValueFunctionGradientsAgree() {
        let v = MLPValueFunction<Double>(observationDimension: 3, hiddenLayers: [4], seed: 3)
        let s: Matrix<Double> = PolicyFixtures.observations(rows: 5, columns: 3, seed: 4)
        let values = v.values(observations: s)
        #expect(values.count == 5)
        #expect(values == v.network.evaluate(s, parameters: v.parameters).elements)
        let j = v.perSampleGradients(observations: s)
        let g = v.gradient(observations: s)
        let sum = j.multiplied(by: [Double](repeating: 1, count: 5), .transposed)
        #expect(zip(g, sum).allSatisfy { abs($0 - $1) <= 1e-13 })
    }
}
