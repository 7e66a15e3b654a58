import Foundation
import Testing
@testable import NAC

@Suite struct MLPTests {
    @Test func layoutFollowsTheDocumentedOrder() {
        let mlp = MLP<Double>(layerSizes: [17, 64, 64, 6])
        #expect(mlp.parameterCount == 5702)
        let slices = mlp.namedParameterSlices
        #expect(slices.map(\.slice.offset) == [0, 1088, 1152, 5248, 5312, 5696])
        #expect(slices[0].slice.rows == 64 && slices[0].slice.columns == 17)
        #expect(mlp.layers.map(\.activation) == [.tanh, .tanh, .identity])
        let moved = mlp.movingParameters(to: 10)
        #expect(moved.parameterRange == 10..<5712)
    }

    @Test func plainEvaluationEqualsTheEngineAndHandComputation() {
        let mlp = MLP<Double>(layers: [(2, 2, .relu), (2, 1, .softplus)])
        // W0 = [[1, -1], [0.5, 2]], b0 = [0, -1], W1 = [[1, -2]], b1 = [0.25]
        let theta: [Double] = [1, -1, 0.5, 2, 0, -1, 1, -2, 0.25]
        let x = Matrix<Double>([[1, 2], [3, -1]])
        let y = mlp.evaluate(x, parameters: theta)
        // Row 0: h = relu([−1, 3.5]) = [0, 3.5]; z = −7 + 0.25 = −6.75.  Row 1: h = relu([4, −1.5]) = [4, 0]; z = 4.25.
        #expect(abs(y[0, 0] - log1p(exp(-6.75))) <= 1e-15)
        #expect(abs(y[1, 0] - log1p(exp(4.25))) <= 1e-14)
        let f = DifferentiableFunction<Double>(parameterCount: mlp.parameterCount) { tape, inputs in mlp.output(tape, inputs[0]) }
        #expect(f.evaluate(at: theta, inputs: [x]).isApproximatelyEqual(to: y, absoluteTolerance: 1e-15, relativeTolerance: 1e-15))
        let s = MLP<Double>(layers: [(2, 1, .sigmoid)])
        let ys = s.evaluate(Matrix([[1, 1]]), parameters: [0.5, 0.5, -1])
        #expect(abs(ys[0, 0] - 0.5) <= 1e-15)
    }

    @Test func initialisationIsSeededAndScaled() {
        let mlp = MLP<Double>(layerSizes: [400, 300, 2])
        let a = mlp.initialParameters(seed: 5), b = mlp.initialParameters(seed: 5), c = mlp.initialParameters(seed: 6)
        #expect(a == b && a != c)
        // Weights of layer 0: 120 000 draws of N(0, 1/400): sample variance within 2% (its relative
        // standard error is √(2/n) ≈ 0.4%).
        let w = a[mlp.layers[0].weight.range]
        let variance = w.reduce(0) { $0 + $1 * $1 } / Double(w.count)
        #expect(abs(variance * 400 - 1) <= 0.02)
        #expect(a[mlp.layers[0].bias.range].allSatisfy { $0 == 0 })
        let timing = mlp.initialParameters(seed: 5, initialization: .workloadTiming)
        #expect(timing[mlp.layers[0].bias.range].contains { $0 != 0 })
        let xavier = mlp.initialParameters(seed: 5, initialization: MLPInitialization(weights: .xavierUniform))
        let limit = (6.0 / 700).squareRoot()
        #expect(xavier[mlp.layers[0].weight.range].allSatisfy { abs($0) <= limit })
        let small = mlp.initialParameters(seed: 5, initialization: MLPInitialization(outputLayerScale: 0.01))
        let last = mlp.layers[1].weight.range
        #expect(zip(small[last], a[last]).allSatisfy { abs($0 - 0.01 * $1) <= 1e-15 })
    }
}
