import Testing
@testable import NAC

/// The Float engine on a representative subset (dense/MLP, elementwise functions, broadcasting,
/// logSoftmax + gather, a custom operation), in every mode, against the Double engine.
///
/// Tolerance. Central differences are poor in Float (ε ≈ 1.2·10⁻⁷: with the optimal step
/// ε^(1/3) ≈ 5·10⁻³ they are accurate to only ~10⁻⁵…10⁻⁴), so the Float results are compared
/// with the Double engine's on the same θ and inputs — drawn in Float, so that the Double
/// copies are exact and the only difference is the Float engine's own rounding. Rounding
/// bounds each entry's error by a few ε times the magnitudes of the terms summed into it, not
/// by the entry itself (an entry can be a cancellation of larger terms), so entries are judged
/// normwise: |Float − Double| / max(|Float|, |Double|, max(1, max |Double|)) (`Discrepancy` with
/// floorFraction 1). With about ten operations per path and O(1)…O(10) condition numbers the
/// expected error is ~10⁻⁶ (observed ≤ 4·10⁻⁷); the bound, 10⁻⁴, leaves ≥ 100× margin and is far below the
/// O(1) errors of a wrong rule or of a kernel that is wrong only in Float.
@Suite struct FloatEngineTests {
    static let bound = 1e-4

    /// One function built for both scalar types, with Float data.
    struct Pair {
        var name: String
        var float: DifferentiableFunction<Float>
        var double: DifferentiableFunction<Double>
        var theta: [Float]
        var inputs: [Matrix<Float>]
        var perSample = true
    }

    static func floats(_ n: Int, _ rng: inout Xoshiro256StarStar, scale: Float = 1) -> [Float] {
        (0..<n).map { _ in scale * rng.normal(Float.self) }
    }

    static func floatMatrix(_ r: Int, _ c: Int, _ rng: inout Xoshiro256StarStar, in range: Range<Float>? = nil) -> Matrix<Float> {
        Matrix(rows: r, columns: c, elements: range.map { rg in (0..<(r * c)).map { _ in rng.uniform(in: rg) } } ?? floats(r * c, &rng))
    }

    // MARK: Functions, generic over the scalar

    static func elementwiseChain<S: NACScalar>(_ s: ParameterSlice, _ t: ParameterSlice) -> DifferentiableFunction<S> {
        DifferentiableFunction(parameterCount: s.count + t.count) { tape, x in
            let u = x[0] * tape.parameter(s) + tape.parameter(t)          // positive
            let parts: [Variable<S>] = [u.exp(), u.log(), u.sqrt(), u.sigmoid(), u.softplus(), u.sin(), u.reciprocal(),
                                        u.power(2.5), u.log1p(), u.cos() * u.tanh(), u.squared(), -u]
            return parts.dropFirst().reduce(parts[0], +).sumAlongFeatures()
        }
    }

    static func broadcasting<S: NACScalar>(_ w: ParameterSlice, _ c: ParameterSlice, _ row: ParameterSlice,
                                           _ scalar: ParameterSlice, count: Int) -> DifferentiableFunction<S> {
        DifferentiableFunction(parameterCount: count) { tape, x in
            let a = tape.dense(x[0], weight: w).tanh()                        // B × 3
            let column = tape.dense(x[0], weight: c)                          // B × 1
            let y = a * tape.parameter(row) - column / (tape.parameter(scalar) + S(2)) + column * tape.parameter(row)
            return scalarHead(y / (x[1].exp() + S(1)))
        }
    }

    static func cubeMLP<S: NACScalar>(_ m: TestMLP) -> DifferentiableFunction<S> {
        let op: CustomOperation<S> = TestCustomOperations.cube()
        return DifferentiableFunction(parameterCount: m.count) { tape, x in
            let h = tape.dense(x[0], weight: m.w0, bias: m.b0).tanh()
            return tape.dense(tape.apply(op, [tape.dense(h, weight: m.w1, bias: m.b1)]), weight: m.w2, bias: m.b2)
        }
    }

    static func pairs() -> [Pair] {
        var rng = Xoshiro256StarStar(seed: 1200)
        var result = [Pair]()
        let sizes = [(inputs: 3, outputs: 4), (inputs: 4, outputs: 2)]
        do {
            let f: DifferentiableFunction<Float> = TestFunctions.gaussianLogLikelihood(sizes)
            result.append(Pair(name: "Gaussian log-likelihood", float: f, double: TestFunctions.gaussianLogLikelihood(sizes),
                               theta: floats(f.parameterCount, &rng, scale: 0.5),
                               inputs: [floatMatrix(5, 3, &rng), floatMatrix(5, 2, &rng)]))
        }
        do {
            let actions = [1, 0, 1, 1, 0, 0, 1]
            let f: DifferentiableFunction<Float> = TestFunctions.categoricalLogLikelihood(sizes, actions: actions)
            result.append(Pair(name: "categorical log-likelihood", float: f,
                               double: TestFunctions.categoricalLogLikelihood(sizes, actions: actions),
                               theta: floats(f.parameterCount, &rng, scale: 0.5), inputs: [floatMatrix(7, 3, &rng)]))
        }
        do {
            let s = ParameterSlice(offset: 0, count: 3), t = ParameterSlice(offset: 3, count: 3)
            let theta = (0..<6).map { i in rng.uniform(in: i < 3 ? Float(0.5)..<1.5 : Float(0.1)..<0.5) }
            result.append(Pair(name: "elementwise chain", float: elementwiseChain(s, t), double: elementwiseChain(s, t),
                               theta: theta, inputs: [floatMatrix(4, 3, &rng, in: 0.5..<1.5)]))
        }
        do {
            var layout = ParameterLayout()
            let w = layout.matrix(rows: 3, columns: 2), c = layout.matrix(rows: 1, columns: 2)
            let row = layout.vector(3), scalar = layout.vector(1)
            var theta = floats(layout.count, &rng, scale: 0.5)
            theta[scalar.offset] = 0.5   // keeps the divisor θ + 2 away from zero
            result.append(Pair(name: "broadcasting", float: broadcasting(w, c, row, scalar, count: layout.count),
                               double: broadcasting(w, c, row, scalar, count: layout.count), theta: theta,
                               inputs: [floatMatrix(3, 2, &rng), floatMatrix(3, 1, &rng)]))
        }
        do {
            let m = TestMLP(inputs: 2, hidden: 3, seed: 1210)
            result.append(Pair(name: "MLP with custom cube", float: cubeMLP(m), double: cubeMLP(m),
                               theta: floats(m.count, &rng, scale: 0.5), inputs: [floatMatrix(6, 2, &rng)]))
        }
        return result
    }

    @Test func floatEngineMatchesDoubleEngineInEveryMode() throws {
        for pair in Self.pairs() {
            try check(pair)
        }
    }

    func check(_ c: Pair) throws {
        func d(_ m: Matrix<Float>) -> Matrix<Double> { m.converted(to: Double.self) }
        func d(_ v: [Float]) -> [Double] { v.map(Double.init) }
        func same(_ a: Matrix<Float>, _ b: Matrix<Double>, _ what: String) {
            expectClose(d(a), b, within: Self.bound, floorFraction: 1, "\(c.name) Float vs Double: \(what)")
        }
        func same(_ a: [Float], _ b: [Double], _ what: String) { same(Matrix(row: a), Matrix(row: b), what) }

        var rng = Xoshiro256StarStar(seed: 1220)
        let f = c.float, g = c.double
        let t = c.theta, td = d(c.theta), x = c.inputs, xd = c.inputs.map { d($0) }
        let b = x[0].rows, p = f.parameterCount
        let value = g.evaluate(at: td, inputs: xd)
        same(f.evaluate(at: t, inputs: x), value, "values")
        let omega = Self.floatMatrix(value.rows, value.columns, &rng)
        let v = Self.floats(p, &rng), xDot = x.map { Self.floatMatrix($0.rows, $0.columns, &rng) }

        let gf = f.gradientWithTangent(at: t, inputs: x, outputWeights: omega, parameterDirection: v,
                                       inputDirections: xDot, inputGradients: true)
        let gd = g.gradientWithTangent(at: td, inputs: xd, outputWeights: d(omega), parameterDirection: d(v),
                                       inputDirections: xDot.map { d($0) }, inputGradients: true)
        same(gf.parameters, gd.parameters, "∇θ")
        same(gf.valueTangent, gd.valueTangent, "JVP")
        same(gf.parametersTangent, gd.parametersTangent, "∇θ tangent")
        for i in x.indices {
            same(gf.inputs[i], gd.inputs[i], "∇x\(i)")
            same(gf.inputsTangent[i], gd.inputsTangent[i], "∇x\(i) tangent")
        }
        same(f.hessianVectorProduct(at: t, inputs: x, vector: v).hessianVector,
             g.hessianVectorProduct(at: td, inputs: xd, vector: d(v)).hessianVector, "Hv")
        same(f.jvp(at: t, inputs: x, inputDirections: xDot).tangent,
             g.jvp(at: td, inputs: xd, inputDirections: xDot.map { d($0) }).tangent, "JVP in x")

        guard c.perSample else { return }
        let jd = try g.perSampleJacobian(at: td, inputs: xd).jacobian
        var jf = Matrix<Float>(rows: b, columns: p, repeating: .nan)
        try f.perSampleJacobian(at: t, inputs: x, into: &jf, chunkSize: 2)
        same(jf, jd, "J (chunks of 2)")
        func tangentOfJ(_ pd: [Float]?, _ xdir: [Matrix<Float>]?, _ what: String) throws {
            let rf = try f.perSampleJacobianWithTangent(at: t, inputs: x, parameterDirection: pd, inputDirections: xdir)
            let rd = try g.perSampleJacobianWithTangent(at: td, inputs: xd, parameterDirection: pd.map { d($0) },
                                                        inputDirections: xdir.map { $0.map { d($0) } })
            same(rf.jacobianTangent, rd.jacobianTangent, "J̇ (\(what))")
            same(rf.valueTangents, rd.valueTangents, "value tangents (\(what))")
        }
        try tangentOfJ(v, nil, "θ̇")
        try tangentOfJ(nil, xDot, "ẋ")
        let weights = (0..<b).map { _ in rng.uniform(in: Float(0.2)..<2) }
        same(f.fisherVectorProduct(at: t, inputs: x, vector: v, sampleWeights: weights, damping: 0.1),
             g.fisherVectorProduct(at: td, inputs: xd, vector: d(v), sampleWeights: d(weights), damping: 0.1), "F v")
    }

    /// Float kernels: every UnaryFunction's value and derivatives against the Double kernels at
    /// Float-representable points (a relative 10⁻⁵: a handful of Float roundings in each formula).
    @Test(arguments: ElementwiseOperationTests.cases)
    func floatKernelsMatchDoubleKernels(_ c: ElementwiseOperationTests.Case) {
        let xs: [Float] = c.domain == .signed ? [-1.3, -0.4, 0.25, 0.9, 2.1] : [0.3, 0.8, 1.0, 1.7, 3.2]
        var y = [Float](repeating: 0, count: 5), d1 = y, d2 = y
        var yd = [Double](repeating: 0, count: 5), d1d = yd, d2d = yd
        xs.withUnsafeBufferPointer { px in
            Float.evaluate(c.function, x: px.baseAddress!, count: 5, value: &y, firstDerivative: &d1, secondDerivative: &d2)
        }
        xs.map(Double.init).withUnsafeBufferPointer { px in
            Double.evaluate(c.function, x: px.baseAddress!, count: 5, value: &yd, firstDerivative: &d1d, secondDerivative: &d2d)
        }
        for i in 0..<5 {
            for (a, r) in [(y[i], yd[i]), (d1[i], d1d[i]), (d2[i], d2d[i])] {
                #expect(abs(Double(a) - r) <= 1e-5 * max(1, abs(r)), "\(c.function) at \(xs[i]): \(a) vs \(r)")
            }
        }
    }
}
