import Testing
@testable import NAC

/// Feature-axis reductions (sumAlongFeatures, meanAlongFeatures, logSumExp, logSoftmax) in every
/// mode, and batch-axis reductions (sumOverBatch, meanOverBatch) in the reduced modes, against
/// central differences.
@Suite struct ReductionTests {
    enum Reduction: String, Sendable, CaseIterable {
        case sumAlongFeatures, meanAlongFeatures, logSumExp, logSoftmax

        func apply(_ x: Variable<Double>) -> Variable<Double> {
            switch self {
            case .sumAlongFeatures: x.sumAlongFeatures()
            case .meanAlongFeatures: x.meanAlongFeatures()
            case .logSumExp: x.logSumExp()
            case .logSoftmax: x.logSoftmax()
            }
        }
    }

    static let shapes = [Shape(batch: 1, width: 1), Shape(batch: 3, width: 2), Shape(batch: 7, width: 5),
                         Shape(batch: 3, width: 4)]

    /// Of a batched value computed from θ and x.
    @Test(arguments: Reduction.allCases, shapes)
    func batched(_ r: Reduction, _ shape: Shape) {
        var params = ParameterBuilder(seed: 600)
        let w = params.matrix(rows: shape.width, columns: 3), b = params.vector(shape.width)
        var rng = Xoshiro256StarStar(seed: 60)
        let x = rng.normalMatrix(shape.batch, 3)
        checkOperation("\(r) \(shape.testDescription)", parameters: params, inputs: [x]) { tape, x in
            r.apply(tape.dense(x[0], weight: w, bias: b))
        }
    }

    /// Of an unbatched parameter row, combined with the batch afterwards.
    @Test(arguments: Reduction.allCases)
    func unbatchedRow(_ r: Reduction) {
        var params = ParameterBuilder(seed: 610)
        let p = params.vector(4, .normal(1))
        var rng = Xoshiro256StarStar(seed: 61)
        let x = rng.normalMatrix(3, 4)
        checkOperation("\(r) of a parameter row", parameters: params, inputs: [x]) { tape, x in
            r.apply(tape.parameter(p)) * x[0]
        }
    }

    /// Of an input leaf (input derivatives only), scaled by a parameter.
    @Test(arguments: Reduction.allCases)
    func inputLeaf(_ r: Reduction) {
        var params = ParameterBuilder(seed: 620)
        let s = params.vector(1)
        var rng = Xoshiro256StarStar(seed: 62)
        let x = rng.normalMatrix(7, 3)
        checkOperation("\(r) of an input", parameters: params, inputs: [x]) { tape, x in
            r.apply(x[0]).tanh() * tape.parameter(s)
        }
    }

    /// Closed forms: log Σ exp, softmax and its directional derivative.
    @Test func logSumExpClosedFormAndStability() {
        var params = ParameterBuilder(seed: 630)
        let w = params.matrix(rows: 4, columns: 2), b = params.vector(4)
        var rng = Xoshiro256StarStar(seed: 63)
        let x = rng.normalMatrix(3, 2)
        for shift in [0.0, 1000, -1000] {
            let f = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
                (tape.dense(x[0], weight: w, bias: b) + shift).logSumExp() - shift
            }
            let g = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
                tape.dense(x[0], weight: w, bias: b).logSumExp()
            }
            let y = f.evaluate(at: params.theta, inputs: [x])
            let u = g.evaluate(at: params.theta, inputs: [x])
            #expect(y.isFinite && u.isFinite)
            // Shifting all logits leaves the derivatives unchanged (the shift is a constant).
            expectClose(f.gradient(at: params.theta, inputs: [x]).parameters,
                        g.gradient(at: params.theta, inputs: [x]).parameters, within: 1e-9, "shift \(shift): ∇θ")
            // Value against the direct formula (no shift).
            if shift == 0 {
                let logits = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
                    tape.dense(x[0], weight: w, bias: b)
                }.evaluate(at: params.theta, inputs: [x])
                for r in 0..<3 {
                    let direct = Double.log(logits.row(r).map { Double.exp($0) }.reduce(0, +))
                    #expect(abs(u[r, 0] - direct) <= 1e-13 * max(1, abs(direct)))
                }
            }
        }
        // The softmax rows of logSoftmax's exp sum to one.
        let h = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            tape.dense(x[0], weight: w, bias: b).logSoftmax().exp().sumAlongFeatures()
        }
        for v in h.evaluate(at: params.theta, inputs: [x]).elements { #expect(abs(v - 1) <= 1e-14) }
    }

    /// Action masking: logits + a constant row with −∞ in the masked columns, then logSoftmax
    /// and gather of unmasked actions (and logSumExp): finite and right in every mode (the
    /// masked softmax entries are exactly 0, so no ∞ · 0 reaches any derivative).
    @Test(arguments: [1, 5])
    func maskedLogits(_ batch: Int) {
        var params = ParameterBuilder(seed: 670)
        let w = params.matrix(rows: 4, columns: 3), b = params.vector(4)
        var rng = Xoshiro256StarStar(seed: 67)
        let x = rng.normalMatrix(batch, 3)
        let actions = (0..<batch).map { [0, 2, 3][$0 % 3] }
        let mask: [Double] = [0, -.infinity, 0, 0]
        let f = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            (tape.dense(x[0], weight: w, bias: b) + tape.constant(row: mask)).logSoftmax()
                .gather(columns: Array(actions[tape.rows]))
        }
        EngineModes.check(EngineCase(name: "masked log-softmax B=\(batch)", function: f, theta: params.theta, inputs: [x]))
        let g = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            (tape.dense(x[0], weight: w, bias: b) + tape.constant(row: mask)).logSumExp()
        }
        EngineModes.check(EngineCase(name: "masked logSumExp B=\(batch)", function: g, theta: params.theta, inputs: [x]))
    }

    // MARK: Batch reductions (reduced mode only)

    enum BatchReduction: String, Sendable, CaseIterable {
        case sumOverBatch, meanOverBatch
        func apply(_ x: Variable<Double>) -> Variable<Double> {
            self == .sumOverBatch ? x.tape.sumOverBatch(x) : x.tape.meanOverBatch(x)
        }
        var operationName: String { self == .sumOverBatch ? "sum over batch" : "mean over batch" }
    }

    /// The unbatched reduction itself as the output (1 × n): reduced modes; the per-sample modes
    /// refuse with outputNotBatched (checked by `EngineModes`).
    @Test(arguments: BatchReduction.allCases, [Shape(batch: 1, width: 2), Shape(batch: 3, width: 1), Shape(batch: 7, width: 4)])
    func batchReductionAsOutput(_ r: BatchReduction, _ shape: Shape) {
        var params = ParameterBuilder(seed: 640)
        let w = params.matrix(rows: shape.width, columns: 2), b = params.vector(shape.width)
        var rng = Xoshiro256StarStar(seed: 64)
        let x = rng.normalMatrix(shape.batch, 2)
        checkOperation("\(r) \(shape.testDescription)", parameters: params, inputs: [x]) { tape, x in
            r.apply(tape.dense(x[0], weight: w, bias: b).tanh())
        }
    }

    /// Centering, y − mean_b(y), broadcast back over the batch: batched output, reduced modes
    /// against central differences; the per-sample modes refuse naming the operation.
    @Test(arguments: BatchReduction.allCases, [Shape(batch: 1, width: 3), Shape(batch: 3, width: 2), Shape(batch: 7, width: 1)])
    func batchReductionBroadcastBack(_ r: BatchReduction, _ shape: Shape) {
        var params = ParameterBuilder(seed: 650)
        let w = params.matrix(rows: shape.width, columns: 2), b = params.vector(shape.width)
        var rng = Xoshiro256StarStar(seed: 65)
        let x = rng.normalMatrix(shape.batch, 2)
        checkOperation("x − \(r)(x) \(shape.testDescription)", parameters: params, inputs: [x]) { tape, x in
            let y = tape.dense(x[0], weight: w, bias: b).tanh()
            return (y - r.apply(y)).squared()
        }
        let f = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            let y = tape.dense(x[0], weight: w, bias: b).tanh()
            return scalarHead(y - r.apply(y))
        }
        #expect(throws: DifferentiationError.operationMixesSamples(operation: r.operationName)) {
            _ = try f.perSampleJacobian(at: params.theta, inputs: [x])
        }
    }

    /// Closed forms: Σ_b and mean_b of the rows, and their gradients (ones and 1/B).
    @Test func batchReductionClosedForms() {
        let x = Matrix<Double>.randomNormal(rows: 4, columns: 3, seed: 66)
        var params = ParameterBuilder(seed: 660)
        let s = params.vector(3)
        for r in BatchReduction.allCases {
            let f = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
                r.apply(x[0] * tape.parameter(s))
            }
            let y = f.evaluate(at: params.theta, inputs: [x])
            let g = f.gradient(at: params.theta, inputs: [x], inputGradients: true)
            let scale = r == .sumOverBatch ? 1.0 : 0.25
            for c in 0..<3 {
                let sum = (0..<4).reduce(0.0) { $0 + x[$1, c] }
                #expect(abs(y[0, c] - scale * sum * params.theta[c]) <= 1e-14)
                #expect(abs(g.parameters[c] - scale * sum) <= 1e-14)
                for b in 0..<4 { #expect(abs(g.inputs[0][b, c] - scale * params.theta[c]) <= 1e-15) }
            }
        }
    }
}
