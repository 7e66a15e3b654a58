import Testing
@testable import NAC

/// Forward-over-reverse: Hessian-vector products, gradient tangents along parameter and input
/// directions, and per-sample ∇θ of a directional derivative in the input, on policy-like
/// functions and closed forms.
@Suite struct ForwardOverReverseTests {
    /// The Gaussian and categorical log-likelihoods of the reference policies (TestFunctions),
    /// at random points, in every mode.
    @Test(arguments: [1, 3, 7])
    func policyLogLikelihoodsInEveryMode(_ batch: Int) {
        var rng = Xoshiro256StarStar(seed: 1000 + UInt64(batch))
        let sizes = [(inputs: 3, outputs: 4), (inputs: 4, outputs: 2)]
        let gaussian: DifferentiableFunction<Double> = TestFunctions.gaussianLogLikelihood(sizes)
        let obs = rng.normalMatrix(batch, 3), act = rng.normalMatrix(batch, 2)
        EngineModes.check(EngineCase(name: "Gaussian log-likelihood B=\(batch)", function: gaussian,
                                     theta: rng.normals(gaussian.parameterCount, scale: 0.5), inputs: [obs, act]))
        let actions = (0..<batch).map { ($0 * 5 + 1) % 2 }
        let categorical: DifferentiableFunction<Double> = TestFunctions.categoricalLogLikelihood(sizes, actions: actions)
        EngineModes.check(EngineCase(name: "categorical log-likelihood B=\(batch)", function: categorical,
                                     theta: rng.normals(categorical.parameterCount, scale: 0.5), inputs: [obs]))
    }

    /// A deeper network mixing activations whose second derivatives differ (tanh, softplus,
    /// sigmoid, sin) and a two-input value function V(s, a).
    @Test func deepValueFunctionInEveryMode() {
        var params = ParameterBuilder(seed: 1010)
        let w0 = params.matrix(rows: 4, columns: 3), b0 = params.vector(4)
        let w1 = params.matrix(rows: 3, columns: 4), b1 = params.vector(3)
        let wa = params.matrix(rows: 3, columns: 2)
        let w2 = params.matrix(rows: 1, columns: 3), b2 = params.vector(1)
        var rng = Xoshiro256StarStar(seed: 101)
        let s = rng.normalMatrix(5, 3), a = rng.normalMatrix(5, 2)
        let f = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            let h0 = tape.dense(x[0], weight: w0, bias: b0).softplus()
            let h1 = (tape.dense(h0, weight: w1, bias: b1) + tape.dense(x[1], weight: wa)).sigmoid()
            return tape.dense(h1 * h1.sin(), weight: w2, bias: b2).tanh()
        }
        EngineModes.check(EngineCase(name: "V(s, a)", function: f, theta: params.theta, inputs: [s, a]))
    }

    /// Closed form: out_b = ½ (w · x_b)², so ∇ = Σ_b (w·x_b) x_b and H = Σ_b x_b x_bᵀ.
    @Test func hessianVectorProductOfAQuadraticClosedForm() {
        let x = Matrix<Double>.randomNormal(rows: 6, columns: 4, seed: 102)
        let w = [0.3, -1.2, 0.7, 2.0], v = [1.0, -0.5, 0.25, 3.0]
        let f = DifferentiableFunction<Double>(parameterCount: 4) { tape, x in
            tape.dense(x[0], weight: ParameterSlice(offset: 0, rows: 1, columns: 4)).squared() * 0.5
        }
        let r = f.hessianVectorProduct(at: w, inputs: [x], vector: v)
        var gradient = [Double](repeating: 0, count: 4), hv = gradient
        for b in 0..<6 {
            let xb = x.row(b)
            let wx = dot(w, xb), vx = dot(v, xb)
            for p in 0..<4 { gradient[p] += wx * xb[p]; hv[p] += vx * xb[p] }
        }
        expectClose(r.gradient, gradient, within: 1e-13, "∇ closed form")
        expectClose(r.hessianVector, hv, within: 1e-13, "Hv closed form")
    }

    /// The Hessian assembled from HVPs along the unit vectors is symmetric.
    @Test func hessianFromProductsIsSymmetric() {
        var params = ParameterBuilder(seed: 1030)
        let slices = (params.matrix(rows: 3, columns: 2), params.vector(3), params.matrix(rows: 1, columns: 3))
        let x = Matrix<Double>.randomNormal(rows: 4, columns: 2, seed: 103)
        let f = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            tape.dense(tape.dense(x[0], weight: slices.0, bias: slices.1).tanh(), weight: slices.2).exp()
        }
        let p = params.count
        var h = Matrix<Double>.zeros(rows: p, columns: p)
        for i in 0..<p {
            var e = [Double](repeating: 0, count: p); e[i] = 1
            h.setRow(i, to: f.hessianVectorProduct(at: params.theta, inputs: [x], vector: e).hessianVector)
        }
        expectClose(h, h.transposed(), within: EngineTolerance.reference, "H symmetric")
    }

    /// Closed form of ∇θ(∇ₓ out_b · ẋ_b) for out_b = tanh(w · x_b): with y = tanh(w·x),
    /// ∇ₓ out · ẋ = (1 − y²)(w·ẋ) and its w-gradient is (1 − y²) ẋ − 2y(1 − y²)(w·ẋ) x.
    /// The per-sample rows and the reduced (Σ_b ω_b) version both match; so does a
    /// θ-central-difference of Σ_b ω_b (∇ₓ out_b · ẋ_b) computed from the JVP in x.
    @Test func parameterGradientOfInputDirectionalDerivative() throws {
        let x = Matrix<Double>.randomNormal(rows: 5, columns: 3, seed: 104)
        let xDot = Matrix<Double>.randomNormal(rows: 5, columns: 3, seed: 105)
        let w = [0.4, -0.9, 0.6]
        let f = DifferentiableFunction<Double>(parameterCount: 3) { tape, x in
            tape.dense(x[0], weight: ParameterSlice(offset: 0, rows: 1, columns: 3)).tanh()
        }
        let r = try f.perSampleJacobianWithTangent(at: w, inputs: [x], inputDirections: [xDot])
        var expected = Matrix<Double>.zeros(rows: 5, columns: 3)
        var expectedValueTangent = [Double]()
        for b in 0..<5 {
            let xb = x.row(b), db = xDot.row(b)
            let y = Double.tanh(dot(w, xb)), s = 1 - y * y, wd = dot(w, db)
            expectedValueTangent.append(s * wd)
            for p in 0..<3 { expected[b, p] = s * db[p] - 2 * y * s * wd * xb[p] }
        }
        expectClose(r.jacobianTangent, expected, within: 1e-13, "per-sample ∇θ(∇ₓ out · ẋ)")
        expectClose(r.valueTangents, Matrix(column: expectedValueTangent), within: 1e-13, "∇ₓ out · ẋ")
        let omega = [0.5, -1, 2, 0.25, 1.5]
        let reduced = f.gradientWithTangent(at: w, inputs: [x], outputWeights: Matrix(column: omega),
                                            inputDirections: [xDot]).parametersTangent
        expectClose(reduced, expected.multiplied(by: omega, .transposed), within: 1e-13, "Σ_b ω_b ∇θ(∇ₓ out_b · ẋ_b)")
        let numeric = centralDifferences(at: w) { t in
            let jvp = f.jvp(at: t, inputs: [x], inputDirections: [xDot]).tangent
            return [zip(jvp.elements, omega).reduce(0) { $0 + $1.0 * $1.1 }]
        }
        expectClose(Matrix(row: reduced), numeric, within: EngineTolerance.finiteDifference,
                    "reduced vs θ-differences of the JVP in x")
    }

    /// With several inputs, a direction in one input only: the other input's tangent is nil.
    @Test func directionInOneOfSeveralInputs() throws {
        var params = ParameterBuilder(seed: 1060)
        let ws = params.matrix(rows: 3, columns: 2), wa = params.matrix(rows: 3, columns: 1)
        let v = params.matrix(rows: 1, columns: 3)
        var rng = Xoshiro256StarStar(seed: 106)
        let s = rng.normalMatrix(4, 2), a = rng.normalMatrix(4, 1)
        let f = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            tape.dense((tape.dense(x[0], weight: ws) + tape.dense(x[1], weight: wa)).tanh(), weight: v)
        }
        let c = EngineCase(name: "Q(s, a)", function: f, theta: params.theta, inputs: [s, a])
        let aDot = rng.normalMatrix(4, 1)
        let d = Direction(label: "ȧ only", parameters: nil, inputs: [nil, aDot])
        let r = try f.perSampleJacobianWithTangent(at: c.theta, inputs: c.inputs, inputDirections: d.inputs)
        let numeric = try c.directionalDifference(along: d) { t, x in try f.perSampleJacobian(at: t, inputs: x).jacobian }
        expectClose(r.jacobianTangent, numeric, within: EngineTolerance.finiteDifference, "∇θ(∂Q/∂a · ȧ)")
        let g = f.gradientWithTangent(at: c.theta, inputs: c.inputs, inputDirections: d.inputs, inputGradients: true)
        let n0 = c.directionalDifference(along: d) { t, x in f.gradient(at: t, inputs: x, inputGradients: true).inputs[0] }
        let n1 = c.directionalDifference(along: d) { t, x in f.gradient(at: t, inputs: x, inputGradients: true).inputs[1] }
        expectClose(g.inputsTangent[0], n0, within: EngineTolerance.finiteDifference, "∂²Q/∂s∂a ȧ")
        expectClose(g.inputsTangent[1], n1, within: EngineTolerance.finiteDifference, "∂²Q/∂a² ȧ")
    }

    /// Without any direction or ω̇ the tangents are zero (and the gradient is unchanged).
    @Test func noDirectionGivesZeroTangents() throws {
        var params = ParameterBuilder(seed: 1070)
        let w = params.matrix(rows: 1, columns: 2)
        let x = Matrix<Double>.randomNormal(rows: 3, columns: 2, seed: 107)
        let f = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in tape.dense(x[0], weight: w).exp() }
        let g = f.gradientWithTangent(at: params.theta, inputs: [x], inputGradients: true)
        #expect(g.parametersTangent == [0, 0] && g.valueTangent == .zeros(rows: 3, columns: 1))
        // Input gradients were requested, so their tangents are returned too (zero), like parametersTangent.
        #expect(g.inputsTangent.count == 1 && g.inputsTangent.allSatisfy { $0 == .zeros(rows: 3, columns: 2) },
                "inputsTangent: \(g.inputsTangent)")
        expectClose(g.parameters, f.gradient(at: params.theta, inputs: [x]).parameters, within: 0, "gradient")
        let r = try f.perSampleJacobianWithTangent(at: params.theta, inputs: [x])
        #expect(r.jacobianTangent == .zeros(rows: 3, columns: 2) && r.valueTangents == .zeros(rows: 3, columns: 1))
    }
}
