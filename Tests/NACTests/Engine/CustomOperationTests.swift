import Testing
@testable import NAC

/// Custom operations (primal, tangent and a `Dual`-written adjoint) in every mode — including
/// a custom rule inside a Hessian-vector product and a per-sample Jacobian tangent — against
/// central differences and against the same functions written with built-in operations.
@Suite struct CustomOperationTests {
    // MARK: Operations (cube and x₁ sin x₂ are in Support/EngineTestSupport.swift)

    /// y = x₁ ⊙ m where m gets no derivative (its adjoint is nil and its tangent ignored):
    /// equal to x₁ ⊙ stopGradient(m).
    static func maskedProduct<S: NACScalar>() -> CustomOperation<S> {
        CustomOperation(
            name: "masked product",
            primal: { x in x[0].elementwiseMultiplied(by: x[1]) },
            tangent: { x, y, dx in
                guard let d0 = dx[0] else { return .zeros(rows: y.rows, columns: y.columns) }
                return d0.elementwiseMultiplied(by: x[1])
            },
            adjoint: { x, _, ybar in [ybar * Dual.constant(x[1].value), nil] })
    }

    /// y = x − mean over the batch of x: mixes samples (declared).
    static func center<S: NACScalar>() -> CustomOperation<S> {
        CustomOperation(
            name: "center", mixesSamples: true,
            primal: { x in x[0] - x[0].sumOfColumns() * (1 / S(x[0].rows)) },
            tangent: { x, _, dx in dx[0]! - dx[0]!.sumOfColumns() * (1 / S(x[0].rows)) },
            adjoint: { x, _, ybar in [ybar - ybar.sumOfColumns() * (1 / S(x[0].rows))] })
    }

    // MARK: A custom rule inside an MLP, in every mode

    @Test(arguments: [Shape(batch: 1, width: 2), Shape(batch: 3, width: 3), Shape(batch: 7, width: 4)])
    func cubeInsideAnMLP(_ shape: Shape) {
        let m = TestMLP(inputs: 2, hidden: shape.width, seed: 800)
        let x = Matrix<Double>.randomNormal(rows: shape.batch, columns: 2, seed: 80)
        let op: CustomOperation<Double> = TestCustomOperations.cube()
        let custom = DifferentiableFunction<Double>(parameterCount: m.count) { tape, x in
            let h = tape.dense(x[0], weight: m.w0, bias: m.b0).tanh()
            let c = tape.apply(op, [tape.dense(h, weight: m.w1, bias: m.b1)])
            return tape.dense(c, weight: m.w2, bias: m.b2)
        }
        let builtIn = DifferentiableFunction<Double>(parameterCount: m.count) { tape, x in
            let h = tape.dense(x[0], weight: m.w0, bias: m.b0).tanh()
            return tape.dense(tape.dense(h, weight: m.w1, bias: m.b1).power(3), weight: m.w2, bias: m.b2)
        }
        EngineModes.check(EngineCase(name: "MLP with custom cube \(shape.testDescription)", function: custom,
                                     theta: m.theta, inputs: [x]))
        expectSameFunction(custom, builtIn, theta: m.theta, inputs: [x], "custom cube vs power(3) \(shape.testDescription)")
    }

    @Test(arguments: [Shape(batch: 1, width: 3), Shape(batch: 3, width: 2), Shape(batch: 7, width: 4)])
    func timesSineInsideAnMLP(_ shape: Shape) {
        let m = TestMLP(inputs: 2, hidden: shape.width, seed: 810)
        let x = Matrix<Double>.randomNormal(rows: shape.batch, columns: 2, seed: 81)
        let op: CustomOperation<Double> = TestCustomOperations.timesSine()
        let custom = DifferentiableFunction<Double>(parameterCount: m.count) { tape, x in
            let h = tape.dense(x[0], weight: m.w0, bias: m.b0).tanh()
            let y = tape.apply(op, [h, tape.dense(h, weight: m.w1, bias: m.b1)])
            return tape.dense(y, weight: m.w2, bias: m.b2)
        }
        let builtIn = DifferentiableFunction<Double>(parameterCount: m.count) { tape, x in
            let h = tape.dense(x[0], weight: m.w0, bias: m.b0).tanh()
            return tape.dense(h * tape.dense(h, weight: m.w1, bias: m.b1).sin(), weight: m.w2, bias: m.b2)
        }
        EngineModes.check(EngineCase(name: "MLP with custom x₁ sin x₂ \(shape.testDescription)", function: custom,
                                     theta: m.theta, inputs: [x]))
        expectSameFunction(custom, builtIn, theta: m.theta, inputs: [x], "custom x₁ sin x₂ vs built-in \(shape.testDescription)")
    }

    /// Broadcast inputs of a custom operation: an unbatched parameter row (its B-row adjoint is
    /// summed by the engine in the reduced mode, kept per row in the per-sample mode), a B × 1
    /// column against B × n, and an input leaf.
    @Test func timesSineWithBroadcastInputs() {
        var params = ParameterBuilder(seed: 820)
        let w = params.matrix(rows: 3, columns: 2), p = params.vector(3), wc = params.matrix(rows: 1, columns: 2)
        let x = Matrix<Double>.randomNormal(rows: 5, columns: 2, seed: 82)
        let op: CustomOperation<Double> = TestCustomOperations.timesSine()
        checkOperation("x₁ sin x₂ with x₂ a parameter row", parameters: params, inputs: [x]) { tape, x in
            tape.apply(op, [tape.dense(x[0], weight: w), tape.parameter(p)])
        }
        checkOperation("x₁ sin x₂ with x₁ a column", parameters: params, inputs: [x]) { tape, x in
            tape.apply(op, [tape.dense(x[0], weight: wc).tanh(), tape.dense(x[0], weight: w)])
        }
        checkOperation("x₁ sin x₂ of a row and an input", parameters: params, inputs: [x]) { tape, x in
            tape.apply(op, [tape.parameter(p).columns(0..<2), x[0]])
        }
        checkOperation("x₁ sin x₂ of two rows", parameters: params, inputs: [x]) { tape, x in
            tape.apply(op, [tape.parameter(p), tape.parameter(p).exp()]) * tape.dense(x[0], weight: w)
        }
        checkOperation("x sin x (one variable as both inputs)", parameters: params, inputs: [x]) { tape, x in
            let h = tape.dense(x[0], weight: w)
            return tape.apply(op, [h, h])
        }
        let twice = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            let h = tape.dense(x[0], weight: w)
            return scalarHead(tape.apply(op, [h, h]))
        }
        let twiceBuiltIn = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            let h = tape.dense(x[0], weight: w)
            return scalarHead(h * h.sin())
        }
        expectSameFunction(twice, twiceBuiltIn, theta: params.theta, inputs: [x], "x sin x vs built-in")
        let builtIn = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            scalarHead(tape.dense(x[0], weight: w) * tape.parameter(p).sin())
        }
        let custom = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            scalarHead(tape.apply(op, [tape.dense(x[0], weight: w), tape.parameter(p)]))
        }
        expectSameFunction(custom, builtIn, theta: params.theta, inputs: [x], "x₁ sin(row) vs built-in")
    }

    /// An input whose adjoint rule returns nil gets no derivative: like stopGradient.
    @Test func nilAdjointMeansNoDerivative() {
        var params = ParameterBuilder(seed: 830)
        let w = params.matrix(rows: 3, columns: 2), wm = params.matrix(rows: 3, columns: 2)
        let x = Matrix<Double>.randomNormal(rows: 4, columns: 2, seed: 83)
        let op: CustomOperation<Double> = Self.maskedProduct()
        let custom = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            scalarHead(tape.apply(op, [tape.dense(x[0], weight: w), tape.dense(x[0], weight: wm).tanh()]))
        }
        let builtIn = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            scalarHead(tape.dense(x[0], weight: w) * tape.dense(x[0], weight: wm).tanh().stopGradient())
        }
        expectSameFunction(custom, builtIn, theta: params.theta, inputs: [x], "masked product vs stopGradient")
    }

    /// A custom operation declared as mixing samples: correct in the reduced modes (against
    /// central differences and the built-in meanOverBatch), refused per sample with its name.
    @Test func mixingCustomOperation() throws {
        var params = ParameterBuilder(seed: 840)
        let w = params.matrix(rows: 2, columns: 3), b = params.vector(2)
        let x = Matrix<Double>.randomNormal(rows: 5, columns: 3, seed: 84)
        let op: CustomOperation<Double> = Self.center()
        checkOperation("custom center", parameters: params, inputs: [x]) { tape, x in
            tape.apply(op, [tape.dense(x[0], weight: w, bias: b).tanh()]).squared()
        }
        let custom = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            scalarHead(tape.apply(op, [tape.dense(x[0], weight: w, bias: b).tanh()]))
        }
        let builtIn = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            let y = tape.dense(x[0], weight: w, bias: b).tanh()
            return scalarHead(y - tape.meanOverBatch(y))
        }
        expectSameFunction(custom, builtIn, theta: params.theta, inputs: [x], perSample: false, "custom center vs meanOverBatch")
        #expect(throws: DifferentiationError.operationMixesSamples(operation: "center")) {
            _ = try custom.perSampleJacobian(at: params.theta, inputs: [x])
        }
    }

    /// The custom rules are called with the documented arguments: ȳ with one row per sample,
    /// the output, and tangents only when a direction was seeded.
    @Test func adjointRuleSeesDualsWithTangentsOnlyUnderForwardOverReverse() throws {
        let seen = Recorder()
        let op = CustomOperation<Double>(
            name: "spy",
            primal: { x in x[0] * 2 },
            tangent: { _, _, dx in dx[0]! * 2 },
            adjoint: { x, y, ybar in
                seen.record(rows: ybar.rows, inputTangent: x[0].tangent != nil, outputTangent: y.tangent != nil,
                            adjointTangent: ybar.tangent != nil)
                return [ybar * 2]
            })
        var params = ParameterBuilder(seed: 850)
        let w = params.matrix(rows: 2, columns: 2)
        let x = Matrix<Double>.randomNormal(rows: 3, columns: 2, seed: 85)
        let f = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            tape.apply(op, [tape.dense(x[0], weight: w)]).squared().sumAlongFeatures()
        }
        _ = f.gradient(at: params.theta, inputs: [x])
        #expect(seen.last == .init(rows: 3, inputTangent: false, outputTangent: false, adjointTangent: false))
        _ = try f.perSampleJacobian(at: params.theta, inputs: [x], chunkSize: 2)
        #expect(seen.last == .init(rows: 1, inputTangent: false, outputTangent: false, adjointTangent: false))
        _ = f.hessianVectorProduct(at: params.theta, inputs: [x], vector: [1, 0, 0, 1])
        #expect(seen.last == .init(rows: 3, inputTangent: true, outputTangent: true, adjointTangent: true))
    }

    final class Recorder: @unchecked Sendable {
        struct Call: Equatable { var rows: Int; var inputTangent, outputTangent, adjointTangent: Bool }
        private(set) var last: Call?
        func record(rows: Int, inputTangent: Bool, outputTangent: Bool, adjointTangent: Bool) {
            last = Call(rows: rows, inputTangent: inputTangent, outputTangent: outputTangent, adjointTangent: adjointTangent)
        }
    }

    // MARK: Dual arithmetic

    /// Every `Dual` operation's tangent against central differences of its value.
    @Test func dualTangentsMatchFiniteDifferences() {
        let a = Matrix<Double>.randomNormal(rows: 3, columns: 2, seed: 86)
        let ad = Matrix<Double>.randomNormal(rows: 3, columns: 2, seed: 87)
        var g = Xoshiro256StarStar(seed: 88)
        let r = Matrix<Double>.randomUniform(rows: 1, columns: 2, in: 0.5..<1.5, using: &g)
        let rd = Matrix<Double>.randomNormal(rows: 1, columns: 2, seed: 89)
        let m = Matrix<Double>.randomNormal(rows: 2, columns: 4, seed: 90)
        let md = Matrix<Double>.randomNormal(rows: 2, columns: 4, seed: 91)
        let cases: [(String, (Dual<Double>, Dual<Double>, Dual<Double>) -> Dual<Double>)] = [
            ("a + r", { a, r, _ in a + r }), ("r − a", { a, r, _ in r - a }), ("−a", { a, _, _ in -a }),
            ("a ⊙ r", { a, r, _ in a * r }), ("a / r", { a, r, _ in a / r }), ("2.5 a", { a, _, _ in 2.5 * a }),
            ("a · m", { a, _, m in Dual.product(a, m) }),
            ("aᵀ a", { a, _, _ in Dual.product(a, a, transposeA: .transposed) }),
            ("tanh a", { a, _, _ in a.applying(.tanh) }), ("exp r", { _, r, _ in r.applying(.exp) }),
            ("row sums", { a, _, _ in a.sumOfRows() }), ("column sums", { a, _, _ in a.sumOfColumns() }),
            ("aᵀ", { a, _, _ in a.transposed() }), ("a columns 1..<2", { a, _, _ in a.columns(1..<2) }),
            ("a ⊙ r − a ⊙ a", { a, r, _ in a * r - a * a }),
        ]
        let h = 1e-6
        for (name, op) in cases {
            let y = op(Dual(a, tangent: ad), Dual(r, tangent: rd), Dual(m, tangent: md))
            let plus = op(Dual(a + ad * h), Dual(r + rd * h), Dual(m + md * h)).value
            let minus = op(Dual(a - ad * h), Dual(r - rd * h), Dual(m - md * h)).value
            guard let t = y.tangent else { Issue.record("\(name): no tangent"); continue }
            expectClose(t, (plus - minus) / (2 * h), within: EngineTolerance.finiteDifference, "Dual \(name)")
            // Only the (possibly broadcast) row carries a tangent: it is expanded to the result's shape.
            let onlyRow = op(Dual(a), Dual(r, tangent: rd), Dual(m))
            let rowPlus = op(Dual(a), Dual(r + rd * h), Dual(m)).value, rowMinus = op(Dual(a), Dual(r - rd * h), Dual(m)).value
            let rowNumeric = (rowPlus - rowMinus) / (2 * h)
            if let t = onlyRow.tangent {
                expectClose(t, rowNumeric, within: EngineTolerance.finiteDifference, "Dual \(name), row tangent only")
            } else {
                #expect(rowNumeric.maximumMagnitude == 0, "Dual \(name): missing tangent")
            }
            // Without tangents the arithmetic is plain matrix arithmetic.
            #expect(op(Dual(a), Dual(r), Dual(m)).tangent == nil, "\(name): tangent from nowhere")
        }
    }
}
