import Testing
@testable import NAC

/// Every `UnaryFunction`, in every mode, against central differences (see `EngineModes`).
@Suite struct ElementwiseOperationTests {
    /// Where a function is evaluated: u = x ⊙ s + t keeps u in the function's domain.
    enum Domain: Sendable {
        /// |u| ≥ 0.05, both signs (x: |x| ∈ [0.3, 1.5), s ∈ [0.5, 1.5), t ∈ [−0.1, 0.1)): away
        /// from relu's kink by 5000 finite-difference steps.
        case signed
        /// u ∈ [0.35, 2.75) (x, s ∈ [0.5, 1.5), t ∈ [0.1, 0.5)): log, sqrt, reciprocal, real powers.
        case positive

        var input: Draw { self == .signed ? .signed(0.3..<1.5) : .uniform(0.5..<1.5) }
        var scale: Draw { .uniform(0.5..<1.5) }
        var shift: Draw { self == .signed ? .uniform(-0.1..<0.1) : .uniform(0.1..<0.5) }
        /// Values for a function applied directly to a parameter row.
        var row: Draw { self == .signed ? .signed(0.2..<1.5) : .uniform(0.35..<2) }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        var function: UnaryFunction
        var domain: Domain
        var testDescription: String { "\(function)" }
    }

    static let cases: [Case] = [
        Case(function: .negate, domain: .signed),
        Case(function: .exp, domain: .signed),
        Case(function: .log, domain: .positive),
        Case(function: .log1p, domain: .positive),
        Case(function: .sqrt, domain: .positive),
        Case(function: .square, domain: .signed),
        Case(function: .power(3), domain: .signed),      // integral power of negative values
        Case(function: .power(2), domain: .signed),
        Case(function: .power(2.5), domain: .positive),
        Case(function: .power(-1.5), domain: .positive),
        Case(function: .power(-2), domain: .positive),
        Case(function: .power(1), domain: .signed),
        Case(function: .tanh, domain: .signed),
        Case(function: .sigmoid, domain: .signed),
        Case(function: .relu, domain: .signed),
        Case(function: .softplus, domain: .signed),
        Case(function: .sin, domain: .signed),
        Case(function: .cos, domain: .signed),
        Case(function: .reciprocal, domain: .positive),
    ]

    /// The public spelling of each function (so the `Variable` conveniences are covered too).
    static func named(_ f: UnaryFunction, _ x: Variable<Double>) -> Variable<Double> {
        switch f {
        case .negate: -x
        case .exp: x.exp()
        case .log: x.log()
        case .log1p: x.log1p()
        case .sqrt: x.sqrt()
        case .square: x.squared()
        case .power(let p): x.power(p)
        case .tanh: x.tanh()
        case .sigmoid: x.sigmoid()
        case .relu: x.relu()
        case .softplus: x.softplus()
        case .sin: x.sin()
        case .cos: x.cos()
        case .reciprocal: x.reciprocal()
        }
    }

    /// Three shapes per function, B = 1, 3 and 7, widths alternating so that 1…5 all occur.
    static let batchedCases: [(Case, [Shape])] = cases.enumerated().map { i, c in
        (c, i % 2 == 0 ? [Shape(batch: 1, width: 1), Shape(batch: 3, width: 4), Shape(batch: 7, width: 5)]
                       : [Shape(batch: 1, width: 3), Shape(batch: 3, width: 2), Shape(batch: 7, width: 3)])
    }

    /// f(x ⊙ s + t) on a batch: the function sees tangents and adjoints from θ and x.
    @Test(arguments: batchedCases)
    func batchedInEveryMode(_ c: Case, _ shapes: [Shape]) {
        for shape in shapes { batched(c, shape) }
    }

    func batched(_ c: Case, _ shape: Shape) {
        var params = ParameterBuilder(seed: 100 + UInt64(shape.batch * 10 + shape.width))
        let s = params.vector(shape.width, c.domain.scale)
        let t = params.vector(shape.width, c.domain.shift)
        var rng = Xoshiro256StarStar(seed: 7 + UInt64(shape.width))
        let x = c.domain.input.matrix(shape.batch, shape.width, &rng)
        let f = c.function
        checkOperation("\(f) of a batch \(shape.testDescription)", parameters: params, inputs: [x]) { tape, x in
            Self.named(f, x[0] * tape.parameter(s) + tape.parameter(t))
        }
    }

    /// f(p) for an unbatched parameter row, broadcast against the batch: the per-sample mode
    /// carries B-row adjoints through an unbatched node.
    @Test(arguments: cases)
    func unbatchedRowInEveryMode(_ c: Case) {
        var params = ParameterBuilder(seed: 200)
        let p = params.vector(3, c.domain.row)
        let w = params.matrix(rows: 3, columns: 2)
        var rng = Xoshiro256StarStar(seed: 8)
        let x = rng.normalMatrix(4, 2)
        let f = c.function
        checkOperation("\(f) of a parameter row", parameters: params, inputs: [x]) { tape, x in
            Self.named(f, tape.parameter(p)) * tape.dense(x[0], weight: w)
        }
    }

    /// f applied directly to an input leaf (only input derivatives and ∇θ through the head).
    @Test(arguments: cases)
    func inputLeafInEveryMode(_ c: Case) {
        var params = ParameterBuilder(seed: 300)
        let s = params.vector(2)
        var rng = Xoshiro256StarStar(seed: 9)
        let x = (c.domain == .signed ? Draw.signed(0.2..<1.5) : Draw.uniform(0.35..<2)).matrix(3, 2, &rng)
        let f = c.function
        checkOperation("\(f) of an input", parameters: params, inputs: [x]) { tape, x in
            Self.named(f, x[0]) * tape.parameter(s)
        }
    }

    /// Values and first and second derivatives of the kernels against closed forms.
    @Test(arguments: cases)
    func kernelDerivativesMatchClosedForms(_ c: Case) {
        let xs: [Double] = c.domain == .signed ? [-1.3, -0.4, 0.25, 0.9, 2.1] : [0.3, 0.8, 1.0, 1.7, 3.2]
        var y = [Double](repeating: 0, count: xs.count), d1 = y, d2 = y
        xs.withUnsafeBufferPointer { px in
            Double.evaluate(c.function, x: px.baseAddress!, count: xs.count, value: &y, firstDerivative: &d1,
                            secondDerivative: &d2)
        }
        for (i, x) in xs.enumerated() {
            let (ey, e1, e2) = Self.closedForm(c.function, x)
            for (got, want, what) in [(y[i], ey, "f"), (d1[i], e1, "f′"), (d2[i], e2, "f″")] {
                #expect(abs(got - want) <= 1e-13 * max(1, abs(want)), "\(c.function) \(what)(\(x)) = \(got), expected \(want)")
            }
        }
        // The value-only path gives the same values.
        var y0 = [Double](repeating: 0, count: xs.count)
        xs.withUnsafeBufferPointer { px in Double.evaluate(c.function, x: px.baseAddress!, count: xs.count, value: &y0) }
        #expect(y0 == y)
    }

    static func closedForm(_ f: UnaryFunction, _ x: Double) -> (Double, Double, Double) {
        switch f {
        case .negate: return (-x, -1, 0)
        case .exp: return (Double.exp(x), Double.exp(x), Double.exp(x))
        case .log: return (Double.log(x), 1 / x, -1 / (x * x))
        case .log1p: return (Double.log(onePlus: x), 1 / (1 + x), -1 / ((1 + x) * (1 + x)))
        case .sqrt: return (x.squareRoot(), 0.5 / x.squareRoot(), -0.25 / (x * x.squareRoot()))
        case .square: return (x * x, 2 * x, 2)
        case .power(let p) where p.rounded() == p:
            let n = Int(p)
            return (Double.pow(x, n), p * Double.pow(x, n - 1), p * (p - 1) * Double.pow(x, n - 2))
        case .power(let p):
            return (Double.pow(x, p), p * Double.pow(x, p - 1), p * (p - 1) * Double.pow(x, p - 2))
        case .tanh:
            let t = Double.tanh(x)
            return (t, 1 - t * t, -2 * t * (1 - t * t))
        case .sigmoid:
            let s = 1 / (1 + Double.exp(-x))
            return (s, s * (1 - s), s * (1 - s) * (1 - 2 * s))
        case .relu: return (max(x, 0), x > 0 ? 1 : 0, 0)
        case .softplus:
            let s = 1 / (1 + Double.exp(-x))
            return (Double.log(1 + Double.exp(x)), s, s * (1 - s))
        case .sin: return (Double.sin(x), Double.cos(x), -Double.sin(x))
        case .cos: return (Double.cos(x), -Double.sin(x), -Double.cos(x))
        case .reciprocal: return (1 / x, -1 / (x * x), 2 / (x * x * x))
        }
    }

    /// Integral powers are polynomials: their derivatives are finite everywhere, including at
    /// x = 0 where x^(p−1) or x^(p−2) is infinite but multiplied by a zero coefficient
    /// (p = 0: f′ = f″ = 0; p = 1: f″ = 0).
    @Test(arguments: [0.0, 1, 2, 3])
    func integralPowersHaveFiniteDerivativesAtZero(_ p: Double) {
        let xs: [Double] = [0, -0.5, 1.5]
        var y = [Double](repeating: 0, count: 3), d1 = y, d2 = y
        for float in [false, true] {
            if float {
                var yf = [Float](repeating: 0, count: 3), d1f = yf, d2f = yf
                xs.map(Float.init).withUnsafeBufferPointer { px in
                    Float.evaluate(.power(p), x: px.baseAddress!, count: 3, value: &yf, firstDerivative: &d1f,
                                   secondDerivative: &d2f)
                }
                (y, d1, d2) = (yf.map(Double.init), d1f.map(Double.init), d2f.map(Double.init))
            } else {
                xs.withUnsafeBufferPointer { px in
                    Double.evaluate(.power(p), x: px.baseAddress!, count: 3, value: &y, firstDerivative: &d1,
                                    secondDerivative: &d2)
                }
            }
            let n = Int(p)
            for (i, x) in xs.enumerated() {
                let ey = Double.pow(x, n)
                let e1 = n == 0 ? 0 : p * Double.pow(x, n - 1)
                let e2 = n < 2 ? 0 : p * (p - 1) * Double.pow(x, n - 2)
                #expect(y[i] == ey && d1[i] == e1 && d2[i] == e2,
                        "power(\(p)) at \(x) (\(float ? "Float" : "Double")): (\(y[i]), \(d1[i]), \(d2[i])), expected (\(ey), \(e1), \(e2))")
            }
        }
        // In the engine: the Hessian-vector product of Σ w · x^p at x containing 0 is finite.
        let f = DifferentiableFunction<Double>(parameterCount: 2) { tape, x in
            (x[0] * tape.parameter(ParameterSlice(offset: 0, count: 2))).power(p).sumAlongFeatures()
        }
        let x = Matrix<Double>([[0, 1], [2, 0]])
        let hv = f.hessianVectorProduct(at: [1, 1], inputs: [x], vector: [1, -1])
        #expect((hv.gradient + hv.hessianVector).allSatisfy { $0.isFinite }, "power(\(p)): \(hv)")
    }

    /// Large arguments stay finite where the closed forms would overflow.
    @Test func sigmoidAndSoftplusAreStableForLargeArguments() {
        let xs: [Double] = [-800, -40, 40, 800]
        var y = [Double](repeating: 0, count: 4), d1 = y, d2 = y
        for f in [UnaryFunction.sigmoid, .softplus] {
            xs.withUnsafeBufferPointer { px in
                Double.evaluate(f, x: px.baseAddress!, count: 4, value: &y, firstDerivative: &d1, secondDerivative: &d2)
            }
            let all = y + d1 + d2
            #expect(all.allSatisfy { $0.isFinite }, "\(f): \(y) \(d1) \(d2)")
        }
        xs.withUnsafeBufferPointer { px in Double.evaluate(.softplus, x: px.baseAddress!, count: 4, value: &y) }
        #expect(y[3] == 800 && y[0] >= 0 && y[0] < 1e-300)
    }

    /// relu: derivative 0 on the negative side, 1 on the positive side (and 0 at the kink, as documented).
    @Test func reluDerivativeConvention() {
        let xs: [Double] = [-1, 0, 1]
        var y = [Double](repeating: 0, count: 3), d1 = y
        xs.withUnsafeBufferPointer { px in
            Double.evaluate(.relu, x: px.baseAddress!, count: 3, value: &y, firstDerivative: &d1)
        }
        #expect(y == [0, 0, 1] && d1 == [0, 0, 1])
    }
}
