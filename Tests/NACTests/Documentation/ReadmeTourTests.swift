import Foundation
import Testing
@testable import NAC

/// The README's API tour, compiled and run, so the documentation cannot drift from the API.
@Suite struct ReadmeTourTests {
    @Test func linearAlgebraTour() throws {
        let a = Matrix<Double>.randomNormal(rows: 300, columns: 50, seed: 1)
        var fisher = a.gram() / 300
        fisher.addToDiagonal(1e-3)
        let g = a.multiplied(by: Array(repeating: 1, count: 300), .transposed)
        let factor = try fisher.cholesky()
        let w = factor.solve(g)
        #expect(factor.reciprocalConditionEstimate > 0)
        let residual = zip(fisher * w, g).map { $0 - $1 }
        #expect(norm(residual) <= 1e-10 * norm(g))
        let minimumNorm = try a.leastSquaresSVD(Matrix(column: Array(repeating: 1, count: 300)))
        #expect(minimumNorm.rank == 50)
    }

    @Test func scoresPoliciesAndNaturalGradientTour() throws {
        var layout = ParameterLayout()
        let w0 = layout.matrix(rows: 64, columns: 17), b0 = layout.vector(64)
        let w1 = layout.matrix(rows: 6, columns: 64), b1 = layout.vector(6)
        let logStd = layout.vector(6)
        let logLikelihood = DifferentiableFunction<Double>(parameterCount: layout.count) { tape, inputs in
            let mean = tape.dense(tape.dense(inputs[0], weight: w0, bias: b0).tanh(), weight: w1, bias: b1)
            let ls = tape.parameter(logStd)
            let z = (inputs[1] - mean) * (-ls).exp()
            return (z.squared() * -0.5 - ls).sumAlongFeatures() - 3 * Double.log(2 * .pi)
        }

        var policy = GaussianPolicy<Double>(observationDimension: 17, hiddenLayers: [64], actionDimension: 6,
                                            initialLogStandardDeviation: -0.5, seed: 1)
        var rng = Xoshiro256StarStar(seed: 2)
        let s = Matrix<Double>.randomNormal(rows: 64, columns: 17, using: &rng)
        let a = try policy.sample(observations: s, using: &rng)
        var psi = Matrix<Double>.zeros(rows: 64, columns: policy.parameterCount)
        let logProbs = try policy.scores(observations: s, actions: a, into: &psi)
        _ = try policy.entropy(observations: s)

        // The hand-written function of the tour has the same layout as the policy: same scores.
        let theta = policy.parameters
        var scores = Matrix<Double>.zeros(rows: 64, columns: layout.count)
        let values = try logLikelihood.perSampleJacobian(at: theta, inputs: [s, a.engineInput], into: &scores)
        #expect(scores.isApproximatelyEqual(to: psi, absoluteTolerance: 1e-12, relativeTolerance: 1e-10))
        #expect(values.isApproximatelyEqual(to: Matrix(column: logProbs), absoluteTolerance: 1e-12, relativeTolerance: 1e-12))

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("nac-readme-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try policy.save(to: directory.appendingPathComponent("policy.json"))
        let back = try GaussianPolicy<Double>(contentsOf: directory.appendingPathComponent("policy.json"))
        #expect(back.parameters == policy.parameters)
        try NumPyArray(psi).write(to: directory.appendingPathComponent("scores.npy"))

        let advantages = (0..<64).map { _ in rng.normal(Double.self) }
        let system = try FisherSystem(scores: psi, advantages: advantages, weights: nil, damping: 1e-3)
        let solution = try system.solve()
        let cg = try policy.logProbability.naturalGradientByConjugateGradient(
            at: policy.parameters, inputs: [s, a.engineInput], advantages: advantages, damping: 1e-3,
            options: ConjugateGradientOptions(maximumIterations: 200, relativeTolerance: 1e-12))
        let report = GradientCheck.report(analytic: Matrix(row: cg.w), numeric: Matrix(row: solution.w))
        #expect(report.maximumRelativeError < 1e-6, "\(report)")
        let exact = try policy.logProbability.naturalGradientByKernel(
            at: policy.parameters, inputs: [s, a.engineInput], advantages: advantages, damping: 1e-3)
        let exactReport = GradientCheck.report(analytic: Matrix(row: exact.w), numeric: Matrix(row: solution.w))
        #expect(exactReport.maximumRelativeError < 1e-9, "\(exactReport)")
        policy.parameters = theta
    }

    @Test func customRuleTour() throws {
        let cube = CustomOperation<Double>(
            name: "cube",
            primal: { x in x[0].applying(.power(3)) },
            tangent: { x, _, dx in (3 * x[0].applying(.square)).elementwiseMultiplied(by: dx[0]!) },
            adjoint: { x, _, ybar in [ybar * x[0].applying(.square) * 3] })
        var layout = ParameterLayout()
        let w = layout.matrix(rows: 2, columns: 3)
        let f = DifferentiableFunction<Double>(parameterCount: layout.count) { tape, inputs in
            tape.apply(cube, [tape.dense(inputs[0], weight: w)]).sumAlongFeatures()
        }
        let x = Matrix<Double>.randomNormal(rows: 4, columns: 3, seed: 3)
        let theta = (0..<6).map { Double($0) / 10 - 0.2 }
        let report = try f.checkPerSampleJacobian(at: theta, inputs: [x])
        #expect(report.passes(tolerance: 1e-7), "\(report)")
    }
}
