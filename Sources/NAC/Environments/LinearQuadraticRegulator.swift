/// A discrete-time linear-quadratic regulator task with a finite horizon.
///
///     x_{t+1} = A x_t + B u_t + σ ε_t,   ε_t ~ N(0, I)
///     r_t     = −(x_tᵀ Q x_t + u_tᵀ R u_t)
///
/// with x ∈ ℝⁿ, u ∈ ℝᵐ, A n × n, B n × m, Q n × n, R m × m (Q and R are meant to be symmetric
/// positive semi-definite; only their shapes and finiteness are checked). The reward uses the
/// state and action **before** the transition.
///
/// - Observation: x (n), unbounded box.
/// - Action: u (m), unbounded box (not clipped).
/// - Termination: never. Truncation: after `horizon` steps (the horizon is reported as a time
///   limit because the observation does not contain the time).
/// - Reset: each component of x₀ uniform on [initialLower[i], initialUpper[i]) (equal bounds
///   give a fixed start).
///
/// The dynamics run in `Double` with plain loops (these systems are small).
/// - Complexity: O(n² + nm + m²) per step.
public struct LinearQuadraticRegulator<Scalar: NACScalar>: Environment {
    /// A (n × n).
    public let stateMatrix: Matrix<Double>
    /// B (n × m).
    public let inputMatrix: Matrix<Double>
    /// Q (n × n).
    public let stateCost: Matrix<Double>
    /// R (m × m).
    public let inputCost: Matrix<Double>
    /// σ, the standard deviation of the additive Gaussian noise on each state component.
    public let noiseStandardDeviation: Double
    /// Lower bounds of the uniform initial-state box.
    public let initialLower: [Double]
    /// Upper bounds of the uniform initial-state box.
    public let initialUpper: [Double]

    public var name: String { "lqr" }
    public var observationSpace: Space { .box(dimension: stateDimension, lower: -.infinity, upper: .infinity) }
    public var actionSpace: Space { .box(dimension: inputDimension, lower: -.infinity, upper: .infinity) }
    public var timeLimit: Int? { clock.timeLimit }
    public var elapsedSteps: Int { clock.elapsedSteps }
    public var needsReset: Bool { clock.needsReset }

    /// n.
    public var stateDimension: Int { stateMatrix.rows }
    /// m.
    public var inputDimension: Int { inputMatrix.columns }
    /// The episode length.
    public var horizon: Int { clock.timeLimit! }

    /// The current state x_t.
    public private(set) var state: [Double]
    private var clock: EpisodeClock
    private var generator = Xoshiro256StarStar(seed: 0)

    /// An LQR task.
    /// - Throws: `.invalidConfiguration` naming the first matrix whose shape does not fit, a
    ///   non-finite entry, a negative σ, a horizon below 1 or bad initial bounds.
    public init(
        stateMatrix a: Matrix<Double>, inputMatrix b: Matrix<Double>,
        stateCost q: Matrix<Double>, inputCost r: Matrix<Double>,
        horizon: Int = 100, noiseStandardDeviation sigma: Double = 0,
        initialLower: [Double]? = nil, initialUpper: [Double]? = nil
    ) throws(EnvironmentError) {
        let n = a.rows, m = b.columns
        func shape(_ x: Matrix<Double>) -> String { "\(x.rows) × \(x.columns)" }
        guard n > 0, a.columns == n else {
            throw .invalidConfiguration(parameter: "stateMatrix", value: shape(a), reason: "A must be square and non-empty")
        }
        guard b.rows == n, m > 0 else {
            throw .invalidConfiguration(parameter: "inputMatrix", value: shape(b), reason: "B must be \(n) × m with m ≥ 1")
        }
        guard q.rows == n, q.columns == n else {
            throw .invalidConfiguration(parameter: "stateCost", value: shape(q), reason: "Q must be \(n) × \(n)")
        }
        guard r.rows == m, r.columns == m else {
            throw .invalidConfiguration(parameter: "inputCost", value: shape(r), reason: "R must be \(m) × \(m)")
        }
        for (label, x) in [("stateMatrix", a), ("inputMatrix", b), ("stateCost", q), ("inputCost", r)] {
            if let (i, j) = x.firstNonFiniteIndex {
                throw .invalidConfiguration(parameter: "\(label)[\(i), \(j)]", value: "\(x[i, j])", reason: "not finite")
            }
        }
        guard sigma.isFinite && sigma >= 0 else {
            throw .invalidConfiguration(parameter: "noiseStandardDeviation", value: "\(sigma)", reason: "must be finite and ≥ 0")
        }
        guard horizon >= 1 else {
            throw .invalidConfiguration(parameter: "horizon", value: "\(horizon)", reason: "must be ≥ 1")
        }
        let lower = initialLower ?? Array(repeating: -1, count: n)
        let upper = initialUpper ?? Array(repeating: 1, count: n)
        guard lower.count == n, upper.count == n else {
            throw .invalidConfiguration(parameter: "initial bounds", value: "\(lower.count), \(upper.count) components",
                                        reason: "need \(n) components")
        }
        for i in 0..<n where !(lower[i].isFinite && upper[i].isFinite && lower[i] <= upper[i]) {
            throw .invalidConfiguration(parameter: "initial bounds[\(i)]", value: "[\(lower[i]), \(upper[i])]",
                                        reason: "must be finite with lower ≤ upper")
        }
        stateMatrix = a
        inputMatrix = b
        stateCost = q
        inputCost = r
        noiseStandardDeviation = sigma
        self.initialLower = lower
        self.initialUpper = upper
        state = Array(repeating: 0, count: n)
        clock = EpisodeClock(timeLimit: horizon)
    }

    /// The double integrator: position and velocity of a unit mass pushed by a force,
    /// A = [[1, dt], [0, 1]], B = [[dt²/2], [dt]], Q = I, R = `inputCost` · I, x₀ uniform on [−1, 1)².
    public static func doubleIntegrator(
        timeStep dt: Double = 0.1, inputCost: Double = 0.1, horizon: Int = 100,
        noiseStandardDeviation: Double = 0
    ) throws(EnvironmentError) -> LinearQuadraticRegulator {
        try LinearQuadraticRegulator(
            stateMatrix: Matrix([[1, dt], [0, 1]]), inputMatrix: Matrix([[dt * dt / 2], [dt]]),
            stateCost: .identity(2), inputCost: Matrix([[inputCost]]), horizon: horizon,
            noiseStandardDeviation: noiseStandardDeviation)
    }

    public mutating func reset(seed: UInt64) -> [Scalar] {
        generator = Xoshiro256StarStar(seed: seed)
        return reset()
    }

    public mutating func reset() -> [Scalar] {
        for i in 0..<stateDimension {
            state[i] = initialLower[i] == initialUpper[i]
                ? initialLower[i] : generator.uniform(in: initialLower[i]..<initialUpper[i])
        }
        clock.start()
        return state.map { Scalar($0) }
    }

    /// Starts a new episode from x₀ = `state` (n components).
    public mutating func reset(to state: [Double]) -> [Scalar] {
        precondition(state.count == stateDimension,
                     "LinearQuadraticRegulator.reset(to:): \(state.count) components for a state of \(stateDimension)")
        self.state = state
        clock.start()
        return state.map { Scalar($0) }
    }

    public mutating func step(_ action: Action) throws(EnvironmentError) -> StepResult<Scalar> {
        try clock.checkCanStep()
        let u = try actionSpace.validatedValues(of: action)
        let n = stateDimension, m = inputDimension
        let reward = -(Self.quadraticForm(stateCost, state) + Self.quadraticForm(inputCost, u))
        var next = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var sum = 0.0
            for j in 0..<n { sum += stateMatrix.elements[i * n + j] * state[j] }
            for j in 0..<m { sum += inputMatrix.elements[i * m + j] * u[j] }
            if noiseStandardDeviation > 0 { sum += noiseStandardDeviation * generator.normal(Double.self) }
            next[i] = sum
        }
        state = next
        let truncated = clock.finishStep(terminated: false)
        return StepResult(observation: state.map { Scalar($0) }, reward: Scalar(reward),
                          terminated: false, truncated: truncated)
    }

    /// xᵀ M x.
    static func quadraticForm(_ m: Matrix<Double>, _ x: [Double]) -> Double {
        let n = x.count
        var total = 0.0
        for i in 0..<n {
            var row = 0.0
            for j in 0..<n { row += m.elements[i * n + j] * x[j] }
            total += x[i] * row
        }
        return total
    }
}
