import NAC

/// Example 2 — gradients through a simulation: cart-pole swing-up by back-propagation through
/// an RK4 rollout.
///
/// The cart-pole (Barto, Sutton & Anderson 1983, with the equations as corrected by Florian
/// 2007) has state s = (x, ẋ, ϑ, ϑ̇), ϑ the pole angle from upright, and a horizontal force F:
///
///     ϑ̈ = [g sin ϑ − cos ϑ · (F + mₚ l ϑ̇² sin ϑ)/M] / [l (4/3 − mₚ cos²ϑ / M)]
///     ẍ = (F + mₚ l ϑ̇² sin ϑ)/M − mₚ l ϑ̈ cos ϑ / M,         M = m_c + mₚ
///
/// with m_c = 1 kg, mₚ = 0.1 kg, half-length l = 0.5 m, g = 9.8 m/s². The controller is an MLP
/// of (x, ẋ, sin ϑ, cos ϑ, ϑ̇) squashed to F = F_max tanh(MLP(s)), held constant over each RK4
/// step s_{t+1} = s_t + (Δt/6)(k₁ + 2k₂ + 2k₃ + k₄). The pole starts hanging down (ϑ = π).
///
/// The whole rollout of every initial state (one row each) is recorded on **one tape**, with the
/// same θ used at every step, so the reverse pass accumulates each parameter's adjoint over all
/// steps — back-propagation through time with no hand-written adjoint of the ODE. The loss is
///
///     L(θ) = mean_rows Σ_t Δt [ (1 − cos ϑ_t) + c_F F_t² + w(t) (c_ϑ (1 − cos ϑ_t) + c_ω ϑ̇_t² + c_v ẋ_t²) ]
///
/// where w(t) ramps from 0 to 1 over the last second: swing freely first, then be upright and
/// still. (Velocity penalties over the whole horizon make hanging still a local minimum: near
/// ϑ = π the angle term's gain from a small swing is second order while the velocity cost is
/// not.) Adam follows the gradient, clipped to norm 1 because gradients through long rollouts of
/// a chaotic system occasionally spike. The run stops at the first rollout in which every row
/// ends upright (|ϑ| ≤ 0.1 rad over the last 0.5 s) and still (|ϑ̇| ≤ 0.5 rad/s and
/// |ẋ| ≤ 0.5 m/s at the end), and reports the wall time to it.
///
/// ```swift
/// let result = CartPoleSwingUpExample.run()
/// print(result.secondsToSolve ?? .nan, result.finalStates)
/// ```
public enum CartPoleSwingUpExample {
    /// The cart-pole's constants.
    public struct Physics: Sendable {
        public var cartMass = 1.0
        public var poleMass = 0.1
        /// Half the pole's length, l.
        public var halfLength = 0.5
        public var gravity = 9.8
        public init() {}
    }

    public struct Configuration: Sendable {
        public var physics = Physics()
        /// Rollout length T (s) and RK4 step Δt (s).
        public var horizon = 3.0
        public var timeStep = 0.05
        /// Initial states (x, ẋ, ϑ, ϑ̇), one per row; ϑ = π hangs down.
        public var initialStates = Matrix<Double>([[0, 0, .pi, 0], [0.2, 0, .pi - 0.2, 0],
                                                   [-0.2, 0, .pi + 0.2, 0], [0, 0.2, .pi, -0.3]])
        public var hiddenLayers = [32]
        /// |F| ≤ forceLimit (N).
        public var forceLimit = 10.0
        /// c_F, and c_ϑ, c_ω, c_v of the settling terms.
        public var forceWeight = 1e-3
        public var settleAngleWeight = 3.0
        public var angularVelocityWeight = 0.1
        public var cartVelocityWeight = 0.1
        /// The settling terms count in the last `stillnessWindow` seconds, ramping from 0 to 1.
        public var stillnessWindow = 1.0
        public var learningRate = 0.02
        /// The gradient is rescaled to at most this norm before the Adam step.
        public var maximumGradientNorm = 1.0
        public var maximumIterations = 2000
        /// Stop at the first rollout that ends upright and still.
        public var stopWhenSolved = true
        /// Upright: |ϑ| ≤ uprightTolerance (rad) over the last `settleTime` seconds.
        public var uprightTolerance = 0.1
        public var settleTime = 0.5
        /// Still: |ϑ̇| (rad/s) and |ẋ| (m/s) at the end at most this.
        public var stillTolerance = 0.5
        public var seed: UInt64 = 0
        public init() {}

        var steps: Int { Int((horizon / timeStep).rounded()) }
    }

    public struct Result: Sendable {
        /// The mean loss of each iteration's rollout (before its update).
        public var losses: [Double]
        public var parameters: [Double]
        /// Iterations run, and the first whose rollout ended upright and still (nil if none).
        public var iterations: Int
        public var solvedAtIteration: Int?
        /// Wall time from the start of training to that rollout (s), and in total.
        public var secondsToSolve: Double?
        public var seconds: Double
        /// The final state of every row after the last rollout (rows × 4).
        public var finalStates: Matrix<Double>
    }

    /// The controller network and the rollout as a differentiable function of θ.
    ///
    /// Input: the initial states (B × 4). Output (B × (1 + steps + 4)): column 0 the row's loss,
    /// then 1 − cos ϑ_t for t = 1…steps, then the final state. Train
    /// with output weights on column 0 only.
    public static func rollout(_ configuration: Configuration)
        -> (function: DifferentiableFunction<Double>, controller: FeedForwardNetwork) {
        var layout = ParameterLayout()
        let controller = FeedForwardNetwork(layerSizes: [5] + configuration.hiddenLayers + [1],
                                            activation: .tanh, layout: &layout)
        let c = configuration, physics = c.physics
        let function = DifferentiableFunction<Double>(parameterCount: layout.count) { tape, inputs in
            let dt = c.timeStep, steps = c.steps
            // Constants used at every step, recorded once (`x * 0.5` would record a new one each time).
            let k = TapeConstants(tape, physics, timeStep: dt, forceLimit: c.forceLimit, forceWeight: c.forceWeight)
            var s = inputs[0]
            var angle = s.columns(2..<3)
            var (sine, cosine) = (angle.sin(), angle.cos())
            var loss = tape.constant(0)
            var angleErrors = [Variable<Double>]()
            for t in 1...steps {
                // Controller: F = F_max tanh(MLP(x, ẋ, sin ϑ, cos ϑ, ϑ̇)), held over the step.
                let features = tape.concatenateColumns([s.columns(0..<2), sine, cosine, s.columns(3..<4)])
                let force = controller(features).tanh() * k.forceLimit
                let forcePerMass = force * k.inverseTotalMass
                // RK4 (k₁ reuses sin ϑ and cos ϑ).
                let k1 = derivative(s, forcePerMass, sine: sine, cosine: cosine, k)
                let k2 = derivative(s + k1 * k.halfStep, forcePerMass, k)
                let k3 = derivative(s + k2 * k.halfStep, forcePerMass, k)
                let k4 = derivative(s + k3 * k.step, forcePerMass, k)
                s = s + (k1 + (k2 + k3) * k.two + k4) * k.sixthStep
                angle = s.columns(2..<3)
                (sine, cosine) = (angle.sin(), angle.cos())
                // Running loss; the settling terms count only in the final window, ramping up.
                let angleError = 1 - cosine
                var stepLoss = angleError + force.squared() * k.forceWeight
                let ramp = (Double(t) * dt - (c.horizon - c.stillnessWindow)) / c.stillnessWindow
                if ramp > 0 {
                    let settling = angleError * c.settleAngleWeight
                        + s.columns(3..<4).squared() * c.angularVelocityWeight
                        + s.columns(1..<2).squared() * c.cartVelocityWeight
                    stepLoss = stepLoss + settling * ramp
                }
                loss = loss + stepLoss * k.step
                angleErrors.append(angleError)
            }
            return tape.concatenateColumns([loss] + angleErrors + [s])
        }
        return (function, controller)
    }

    /// The constants of the dynamics and the integrator as tape constants.
    struct TapeConstants {
        let step, halfStep, sixthStep, two, forceLimit, forceWeight: Variable<Double>
        let inverseTotalMass, gravity, poleMassLengthPerMass, inertiaFactor, cosineSquaredFactor: Variable<Double>

        init(_ tape: Tape<Double>, _ p: Physics, timeStep dt: Double, forceLimit: Double, forceWeight: Double = 0) {
            let totalMass = p.cartMass + p.poleMass
            step = tape.constant(dt); halfStep = tape.constant(dt / 2); sixthStep = tape.constant(dt / 6)
            two = tape.constant(2)
            self.forceLimit = tape.constant(forceLimit)
            self.forceWeight = tape.constant(forceWeight)
            inverseTotalMass = tape.constant(1 / totalMass)
            gravity = tape.constant(p.gravity)
            poleMassLengthPerMass = tape.constant(p.poleMass * p.halfLength / totalMass)
            inertiaFactor = tape.constant(p.halfLength * 4 / 3)
            cosineSquaredFactor = tape.constant(p.halfLength * p.poleMass / totalMass)
        }
    }

    /// ṡ = f(s, F) for a batch of states (B × 4) and forces per total mass F/M (B × 1):
    ///
    ///     temp = F/M + (mₚ l/M) ϑ̇² sin ϑ
    ///     ϑ̈ = (g sin ϑ − cos ϑ · temp) / (l · 4/3 − (l mₚ/M) cos²ϑ)
    ///     ẍ = temp − (mₚ l/M) ϑ̈ cos ϑ
    static func derivative(
        _ s: Variable<Double>, _ forcePerMass: Variable<Double>, sine: Variable<Double>? = nil,
        cosine: Variable<Double>? = nil, _ k: TapeConstants
    ) -> Variable<Double> {
        let velocity = s.columns(1..<2), angularVelocity = s.columns(3..<4)
        let angle = sine == nil || cosine == nil ? s.columns(2..<3) : nil
        let sine = sine ?? angle!.sin(), cosine = cosine ?? angle!.cos()
        let temp = forcePerMass + angularVelocity.squared() * sine * k.poleMassLengthPerMass
        let numerator = sine * k.gravity - cosine * temp
        let denominator = k.inertiaFactor - cosine.squared() * k.cosineSquaredFactor
        let angularAcceleration = numerator / denominator
        let acceleration = temp - angularAcceleration * cosine * k.poleMassLengthPerMass
        return s.tape.concatenateColumns([velocity, acceleration, angularVelocity, angularAcceleration])
    }

    /// Trains the controller with Adam on gradients through the whole rollout.
    public static func run(_ configuration: Configuration = Configuration()) -> Result {
        let clock = ContinuousClock(), start = clock.now
        let (f, controller) = rollout(configuration)
        var generator = Xoshiro256StarStar(seed: configuration.seed)
        var theta = [Double](repeating: 0, count: f.parameterCount)
        controller.initialize(&theta, using: &generator, outputScale: 0.1)
        var adam = Adam<Double>(parameterCount: f.parameterCount, learningRate: configuration.learningRate)
        let x0 = configuration.initialStates, rows = x0.rows, steps = configuration.steps
        let columns = 1 + steps + 4
        // d(mean loss)/dθ: weight 1/B on column 0, nothing on the diagnostics.
        var weights = Matrix<Double>.zeros(rows: rows, columns: columns)
        for b in 0..<rows { weights[b, 0] = 1 / Double(rows) }
        let settleSteps = Swift.max(1, Int((configuration.settleTime / configuration.timeStep).rounded()))
        let uprightBound = 1 - Double.cos(configuration.uprightTolerance)

        var losses = [Double](), solvedAt: Int?, secondsToSolve: Double?
        var finalStates = x0
        var iteration = 0
        while iteration < configuration.maximumIterations {
            iteration += 1
            let g = f.gradient(at: theta, inputs: [x0], outputWeights: weights)
            let out = g.value
            losses.append(out.column(0).reduce(0, +) / Double(rows))
            finalStates = out.columns((columns - 4)..<columns)
            let solved = (0..<rows).allSatisfy { b in
                (steps - settleSteps..<steps).allSatisfy { t in out[b, 1 + t] <= uprightBound }
                    && abs(finalStates[b, 1]) <= configuration.stillTolerance
                    && abs(finalStates[b, 3]) <= configuration.stillTolerance
            }
            if solved && solvedAt == nil {
                solvedAt = iteration
                secondsToSolve = (clock.now - start).inSeconds
                if configuration.stopWhenSolved { break }
            }
            var gradient = g.parameters
            let gradientNorm = norm(gradient)
            if gradientNorm > configuration.maximumGradientNorm {
                scale(&gradient, by: configuration.maximumGradientNorm / gradientNorm)
            }
            adam.step(&theta, gradient: gradient)
        }
        return Result(losses: losses, parameters: theta, iterations: iteration, solvedAtIteration: solvedAt,
                      secondsToSolve: secondsToSolve, seconds: (clock.now - start).inSeconds,
                      finalStates: finalStates)
    }
}
