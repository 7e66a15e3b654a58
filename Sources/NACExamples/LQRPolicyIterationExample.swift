import NAC

/// Example 1 — a loss that contains ∂V/∂x: policy iteration for a continuous-time
/// linear-quadratic regulator with a neural value function.
///
/// The system is ẋ = A x + B u with running cost r(x, u) = xᵀQx + uᵀRu. For a policy u(x) the
/// value V(x) = ∫₀^∞ r dt satisfies the Hamilton–Jacobi–Bellman (HJB) equation along the policy
///
///     0 = r(x, u(x)) + ∇ₓV(x) · (A x + B u(x)),        V(0) = 0,
///
/// and the improved policy minimises r + ∇ₓV · ẋ over u:  u⁺(x) = −½ R⁻¹ Bᵀ ∇ₓV(x).
/// Alternating the two (Kleinman's policy iteration) converges to the optimal feedback
/// u = −K* x, K* = R⁻¹BᵀP with P the stabilising solution of the algebraic Riccati equation
/// AᵀP + PA − PBR⁻¹BᵀP + Q = 0.
///
/// Here V is an MLP of x (`FeedForwardNetwork`; the default hidden activation z² makes the
/// quadratic value exactly representable; a [16, 16] `.tanh` network gets the gain to ~1e-6).
/// On a fixed batch of states x_b with actions u_b from the current policy, **policy
/// evaluation** minimises
///
///     L(θ) = Σ_b e_b(θ)² + V_θ(0)²,      e_b(θ) = r(x_b, u_b) + ∇ₓV_θ(x_b) · ẋ_b,   ẋ_b = A x_b + B u_b.
///
/// The engine gives every piece without hand derivatives:
/// - ∇ₓV_θ(x_b) · ẋ_b is the forward tangent of V in *input* space along ẋ_b (`jvp`);
/// - ∂e_b/∂θ = ∇θ(∇ₓV_θ(x_b) · ẋ_b) is forward-over-reverse per sample
///   (`perSampleJacobianWithTangent` with input direction ẋ), so L is minimised by damped
///   Gauss–Newton (`LevenbergMarquardt`) on the B × P residual Jacobian; the plain loss gradient
///   ∇θ L = 2 Σ_b e_b ∇θ e_b is one reduced forward-over-reverse pass (`gradientWithTangent`
///   with input direction ẋ and output weights 2e), for first-order optimisers;
/// - **policy improvement** u_b = −½ R⁻¹ Bᵀ ∇ₓV(x_b) uses the reverse-mode input gradient.
///
/// The learned gain is read off by least squares, u_b ≈ −K x_b over the batch.
///
/// ```swift
/// let result = try LQRPolicyIterationExample.run(.twoDimensional)
/// print(result.gain)            // ≈ R⁻¹BᵀP
/// ```
public enum LQRPolicyIterationExample {
    /// A continuous-time LQR problem and a stabilising initial gain K₀ (A − BK₀ Hurwitz).
    public struct Problem: Sendable {
        /// n × n.
        public var a: Matrix<Double>
        /// n × m.
        public var b: Matrix<Double>
        /// n × n, symmetric positive semi-definite.
        public var q: Matrix<Double>
        /// m × m, symmetric positive definite.
        public var r: Matrix<Double>
        /// m × n: the first policy is u = −K₀ x.
        public var initialGain: Matrix<Double>

        public init(a: Matrix<Double>, b: Matrix<Double>, q: Matrix<Double>, r: Matrix<Double>,
                    initialGain: Matrix<Double>) {
            let n = a.rows, m = b.columns
            precondition(a.columns == n && b.rows == n && q.rows == n && q.columns == n
                         && r.rows == m && r.columns == m && initialGain.rows == m && initialGain.columns == n,
                         "LQR problem: A \(a.shape), B \(b.shape), Q \(q.shape), R \(r.shape), K₀ \(initialGain.shape)")
            self.a = a; self.b = b; self.q = q; self.r = r; self.initialGain = initialGain
        }

        public var stateDimension: Int { a.rows }
        public var controlDimension: Int { b.columns }

        /// ẋ = x + u, cost x² + u²: P = 1 + √2 = K*. Unstable open loop; K₀ = 2.
        public static let scalar = Problem(a: Matrix([[1]]), b: Matrix([[1]]), q: Matrix([[1]]),
                                           r: Matrix([[1]]), initialGain: Matrix([[2]]))

        /// An unstable 2-D system with one control: ẍ = 2x − ẋ + u, cost ‖x‖² + u²; K₀ = [4 2].
        public static let twoDimensional = Problem(
            a: Matrix([[0, 1], [2, -1]]), b: Matrix([[0], [1]]), q: Matrix.identity(2),
            r: Matrix([[1]]), initialGain: Matrix([[4, 2]]))
    }

    public struct Configuration: Sendable {
        /// Hidden widths of V's MLP.
        public var hiddenLayers = [6]
        public var activation = FeedForwardNetwork.Activation.square
        /// Batch of states, uniform in [−stateRadius, stateRadius]ⁿ.
        public var samples = 64
        public var stateRadius = 1.0
        public var policyIterations = 8
        /// Gauss–Newton iterations per policy evaluation.
        public var evaluationIterations = 100
        public var seed: UInt64 = 0

        public init() {}
    }

    public struct Result: Sendable {
        /// The learned gain K (m × n): the final policy fitted as u ≈ −K x.
        public var gain: Matrix<Double>
        /// The gain after each policy improvement.
        public var gainHistory: [Matrix<Double>]
        /// √(mean e_b²) of the HJB residual at the end of each policy evaluation.
        public var residualRMS: [Double]
        /// The value network's parameters.
        public var parameters: [Double]
        /// V as a function of (θ, [x]).
        public var valueFunction: DifferentiableFunction<Double>
        /// Wall time of the whole run.
        public var seconds: Double

        /// V(x) − V(0) for a batch of states (B × n → B × 1).
        public func value(at x: Matrix<Double>) -> Matrix<Double> {
            let v = valueFunction.evaluate(at: parameters, inputs: [x])
            let v0 = valueFunction.evaluate(at: parameters, inputs: [.zeros(rows: 1, columns: x.columns)])[0, 0]
            return v - Matrix(rows: 1, columns: 1, repeating: v0)
        }
    }

    /// V_θ(x): an MLP of the state (inputs [x], B × n → B × 1), and its parameter count.
    public static func valueFunction(stateDimension n: Int, configuration: Configuration)
        -> (function: DifferentiableFunction<Double>, network: FeedForwardNetwork) {
        var layout = ParameterLayout()
        let network = FeedForwardNetwork(layerSizes: [n] + configuration.hiddenLayers + [1],
                                         activation: configuration.activation, layout: &layout)
        return (DifferentiableFunction(parameterCount: layout.count) { _, x in network(x[0]) }, network)
    }

    /// The HJB residuals e_b = r(x_b, u_b) + ∇ₓV(x_b)·ẋ_b followed by V(0), and (optionally) their
    /// Jacobian in θ ((B + 1) × P) by forward-over-reverse.
    static func residuals(
        _ v: DifferentiableFunction<Double>, at theta: [Double], states x: Matrix<Double>,
        velocities xDot: Matrix<Double>, costs: Matrix<Double>, withJacobian: Bool
    ) -> (residuals: [Double], jacobian: Matrix<Double>?) {
        let origin = Matrix<Double>.zeros(rows: 1, columns: x.columns)
        if withJacobian {
            // ∇θ(∇ₓV·ẋ) per sample: forward-over-reverse with the input direction ẋ.
            // (Both throw only for batch-mixing operations, which V does not contain.)
            let hjb = try! v.perSampleJacobianWithTangent(at: theta, inputs: [x], inputDirections: [xDot])
            let anchor = try! v.perSampleJacobian(at: theta, inputs: [origin])
            let e = (costs + hjb.valueTangents).elements + anchor.values.elements
            return (e, Matrix.concatenatingRows([hjb.jacobianTangent, anchor.jacobian]))
        }
        let directional = v.jvp(at: theta, inputs: [x], inputDirections: [xDot]).tangent
        let anchor = v.evaluate(at: theta, inputs: [origin])
        return ((costs + directional).elements + anchor.elements, nil)
    }

    /// Policy iteration from the initial gain; see the type's documentation.
    /// - Throws: `LinearAlgebraError` if R is not positive definite or the batch of states does
    ///   not determine the gain (fewer than n independent states).
    public static func run(_ problem: Problem, configuration: Configuration = Configuration())
        throws(LinearAlgebraError) -> Result {
        let clock = ContinuousClock(), start = clock.now
        let n = problem.stateDimension
        let (v, network) = valueFunction(stateDimension: n, configuration: configuration)
        var generator = Xoshiro256StarStar(seed: configuration.seed)
        var theta = [Double](repeating: 0, count: v.parameterCount)
        network.initialize(&theta, using: &generator)
        let rho = configuration.stateRadius
        let x = Matrix<Double>.randomUniform(rows: configuration.samples, columns: n, in: -rho..<rho,
                                             using: &generator)
        let rInverse = try problem.r.solvePositiveDefinite(Matrix.identity(problem.controlDimension))
        // Improvement direction ½ B R⁻¹ (n × m): u_bᵀ = −∇ₓV(x_b)ᵀ · ½ B R⁻¹.
        let improvement = problem.b * rInverse * 0.5

        var u = -Matrix.product(x, problem.initialGain, transposeB: .transposed)
        var gains = [Matrix<Double>](), rms = [Double]()
        var solver = LevenbergMarquardt()
        solver.maximumIterations = configuration.evaluationIterations
        for _ in 0..<configuration.policyIterations {
            // Policy evaluation: fit V to the HJB equation of the current actions.
            let xDot = Matrix.product(x, problem.a, transposeB: .transposed)
                + Matrix.product(u, problem.b, transposeB: .transposed)
            let costs = (x * problem.q).elementwiseMultiplied(by: x).sumOfRows()
                + (u * problem.r).elementwiseMultiplied(by: u).sumOfRows()
            let outcome = solver.minimize(
                from: theta,
                residualsAndJacobian: { t in
                    let r = residuals(v, at: t, states: x, velocities: xDot, costs: costs, withJacobian: true)
                    return (r.residuals, r.jacobian!)
                },
                residuals: { t in
                    residuals(v, at: t, states: x, velocities: xDot, costs: costs, withJacobian: false).residuals
                })
            theta = outcome.theta
            let e = residuals(v, at: theta, states: x, velocities: xDot, costs: costs, withJacobian: false).residuals
            rms.append((dot(e, e) / Double(e.count)).squareRoot())

            // Policy improvement: u = −½ R⁻¹ Bᵀ ∇ₓV, with ∇ₓV from the reverse pass.
            let gradV = v.gradient(at: theta, inputs: [x], inputGradients: true).inputs[0]
            u = -(gradV * improvement)
            gains.append(try fittedGain(states: x, actions: u))
        }
        return Result(gain: gains.last ?? problem.initialGain, gainHistory: gains, residualRMS: rms,
                      parameters: theta, valueFunction: v, seconds: (clock.now - start).inSeconds)
    }

    /// K minimising Σ_b ‖u_b + K x_b‖² (least squares X Kᵀ ≈ −U).
    public static func fittedGain(states x: Matrix<Double>, actions u: Matrix<Double>) throws(LinearAlgebraError)
        -> Matrix<Double> {
        try x.leastSquares(-u).transposed()
    }
}
