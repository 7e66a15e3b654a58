import Testing
@testable import NAC

/// Cross-checks of the engine's modes on the W2 reference policy (the exhaustive per-operation
/// finite-difference suite is in the other Engine test files).
@Suite struct ModesSmokeTests {
    let reference: ReferencePolicy
    init() throws { reference = try ReferencePolicy.load("reference_scores_W2") }

    @Test func fisherVectorProductEqualsExplicitJacobianProduct() throws {
        let (f, inputs) = TestFunctions.function(for: reference, Double.self)
        let j = reference.scores
        var rng = Xoshiro256StarStar(seed: 7)
        let v = (0..<f.parameterCount).map { _ in rng.normal(Double.self) }
        let fv = f.fisherVectorProduct(at: reference.parameters, inputs: inputs, vector: v, damping: 0.25)
        var expected = j.multiplied(by: j.multiplied(by: v), .transposed)
        scale(&expected, by: 1 / Double(j.rows))
        axpy(0.25, v, &expected)
        let report = GradientCheck.report(analytic: Matrix(row: fv), numeric: Matrix(row: expected))
        #expect(report.maximumRelativeError < 1e-10, "\(report)")
    }

    @Test func hessianVectorProductMatchesFiniteDifferencesOfGradient() throws {
        let (f, inputs) = TestFunctions.function(for: reference, Double.self)
        var rng = Xoshiro256StarStar(seed: 11)
        let v = (0..<f.parameterCount).map { _ in rng.normal(Double.self) }
        let theta = reference.parameters
        let hv = f.hessianVectorProduct(at: theta, inputs: inputs, vector: v).hessianVector
        let h = 1e-5
        let plus = f.gradient(at: zip(theta, v).map { $0 + h * $1 }, inputs: inputs).parameters
        let minus = f.gradient(at: zip(theta, v).map { $0 - h * $1 }, inputs: inputs).parameters
        let numeric = zip(plus, minus).map { ($0 - $1) / (2 * h) }
        let report = GradientCheck.report(analytic: Matrix(row: hv), numeric: Matrix(row: numeric))
        #expect(report.maximumRelativeError < 1e-6, "\(report)")
    }

    @Test func gradientEqualsColumnSumOfJacobianAndPassesChecker() throws {
        let (f, inputs) = TestFunctions.function(for: reference, Double.self)
        let g = f.gradient(at: reference.parameters, inputs: inputs).parameters
        let sums = reference.scores.sumOfColumns().elements
        #expect(GradientCheck.report(analytic: Matrix(row: g), numeric: Matrix(row: sums)).maximumRelativeError < 1e-10)
        let report = f.checkGradient(at: reference.parameters, inputs: inputs)
        #expect(report.passes(tolerance: 1e-7), "\(report)")
    }

    @Test func batchMixingOperationIsRefusedInPerSampleMode() throws {
        var layout = ParameterLayout()
        let w = layout.matrix(rows: 1, columns: 3)
        let f = DifferentiableFunction<Double>(parameterCount: layout.count) { tape, x in
            let y = tape.dense(x[0], weight: w)
            return y - tape.meanOverBatch(y)
        }
        let x = Matrix<Double>.randomNormal(rows: 5, columns: 3, seed: 1)
        #expect(throws: DifferentiationError.operationMixesSamples(operation: "mean over batch")) {
            _ = try f.perSampleJacobian(at: [0.1, 0.2, 0.3], inputs: [x])
        }
        // The reduced mode accepts it: Σ_b (y_b − ȳ) = 0 for every θ, so the gradient is zero.
        let g = f.gradient(at: [0.1, 0.2, 0.3], inputs: [x]).parameters
        #expect(g.allSatisfy { abs($0) < 1e-12 })
    }
}
