import Testing
import NAC
import NACExamples

/// Example 1: the gain learned by policy iteration on the HJB residual of an MLP value function
/// against the algebraic Riccati equation, solved here independently of the example.
@Suite struct LQRPolicyIterationExampleTests {
    /// The stabilising solution of AᵀP + PA − PBR⁻¹BᵀP + Q = 0 by integrating the Riccati
    /// differential equation Ṗ = AᵀP + PA − PBR⁻¹BᵀP + Q from P = 0 to steady state (RK4):
    /// P(t) is the cost-to-go of a horizon t, increasing to the stabilising solution.
    /// (Different from the example's own Kleinman solver, which it does not use anyway.)
    static func riccatiBySteadyState(_ p: LQRPolicyIterationExample.Problem) -> Matrix<Double> {
        let sInverse = Matrix<Double>.identity(p.controlDimension)   // R = I in the problems tested
        precondition(p.r == sInverse)
        let bbt = p.b * Matrix.product(sInverse, p.b, transposeB: .transposed)
        func f(_ x: Matrix<Double>) -> Matrix<Double> {
            Matrix.product(p.a, x, transposeA: .transposed) + x * p.a - x * bbt * x + p.q
        }
        var x = Matrix<Double>.zeros(rows: p.stateDimension, columns: p.stateDimension)
        // The step does not affect the steady state (a fixed point of the RK4 map is a zero of f).
        let h = 0.01
        for _ in 0..<20_000 {
            let k1 = f(x), k2 = f(x + k1 * (h / 2)), k3 = f(x + k2 * (h / 2)), k4 = f(x + k3 * h)
            x = x + (k1 + k2 * 2 + k3 * 2 + k4) * (h / 6)
            if f(x).maximumMagnitude < 1e-12 { break }
        }
        return x
    }

    static func careResidual(_ p: LQRPolicyIterationExample.Problem, _ x: Matrix<Double>) -> Double {
        (Matrix.product(p.a, x, transposeA: .transposed) + x * p.a
         - x * p.b * Matrix.product(p.b, x, transposeA: .transposed) + p.q).maximumMagnitude
    }

    /// Scalar system ẋ = x + u, cost x² + u²: P = 1 + √2 in closed form (2P − P² + 1 = 0), K* = P.
    @Test func scalarGainMatchesClosedFormRiccati() throws {
        let result = try LQRPolicyIterationExample.run(.scalar)
        let exact = 1 + 2.0.squareRoot()
        // The value network represents x² exactly and each evaluation is solved to round-off
        // (Gauss–Newton until the loss stops falling), and Kleinman's iteration converges
        // quadratically from K₀ = 2 (errors 0.09, 0.002, 1e-6, 1e-12, …), so after eight
        // iterations only round-off in the residuals remains: 1e-9 leaves a wide margin.
        #expect(abs(result.gain[0, 0] - exact) / exact < 1e-9, "K = \(result.gain[0, 0]), K* = \(exact)")
        #expect(result.residualRMS.last! < 1e-9)
    }

    @Test func twoDimensionalGainMatchesRiccati() throws {
        let problem = LQRPolicyIterationExample.Problem.twoDimensional
        let p = Self.riccatiBySteadyState(problem)
        #expect(Self.careResidual(problem, p) < 1e-11)   // f(P) is the CARE residual: stopped below 1e-12
        let kStar = Matrix.product(problem.b, p, transposeA: .transposed)   // R⁻¹BᵀP with R = 1
        // For this system K* = [2 + √5, √5] in closed form as well.
        #expect(abs(kStar[0, 0] - (2 + 5.0.squareRoot())) < 1e-9 && abs(kStar[0, 1] - 5.0.squareRoot()) < 1e-9)

        let result = try LQRPolicyIterationExample.run(problem)
        let error = (result.gain - kStar).maximumMagnitude / kStar.maximumMagnitude
        // Same reasoning as the scalar case (exact representation, quadratic convergence).
        #expect(error < 1e-9, "K = \(result.gain), K* = \(kStar)")
        // The learned value V(x) − V(0) is xᵀPx.
        var generator = Xoshiro256StarStar(seed: 99)
        let x = Matrix<Double>.randomUniform(rows: 20, columns: 2, in: -1..<1, using: &generator)
        let v = result.value(at: x)
        let quadratic = (x * p).elementwiseMultiplied(by: x).sumOfRows()
        #expect((v - quadratic).maximumMagnitude < 1e-8 * quadratic.maximumMagnitude)
    }

    /// A generic tanh MLP (V not exactly representable) still gets the gain closely: the gain is
    /// −½R⁻¹Bᵀ∇V fitted over the batch, so its error is that of ∇ₓV on the batch, which the
    /// HJB fit of this [1, 8, 1] network gets to 4e-6 relative (measured); the bound 1e-4 allows
    /// for the fit's dependence on round-off in a non-convex problem.
    @Test func tanhValueNetworkGetsCloseToRiccatiGain() throws {
        var configuration = LQRPolicyIterationExample.Configuration()
        configuration.activation = .tanh
        configuration.hiddenLayers = [8]
        configuration.samples = 32
        configuration.policyIterations = 5
        configuration.evaluationIterations = 40
        let result = try LQRPolicyIterationExample.run(.scalar, configuration: configuration)
        let exact = 1 + 2.0.squareRoot()
        #expect(abs(result.gain[0, 0] - exact) / exact < 1e-4, "K = \(result.gain[0, 0]), K* = \(exact)")
    }

    /// The gradient of the residual loss Σ e_b² by forward-over-reverse in the reduced mode
    /// (`gradientWithTangent`, input direction ẋ, output weights 2e) equals 2 Jᵀe from the
    /// per-sample Jacobian of the residuals, and central differences of the loss.
    @Test func residualLossGradientByForwardOverReverse() throws {
        let problem = LQRPolicyIterationExample.Problem.twoDimensional
        var configuration = LQRPolicyIterationExample.Configuration()
        configuration.activation = .tanh
        configuration.hiddenLayers = [5, 4]
        let (v, network) = LQRPolicyIterationExample.valueFunction(stateDimension: 2, configuration: configuration)
        var g = Xoshiro256StarStar(seed: 3)
        var theta = [Double](repeating: 0, count: v.parameterCount)
        network.initialize(&theta, using: &g)
        for i in theta.indices { theta[i] += 0.1 * g.normal(Double.self) }   // nonzero biases too
        let x = Matrix<Double>.randomUniform(rows: 12, columns: 2, in: -1..<1, using: &g)
        let u = -Matrix.product(x, problem.initialGain, transposeB: .transposed)
        let xDot = Matrix.product(x, problem.a, transposeB: .transposed) + Matrix.product(u, problem.b, transposeB: .transposed)
        let costs = x.elementwiseMultiplied(by: x).sumOfRows() + u.elementwiseMultiplied(by: u)

        func residuals(_ t: [Double]) -> Matrix<Double> {
            costs + v.jvp(at: t, inputs: [x], inputDirections: [xDot]).tangent
        }
        let e = residuals(theta)
        let reduced = v.gradientWithTangent(at: theta, inputs: [x], outputWeights: e * 2,
                                            inputDirections: [xDot]).parametersTangent
        let perSample = try v.perSampleJacobianWithTangent(at: theta, inputs: [x], inputDirections: [xDot])
        let viaJacobian = perSample.jacobianTangent.multiplied(by: (e * 2).elements, .transposed)
        let agreement = GradientCheck.report(analytic: Matrix(row: reduced), numeric: Matrix(row: viaJacobian))
        #expect(agreement.maximumRelativeError < 1e-12, "\(agreement)")
        let numeric = GradientCheck.compare(gradient: reduced, of: { t in
            let r = residuals(t).elements
            return dot(r, r)
        }, at: theta)
        #expect(numeric.maximumRelativeError < 1e-6, "\(numeric)")
    }

    @Test func kleinmanSolverAgreesWithSteadyStateRiccati() throws {
        let problem = LQRPolicyIterationExample.Problem.twoDimensional
        let solved = try ContinuousAlgebraicRiccati.solve(a: problem.a, b: problem.b, q: problem.q, r: problem.r,
                                                          initialGain: problem.initialGain)
        #expect((solved.p - Self.riccatiBySteadyState(problem)).maximumMagnitude < 1e-10)
    }
}
