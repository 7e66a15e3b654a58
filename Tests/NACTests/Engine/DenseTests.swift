import Testing
@testable import NAC

/// y = x Wᵀ + b with and without bias, on batched inputs (input leaves and computed values)
/// and unbatched rows (parameters and constants), in every mode against central differences.
@Suite struct DenseTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var batch: Int, inputs: Int, outputs: Int
        var bias: Bool
        var testDescription: String { "B=\(batch), \(inputs)→\(outputs)\(bias ? " with bias" : "")" }
    }

    static let cases: [Case] = [
        Case(batch: 1, inputs: 1, outputs: 1, bias: true), Case(batch: 3, inputs: 2, outputs: 4, bias: true),
        Case(batch: 7, inputs: 5, outputs: 3, bias: true), Case(batch: 1, inputs: 3, outputs: 2, bias: false),
        Case(batch: 3, inputs: 4, outputs: 1, bias: false), Case(batch: 7, inputs: 2, outputs: 5, bias: false),
    ]

    /// dense on an input leaf: W̄ by one gemm (reduced) or outer products per row (per sample).
    @Test(arguments: cases)
    func batchedInputLeaf(_ c: Case) {
        var params = ParameterBuilder(seed: 500)
        let w = params.matrix(rows: c.outputs, columns: c.inputs)
        let b = c.bias ? params.vector(c.outputs) : nil
        var rng = Xoshiro256StarStar(seed: 50)
        let x = rng.normalMatrix(c.batch, c.inputs)
        checkOperation("dense(x) \(c.testDescription)", parameters: params, inputs: [x]) { tape, x in
            tape.dense(x[0], weight: w, bias: b)
        }
    }

    /// dense on a computed batched value (the input's adjoint and adjoint tangent flow on, and
    /// the layer input carries a tangent: W̄̇ = ȳ̇ᵀx + ȳᵀẋ).
    @Test(arguments: cases)
    func batchedComputedInput(_ c: Case) {
        var params = ParameterBuilder(seed: 510)
        let w0 = params.matrix(rows: c.inputs, columns: 2), b0 = params.vector(c.inputs)
        let w = params.matrix(rows: c.outputs, columns: c.inputs)
        let b = c.bias ? params.vector(c.outputs) : nil
        var rng = Xoshiro256StarStar(seed: 51)
        let x = rng.normalMatrix(c.batch, 2)
        checkOperation("dense(tanh(dense(x))) \(c.testDescription)", parameters: params, inputs: [x]) { tape, x in
            tape.dense(tape.dense(x[0], weight: w0, bias: b0).tanh(), weight: w, bias: b)
        }
    }

    /// dense on an unbatched parameter row (1 × in), broadcast against the batch afterwards; in
    /// the per-sample mode W̄_b = ȳ_bᵀ ⊗ p with the same row p for every sample.
    @Test(arguments: cases)
    func unbatchedParameterRow(_ c: Case) {
        var params = ParameterBuilder(seed: 520)
        let p = params.vector(c.inputs)
        let w = params.matrix(rows: c.outputs, columns: c.inputs)
        let b = c.bias ? params.vector(c.outputs) : nil
        let v = params.matrix(rows: c.outputs, columns: 2)
        var rng = Xoshiro256StarStar(seed: 52)
        let x = rng.normalMatrix(c.batch, 2)
        checkOperation("dense(parameter row) \(c.testDescription)", parameters: params, inputs: [x]) { tape, x in
            tape.dense(tape.parameter(p).tanh(), weight: w, bias: b) * tape.dense(x[0], weight: v)
        }
        // Unbatched all the way: reduced modes only; the per-sample modes refuse (outputNotBatched).
        checkOperation("dense(parameter row), unbatched output \(c.testDescription)", parameters: params,
                       inputs: [x]) { tape, _ in
            tape.dense(tape.parameter(p).sin(), weight: w, bias: b)
        }
    }

    /// dense on a constant row (no input adjoint), plus the batch.
    @Test(arguments: cases)
    func unbatchedConstantRow(_ c: Case) {
        var params = ParameterBuilder(seed: 530)
        let w = params.matrix(rows: c.outputs, columns: c.inputs)
        let b = c.bias ? params.vector(c.outputs) : nil
        let v = params.matrix(rows: c.outputs, columns: 3)
        var rng = Xoshiro256StarStar(seed: 53)
        let row = rng.normals(c.inputs)
        let x = rng.normalMatrix(c.batch, 3)
        checkOperation("dense(constant row) \(c.testDescription)", parameters: params, inputs: [x]) { tape, x in
            tape.dense(tape.constant(row: row), weight: w, bias: b) + tape.dense(x[0], weight: v).tanh()
        }
    }

    /// The same layer applied twice per sample (W square): its Jacobian columns accumulate two
    /// outer products per row, and under forward-over-reverse two tangent contributions.
    @Test(arguments: [1, 3, 7])
    func layerAppliedTwice(_ batch: Int) {
        var params = ParameterBuilder(seed: 540)
        let w = params.matrix(rows: 3, columns: 3), b = params.vector(3)
        let out = params.matrix(rows: 1, columns: 3)
        var rng = Xoshiro256StarStar(seed: 54)
        let x = rng.normalMatrix(batch, 3)
        let f = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            let h1 = tape.dense(x[0], weight: w, bias: b).tanh()
            let h2 = tape.dense(h1, weight: w, bias: b).tanh()
            return tape.dense(h2, weight: out)
        }
        EngineModes.check(EngineCase(name: "dense twice B=\(batch)", function: f, theta: params.theta, inputs: [x]))
    }

    /// Closed form: y = x Wᵀ + b; ∂y_b/∂W[o, i] = δ x_b[i], ∂y_b/∂b = 1 (B × 1 output).
    @Test func closedFormJacobian() throws {
        var params = ParameterBuilder(seed: 550)
        let w = params.matrix(rows: 1, columns: 4), b = params.vector(1)
        let x = Matrix<Double>.randomNormal(rows: 5, columns: 4, seed: 55)
        let f = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            tape.dense(x[0], weight: w, bias: b)
        }
        let (values, j) = try f.perSampleJacobian(at: params.theta, inputs: [x])
        for r in 0..<5 {
            var y = params.theta[4]
            for i in 0..<4 { y += x[r, i] * params.theta[i] }
            #expect(abs(values[r, 0] - y) <= 1e-14)
            #expect(j.row(r) == x.row(r) + [1])
        }
    }
}
