import Testing
@testable import NAC

// Shared machinery of the engine suite (Tests/NACTests/Engine/): tolerances, an independent
// central-difference implementation, a comparison that names the worst entry, random data, and
// `EngineModes`, which checks one function in every mode of `DifferentiableFunction`.
//
// The finite differences here deliberately do not use `GradientCheck` (which is itself under
// test in GradientCheckTests): a bug there must not hide a bug in the engine.

// MARK: - Tolerances

enum EngineTolerance {
    /// Relative step of every central difference in Double: h_j = 1e-5 · max(1, |x_j|) for a
    /// coordinate; along a direction d, h = 1e-5 / max(1, max |d|).
    /// Truncation error ≈ h² |f‴| / 6 ≈ 2·10⁻¹¹ |f‴|; rounding ≈ ε |f| / h ≈ 2·10⁻¹¹ |f|
    /// (ε = 2.2·10⁻¹⁶). The test functions are O(1)…O(10²) with moderate third derivatives.
    static let step = 1e-5

    /// Bound on `Discrepancy.error` between an engine derivative (any mode) and central
    /// differences in Double. Truncation is ≲ 10⁻⁹ relative here; the largest errors come from
    /// rounding, ε|f|/h ≈ 10⁻¹⁰ absolute, on entries near the floor 10⁻³ · max(1, scale), i.e.
    /// ≈ 10⁻⁷ (the worst over the whole suite is 1.7·10⁻⁷; the data are seeded, so this does not
    /// vary between runs). A wrong rule (a missing term, a wrong sign or factor, a lost
    /// accumulation) gives 10⁻³…1. 10⁻⁶ sits between the two.
    static let finiteDifference = 1e-6

    /// Bound on `Discrepancy.error` between two analytic computations of the same quantity
    /// (chunked vs whole batch, API variants, custom vs built-in rules, Jᵀω vs the reverse
    /// pass): they differ only by summation order and BLAS blocking (observed ≤ 3·10⁻¹³).
    static let reference = 1e-10
}

// MARK: - Comparison

/// The worst entry of a comparison: error = |actual − expected| / max(|actual|, |expected|, floor)
/// with floor = `floorFraction` · max(1, max |expected|) (10⁻³ by default), so entries that are
/// zero up to rounding (or finite-difference noise) are judged in absolute terms against the
/// scale of the quantity. Non-finite differences count as an infinite error.
struct Discrepancy: CustomStringConvertible {
    var error: Double
    var row: Int, column: Int
    var actual: Double, expected: Double
    var floor: Double

    init<S: NACScalar>(_ actualMatrix: Matrix<S>, _ expectedMatrix: Matrix<S>, floorFraction: Double = 1e-3) {
        precondition(actualMatrix.rows == expectedMatrix.rows && actualMatrix.columns == expectedMatrix.columns,
                     "Discrepancy: \(actualMatrix.rows) × \(actualMatrix.columns) vs \(expectedMatrix.rows) × \(expectedMatrix.columns)")
        var scale = 0.0
        for e in expectedMatrix.elements { scale = Swift.max(scale, abs(Double(e))) }
        floor = floorFraction * Swift.max(1, scale)
        error = 0; row = 0; column = 0; actual = 0; expected = 0
        var first = true
        for r in 0..<actualMatrix.rows {
            for c in 0..<actualMatrix.columns {
                let a = Double(actualMatrix[r, c]), e = Double(expectedMatrix[r, c])
                var err = abs(a - e) / Swift.max(abs(a), abs(e), floor)
                if !err.isFinite || err.isNaN { err = .infinity }
                if first || err > error {
                    first = false
                    error = err; row = r; column = c
                    self.actual = a; self.expected = e
                }
            }
        }
    }

    var description: String {
        "worst relative error \(error) at [\(row), \(column)]: got \(actual), expected \(expected) (floor \(floor))"
    }
}

/// Records an issue unless `actual` and `expected` have the same shape and agree within `bound`
/// (see `Discrepancy`).
func expectClose<S: NACScalar>(
    _ actual: Matrix<S>, _ expected: Matrix<S>, within bound: Double, floorFraction: Double = 1e-3,
    _ what: @autoclosure () -> String, sourceLocation: SourceLocation = #_sourceLocation
) {
    guard actual.rows == expected.rows, actual.columns == expected.columns else {
        Issue.record("\(what()): shape \(actual.rows) × \(actual.columns), expected \(expected.rows) × \(expected.columns)",
                     sourceLocation: sourceLocation)
        return
    }
    let d = Discrepancy(actual, expected, floorFraction: floorFraction)
    #expect(d.error <= bound, "\(what()): \(d) > \(bound)", sourceLocation: sourceLocation)
}

func expectClose<S: NACScalar>(
    _ actual: [S], _ expected: [S], within bound: Double, _ what: @autoclosure () -> String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    expectClose(Matrix(row: actual), Matrix(row: expected), within: bound, what(), sourceLocation: sourceLocation)
}

// MARK: - Random data

extension Xoshiro256StarStar {
    mutating func normals(_ n: Int, scale: Double = 1) -> [Double] {
        (0..<n).map { _ in scale * normal(Double.self) }
    }

    mutating func uniforms(_ n: Int, in range: Range<Double>) -> [Double] {
        (0..<n).map { _ in uniform(in: range) }
    }

    /// Magnitudes uniform in `magnitude`, random signs: values kept away from 0.
    mutating func signedUniforms(_ n: Int, magnitude: Range<Double>) -> [Double] {
        (0..<n).map { _ in (next() & 1 == 0 ? 1 : -1) * uniform(in: magnitude) }
    }

    mutating func normalMatrix(_ rows: Int, _ columns: Int, scale: Double = 1) -> Matrix<Double> {
        Matrix(rows: rows, columns: columns, elements: normals(rows * columns, scale: scale))
    }

    mutating func uniformMatrix(_ rows: Int, _ columns: Int, in range: Range<Double>) -> Matrix<Double> {
        Matrix(rows: rows, columns: columns, elements: uniforms(rows * columns, in: range))
    }

    mutating func signedMatrix(_ rows: Int, _ columns: Int, magnitude: Range<Double>) -> Matrix<Double> {
        Matrix(rows: rows, columns: columns, elements: signedUniforms(rows * columns, magnitude: magnitude))
    }
}

/// How a block of parameters or inputs is drawn.
enum Draw: Sendable {
    /// N(0, scale²).
    case normal(Double)
    /// Uniform on the range (for example positive values for a log or a divisor).
    case uniform(Range<Double>)
    /// Random sign, magnitude uniform on the range (away from zero, e.g. around relu's kink).
    case signed(Range<Double>)

    func values(_ n: Int, _ rng: inout Xoshiro256StarStar) -> [Double] {
        switch self {
        case .normal(let s): rng.normals(n, scale: s)
        case .uniform(let r): rng.uniforms(n, in: r)
        case .signed(let r): rng.signedUniforms(n, magnitude: r)
        }
    }

    func matrix(_ rows: Int, _ columns: Int, _ rng: inout Xoshiro256StarStar) -> Matrix<Double> {
        Matrix(rows: rows, columns: columns, elements: values(rows * columns, &rng))
    }
}

/// A parameter layout together with seeded values for θ.
struct ParameterBuilder {
    var layout = ParameterLayout()
    var theta: [Double] = []
    var rng: Xoshiro256StarStar

    init(seed: UInt64) { rng = Xoshiro256StarStar(seed: seed) }

    mutating func matrix(rows: Int, columns: Int, _ draw: Draw = .normal(0.5)) -> ParameterSlice {
        let s = layout.matrix(rows: rows, columns: columns)
        theta += draw.values(s.count, &rng)
        return s
    }

    mutating func vector(_ n: Int, _ draw: Draw = .normal(0.5)) -> ParameterSlice {
        matrix(rows: 1, columns: n, draw)
    }

    var count: Int { layout.count }
}

// MARK: - A function under test

/// A direction in (θ, x) space for forward and forward-over-reverse modes (nil: zero).
struct Direction {
    var label: String
    var parameters: [Double]?
    var inputs: [Matrix<Double>?]?
}

/// A function, the point (θ, inputs) where it is checked, and finite differences around it.
struct EngineCase: Sendable {
    var name: String
    var function: DifferentiableFunction<Double>
    var theta: [Double]
    var inputs: [Matrix<Double>]

    var batchSize: Int { inputs[0].rows }
    var parameterCount: Int { function.parameterCount }

    /// The three directions of the forward modes: θ only, inputs only, both.
    func directions(_ rng: inout Xoshiro256StarStar) -> [Direction] {
        let v = rng.normals(parameterCount)
        let x = inputs.map { rng.normalMatrix($0.rows, $0.columns) }
        let v2 = rng.normals(parameterCount)
        let x2 = inputs.map { rng.normalMatrix($0.rows, $0.columns) }
        return [Direction(label: "θ̇ only", parameters: v, inputs: nil),
                Direction(label: "ẋ only", parameters: nil, inputs: x),
                Direction(label: "θ̇ and ẋ", parameters: v2, inputs: x2)]
    }

    /// (θ + εθ̇, x + εẋ).
    func point(_ e: Double, along d: Direction) -> (theta: [Double], inputs: [Matrix<Double>]) {
        var t = theta
        if let v = d.parameters { for p in t.indices { t[p] += e * v[p] } }
        var xs = inputs
        if let dx = d.inputs {
            for i in xs.indices { if let di = dx[i] { xs[i] = xs[i] + di * e } }
        }
        return (t, xs)
    }

    /// (g(+h) − g(−h)) / 2h along `d`, with h = 1e-5 / max(1, max |d|) so that no coordinate
    /// moves by more than 1e-5 (random normal directions have entries up to ~3, and the
    /// truncation error grows as the cube of the step taken in each coordinate).
    func directionalDifference(
        along d: Direction, _ g: ([Double], [Matrix<Double>]) throws -> Matrix<Double>
    ) rethrows -> Matrix<Double> {
        var largest = 1.0
        for e in d.parameters ?? [] { largest = Swift.max(largest, abs(e)) }
        for x in d.inputs ?? [] { if let x { largest = Swift.max(largest, x.maximumMagnitude) } }
        let h = EngineTolerance.step / largest
        let (tp, xp) = point(h, along: d), (tm, xm) = point(-h, along: d)
        return (try g(tp, xp) - g(tm, xm)) / (2 * h)
    }

    /// The m × P matrix of central differences ∂g/∂θ_p (g returns m values).
    func parameterDifferences(_ g: ([Double]) throws -> [Double]) rethrows -> Matrix<Double> {
        try centralDifferences(at: theta, g)
    }

    /// The gradient of a scalar function of input `i` by central differences (shape of input i).
    func inputDifferences(_ i: Int, _ g: ([Matrix<Double>]) -> Double) -> Matrix<Double> {
        let x = inputs[i]
        let d = centralDifferences(at: x.elements) { e in
            var xs = inputs
            xs[i] = Matrix(rows: x.rows, columns: x.columns, elements: e)
            return [g(xs)]
        }
        return d.reshaped(rows: x.rows, columns: x.columns)
    }
}

/// The m × n matrix of central differences of g: ℝⁿ → ℝᵐ at x, step h_j = 1e-5 · max(1, |x_j|)
/// (dividing by the step actually taken).
func centralDifferences(at x: [Double], _ g: ([Double]) throws -> [Double]) rethrows -> Matrix<Double> {
    var probe = x
    var columns = [[Double]]()
    var m = 0
    for j in x.indices {
        let h = EngineTolerance.step * Swift.max(1, abs(x[j]))
        probe[j] = x[j] + h
        let plus = try g(probe)
        probe[j] = x[j] - h
        let minus = try g(probe)
        probe[j] = x[j]
        let taken = (x[j] + h) - (x[j] - h)
        m = plus.count
        columns.append(zip(plus, minus).map { ($0 - $1) / taken })
    }
    var result = Matrix<Double>.zeros(rows: m, columns: x.count)
    for j in x.indices { for i in 0..<m { result[i, j] = columns[j][i] } }
    return result
}

/// Σ ω ⊙ y.
func weightedSum(_ y: Matrix<Double>, _ w: Matrix<Double>) -> Double {
    zip(y.elements, w.elements).reduce(0) { $0 + $1.0 * $1.1 }
}

/// Jᵀ diag(ω) (J v) / Σω + λ v, written out with loops.
func explicitFisherProduct(_ j: Matrix<Double>, _ v: [Double], weights: [Double], damping: Double) -> [Double] {
    let total = weights.reduce(0, +)
    var jv = [Double](repeating: 0, count: j.rows)
    for b in 0..<j.rows { for p in 0..<j.columns { jv[b] += j[b, p] * v[p] } }
    var result = v.map { damping * $0 }
    for b in 0..<j.rows { for p in 0..<j.columns { result[p] += j[b, p] * weights[b] * jv[b] / total } }
    return result
}

/// AᵀB with loops.
func transposedProduct(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
    var c = Matrix<Double>.zeros(rows: a.columns, columns: b.columns)
    for r in 0..<a.rows { for i in 0..<a.columns { for k in 0..<b.columns { c[i, k] += a[r, i] * b[r, k] } } }
    return c
}

// MARK: - Heads

/// A smooth nonlinear per-sample head h(y) = Σ_k (c_k y_k + d_k y_k²), one column out, so that
/// the adjoint reaching y varies with y (ȳ̇ ≠ 0 under forward-over-reverse) and the per-sample
/// modes (which need one scalar per sample) apply to any operation's output.
func scalarHead<S: NACScalar>(_ y: Variable<S>) -> Variable<S> {
    let tape = y.tape
    let n = y.columns
    let c = tape.constant(row: (0..<n).map { S(0.5 + 0.25 * Double($0)) })
    let d = tape.constant(row: (0..<n).map { S(($0 % 2 == 0 ? 0.25 : -0.2) * (1 + 0.1 * Double($0))) })
    return (y * c + y * y * d).sumAlongFeatures()
}

// MARK: - Every mode of one function

/// Checks a function in every mode of `DifferentiableFunction` at one point:
///
/// - reduced reverse mode: ∇θ and ∇ₓ of Σ ω ⊙ out (random ω) vs central differences, and the
///   default ω = ones;
/// - forward mode: the JVP along θ̇, ẋ and both vs differences of the output;
/// - forward-over-reverse (reduced): `gradientWithTangent` (parameter and input gradient
///   tangents) vs differences of the gradients, `hessianVectorProduct` vs differences of ∇θ,
///   `outputWeightsTangent`;
/// - per-sample modes (when the output is B × 1, batched, and nothing mixes samples): J (into a
///   NaN-filled buffer) vs differences, J in chunks of 2 and streamed in chunks of 3 (Σ JᵀJ)
///   equal to the whole (every chunk size, 1, 2, B, > B, is in PerSampleModeTests),
///   Σ_b ω_b J_b equal to the reverse gradient, `perSampleJacobianWithTangent` vs differences of J
///   along each direction and, for ẋ only, vs the θ-differences of the JVP in x, and the
///   Fisher-vector product vs Jᵀ diag(ω) J v / Σω + λv with non-uniform ω. Otherwise the
///   per-sample modes must refuse with the right `DifferentiationError`.
enum EngineModes {
    /// `.full` runs everything listed above; `.light` (for the raw, multi-column output of an
    /// operation whose scalar head gets `.full`) checks ∇θ and ∇ₓ of Σ ω ⊙ out with random ω of
    /// the output's shape, and forward-over-reverse along θ̇ and ẋ together.
    enum Level { case full, light }

    static func check(_ c: EngineCase, level: Level = .full, seed: UInt64 = 1,
                      sourceLocation: SourceLocation = #_sourceLocation) {
        var rng = Xoshiro256StarStar(seed: seed)
        var directions = c.directions(&rng)
        if level == .light { directions = [directions[2]] }
        reduced(c, directions: directions, rng: &rng, sourceLocation: sourceLocation)
        guard level == .full else { return }
        switch expectedPerSampleError(c) {
        case nil:
            perSample(c, directions: directions, rng: &rng, sourceLocation: sourceLocation)
        case let error?:
            #expect(throws: error, "\(c.name): per-sample mode", sourceLocation: sourceLocation) {
                _ = try c.function.perSampleJacobian(at: c.theta, inputs: c.inputs)
            }
            #expect(throws: error, "\(c.name): factored per-sample mode", sourceLocation: sourceLocation) {
                _ = try c.function.factoredPerSampleJacobian(at: c.theta, inputs: c.inputs)
            }
            #expect(throws: error, "\(c.name): per-sample mode with tangents", sourceLocation: sourceLocation) {
                _ = try c.function.perSampleJacobianWithTangent(at: c.theta, inputs: c.inputs,
                                                                parameterDirection: directions[0].parameters)
            }
        }
    }

    /// The error the per-sample modes must throw for this function, from the recorded tape.
    static func expectedPerSampleError(_ c: EngineCase) -> DifferentiationError? {
        let r = c.function.record(c.theta, inputs: c.inputs, rows: 0..<c.batchSize)
        let out = r.tape.nodes[r.output.index]
        if !out.isBatched { return .outputNotBatched }
        if out.value.columns != 1 { return .outputNotScalarPerSample(columns: out.value.columns) }
        if let m = r.tape.nodes.first(where: { $0.mixesSamples }) { return .operationMixesSamples(operation: m.operationName) }
        return nil
    }

    static func reduced(
        _ c: EngineCase, directions: [Direction], rng: inout Xoshiro256StarStar, sourceLocation: SourceLocation
    ) {
        let f = c.function, fd = EngineTolerance.finiteDifference, ref = EngineTolerance.reference
        let name = c.name
        let value = f.evaluate(at: c.theta, inputs: c.inputs)
        #expect(value.isFinite, "\(name): non-finite output \(value)", sourceLocation: sourceLocation)
        let omega = rng.normalMatrix(value.rows, value.columns)

        // Reverse mode, parameters and inputs.
        let g = f.gradient(at: c.theta, inputs: c.inputs, outputWeights: omega, inputGradients: true)
        expectClose(g.value, value, within: ref, "\(name): gradient's value", sourceLocation: sourceLocation)
        let numeric = c.parameterDifferences { t in [weightedSum(f.evaluate(at: t, inputs: c.inputs), omega)] }
        expectClose(Matrix(row: g.parameters), numeric, within: fd, "\(name): ∇θ Σ ω out vs central differences",
                    sourceLocation: sourceLocation)
        #expect(g.inputs.count == c.inputs.count, "\(name): input gradients", sourceLocation: sourceLocation)
        for i in c.inputs.indices where i < g.inputs.count {
            let n = c.inputDifferences(i) { xs in weightedSum(f.evaluate(at: c.theta, inputs: xs), omega) }
            expectClose(g.inputs[i], n, within: fd, "\(name): ∇x\(i) Σ ω out vs central differences",
                        sourceLocation: sourceLocation)
        }
        let plain = f.gradient(at: c.theta, inputs: c.inputs, outputWeights: omega)
        expectClose(plain.parameters, g.parameters, within: ref, "\(name): ∇θ without input gradients",
                    sourceLocation: sourceLocation)
        #expect(plain.inputs.isEmpty, "\(name): input gradients not requested", sourceLocation: sourceLocation)
        let ones = Matrix<Double>(rows: value.rows, columns: value.columns, repeating: 1)
        expectClose(f.gradient(at: c.theta, inputs: c.inputs).parameters,
                    f.gradient(at: c.theta, inputs: c.inputs, outputWeights: ones).parameters,
                    within: ref, "\(name): default output weights are ones", sourceLocation: sourceLocation)

        // Forward mode and forward-over-reverse along each direction.
        var thetaOnlyTangent: [Double] = []
        for d in directions {
            let label = "\(name) [\(d.label)]"
            let jvp = f.jvp(at: c.theta, inputs: c.inputs, parameterDirection: d.parameters, inputDirections: d.inputs)
            expectClose(jvp.value, value, within: ref, "\(label): JVP value", sourceLocation: sourceLocation)
            let numericTangent = c.directionalDifference(along: d) { t, x in f.evaluate(at: t, inputs: x) }
            expectClose(jvp.tangent, numericTangent, within: fd, "\(label): JVP vs central differences",
                        sourceLocation: sourceLocation)

            let gt = f.gradientWithTangent(at: c.theta, inputs: c.inputs, outputWeights: omega,
                                           parameterDirection: d.parameters, inputDirections: d.inputs,
                                           inputGradients: true)
            expectClose(gt.value, value, within: ref, "\(label): gradientWithTangent value", sourceLocation: sourceLocation)
            expectClose(gt.valueTangent, jvp.tangent, within: ref, "\(label): gradientWithTangent valueTangent vs JVP",
                        sourceLocation: sourceLocation)
            expectClose(gt.parameters, g.parameters, within: ref, "\(label): gradientWithTangent gradient",
                        sourceLocation: sourceLocation)
            let numericGradientTangent = c.directionalDifference(along: d) { t, x in
                Matrix(row: f.gradient(at: t, inputs: x, outputWeights: omega).parameters)
            }
            expectClose(Matrix(row: gt.parametersTangent), numericGradientTangent, within: fd,
                        "\(label): parametersTangent vs central differences of ∇θ", sourceLocation: sourceLocation)
            #expect(gt.inputs.count == c.inputs.count && gt.inputsTangent.count == c.inputs.count,
                    "\(label): input gradients and tangents", sourceLocation: sourceLocation)
            for i in c.inputs.indices where i < gt.inputs.count && i < gt.inputsTangent.count {
                expectClose(gt.inputs[i], g.inputs[i], within: ref, "\(label): input gradient \(i)",
                            sourceLocation: sourceLocation)
                let n = c.directionalDifference(along: d) { t, x in
                    f.gradient(at: t, inputs: x, outputWeights: omega, inputGradients: true).inputs[i]
                }
                expectClose(gt.inputsTangent[i], n, within: fd, "\(label): inputsTangent[\(i)] vs central differences of ∇x",
                            sourceLocation: sourceLocation)
            }
            if d.inputs == nil, let v = d.parameters {
                thetaOnlyTangent = gt.parametersTangent
                // Hessian-vector product: the same tangent through its own entry point.
                let hvp = f.hessianVectorProduct(at: c.theta, inputs: c.inputs, outputWeights: omega, vector: v)
                expectClose(hvp.gradient, g.parameters, within: ref, "\(label): HVP's gradient", sourceLocation: sourceLocation)
                expectClose(Matrix(row: hvp.hessianVector), numericGradientTangent, within: fd,
                            "\(label): Hv vs central differences of ∇θ", sourceLocation: sourceLocation)
            }
        }

        // The tangent of the output weights adds ∇θ Σ ω̇ out (linear in ω, so exact).
        let omegaDot = rng.normalMatrix(value.rows, value.columns)
        let gOmegaDot = f.gradient(at: c.theta, inputs: c.inputs, outputWeights: omegaDot).parameters
        let alone = f.gradientWithTangent(at: c.theta, inputs: c.inputs, outputWeights: omega,
                                          outputWeightsTangent: omegaDot)
        expectClose(alone.parametersTangent, gOmegaDot, within: ref, "\(name): ω̇ alone gives ∇θ Σ ω̇ out",
                    sourceLocation: sourceLocation)
        if let v = directions.first?.parameters, !thetaOnlyTangent.isEmpty {
            let both = f.gradientWithTangent(at: c.theta, inputs: c.inputs, outputWeights: omega,
                                             outputWeightsTangent: omegaDot, parameterDirection: v)
            expectClose(both.parametersTangent, zip(thetaOnlyTangent, gOmegaDot).map { $0 + $1 }, within: ref,
                        "\(name): ω̇ with θ̇ adds ∇θ Σ ω̇ out to Hv", sourceLocation: sourceLocation)
        }
    }

    static func perSample(
        _ c: EngineCase, directions: [Direction], rng: inout Xoshiro256StarStar, sourceLocation: SourceLocation
    ) {
        let f = c.function, fd = EngineTolerance.finiteDifference, ref = EngineTolerance.reference
        let name = c.name, b = c.batchSize, p = c.parameterCount
        do {
            let value = f.evaluate(at: c.theta, inputs: c.inputs)
            var j = Matrix<Double>(rows: b, columns: p, repeating: .nan)
            let values = try f.perSampleJacobian(at: c.theta, inputs: c.inputs, into: &j)
            expectClose(values, value, within: ref, "\(name): per-sample values", sourceLocation: sourceLocation)
            #expect(j.isFinite, "\(name): J has non-finite entries (a NaN of the buffer survived?)",
                    sourceLocation: sourceLocation)
            let numeric = c.parameterDifferences { t in f.evaluate(at: t, inputs: c.inputs).elements }
            expectClose(j, numeric, within: fd, "\(name): per-sample J vs central differences", sourceLocation: sourceLocation)

            let fresh = try f.perSampleJacobian(at: c.theta, inputs: c.inputs)
            expectClose(fresh.jacobian, j, within: ref, "\(name): J in a new matrix", sourceLocation: sourceLocation)

            // Both ways of writing the rows (whole rows after the pass, or each parameter block as
            // the pass reaches it; `writesWholeRows` picks one by size), over a NaN-filled buffer.
            for wholeRows in [false, true] {
                var jw = Matrix<Double>(rows: b, columns: p, repeating: .nan)
                let vw = try f.perSampleJacobian(at: c.theta, inputs: c.inputs, into: &jw, chunkSize: nil,
                                                 threadCount: nil, wholeRows: wholeRows)
                #expect(jw.isFinite, "\(name): J (whole rows: \(wholeRows)) has non-finite entries",
                        sourceLocation: sourceLocation)
                expectClose(jw, j, within: ref, "\(name): J written with whole rows: \(wholeRows)",
                            sourceLocation: sourceLocation)
                expectClose(vw, values, within: ref, "\(name): values with whole rows: \(wholeRows)",
                            sourceLocation: sourceLocation)
            }

            // Chunks of 2 rows here (every chunk size, 1, 2, B, > B, in PerSampleModeTests).
            for chunk in [2] {
                var jc = Matrix<Double>(rows: b, columns: p, repeating: .nan)
                let vc = try f.perSampleJacobian(at: c.theta, inputs: c.inputs, into: &jc, chunkSize: chunk)
                expectClose(jc, j, within: ref, "\(name): J in chunks of \(chunk)", sourceLocation: sourceLocation)
                expectClose(vc, values, within: ref, "\(name): values in chunks of \(chunk)", sourceLocation: sourceLocation)
            }
            // Rows split over threads (B = 7 on 3 threads: 2, 2 and 3 rows), with and without chunks.
            for (threads, chunk) in [(2, nil), (3, 2)] as [(Int, Int?)] {
                var jt = Matrix<Double>(rows: b, columns: p, repeating: .nan)
                let vt = try f.perSampleJacobian(at: c.theta, inputs: c.inputs, into: &jt, chunkSize: chunk,
                                                 threadCount: threads)
                expectClose(jt, j, within: ref, "\(name): J on \(threads) threads", sourceLocation: sourceLocation)
                expectClose(vt, values, within: ref, "\(name): values on \(threads) threads", sourceLocation: sourceLocation)
            }
            let jtj = transposedProduct(j, j)
            for chunk in [3] {   // with B = 7: chunks of 3, 3 and 1 rows
                var accumulated = Matrix<Double>.zeros(rows: p, columns: p)
                var next = 0
                try f.forEachPerSampleJacobianChunk(at: c.theta, inputs: c.inputs, chunkSize: chunk) { rows, vals, jc in
                    #expect(rows.lowerBound == next && rows.count == jc.rows && jc.columns == p && vals.rows == rows.count,
                            "\(name): chunk \(rows) of size \(chunk)", sourceLocation: sourceLocation)
                    next = rows.upperBound
                    expectClose(jc, j.rows(rows), within: ref, "\(name): streamed rows \(rows)", sourceLocation: sourceLocation)
                    expectClose(vals, values.rows(rows), within: ref, "\(name): streamed values \(rows)", sourceLocation: sourceLocation)
                    accumulated += transposedProduct(jc, jc)
                }
                #expect(next == b, "\(name): streamed \(next) of \(b) rows", sourceLocation: sourceLocation)
                expectClose(accumulated, jtj, within: ref, "\(name): Σ chunks JᵀJ (chunk \(chunk))", sourceLocation: sourceLocation)
            }

            // The reduced gradient with B × 1 weights is Jᵀω.
            let omega = rng.normals(b)
            let g = f.gradient(at: c.theta, inputs: c.inputs, outputWeights: Matrix(column: omega)).parameters
            expectClose(g, j.multiplied(by: omega, .transposed), within: ref, "\(name): ∇θ Σ ω out = Jᵀω",
                        sourceLocation: sourceLocation)

            // Forward-over-reverse per sample.
            for d in directions {
                let label = "\(name) [\(d.label)]"
                let r = try f.perSampleJacobianWithTangent(at: c.theta, inputs: c.inputs,
                                                           parameterDirection: d.parameters, inputDirections: d.inputs)
                expectClose(r.jacobian, j, within: ref, "\(label): J with tangent", sourceLocation: sourceLocation)
                expectClose(r.values, values, within: ref, "\(label): values with tangent", sourceLocation: sourceLocation)
                let jvp = f.jvp(at: c.theta, inputs: c.inputs, parameterDirection: d.parameters, inputDirections: d.inputs)
                expectClose(r.valueTangents, jvp.tangent, within: ref, "\(label): value tangents vs JVP",
                            sourceLocation: sourceLocation)
                #expect(r.jacobianTangent.isFinite, "\(label): J̇ has non-finite entries", sourceLocation: sourceLocation)
                let numericTangent = try c.directionalDifference(along: d) { t, x in
                    try f.perSampleJacobian(at: t, inputs: x).jacobian
                }
                expectClose(r.jacobianTangent, numericTangent, within: fd, "\(label): J̇ vs central differences of J",
                            sourceLocation: sourceLocation)
                let gt = f.gradientWithTangent(at: c.theta, inputs: c.inputs, outputWeights: Matrix(column: omega),
                                               parameterDirection: d.parameters, inputDirections: d.inputs)
                expectClose(gt.parametersTangent, r.jacobianTangent.multiplied(by: omega, .transposed), within: ref,
                            "\(label): Σ_b ω_b J̇_b = reduced parametersTangent", sourceLocation: sourceLocation)
                if d.parameters == nil, let dx = d.inputs {
                    // ∇θ (∇ₓ out_b · ẋ_b): the θ-differences of the JVP in x.
                    let n = c.parameterDifferences { t in
                        f.jvp(at: t, inputs: c.inputs, inputDirections: dx).tangent.elements
                    }
                    expectClose(r.jacobianTangent, n, within: fd, "\(label): ∇θ(∇ₓ out_b · ẋ_b) vs θ-differences of the JVP",
                                sourceLocation: sourceLocation)
                }
            }

            // Fisher-vector products against the explicit Jacobian.
            let v = rng.normals(p)
            let weights = rng.uniforms(b, in: 0.2..<2)
            let fv = f.fisherVectorProduct(at: c.theta, inputs: c.inputs, vector: v, sampleWeights: weights, damping: 0.3)
            expectClose(fv, explicitFisherProduct(j, v, weights: weights, damping: 0.3), within: ref,
                        "\(name): F v with weights and damping", sourceLocation: sourceLocation)
            let fv1 = f.fisherVectorProduct(at: c.theta, inputs: c.inputs, vector: v)
            expectClose(fv1, explicitFisherProduct(j, v, weights: Array(repeating: 1, count: b), damping: 0), within: ref,
                        "\(name): F v with default weights", sourceLocation: sourceLocation)

            // The factored Jacobian: the same J, and its products equal J v, Jᵀw and F v.
            let factored = try f.factoredPerSampleJacobian(at: c.theta, inputs: c.inputs)
            expectClose(factored.values, values, within: ref, "\(name): factored values", sourceLocation: sourceLocation)
            expectClose(factored.jacobian.jacobian(), j, within: ref, "\(name): factored J written out",
                        sourceLocation: sourceLocation)
            expectClose(factored.jacobian.product(v), j.multiplied(by: v), within: ref, "\(name): factored J v",
                        sourceLocation: sourceLocation)
            expectClose(factored.jacobian.transposedProduct(weights), j.multiplied(by: weights, .transposed), within: ref,
                        "\(name): factored Jᵀw", sourceLocation: sourceLocation)
            expectClose(factored.jacobian.fisherVectorProduct(v, sampleWeights: weights, damping: 0.3),
                        explicitFisherProduct(j, v, weights: weights, damping: 0.3), within: ref,
                        "\(name): factored F v", sourceLocation: sourceLocation)
            expectClose(factored.jacobian.gram(), j * j.transposed(), within: ref,
                        "\(name): factored Gram J Jᵀ", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(name): per-sample mode threw \(error)", sourceLocation: sourceLocation)
        }
    }
}

// MARK: - Two spellings of one function

/// Two functions that must agree in every mode (reference tolerance): evaluate, gradient with
/// input gradients, JVP, forward-over-reverse, HVP and, when `perSample`, J, J̇ and F v.
func expectSameFunction(
    _ f1: DifferentiableFunction<Double>, _ f2: DifferentiableFunction<Double>, theta: [Double],
    inputs: [Matrix<Double>], perSample: Bool = true, _ what: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let ref = EngineTolerance.reference
    var rng = Xoshiro256StarStar(seed: 99)
    let c = EngineCase(name: what, function: f1, theta: theta, inputs: inputs)
    let v1 = f1.evaluate(at: theta, inputs: inputs), v2 = f2.evaluate(at: theta, inputs: inputs)
    expectClose(v1, v2, within: ref, "\(what): values", sourceLocation: sourceLocation)
    let omega = rng.normalMatrix(v1.rows, v1.columns)
    for d in c.directions(&rng) {
        let g1 = f1.gradientWithTangent(at: theta, inputs: inputs, outputWeights: omega, parameterDirection: d.parameters,
                                        inputDirections: d.inputs, inputGradients: true)
        let g2 = f2.gradientWithTangent(at: theta, inputs: inputs, outputWeights: omega, parameterDirection: d.parameters,
                                        inputDirections: d.inputs, inputGradients: true)
        expectClose(g1.parameters, g2.parameters, within: ref, "\(what) [\(d.label)]: ∇θ", sourceLocation: sourceLocation)
        expectClose(g1.valueTangent, g2.valueTangent, within: ref, "\(what) [\(d.label)]: JVP", sourceLocation: sourceLocation)
        expectClose(g1.parametersTangent, g2.parametersTangent, within: ref, "\(what) [\(d.label)]: ∇θ tangent",
                    sourceLocation: sourceLocation)
        for i in inputs.indices {
            expectClose(g1.inputs[i], g2.inputs[i], within: ref, "\(what) [\(d.label)]: ∇x\(i)", sourceLocation: sourceLocation)
            expectClose(g1.inputsTangent[i], g2.inputsTangent[i], within: ref, "\(what) [\(d.label)]: ∇x\(i) tangent",
                        sourceLocation: sourceLocation)
        }
        let j1 = f1.jvp(at: theta, inputs: inputs, parameterDirection: d.parameters, inputDirections: d.inputs)
        let j2 = f2.jvp(at: theta, inputs: inputs, parameterDirection: d.parameters, inputDirections: d.inputs)
        expectClose(j1.tangent, j2.tangent, within: ref, "\(what) [\(d.label)]: jvp", sourceLocation: sourceLocation)
        if let v = d.parameters, d.inputs == nil {
            expectClose(f1.hessianVectorProduct(at: theta, inputs: inputs, outputWeights: omega, vector: v).hessianVector,
                        f2.hessianVectorProduct(at: theta, inputs: inputs, outputWeights: omega, vector: v).hessianVector,
                        within: ref, "\(what): Hv", sourceLocation: sourceLocation)
        }
        guard perSample else { continue }
        do {
            let r1 = try f1.perSampleJacobianWithTangent(at: theta, inputs: inputs, parameterDirection: d.parameters,
                                                         inputDirections: d.inputs)
            let r2 = try f2.perSampleJacobianWithTangent(at: theta, inputs: inputs, parameterDirection: d.parameters,
                                                         inputDirections: d.inputs)
            expectClose(r1.jacobian, r2.jacobian, within: ref, "\(what) [\(d.label)]: J", sourceLocation: sourceLocation)
            expectClose(r1.jacobianTangent, r2.jacobianTangent, within: ref, "\(what) [\(d.label)]: J̇",
                        sourceLocation: sourceLocation)
            var j1 = Matrix<Double>(rows: inputs[0].rows, columns: f1.parameterCount, repeating: .nan)
            try f1.perSampleJacobian(at: theta, inputs: inputs, into: &j1, chunkSize: 2)
            expectClose(j1, r2.jacobian, within: ref, "\(what): J in chunks", sourceLocation: sourceLocation)
        } catch {
            Issue.record("\(what): per-sample mode threw \(error)", sourceLocation: sourceLocation)
        }
    }
    if perSample {
        let v = rng.normals(theta.count), w = rng.uniforms(inputs[0].rows, in: 0.2..<2)
        expectClose(f1.fisherVectorProduct(at: theta, inputs: inputs, vector: v, sampleWeights: w, damping: 0.1),
                    f2.fisherVectorProduct(at: theta, inputs: inputs, vector: v, sampleWeights: w, damping: 0.1),
                    within: ref, "\(what): F v", sourceLocation: sourceLocation)
    }
}

// MARK: - Operation cases

/// Builds the two functions the operation tests check: the operation's raw output (any shape;
/// `.light` reduced modes with random output weights of that shape) and `scalarHead` of it
/// (B × 1; `.full`: every mode).
func checkOperation(
    _ name: String, parameters: ParameterBuilder, inputs: [Matrix<Double>], seed: UInt64 = 1,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: @escaping @Sendable (Tape<Double>, [Variable<Double>]) -> Variable<Double>
) {
    let raw = DifferentiableFunction<Double>(parameterCount: parameters.count, body)
    let headed = DifferentiableFunction<Double>(parameterCount: parameters.count) { tape, x in scalarHead(body(tape, x)) }
    EngineModes.check(EngineCase(name: name, function: raw, theta: parameters.theta, inputs: inputs),
                      level: .light, seed: seed, sourceLocation: sourceLocation)
    EngineModes.check(EngineCase(name: "head(\(name))", function: headed, theta: parameters.theta, inputs: inputs),
                      seed: seed &+ 1, sourceLocation: sourceLocation)
}

/// Batch sizes and widths of the operation tests.
struct Shape: Sendable, CustomTestStringConvertible {
    var batch: Int
    var width: Int
    var testDescription: String { "B=\(batch), n=\(width)" }
}

// MARK: - Shared functions

/// Custom operations shared by CustomOperationTests and FloatEngineTests.
enum TestCustomOperations {
    /// y = x³ elementwise, written without `power`.
    static func cube<S: NACScalar>() -> CustomOperation<S> {
        CustomOperation(
            name: "cube",
            primal: { x in x[0].elementwiseMultiplied(by: x[0]).elementwiseMultiplied(by: x[0]) },
            tangent: { x, _, dx in
                guard let d = dx[0] else { return .zeros(rows: x[0].rows, columns: x[0].columns) }
                return x[0].elementwiseMultiplied(by: x[0]).elementwiseMultiplied(by: d) * 3
            },
            adjoint: { x, _, ybar in [ybar * x[0] * x[0] * 3] })
    }

    /// y = x₁ ⊙ sin(x₂) with broadcasting (either input may be a row 1 × n or a column B × 1).
    static func timesSine<S: NACScalar>() -> CustomOperation<S> {
        CustomOperation(
            name: "x₁ sin x₂",
            primal: { x in x[0].elementwiseMultiplied(by: x[1].applying(.sin)) },
            tangent: { x, y, dx in
                var t = Matrix<S>.zeros(rows: y.rows, columns: y.columns)
                if let d0 = dx[0] { t += d0.elementwiseMultiplied(by: x[1].applying(.sin)) }
                if let d1 = dx[1] { t += x[0].elementwiseMultiplied(by: x[1].applying(.cos)).elementwiseMultiplied(by: d1) }
                return t
            },
            adjoint: { x, _, ybar in [ybar * x[1].applying(.sin), ybar * x[0] * x[1].applying(.cos)] })
    }
}

/// A two-hidden-layer MLP layout (w0, b0, w1, b1, w2, b2) with seeded θ.
struct TestMLP: Sendable {
    var w0, b0, w1, b1, w2, b2: ParameterSlice
    var theta: [Double]
    var count: Int

    init(inputs: Int, hidden: Int, seed: UInt64) {
        var p = ParameterBuilder(seed: seed)
        w0 = p.matrix(rows: hidden, columns: inputs); b0 = p.vector(hidden)
        w1 = p.matrix(rows: hidden, columns: hidden); b1 = p.vector(hidden)
        w2 = p.matrix(rows: 1, columns: hidden); b2 = p.vector(1)
        theta = p.theta; count = p.count
    }
}
