import Testing
@testable import NAC

/// `gradient(at:inputs:outputWeights:)` with weights computed from the output: the gradient of a
/// squared-error loss in one forward pass.
@Suite struct OutputWeightedGradientTests {
    /// ½ Σ_b (log π(a_b|s_b) − y_b)² / B on the W2 reference policy: the engine's one-pass
    /// gradient against central differences of the loss, and against `evaluate` + `gradient`.
    @Test func squaredErrorGradientMatchesFiniteDifferences() throws {
        let reference = try ReferencePolicy.load("reference_scores_W2")
        let (f, inputs) = TestFunctions.function(for: reference, Double.self)
        let b = reference.batchSize
        var rng = Xoshiro256StarStar(seed: 23)
        let targets = (0..<b).map { _ in rng.normal(Double.self) }
        func loss(_ theta: [Double]) -> Double {
            let v = f.evaluate(at: theta, inputs: inputs).elements
            return zip(v, targets).map { ($0 - $1) * ($0 - $1) }.reduce(0, +) / Double(2 * b)
        }
        var seen: Matrix<Double>?
        let g = f.gradient(at: reference.parameters, inputs: inputs) { output in
            seen = output
            return Matrix(column: (0..<b).map { (output[$0, 0] - targets[$0]) / Double(b) })
        }
        // The weights saw the output, and the output is the log-likelihoods of the reference file.
        #expect(seen == g.value)
        for i in 0..<b { #expect(abs(g.value[i, 0] - reference.logProbabilities[i]) <= 1e-12) }
        let numeric = centralDifferences(at: reference.parameters) { [loss($0)] }
        let report = GradientCheck.report(analytic: Matrix(row: g.parameters), numeric: numeric)
        #expect(report.maximumRelativeError < 1e-6, "\(report)")
        // Two passes give the same numbers: the same forward values, the same reverse pass.
        let v = f.evaluate(at: reference.parameters, inputs: inputs)
        let twoPass = f.gradient(at: reference.parameters, inputs: inputs,
                                 outputWeights: Matrix(column: (0..<b).map { (v[$0, 0] - targets[$0]) / Double(b) }))
        #expect(twoPass.parameters == g.parameters)
    }

    @Test func valueFunctionGivesValuesAndTheirWeightedGradient() {
        let critic = MLPValueFunction<Double>(observationDimension: 3, hiddenLayers: [5, 4], seed: 29)
        let x = Matrix<Double>.randomNormal(rows: 6, columns: 3, seed: 30)
        let y = (0..<6).map { Double($0) / 3 - 1 }
        let (values, gradient) = critic.valuesAndGradient(observations: x) { v in (0..<6).map { (v[$0] - y[$0]) / 6 } }
        let expectedValues = critic.values(observations: x)
        #expect(values == expectedValues)
        #expect(gradient == critic.gradient(observations: x, weights: (0..<6).map { (expectedValues[$0] - y[$0]) / 6 }))
        let empty = critic.valuesAndGradient(observations: Matrix(rows: 0, columns: 3, elements: [])) { _ in [] }
        #expect(empty.values.isEmpty && empty.gradient == [Double](repeating: 0, count: critic.parameterCount))
    }
}
