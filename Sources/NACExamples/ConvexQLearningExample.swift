import NAC

/// Example 3 — gradients through an argmin: Q-learning with a Q function convex in the action,
/// whose TD target contains min_v Q(x⁺, v), differentiated by the implicit-function theorem.
///
/// The Q network is an MLP of the state giving the coefficients of a quadratic in the action:
///
///     Q_θ(x, u) = ½ a_θ(x) u² + b_θ(x) u + c_θ(x),      a_θ = softplus(·) + ε > 0,
///
/// so min_v Q_θ(x, v) is attained at u*_θ(x) = −b/a. That argmin is an engine operation
/// (`ImplicitArgmin`) whose derivatives come from the implicit-function theorem,
/// ∂u*/∂θ = −Q_uu⁻¹ Q_uθ, with Q_uu and the mixed derivatives computed by forward-over-reverse
/// of Q itself — nothing about −b/a is hand-coded, so the same code serves any Q convex in u.
///
/// The task is discrete-time linear-quadratic: x⁺ = A x + B u, cost r = xᵀQx + uᵀRu, discount γ.
/// On a batch of exploratory transitions (x_b, u_b, r_b, x⁺_b) the TD residual
///
///     δ_b(θ) = Q_θ(x_b, u_b) − r_b − γ min_v Q_θ(x⁺_b, v) = Q_θ(x_b, u_b) − r_b − γ Q_θ(x⁺_b, u*_θ(x⁺_b))
///
/// is driven to zero by damped Gauss–Newton on its per-sample Jacobian (the full residual
/// gradient, the target included: the engine differentiates through u*). Zero TD residual on the
/// data does not single out Q*: the Riccati equation behind it also has non-stabilising
/// solutions, and residual minimisation from a random start can land on one. Raising the discount
/// from γ/stages to γ in stages, each warm-started from the last, follows the stabilising branch
/// from near γ = 0, where the solution (Q = r) is unique. By the envelope
/// theorem d/dθ min_v Q = ∂Q/∂θ at v = u* — the argmin's own derivative is multiplied by
/// Q_u(u*) = 0 — which the tests check, together with ∂u*/∂θ against finite differences.
/// The greedy policy u*(x) ≈ −K x then matches the discounted LQR gain from the Riccati equation.
public enum ConvexQLearningExample {
    /// x⁺ = A x + B u, cost xᵀQx + uᵀRu, discount γ; one control (m = 1).
    public struct Problem: Sendable {
        public var a: Matrix<Double>
        public var b: Matrix<Double>
        public var q: Matrix<Double>
        public var r: Matrix<Double>
        public var discount: Double

        public init(a: Matrix<Double>, b: Matrix<Double>, q: Matrix<Double>, r: Matrix<Double>, discount: Double) {
            precondition(a.rows == a.columns && b.rows == a.rows && b.columns == 1 && q.rows == a.rows
                         && r.rows == 1 && r.columns == 1 && discount > 0 && discount < 1,
                         "Q-learning problem: A \(a.shape), B \(b.shape), Q \(q.shape), R \(r.shape), γ \(discount)")
            self.a = a; self.b = b; self.q = q; self.r = r; self.discount = discount
        }

        /// A double integrator with step 0.1 s: position and velocity, force input.
        public static let doubleIntegrator = Problem(
            a: Matrix([[1, 0.1], [0, 1]]), b: Matrix([[0.005], [0.1]]), q: Matrix.identity(2),
            r: Matrix([[0.1]]), discount: 0.9)
    }

    public struct Configuration: Sendable {
        /// The default hidden activation z² represents every quadratic of x exactly (so Q* is in
        /// the model class); a [16] `.tanh` network approximates it, the greedy gain to about 2 %.
        public var hiddenLayers = [6]
        public var activation = FeedForwardNetwork.Activation.square
        /// ε in a = softplus(·) + ε.
        public var minimumCurvature = 1e-3
        /// Transitions: states uniform in [−stateRadius, stateRadius]ⁿ, actions in [−actionRadius, actionRadius].
        public var samples = 128
        public var stateRadius = 1.0
        public var actionRadius = 2.0
        /// The discount is raised to γ in this many equal steps (a continuation that keeps the fit
        /// on the stabilising solution; see `run`), with at most `iterationsPerStage` Gauss–Newton
        /// iterations each.
        public var discountStages = 5
        public var iterationsPerStage = 50
        public var seed: UInt64 = 0
        public init() {}
    }

    /// The Q network: Q_θ(x, u) = ½ a u² + b u + c with (a, b, c) from an MLP of x.
    public struct QNetwork: Sendable {
        public let network: FeedForwardNetwork
        public let minimumCurvature: Double
        public let argmin: ImplicitArgmin<Double>
        public var parameterCount: Int

        public init(stateDimension n: Int, configuration: Configuration) {
            var layout = ParameterLayout()
            network = FeedForwardNetwork(layerSizes: [n] + configuration.hiddenLayers + [3],
                                         activation: configuration.activation, layout: &layout)
            parameterCount = layout.count
            minimumCurvature = configuration.minimumCurvature
            argmin = ImplicitArgmin(decisionDimension: 1) { u, k in QNetwork.quadratic(u, k) }
        }

        /// Q(u; a, b, c) = ½ a u² + b u + c, the coefficients as the columns of k.
        static func quadratic(_ u: Variable<Double>, _ k: Variable<Double>) -> Variable<Double> {
            k.columns(0..<1) * u.squared() * 0.5 + k.columns(1..<2) * u + k.columns(2..<3)
        }

        /// (a, b, c) for a batch of states (B × 3), a = softplus(z₀) + ε.
        public func coefficients(_ x: Variable<Double>) -> Variable<Double> {
            let z = network(x)
            return x.tape.concatenateColumns([z.columns(0..<1).softplus() + minimumCurvature, z.columns(1..<3)])
        }

        /// Q_θ(x, u) (B × 1).
        public func value(_ x: Variable<Double>, _ u: Variable<Double>) -> Variable<Double> {
            QNetwork.quadratic(u, coefficients(x))
        }

        /// u*_θ(x) = argmin_v Q_θ(x, v) (B × 1), differentiable in θ by the implicit-function theorem.
        public func greedyAction(_ x: Variable<Double>) -> Variable<Double> { argmin(coefficients(x)) }

        /// min_v Q_θ(x, v) = Q_θ(x, u*_θ(x)) (B × 1).
        public func minimum(_ x: Variable<Double>) -> Variable<Double> {
            let k = coefficients(x)
            return QNetwork.quadratic(argmin(k), k)
        }

        // The same as engine functions of θ (inputs in brackets).

        /// [x] ↦ u*_θ(x).
        public var greedyActionFunction: DifferentiableFunction<Double> {
            DifferentiableFunction(parameterCount: parameterCount) { _, i in greedyAction(i[0]) }
        }
        /// [x] ↦ min_v Q_θ(x, v), differentiated through the argmin.
        public var minimumFunction: DifferentiableFunction<Double> {
            DifferentiableFunction(parameterCount: parameterCount) { _, i in minimum(i[0]) }
        }
        /// [x, u] ↦ Q_θ(x, u).
        public var valueFunction: DifferentiableFunction<Double> {
            DifferentiableFunction(parameterCount: parameterCount) { _, i in value(i[0], i[1]) }
        }
        /// [x, u, r, x⁺] ↦ δ = Q_θ(x, u) − r − γ min_v Q_θ(x⁺, v).
        public func temporalDifferenceFunction(discount: Double) -> DifferentiableFunction<Double> {
            DifferentiableFunction(parameterCount: parameterCount) { _, i in
                value(i[0], i[1]) - i[2] - minimum(i[3]) * discount
            }
        }
    }

    /// A batch of transitions.
    public struct Transitions: Sendable {
        public var states: Matrix<Double>
        public var actions: Matrix<Double>
        public var costs: Matrix<Double>
        public var nextStates: Matrix<Double>
        public var inputs: [Matrix<Double>] { [states, actions, costs, nextStates] }
    }

    /// Exploratory transitions of `problem`, seeded.
    public static func transitions(
        _ problem: Problem, configuration: Configuration, using generator: inout Xoshiro256StarStar
    ) -> Transitions {
        let n = problem.a.rows, s = configuration.samples
        let x = Matrix<Double>.randomUniform(rows: s, columns: n, in: -configuration.stateRadius..<configuration.stateRadius,
                                             using: &generator)
        let u = Matrix<Double>.randomUniform(rows: s, columns: 1, in: -configuration.actionRadius..<configuration.actionRadius,
                                             using: &generator)
        let next = Matrix.product(x, problem.a, transposeB: .transposed) + Matrix.product(u, problem.b, transposeB: .transposed)
        let costs = (x * problem.q).elementwiseMultiplied(by: x).sumOfRows() + (u * problem.r).elementwiseMultiplied(by: u)
        return Transitions(states: x, actions: u, costs: costs, nextStates: next)
    }

    public struct Result: Sendable {
        public var qNetwork: QNetwork
        public var parameters: [Double]
        /// The seeded initial parameters.
        public var initialParameters: [Double]
        /// The greedy policy fitted as u*(x) ≈ −K x over the batch's states (1 × n).
        public var gain: Matrix<Double>
        /// √(mean δ²) before and after training.
        public var initialResidualRMS: Double
        public var residualRMS: Double
        public var iterations: Int
        public var transitions: Transitions
        public var seconds: Double
    }

    /// Fits Q by Gauss–Newton on the TD residuals (gradients through the argmin).
    public static func run(_ problem: Problem = .doubleIntegrator, configuration: Configuration = Configuration())
        throws(LinearAlgebraError) -> Result {
        let clock = ContinuousClock(), start = clock.now
        var generator = Xoshiro256StarStar(seed: configuration.seed)
        let q = QNetwork(stateDimension: problem.a.rows, configuration: configuration)
        var theta = [Double](repeating: 0, count: q.parameterCount)
        q.network.initialize(&theta, using: &generator)
        let initialParameters = theta
        let data = transitions(problem, configuration: configuration, using: &generator)
        let td = q.temporalDifferenceFunction(discount: problem.discount)
        func rms(_ t: [Double]) -> Double {
            let e = td.evaluate(at: t, inputs: data.inputs).elements
            return (dot(e, e) / Double(e.count)).squareRoot()
        }
        let initial = rms(theta)
        var solver = LevenbergMarquardt()
        solver.maximumIterations = configuration.iterationsPerStage
        var iterations = 0
        // Continuation in the discount: γ_k = γ k / stages, each stage warm-started from the last.
        for stage in 1...configuration.discountStages {
            let stageTD = q.temporalDifferenceFunction(
                discount: problem.discount * Double(stage) / Double(configuration.discountStages))
            let outcome = solver.minimize(
                from: theta,
                residualsAndJacobian: { t in
                    // Per-sample ∂δ_b/∂θ, through the argmin's implicit-function adjoint.
                    let r = try! stageTD.perSampleJacobian(at: t, inputs: data.inputs)
                    return (r.values.elements, r.jacobian)
                },
                residuals: { t in stageTD.evaluate(at: t, inputs: data.inputs).elements })
            theta = outcome.theta
            iterations += outcome.iterations
        }
        let greedy = q.greedyActionFunction.evaluate(at: theta, inputs: [data.states])
        let gain = try LQRPolicyIterationExample.fittedGain(states: data.states, actions: greedy)
        return Result(qNetwork: q, parameters: theta, initialParameters: initialParameters, gain: gain, initialResidualRMS: initial,
                      residualRMS: rms(theta), iterations: iterations, transitions: data,
                      seconds: (clock.now - start).inSeconds)
    }

    /// The checks of the example at θ: each a comparison of two derivatives.
    public struct Checks: Sendable {
        /// ∂u*_b/∂θ (per-sample Jacobian through the implicit-function rule) against central
        /// differences of u* = −b/a computed in closed form.
        public var argminJacobian: GradientCheckReport<Double>
        /// The forward tangent of u* along a random θ̇ against J θ̇.
        public var argminTangent: GradientCheckReport<Double>
        /// Envelope identity: d/dθ Σ_b min_v Q(x_b, v; θ) through the argmin against
        /// ∂/∂θ Σ_b Q(x_b, v; θ) with v = u* held fixed.
        public var envelope: GradientCheckReport<Double>
        /// The total derivative of Σ min_v Q against central differences.
        public var minimumGradient: GradientCheckReport<Double>
        /// The per-sample Jacobian ∂δ_b/∂θ of the TD residuals (what Gauss–Newton uses; through
        /// the argmin) against central differences.
        public var temporalDifferenceJacobian: GradientCheckReport<Double>
        /// Q_uu from forward-over-reverse against the closed form a(x).
        public var curvature: GradientCheckReport<Double>
        /// max_b |∂Q/∂u (x_b, u*_b)|: the first-order condition at the computed minimiser.
        public var stationarity: Double
    }

    /// Runs the checks at θ on the states (and transitions) given.
    public static func checks(
        _ q: QNetwork, at theta: [Double], transitions data: Transitions, discount: Double, seed: UInt64 = 1
    ) -> Checks {
        let x = data.states
        // Closed-form argmin for the finite differences: u* = −b/a.
        let coefficientFunction = DifferentiableFunction<Double>(parameterCount: q.parameterCount) { _, i in
            q.coefficients(i[0])
        }
        func closedFormArgmin(_ t: [Double]) -> [Double] {
            let k = coefficientFunction.evaluate(at: t, inputs: [x])
            return (0..<x.rows).map { -k[$0, 1] / k[$0, 0] }
        }
        let greedy = q.greedyActionFunction
        let jacobian = try! greedy.perSampleJacobian(at: theta, inputs: [x])
        let argminJacobian = GradientCheck.compare(jacobian: jacobian.jacobian, of: closedFormArgmin, at: theta)

        var generator = Xoshiro256StarStar(seed: seed)
        let direction = (0..<theta.count).map { _ in generator.normal(Double.self) }
        let tangent = greedy.jvp(at: theta, inputs: [x], parameterDirection: direction).tangent
        let argminTangent = GradientCheck.report(analytic: tangent,
                                                 numeric: Matrix(column: jacobian.jacobian.multiplied(by: direction)))

        let minimum = q.minimumFunction
        let total = minimum.gradient(at: theta, inputs: [x]).parameters
        let partial = q.valueFunction.gradient(at: theta, inputs: [x, jacobian.values]).parameters
        let envelope = GradientCheck.report(analytic: Matrix(row: total), numeric: Matrix(row: partial))
        let minimumGradient = minimum.checkGradient(at: theta, inputs: [x])

        let temporalDifferenceJacobian = try! q.temporalDifferenceFunction(discount: discount)
            .checkPerSampleJacobian(at: theta, inputs: data.inputs)

        let k = coefficientFunction.evaluate(at: theta, inputs: [x])
        let hessians = q.argmin.hessians(decision: jacobian.values, coefficients: k)
        let curvature = GradientCheck.report(analytic: hessians, numeric: k.columns(0..<1))
        let stationarity = q.argmin.decisionGradient(decision: jacobian.values, coefficients: k).maximumMagnitude
        return Checks(argminJacobian: argminJacobian, argminTangent: argminTangent, envelope: envelope,
                      minimumGradient: minimumGradient, temporalDifferenceJacobian: temporalDifferenceJacobian,
                      curvature: curvature, stationarity: stationarity)
    }
}
