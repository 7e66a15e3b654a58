import Testing
@testable import NAC

/// a + b, a − b, a ⊙ b, a / b with every broadcasting pattern (batched values, unbatched
/// parameter rows 1 × n, columns B × 1, 1 × 1 constants and parameter scalars, constant rows
/// and batches), and the Swift-scalar overloads, in every mode against central differences.
@Suite struct BroadcastingTests {
    enum Operand: String, Sendable {
        /// dense(x, W, b): B × n, depends on θ and x.
        case batched
        /// A second input leaf, B × n.
        case input
        /// A parameter row, 1 × n (unbatched leaf).
        case row
        /// tanh (or exp, when positive) of a second parameter row: an unbatched non-leaf 1 × n.
        case unbatchedComputed
        /// dense(x, w, c): B × 1.
        case column
        /// A constant 1 × 1.
        case constantScalar
        /// A parameter 1 × 1.
        case parameterScalar
        /// A constant row 1 × n.
        case constantRow
        /// A constant batch B × n (sliced with `tape.rows`, so chunks work).
        case constantBatch
    }

    enum Op: String, Sendable, CaseIterable { case add, subtract, multiply, divide }

    struct Pattern: Sendable, CustomTestStringConvertible {
        var lhs: Operand
        var rhs: Operand
        var testDescription: String { "\(lhs.rawValue) ∘ \(rhs.rawValue)" }
    }

    static let patterns: [Pattern] = [
        (Operand.batched, Operand.batched), (.batched, .input), (.input, .batched),
        (.batched, .row), (.row, .batched), (.input, .row),
        (.batched, .column), (.column, .batched),
        (.column, .row), (.row, .column),
        (.batched, .constantScalar), (.constantScalar, .batched),
        (.batched, .parameterScalar), (.parameterScalar, .batched), (.parameterScalar, .column),
        (.batched, .constantRow), (.constantBatch, .batched),
        (.unbatchedComputed, .batched), (.batched, .unbatchedComputed),
        (.row, .unbatchedComputed), (.parameterScalar, .row), (.row, .constantScalar), (.row, .row),
        (.constantRow, .column),
    ].map { Pattern(lhs: $0.0, rhs: $0.1) }

    static let shapes = [Shape(batch: 3, width: 4), Shape(batch: 7, width: 2), Shape(batch: 1, width: 3)]

    /// Builds an operand; `positive` operands (divisors) are kept in [0.2, ∞) so 1/b is smooth.
    struct Slices: Sendable {
        var w, b, wc, bc, row, row2, scalar: ParameterSlice
        var constantRow: [Double]
        var constantBatch: Matrix<Double>
    }

    static func operand(_ kind: Operand, positive: Bool, _ s: Slices, _ tape: Tape<Double>,
                        _ x: [Variable<Double>]) -> Variable<Double> {
        switch kind {
        case .batched:
            let v = tape.dense(x[0], weight: s.w, bias: s.b)
            return positive ? v.exp() : v
        case .input: return x[1]
        case .row: return tape.parameter(s.row)
        case .unbatchedComputed:
            let r = tape.parameter(s.row2)
            return positive ? r.exp() : r.tanh()
        case .column:
            let v = tape.dense(x[0], weight: s.wc, bias: s.bc)
            return positive ? v.exp() : v
        case .constantScalar: return tape.constant(positive ? 0.7 : -0.7)
        case .parameterScalar: return tape.parameter(s.scalar)
        case .constantRow: return tape.constant(row: s.constantRow)
        case .constantBatch: return tape.constant(batch: s.constantBatch.rows(tape.rows))
        }
    }

    /// Each (operation, pattern) at one of three shapes, rotating so that every pattern meets
    /// B = 1, 3 and 7 (and widths 2, 3, 4) across the four operations (the suite stays fast).
    @Test(arguments: Op.allCases, patterns)
    func everyPatternInEveryMode(_ op: Op, _ pattern: Pattern) {
        let index = Self.patterns.firstIndex { $0.lhs == pattern.lhs && $0.rhs == pattern.rhs }!
        let k = (index + Op.allCases.firstIndex(of: op)!) % Self.shapes.count
        do {
            let shape = Self.shapes[k]
            let n = shape.width, m = 3
            var params = ParameterBuilder(seed: 400 + UInt64(k))
            // Parameter leaves that may be divisors are drawn positive, [0.5, 1.5).
            let slices = Slices(
                w: params.matrix(rows: n, columns: m), b: params.vector(n),
                wc: params.matrix(rows: 1, columns: m), bc: params.vector(1),
                row: params.vector(n, .uniform(0.5..<1.5)), row2: params.vector(n),
                scalar: params.vector(1, .uniform(0.5..<1.5)),
                constantRow: params.rng.uniforms(n, in: 0.5..<1.5),
                constantBatch: params.rng.uniformMatrix(shape.batch, n, in: 0.5..<1.5))
            var rng = Xoshiro256StarStar(seed: 41 + UInt64(k))
            let x = rng.normalMatrix(shape.batch, m)
            let x2 = rng.uniformMatrix(shape.batch, n, in: 0.5..<1.5)   // positive: may be a divisor
            checkOperation("\(op) \(pattern.testDescription) \(shape.testDescription)", parameters: params,
                           inputs: [x, x2]) { tape, x in
                let a = Self.operand(pattern.lhs, positive: false, slices, tape, x)
                let b = Self.operand(pattern.rhs, positive: op == .divide, slices, tape, x)
                switch op {
                case .add: return a + b
                case .subtract: return a - b
                case .multiply: return a * b
                case .divide: return a / b
                }
            }
        }
    }

    /// The same variable on both sides (a ∘ a): both contributions reach one adjoint.
    @Test(arguments: Op.allCases)
    func sameVariableOnBothSides(_ op: Op) {
        var params = ParameterBuilder(seed: 450)
        let w = params.matrix(rows: 3, columns: 2), b = params.vector(3)
        var rng = Xoshiro256StarStar(seed: 45)
        let x = rng.normalMatrix(5, 2)
        checkOperation("a \(op) a", parameters: params, inputs: [x]) { tape, x in
            let a = tape.dense(x[0], weight: w, bias: b).exp()
            switch op {
            case .add: return a + a
            case .subtract: return a - a + a * a
            case .multiply: return a * a
            case .divide: return a / a + a
            }
        }
        // a ⊙ a is a² in every mode.
        let f1 = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            let a = tape.dense(x[0], weight: w, bias: b).exp()
            return (a * a).sumAlongFeatures()
        }
        let f2 = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            tape.dense(x[0], weight: w, bias: b).exp().squared().sumAlongFeatures()
        }
        expectSameFunction(f1, f2, theta: params.theta, inputs: [x], "a ⊙ a vs a²")
    }

    /// Broadcast results have the broadcast shape and the right batchedness.
    @Test func resultShapes() {
        var params = ParameterBuilder(seed: 460)
        let row = params.vector(3), scalar = params.vector(1)
        let f = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            let r = tape.parameter(row), s = tape.parameter(scalar)
            let column = x[0].columns(0..<1)
            #expect((x[0] + r).isBatched && (x[0] + r).rows == 5 && (x[0] + r).columns == 3)
            #expect(!(r * s).isBatched && (r * s).rows == 1 && (r * s).columns == 3)
            #expect((column * r).isBatched && (column * r).rows == 5 && (column * r).columns == 3)
            #expect((s - column).rows == 5 && (s - column).columns == 1)
            return x[0] + r
        }
        let x = Matrix<Double>.randomNormal(rows: 5, columns: 3, seed: 3)
        let y = f.evaluate(at: params.theta, inputs: [x])
        for b in 0..<5 { for c in 0..<3 { #expect(y[b, c] == x[b, c] + params.theta[c]) } }
    }

    enum ScalarForm: String, Sendable, CaseIterable {
        case plusRight = "a + s", plusLeft = "s + a", minusRight = "a − s", minusLeft = "s − a"
        case timesRight = "a · s", timesLeft = "s · a", divideRight = "a / s", divideLeft = "s / a"
    }

    /// The Swift-scalar overloads, in every mode and equal to the same expression with a
    /// constant variable.
    @Test(arguments: ScalarForm.allCases)
    func swiftScalarOverloads(_ form: ScalarForm) {
        var params = ParameterBuilder(seed: 470)
        let w = params.matrix(rows: 2, columns: 3), b = params.vector(2)
        var rng = Xoshiro256StarStar(seed: 47)
        let x = rng.normalMatrix(3, 3)
        let s = 1.7
        @Sendable func overloaded(_ tape: Tape<Double>, _ x: [Variable<Double>]) -> Variable<Double> {
            let a = tape.dense(x[0], weight: w, bias: b).exp()   // positive: may be a divisor
            switch form {
            case .plusRight: return a + s
            case .plusLeft: return s + a
            case .minusRight: return a - s
            case .minusLeft: return s - a
            case .timesRight: return a * s
            case .timesLeft: return s * a
            case .divideRight: return a / s
            case .divideLeft: return s / a
            }
        }
        @Sendable func explicit(_ tape: Tape<Double>, _ x: [Variable<Double>]) -> Variable<Double> {
            let a = tape.dense(x[0], weight: w, bias: b).exp()
            let c = tape.constant(s)
            switch form {
            case .plusRight: return a + c
            case .plusLeft: return c + a
            case .minusRight: return a - c
            case .minusLeft: return c - a
            case .timesRight: return a * c
            case .timesLeft: return c * a
            case .divideRight: return a / c
            case .divideLeft: return c / a
            }
        }
        checkOperation(form.rawValue, parameters: params, inputs: [x], overloaded)
        let f1 = DifferentiableFunction<Double>(parameterCount: params.count) { scalarHead(overloaded($0, $1)) }
        let f2 = DifferentiableFunction<Double>(parameterCount: params.count) { scalarHead(explicit($0, $1)) }
        expectSameFunction(f1, f2, theta: params.theta, inputs: [x], "\(form.rawValue) vs a constant variable")
    }
}
