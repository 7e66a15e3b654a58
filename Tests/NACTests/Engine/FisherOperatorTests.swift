import Testing
@testable import NAC

/// The Fisher-vector-product operator — on the factored Jacobian for per-sample computations, on
/// the recorded-once tape (tangent re-sweeps) for computations that mix samples — equals
/// Jᵀ diag(ω) (J v) / Σω + λ v formed from the explicit Jacobian, and so does the one-shot
/// `fisherVectorProduct`.
@Suite struct FisherOperatorTests {
    /// Jᵀ diag(ω) (J v) / Σω + λ v from the explicit Jacobian: the reference every operator is compared with.
    static func explicitFisherProduct(_ j: Matrix<Double>, weights: [Double], damping: Double, _ v: [Double]) -> [Double] {
        let total = weights.reduce(0, +)
        let jv = j.multiplied(by: v)
        var product = j.multiplied(by: zip(weights, jv).map { $0 * $1 / total }, .transposed)
        axpy(damping, v, &product)
        return product
    }

    func expectSame(_ f: DifferentiableFunction<Double>, theta: [Double], inputs: [Matrix<Double>],
                    weights: [Double]?, seed: UInt64) throws {
        let j = try f.perSampleJacobian(at: theta, inputs: inputs).jacobian
        let omega = weights ?? [Double](repeating: 1, count: j.rows)
        let op = f.fisherVectorProductOperator(at: theta, inputs: inputs, sampleWeights: weights, damping: 0.1)
        var rng = Xoshiro256StarStar(seed: seed)
        for _ in 0..<3 {   // repeated use of one operator: each sweep must replace the last one's tangents
            let v = (0..<f.parameterCount).map { _ in rng.normal(Double.self) }
            let explicit = Self.explicitFisherProduct(j, weights: omega, damping: 0.1, v)
            let report = GradientCheck.report(analytic: Matrix(row: op(v)), numeric: Matrix(row: explicit))
            // Different summation orders (gemv over J vs the engine's reverse pass): rounding only.
            #expect(report.maximumRelativeError < 1e-10, "\(report)")
            let oneShot = f.fisherVectorProduct(at: theta, inputs: inputs, vector: v, sampleWeights: weights, damping: 0.1)
            let r2 = GradientCheck.report(analytic: Matrix(row: oneShot), numeric: Matrix(row: explicit))
            #expect(r2.maximumRelativeError < 1e-10, "\(r2)")
        }
    }

    @Test(arguments: ["reference_scores_W1", "reference_scores_W2"])
    func operatorEqualsDirectProductOnReferencePolicies(_ name: String) throws {
        let reference = try ReferencePolicy.load(name)
        let (f, inputs) = TestFunctions.function(for: reference, Double.self)
        try expectSame(f, theta: reference.parameters, inputs: inputs, weights: nil, seed: 1)
        let weights = (0..<reference.batchSize).map { Double($0 % 3) + 0.5 }
        try expectSame(f, theta: reference.parameters, inputs: inputs, weights: weights, seed: 2)
    }

    @Test func operatorEqualsDirectProductThroughEveryOperationKind() throws {
        let cube = CustomOperation<Double>(
            name: "cube",
            primal: { x in x[0].applying(.power(3)) },
            tangent: { x, _, dx in (3 * x[0].applying(.square)).elementwiseMultiplied(by: dx[0]!) },
            adjoint: { x, _, ybar in [ybar * x[0].applying(.square) * 3] })
        var layout = ParameterLayout()
        let w = layout.matrix(rows: 4, columns: 3), b = layout.vector(4)
        let scaleRow = layout.vector(4), scalar = layout.vector(1)
        let actions = [0, 3, 1, 2, 3]
        let f = DifferentiableFunction<Double>(parameterCount: layout.count) { tape, inputs in
            let h = tape.dense(inputs[0], weight: w, bias: b).tanh() * tape.parameter(scaleRow)
            let wide = tape.concatenateColumns([h.columns(0..<2), tape.apply(cube, [h.columns(2..<4)])])
            let shifted = wide - h.sumAlongFeatures() * tape.parameter(scalar) + h.softplus()
            return shifted.logSoftmax().gather(columns: Array(actions[tape.rows])) + wide.logSumExp().sin()
        }
        let x = Matrix<Double>.randomNormal(rows: 5, columns: 3, seed: 4)
        var rng = Xoshiro256StarStar(seed: 5)
        let theta = (0..<f.parameterCount).map { _ in 0.5 * rng.normal(Double.self) }
        try expectSame(f, theta: theta, inputs: [x], weights: [1, 2, 0.5, 1, 3], seed: 6)
    }

    /// Outputs that depend on the whole batch (out_b = h_b − mean_c h_c): no per-sample
    /// Jacobian, so the operator takes the recorded tape. J (B × P, J[b, p] = ∂out_b/∂θ_p) comes
    /// from B reverse passes, one per output (weights e_b), and from central differences.
    @Test func aBatchMixingComputationUsesTheRecordedOperator() throws {
        var layout = ParameterLayout()
        let w = layout.matrix(rows: 3, columns: 2), b = layout.vector(3)
        let f = DifferentiableFunction<Double>(parameterCount: layout.count) { tape, x in
            let h = tape.dense(x[0], weight: w, bias: b).tanh().sumAlongFeatures()
            return h.squared() - tape.meanOverBatch(h)
        }
        let x = Matrix<Double>.randomNormal(rows: 5, columns: 2, seed: 11)
        var rng = Xoshiro256StarStar(seed: 12)
        let theta = (0..<f.parameterCount).map { _ in 0.7 * rng.normal(Double.self) }
        #expect(throws: DifferentiationError.operationMixesSamples(operation: "mean over batch")) {
            _ = try f.factoredPerSampleJacobian(at: theta, inputs: [x])
        }
        var rows: [[Double]] = []
        for sample in 0..<5 {
            var e = Matrix<Double>.zeros(rows: 5, columns: 1)
            e[sample, 0] = 1
            rows.append(f.gradient(at: theta, inputs: [x], outputWeights: e).parameters)
        }
        let j = Matrix(rows: 5, columns: f.parameterCount, elements: rows.flatMap { $0 })
        // The reverse passes are themselves checked against central differences.
        let check = GradientCheck.compare(jacobian: j, of: { t in f.evaluate(at: t, inputs: [x]).elements }, at: theta)
        #expect(check.passes(tolerance: 1e-7), "\(check)")
        let weights = [1.0, 0.5, 2, 1, 3]
        let op = f.fisherVectorProductOperator(at: theta, inputs: [x], sampleWeights: weights, damping: 0.2)
        for _ in 0..<2 {
            let v = (0..<f.parameterCount).map { _ in rng.normal(Double.self) }
            let explicit = Self.explicitFisherProduct(j, weights: weights, damping: 0.2, v)
            let report = GradientCheck.report(analytic: Matrix(row: op(v)), numeric: Matrix(row: explicit))
            #expect(report.maximumRelativeError < 1e-12, "\(report)")
            let oneShot = f.fisherVectorProduct(at: theta, inputs: [x], vector: v, sampleWeights: weights, damping: 0.2)
            #expect(GradientCheck.report(analytic: Matrix(row: oneShot), numeric: Matrix(row: explicit)).maximumRelativeError < 1e-12)
        }
    }
}
