import Testing
@testable import NAC

/// gather, column slices, concatenateColumns and stopGradient in every mode against central
/// differences (and closed forms).
@Suite struct GatherAndColumnsTests {
    static let shapes = [Shape(batch: 1, width: 1), Shape(batch: 3, width: 4), Shape(batch: 7, width: 5)]

    /// Per-row indices that cover every column (and repeat some).
    static func actions(_ batch: Int, _ width: Int) -> [Int] {
        (0..<batch).map { ($0 * 3 + 1) % width }
    }

    // MARK: gather

    /// The taken action's log-probability: logSoftmax then gather, indices sliced with
    /// `tape.rows` so that chunked per-sample mode picks each chunk's own indices.
    @Test(arguments: shapes)
    func gatherOfLogSoftmax(_ shape: Shape) {
        var params = ParameterBuilder(seed: 700)
        let w = params.matrix(rows: shape.width, columns: 3), b = params.vector(shape.width)
        var rng = Xoshiro256StarStar(seed: 70)
        let x = rng.normalMatrix(shape.batch, 3)
        let a = Self.actions(shape.batch, shape.width)
        checkOperation("gather(logSoftmax) \(shape.testDescription)", parameters: params, inputs: [x]) { tape, x in
            tape.dense(x[0], weight: w, bias: b).logSoftmax().gather(columns: Array(a[tape.rows]))
        }
    }

    /// gather of a value computed from an input leaf and a parameter row, and of the input leaf
    /// itself (adjoint written straight into the input's fresh adjoint with zeros elsewhere).
    @Test(arguments: shapes)
    func gatherOfBatchedValues(_ shape: Shape) {
        var params = ParameterBuilder(seed: 710)
        let s = params.vector(shape.width)
        var rng = Xoshiro256StarStar(seed: 71)
        let x = rng.normalMatrix(shape.batch, shape.width)
        let a = Self.actions(shape.batch, shape.width)
        checkOperation("gather(x ⊙ s) \(shape.testDescription)", parameters: params, inputs: [x]) { tape, x in
            (x[0] * tape.parameter(s)).sin().gather(columns: Array(a[tape.rows]))
        }
        checkOperation("gather(x) · s, x used twice \(shape.testDescription)", parameters: params, inputs: [x]) { tape, x in
            // x's adjoint receives the gather's scatter and the product's contribution.
            (x[0].gather(columns: Array(a[tape.rows])) * (x[0] * tape.parameter(s)).sumAlongFeatures()).tanh()
        }
    }

    /// Gather picks exactly the indexed entries; its reverse scatters with zeros elsewhere.
    @Test func gatherClosedForm() {
        let x = Matrix<Double>.randomNormal(rows: 4, columns: 3, seed: 72)
        let a = [2, 0, 1, 2]
        let f = DifferentiableFunction<Double>(parameterCount: 0) { tape, x in x[0].gather(columns: a) }
        let y = f.evaluate(at: [], inputs: [x])
        let g = f.gradient(at: [], inputs: [x], outputWeights: Matrix(column: [1, 2, 3, 4]), inputGradients: true)
        for r in 0..<4 {
            #expect(y[r, 0] == x[r, a[r]])
            for c in 0..<3 { #expect(g.inputs[0][r, c] == (c == a[r] ? Double(r + 1) : 0)) }
        }
    }

    // MARK: column slices

    /// Slices of a batched value: a middle range, a single column, the whole width; chained.
    @Test(arguments: shapes)
    func columnSlices(_ shape: Shape) {
        var params = ParameterBuilder(seed: 720)
        let n = shape.width + 2
        let w = params.matrix(rows: n, columns: 2), b = params.vector(n)
        var rng = Xoshiro256StarStar(seed: 73)
        let x = rng.normalMatrix(shape.batch, 2)
        checkOperation("columns 1..<\(n - 1) of tanh(dense) \(shape.testDescription)", parameters: params, inputs: [x]) { tape, x in
            tape.dense(x[0], weight: w, bias: b).tanh().columns(1..<(n - 1))
        }
        checkOperation("columns: single, whole, chained \(shape.testDescription)", parameters: params, inputs: [x]) { tape, x in
            let y = tape.dense(x[0], weight: w, bias: b).sin()
            return y.columns(0..<1) * y.columns(0..<n).columns(1..<n).columns(1..<2) + y.columns((n - 1)..<n).exp()
        }
    }

    /// Slices of an unbatched parameter row (the slice's adjoint widens with zeros into the
    /// leaf's Jacobian columns) and of an input leaf.
    @Test func columnSlicesOfRowsAndInputs() {
        var params = ParameterBuilder(seed: 730)
        let p = params.vector(5)
        var rng = Xoshiro256StarStar(seed: 74)
        let x = rng.normalMatrix(3, 4)
        checkOperation("columns of a parameter row and of an input", parameters: params, inputs: [x]) { tape, x in
            let r = tape.parameter(p)
            return r.columns(1..<4).tanh() * x[0].columns(0..<3) + r.columns(4..<5) * x[0].columns(3..<4).squared()
        }
    }

    // MARK: concatenateColumns

    /// Two batched parts; a batched part beside an unbatched parameter row (repeated over the
    /// batch); a column, a row and an input; all-unbatched parts.
    @Test(arguments: shapes)
    func concatenation(_ shape: Shape) {
        var params = ParameterBuilder(seed: 740)
        let n = shape.width
        let w1 = params.matrix(rows: n, columns: 2), w2 = params.matrix(rows: 2, columns: 2)
        let wc = params.matrix(rows: 1, columns: 2), p = params.vector(3), q = params.vector(2)
        var rng = Xoshiro256StarStar(seed: 75)
        let x = rng.normalMatrix(shape.batch, 2)
        checkOperation("concat(a, b, a) \(shape.testDescription)", parameters: params, inputs: [x]) { tape, x in
            let a = tape.dense(x[0], weight: w1).tanh()
            return tape.concatenateColumns([a, tape.dense(x[0], weight: w2), a])
        }
        checkOperation("concat(batched, unbatched row) \(shape.testDescription)", parameters: params, inputs: [x]) { tape, x in
            let h = tape.concatenateColumns([tape.dense(x[0], weight: w1), tape.parameter(p).sin()])
            return h.tanh()
        }
        checkOperation("concat(row, column, input, row) \(shape.testDescription)", parameters: params, inputs: [x]) { tape, x in
            let h = tape.concatenateColumns([tape.parameter(q), tape.dense(x[0], weight: wc).exp(), x[0],
                                             tape.parameter(p)])
            return h.sin()
        }
        checkOperation("concat(unbatched, unbatched) · x \(shape.testDescription)", parameters: params, inputs: [x]) { tape, x in
            let u = tape.concatenateColumns([tape.parameter(q).tanh(), tape.parameter(p)])   // 1 × 5
            return u.columns(0..<2) * x[0] + u.columns(2..<5).sumAlongFeatures()
        }
    }

    @Test func concatenationClosedForm() {
        var params = ParameterBuilder(seed: 750)
        let p = params.vector(2)
        let x = Matrix<Double>.randomNormal(rows: 3, columns: 2, seed: 76)
        let f = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            tape.concatenateColumns([x[0], tape.parameter(p), x[0].columns(1..<2)])
        }
        let y = f.evaluate(at: params.theta, inputs: [x])
        #expect(y.rows == 3 && y.columns == 5)
        for r in 0..<3 { #expect(y.row(r) == x.row(r) + params.theta + [x[r, 1]]) }
        // ∂/∂p of Σ ω ⊙ y: the column sums of ω over p's columns.
        let omega = Matrix<Double>.randomNormal(rows: 3, columns: 5, seed: 77)
        let g = f.gradient(at: params.theta, inputs: [x], outputWeights: omega, inputGradients: true)
        for k in 0..<2 { #expect(abs(g.parameters[k] - omega.column(2 + k).reduce(0, +)) <= 1e-14) }
        for r in 0..<3 {
            #expect(g.inputs[0][r, 0] == omega[r, 0])
            #expect(abs(g.inputs[0][r, 1] - (omega[r, 1] + omega[r, 4])) <= 1e-15)
        }
    }

    // MARK: stopGradient

    /// f(θ) = a(θ) ⊙ stopGradient(a(θ)) + b(θ) is, in every mode, the function a(θ) ⊙ C + b(θ)
    /// with C = a(θ₀) a constant — forward tangents stop and adjoints do not flow through the
    /// stopped value (also under forward-over-reverse).
    @Test(arguments: shapes)
    func stopGradientIsAConstant(_ shape: Shape) {
        var params = ParameterBuilder(seed: 760)
        let n = shape.width
        let w = params.matrix(rows: n, columns: 2), b = params.vector(n), s = params.vector(n)
        var rng = Xoshiro256StarStar(seed: 78)
        let x = rng.normalMatrix(shape.batch, 2)
        let stopped = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            let a = tape.dense(x[0], weight: w, bias: b).tanh()
            return scalarHead(a * a.stopGradient() + x[0].columns(0..<1) * tape.parameter(s))
        }
        let frozenA = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            tape.dense(x[0], weight: w, bias: b).tanh()
        }.evaluate(at: params.theta, inputs: [x])
        let constant = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            let a = tape.dense(x[0], weight: w, bias: b).tanh()
            return scalarHead(a * tape.constant(batch: frozenA.rows(tape.rows)) + x[0].columns(0..<1) * tape.parameter(s))
        }
        expectSameFunction(stopped, constant, theta: params.theta, inputs: [x], "a ⊙ stopGradient(a) \(shape.testDescription)")
        EngineModes.check(EngineCase(name: "a ⊙ C \(shape.testDescription)", function: constant, theta: params.theta, inputs: [x]))
    }

    /// A parameter reached only through stopGradient has zero gradient, zero Jacobian columns
    /// (even over a NaN-filled buffer) and zero tangents.
    @Test func parameterBehindStopGradientHasZeroDerivatives() throws {
        var params = ParameterBuilder(seed: 770)
        let w = params.matrix(rows: 2, columns: 3), hidden = params.vector(2)
        let x = Matrix<Double>.randomNormal(rows: 4, columns: 3, seed: 79)
        let f = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            let stopped = tape.parameter(hidden).exp().stopGradient()
            return (tape.dense(x[0], weight: w) * stopped).tanh().sumAlongFeatures()
        }
        let hiddenColumns = hidden.range
        let g = f.gradient(at: params.theta, inputs: [x]).parameters
        for p in hiddenColumns { #expect(g[p] == 0) }
        var j = Matrix<Double>(rows: 4, columns: params.count, repeating: .nan)
        try f.perSampleJacobian(at: params.theta, inputs: [x], into: &j)
        let v = Array(repeating: 1.0, count: params.count)
        let r = try f.perSampleJacobianWithTangent(at: params.theta, inputs: [x], parameterDirection: v)
        let hv = f.hessianVectorProduct(at: params.theta, inputs: [x], vector: v).hessianVector
        for b in 0..<4 {
            for p in hiddenColumns {
                #expect(j[b, p] == 0 && r.jacobianTangent[b, p] == 0 && r.jacobian[b, p] == 0)
            }
        }
        for p in hiddenColumns { #expect(hv[p] == 0) }
        // The JVP along the hidden parameters alone is zero.
        var only = [Double](repeating: 0, count: params.count)
        for p in hiddenColumns { only[p] = 1 }
        #expect(f.jvp(at: params.theta, inputs: [x], parameterDirection: only).tangent.elements.allSatisfy { $0 == 0 })
    }
}
