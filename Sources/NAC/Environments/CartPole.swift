/// The cart-pole balancing task, Gymnasium's `CartPole-v1` (Barto, Sutton & Anderson 1983).
///
/// A pole is hinged to a cart on a frictionless track; each step pushes the cart left or right
/// with a force of 10 N. Published definition (Gymnasium `classic_control/cartpole.py`, from
/// Sutton's `pole.c`; equations from Florian 2005, "Correct equations for the dynamics of the
/// cart-pole system"):
///
///     F = +10 (action 1) or −10 (action 0)
///     temp = (F + m_p l θ̇² sin θ) / (m_c + m_p)
///     θ̈ = (g sin θ − cos θ · temp) / (l (4/3 − m_p cos²θ / (m_c + m_p)))
///     ẍ = temp − m_p l θ̈ cos θ / (m_c + m_p)
///     explicit Euler, τ = 0.02 s:  x += τ ẋ;  ẋ += τ ẍ;  θ += τ θ̇;  θ̇ += τ θ̈
///
/// with g = 9.8, m_c = 1.0, m_p = 0.1, l = 0.5 (half the pole length).
///
/// - Observation: [x, ẋ, θ, θ̇] (4); declared bounds ±4.8, ±∞, ±24° (0.418 rad), ±∞.
/// - Actions: `.discrete(2)`, 0 pushes left, 1 pushes right.
/// - Reward: +1 for every step, including the terminating one.
/// - Termination: |x| > 2.4 or |θ| > 12° (12 · 2π / 360 rad), tested after the step.
/// - Truncation: 500 steps (`CartPole-v1`; pass `timeLimit: 200` for `v0`).
/// - Reset: each of the four state variables uniform on [−0.05, 0.05).
///
/// The state is kept in `Double`; Gymnasium also integrates in float64 and rounds only the
/// returned observation to float32.
public struct CartPole<Scalar: NACScalar>: Environment {
    /// The physical state.
    public struct State: Sendable, Equatable {
        /// Cart position x (m).
        public var position: Double
        /// Cart velocity ẋ (m/s).
        public var velocity: Double
        /// Pole angle θ from vertical (rad).
        public var angle: Double
        /// Pole angular velocity θ̇ (rad/s).
        public var angularVelocity: Double

        public init(position: Double, velocity: Double, angle: Double, angularVelocity: Double) {
            self.position = position
            self.velocity = velocity
            self.angle = angle
            self.angularVelocity = angularVelocity
        }
    }

    /// Gravity g (m/s²).
    public static var gravity: Double { 9.8 }
    /// Cart mass m_c (kg).
    public static var cartMass: Double { 1.0 }
    /// Pole mass m_p (kg).
    public static var poleMass: Double { 0.1 }
    /// Half the pole's length l (m).
    public static var halfPoleLength: Double { 0.5 }
    /// Magnitude of the push (N).
    public static var forceMagnitude: Double { 10.0 }
    /// Time step τ (s).
    public static var timeStep: Double { 0.02 }
    /// The pole angle beyond which the episode terminates: 12° in radians.
    public static var angleThreshold: Double { 12 * 2 * Double.pi / 360 }
    /// The cart position beyond which the episode terminates (m).
    public static var positionThreshold: Double { 2.4 }

    public var name: String { "cartpole" }
    public var observationSpace: Space {
        .box(lower: [-2 * Self.positionThreshold, -.infinity, -2 * Self.angleThreshold, -.infinity],
             upper: [2 * Self.positionThreshold, .infinity, 2 * Self.angleThreshold, .infinity])
    }
    public var actionSpace: Space { .discrete(2) }
    public var timeLimit: Int? { clock.timeLimit }
    public var elapsedSteps: Int { clock.elapsedSteps }
    public var needsReset: Bool { clock.needsReset }

    /// The current physical state.
    public private(set) var state = State(position: 0, velocity: 0, angle: 0, angularVelocity: 0)
    private var clock: EpisodeClock
    private var generator = Xoshiro256StarStar(seed: 0)

    /// A cart-pole with the given time limit (500 for `CartPole-v1`).
    public init(timeLimit: Int? = 500) {
        clock = EpisodeClock(timeLimit: timeLimit)
    }

    public mutating func reset(seed: UInt64) -> [Scalar] {
        generator = Xoshiro256StarStar(seed: seed)
        return reset()
    }

    public mutating func reset() -> [Scalar] {
        let range = -0.05..<0.05
        state = State(position: generator.uniform(in: range), velocity: generator.uniform(in: range),
                      angle: generator.uniform(in: range), angularVelocity: generator.uniform(in: range))
        clock.start()
        return observation
    }

    /// Starts a new episode from `state` (for tests and for starting-state studies).
    public mutating func reset(to state: State) -> [Scalar] {
        self.state = state
        clock.start()
        return observation
    }

    public mutating func step(_ action: Action) throws(EnvironmentError) -> StepResult<Scalar> {
        try clock.checkCanStep()
        let index = try actionSpace.validatedIndex(of: action)
        state = Self.transition(state, force: index == 1 ? Self.forceMagnitude : -Self.forceMagnitude)
        let terminated = state.position < -Self.positionThreshold || state.position > Self.positionThreshold
            || state.angle < -Self.angleThreshold || state.angle > Self.angleThreshold
        let truncated = clock.finishStep(terminated: terminated)
        return StepResult(observation: observation, reward: 1, terminated: terminated, truncated: truncated)
    }

    /// One explicit-Euler step of the published equations under `force`.
    public static func transition(_ s: State, force: Double) -> State {
        let totalMass = poleMass + cartMass
        let poleMassLength = poleMass * halfPoleLength
        let cosTheta = Double.cos(s.angle)
        let sinTheta = Double.sin(s.angle)
        let temp = (force + poleMassLength * s.angularVelocity * s.angularVelocity * sinTheta) / totalMass
        let angularAcceleration = (gravity * sinTheta - cosTheta * temp)
            / (halfPoleLength * (4.0 / 3.0 - poleMass * cosTheta * cosTheta / totalMass))
        let acceleration = temp - poleMassLength * angularAcceleration * cosTheta / totalMass
        return State(position: s.position + timeStep * s.velocity,
                     velocity: s.velocity + timeStep * acceleration,
                     angle: s.angle + timeStep * s.angularVelocity,
                     angularVelocity: s.angularVelocity + timeStep * angularAcceleration)
    }

    private var observation: [Scalar] {
        [Scalar(state.position), Scalar(state.velocity), Scalar(state.angle), Scalar(state.angularVelocity)]
    }
}
