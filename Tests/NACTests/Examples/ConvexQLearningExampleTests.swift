import Testing
import NAC
import NACExamples

/// Example 3: the implicit-function derivative of the argmin against finite differences, the
/// envelope identity, and the greedy policy of the fitted Q against the Riccati gain.
@Suite struct ConvexQLearningExampleTests {
    static let problem = ConvexQLearningExample.Problem.doubleIntegrator

    /// A Q network (tanh, so nothing is special about its shape) at random weights and biases,
    /// and a batch of transitions.
    static func setUp(activation: FeedForwardNetwork.Activation = .tanh)
        -> (ConvexQLearningExample.QNetwork, [Double], ConvexQLearningExample.Transitions) {
        var configuration = ConvexQLearningExample.Configuration()
        configuration.activation = activation
        configuration.hiddenLayers = [5]
        configuration.samples = 16
        let q = ConvexQLearningExample.QNetwork(stateDimension: 2, configuration: configuration)
        var g = Xoshiro256StarStar(seed: 5)
        var theta = [Double](repeating: 0, count: q.parameterCount)
        q.network.initialize(&theta, using: &g)
        for i in theta.indices { theta[i] += 0.2 * g.normal(Double.self) }
        let data = ConvexQLearningExample.transitions(problem, configuration: configuration, using: &g)
        return (q, theta, data)
    }

    @Test func argminDerivativesMatchFiniteDifferencesAndEnvelopeIdentity() {
        for activation in [FeedForwardNetwork.Activation.tanh, .square] {
            let (q, theta, data) = Self.setUp(activation: activation)
            let c = ConvexQLearningExample.checks(q, at: theta, transitions: data, discount: Self.problem.discount)
            // Central differences with the optimal step have relative error ~ε^(2/3) ≈ 1e-11 times
            // the third-derivative scale; 1e-6 is the usual margin for such checks in Double.
            #expect(c.argminJacobian.maximumRelativeError < 1e-6, "\(c.argminJacobian)")
            #expect(c.minimumGradient.maximumRelativeError < 1e-6, "\(c.minimumGradient)")
            #expect(c.temporalDifferenceJacobian.maximumRelativeError < 1e-6, "\(c.temporalDifferenceJacobian)")
            // Exact identities up to round-off: the tangent rule against the adjoint rule, the
            // envelope theorem (the argmin's contribution is multiplied by Q_u(u*) ≈ 1e-16), and
            // Q_uu = a for the quadratic.
            #expect(c.argminTangent.maximumRelativeError < 1e-10, "\(c.argminTangent)")
            #expect(c.envelope.maximumRelativeError < 1e-10, "\(c.envelope)")
            #expect(c.curvature.maximumRelativeError < 1e-12, "\(c.curvature)")
            #expect(c.stationarity < 1e-12)
        }
    }

    /// The argmin's derivative really is used: a loss of the greedy action itself,
    /// Σ_b u*(x_b)², has a nonzero gradient, which must match finite differences.
    @Test func greedyActionLossGradientMatchesFiniteDifferences() {
        let (q, theta, data) = Self.setUp()
        let f = DifferentiableFunction<Double>(parameterCount: q.parameterCount) { _, i in
            q.greedyAction(i[0]).squared()
        }
        let report = f.checkGradient(at: theta, inputs: [data.states])
        #expect(report.maximumRelativeError < 1e-6, "\(report)")
    }

    /// A multi-dimensional decision with a full Hessian: Q(u; c) = ½ uᵀ M u + cᵀu with a fixed
    /// positive-definite M and c from the input, so u* = −M⁻¹c and ∂u*/∂c = −M⁻¹.
    @Test func implicitArgminHandlesCoupledDecisions() throws {
        let m = Matrix<Double>([[2, 0.5], [0.5, 1]])
        let argmin = ImplicitArgmin<Double>(decisionDimension: 2) { u, c in
            let u0 = u.columns(0..<1), u1 = u.columns(1..<2)
            let quadratic = u0.squared() * 1.0 + u0 * u1 * 0.5 + u1.squared() * 0.5
            return quadratic + (u * c).sumAlongFeatures()
        }
        var layout = ParameterLayout()
        let w = layout.matrix(rows: 2, columns: 3)
        let f = DifferentiableFunction<Double>(parameterCount: layout.count) { tape, x in
            argmin(tape.dense(x[0], weight: w).tanh()).sumAlongFeatures()
        }
        var g = Xoshiro256StarStar(seed: 8)
        let x = Matrix<Double>.randomNormal(rows: 6, columns: 3, using: &g)
        let theta = (0..<6).map { _ in g.normal(Double.self) }
        // u* against −M⁻¹c.
        let c = Matrix.product(x, Matrix(rows: 2, columns: 3, elements: theta), transposeB: .transposed).applying(.tanh)
        let uStar = argmin.minimizer(c)
        let expected = -Matrix.product(c, try m.solvePositiveDefinite(Matrix.identity(2)))
        #expect((uStar - expected).maximumMagnitude < 1e-12)
        let jacobianCheck = try f.checkPerSampleJacobian(at: theta, inputs: [x])
        #expect(jacobianCheck.maximumRelativeError < 1e-6, "\(jacobianCheck)")
        let gradientCheck = f.checkGradient(at: theta, inputs: [x])
        #expect(gradientCheck.maximumRelativeError < 1e-6, "\(gradientCheck)")
    }

    /// Forward-over-reverse through the argmin would need third derivatives of Q: refused loudly
    /// rather than answered wrongly.
    @Test func forwardOverReverseThroughTheArgminIsRefused() async {
        await #expect(processExitsWith: .failure) {
            let (q, theta, data) = Self.setUp()
            let f = q.greedyActionFunction
            _ = f.hessianVectorProduct(at: theta, inputs: [data.states], vector: theta)
        }
    }

    /// The discounted Riccati solution by Hewer's policy iteration (independent of the example
    /// and of its value-iteration reference): evaluate P_K from P = Q + KᵀRK + γ AᶜᵀPAᶜ
    /// (Aᶜ = A − BK) by iterating to a fixed point, then K ← γ(R + γBᵀPB)⁻¹BᵀPA.
    static func discountedRiccatiGain(_ p: ConvexQLearningExample.Problem) -> Matrix<Double> {
        // K = 0 is stabilising in the discounted sense: ρ(√γ A) = √0.9 < 1 for the double integrator.
        var k = Matrix<Double>.zeros(rows: 1, columns: p.a.rows)
        for _ in 0..<50 {
            let closed = p.a - p.b * k
            var x = Matrix<Double>.zeros(rows: p.a.rows, columns: p.a.rows)
            let stage = p.q + Matrix.product(k, p.r * k, transposeA: .transposed)
            for _ in 0..<20_000 {
                let next = stage + Matrix.product(closed, x * closed, transposeA: .transposed) * p.discount
                if (next - x).maximumMagnitude < 1e-15 * Swift.max(1, next.maximumMagnitude) { x = next; break }
                x = next
            }
            let btp = Matrix.product(p.b, x, transposeA: .transposed)
            let curvature = p.r[0, 0] + p.discount * (btp * p.b)[0, 0]
            k = btp * p.a * (p.discount / curvature)
        }
        return k
    }

    @Test func fittedGreedyPolicyMatchesDiscountedRiccatiGain() throws {
        let kStar = Self.discountedRiccatiGain(Self.problem)
        let reference = try DiscreteAlgebraicRiccati.solve(a: Self.problem.a, b: Self.problem.b, q: Self.problem.q,
                                                           r: Self.problem.r, discount: Self.problem.discount)
        #expect((reference.gain - kStar).maximumMagnitude < 1e-9)

        var configuration = ConvexQLearningExample.Configuration()
        configuration.samples = 64
        let result = try ConvexQLearningExample.run(Self.problem, configuration: configuration)
        // With the z² network Q* is exactly representable and the TD residual reaches round-off,
        // so the greedy gain matches to near round-off; 1e-8 leaves margin for the conditioning
        // of the fit (curvature a ≈ 0.2 divides b).
        let error = (result.gain - kStar).maximumMagnitude / kStar.maximumMagnitude
        #expect(error < 1e-8, "K = \(result.gain), K* = \(kStar)")
        #expect(result.residualRMS < 1e-10)
    }
}
