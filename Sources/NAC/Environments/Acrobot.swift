/// The acrobot swing-up task, Gymnasium's `Acrobot-v1` with the book dynamics
/// (Sutton 1996; Sutton & Barto 1998, §11.3; Gymnasium `classic_control/acrobot.py`, from RLPy).
///
/// Two links hang from a fixed pivot; a torque τ ∈ {−1, 0, +1} at the joint between them must
/// swing the free end above a line one link length over the pivot. With m₁ = m₂ = 1,
/// l₁ = 1, l_c1 = l_c2 = 0.5, I₁ = I₂ = 1, g = 9.8:
///
///     d₁ = m₁ l_c1² + m₂ (l₁² + l_c2² + 2 l₁ l_c2 cos θ₂) + I₁ + I₂
///     d₂ = m₂ (l_c2² + l₁ l_c2 cos θ₂) + I₂
///     φ₂ = m₂ l_c2 g cos(θ₁ + θ₂ − π/2)
///     φ₁ = −m₂ l₁ l_c2 θ̇₂² sin θ₂ − 2 m₂ l₁ l_c2 θ̇₂ θ̇₁ sin θ₂ + (m₁ l_c1 + m₂ l₁) g cos(θ₁ − π/2) + φ₂
///     θ̈₂ = (τ + d₂/d₁ φ₁ − m₂ l₁ l_c2 θ̇₁² sin θ₂ − φ₂) / (m₂ l_c2² + I₂ − d₂²/d₁)      (book form)
///     θ̈₁ = −(d₂ θ̈₂ + φ₁) / d₁
///
/// integrated by one classical Runge–Kutta (RK4) step of dt = 0.2 s with τ held constant;
/// then θ₁, θ₂ are wrapped into [−π, π] and θ̇₁, θ̇₂ clipped to ±4π and ±9π.
///
/// - Observation: [cos θ₁, sin θ₁, cos θ₂, sin θ₂, θ̇₁, θ̇₂] (6).
/// - Actions: `.discrete(3)`: torque −1, 0, +1.
/// - Reward: −1 for every step that does not terminate, 0 for the terminating step.
/// - Termination: −cos θ₁ − cos(θ₁ + θ₂) > 1 after the step.
/// - Truncation: 500 steps (`Acrobot-v1`).
/// - Reset: θ₁, θ₂, θ̇₁, θ̇₂ each uniform on [−0.1, 0.1).
///
/// The state is kept in `Double` (Gymnasium rounds the reset state to float32 once; that is
/// the only difference).
public struct Acrobot<Scalar: NACScalar>: Environment {
    /// The physical state.
    public struct State: Sendable, Equatable {
        /// Angle of the first link from hanging straight down (rad).
        public var angle1: Double
        /// Angle of the second link relative to the first (rad).
        public var angle2: Double
        /// θ̇₁ (rad/s).
        public var angularVelocity1: Double
        /// θ̇₂ (rad/s).
        public var angularVelocity2: Double

        public init(angle1: Double, angle2: Double, angularVelocity1: Double, angularVelocity2: Double) {
            self.angle1 = angle1
            self.angle2 = angle2
            self.angularVelocity1 = angularVelocity1
            self.angularVelocity2 = angularVelocity2
        }
    }

    /// Integration step (s).
    public static var timeStep: Double { 0.2 }
    /// Link lengths l₁ = l₂ (m).
    public static var linkLength: Double { 1 }
    /// Link masses m₁ = m₂ (kg).
    public static var linkMass: Double { 1 }
    /// Positions of the links' centres of mass l_c1 = l_c2 (m).
    public static var linkCenterOfMass: Double { 0.5 }
    /// Moments of inertia I₁ = I₂.
    public static var linkMomentOfInertia: Double { 1 }
    /// Gravity (m/s²).
    public static var gravity: Double { 9.8 }
    /// Largest |θ̇₁|: 4π.
    public static var maximumVelocity1: Double { 4 * Double.pi }
    /// Largest |θ̇₂|: 9π.
    public static var maximumVelocity2: Double { 9 * Double.pi }
    /// The torques of actions 0, 1, 2.
    public static var torques: [Double] { [-1, 0, 1] }

    public var name: String { "acrobot" }
    public var observationSpace: Space {
        .box(lower: [-1, -1, -1, -1, -Self.maximumVelocity1, -Self.maximumVelocity2],
             upper: [1, 1, 1, 1, Self.maximumVelocity1, Self.maximumVelocity2])
    }
    public var actionSpace: Space { .discrete(3) }
    public var timeLimit: Int? { clock.timeLimit }
    public var elapsedSteps: Int { clock.elapsedSteps }
    public var needsReset: Bool { clock.needsReset }

    /// The current physical state.
    public private(set) var state = State(angle1: 0, angle2: 0, angularVelocity1: 0, angularVelocity2: 0)
    private var clock: EpisodeClock
    private var generator = Xoshiro256StarStar(seed: 0)

    /// An acrobot with the given time limit (500 for `Acrobot-v1`).
    public init(timeLimit: Int? = 500) {
        clock = EpisodeClock(timeLimit: timeLimit)
    }

    public mutating func reset(seed: UInt64) -> [Scalar] {
        generator = Xoshiro256StarStar(seed: seed)
        return reset()
    }

    public mutating func reset() -> [Scalar] {
        let range = -0.1..<0.1
        state = State(angle1: generator.uniform(in: range), angle2: generator.uniform(in: range),
                      angularVelocity1: generator.uniform(in: range), angularVelocity2: generator.uniform(in: range))
        clock.start()
        return observation
    }

    /// Starts a new episode from `state`.
    public mutating func reset(to state: State) -> [Scalar] {
        self.state = state
        clock.start()
        return observation
    }

    public mutating func step(_ action: Action) throws(EnvironmentError) -> StepResult<Scalar> {
        try clock.checkCanStep()
        let a = try actionSpace.validatedIndex(of: action)
        state = Self.transition(state, torque: Self.torques[a])
        let terminated = Self.isTerminal(state)
        let truncated = clock.finishStep(terminated: terminated)
        return StepResult(observation: observation, reward: terminated ? 0 : -1,
                          terminated: terminated, truncated: truncated)
    }

    /// Whether the free end is above the target line: −cos θ₁ − cos(θ₁ + θ₂) > 1.
    public static func isTerminal(_ s: State) -> Bool {
        -Double.cos(s.angle1) - Double.cos(s.angle2 + s.angle1) > 1.0
    }

    /// One RK4 step of dt under `torque`, then angle wrapping and velocity clipping.
    public static func transition(_ s: State, torque: Double) -> State {
        let y0 = SIMD4(s.angle1, s.angle2, s.angularVelocity1, s.angularVelocity2)
        let dt = timeStep
        let halfStep = dt / 2.0
        let k1 = derivatives(y0, torque: torque)
        let k2 = derivatives(y0 + halfStep * k1, torque: torque)
        let k3 = derivatives(y0 + halfStep * k2, torque: torque)
        let k4 = derivatives(y0 + dt * k3, torque: torque)
        let y = y0 + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        return State(angle1: wrap(y[0]), angle2: wrap(y[1]),
                     angularVelocity1: min(max(y[2], -maximumVelocity1), maximumVelocity1),
                     angularVelocity2: min(max(y[3], -maximumVelocity2), maximumVelocity2))
    }

    /// The book equations of motion: (θ̇₁, θ̇₂, θ̈₁, θ̈₂) at y = (θ₁, θ₂, θ̇₁, θ̇₂).
    static func derivatives(_ y: SIMD4<Double>, torque a: Double) -> SIMD4<Double> {
        let m1 = linkMass, m2 = linkMass, l1 = linkLength
        let lc1 = linkCenterOfMass, lc2 = linkCenterOfMass
        let i1 = linkMomentOfInertia, i2 = linkMomentOfInertia, g = gravity
        let theta1 = y[0], theta2 = y[1], dtheta1 = y[2], dtheta2 = y[3]
        let cos2 = Double.cos(theta2), sin2 = Double.sin(theta2)
        let d1 = m1 * lc1 * lc1 + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * cos2) + i1 + i2
        let d2 = m2 * (lc2 * lc2 + l1 * lc2 * cos2) + i2
        let phi2 = m2 * lc2 * g * Double.cos(theta1 + theta2 - Double.pi / 2.0)
        let phi1 = -m2 * l1 * lc2 * dtheta2 * dtheta2 * sin2
            - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin2
            + (m1 * lc1 + m2 * l1) * g * Double.cos(theta1 - Double.pi / 2)
            + phi2
        let ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * dtheta1 * dtheta1 * sin2 - phi2)
            / (m2 * lc2 * lc2 + i2 - d2 * d2 / d1)
        let ddtheta1 = -(d2 * ddtheta2 + phi1) / d1
        return SIMD4(dtheta1, dtheta2, ddtheta1, ddtheta2)
    }

    /// Wraps an angle into [−π, π] by adding or subtracting 2π.
    static func wrap(_ x: Double) -> Double {
        var x = x
        let width = 2 * Double.pi
        while x > Double.pi { x -= width }
        while x < -Double.pi { x += width }
        return x
    }

    private var observation: [Scalar] {
        [Scalar(Double.cos(state.angle1)), Scalar(Double.sin(state.angle1)),
         Scalar(Double.cos(state.angle2)), Scalar(Double.sin(state.angle2)),
         Scalar(state.angularVelocity1), Scalar(state.angularVelocity2)]
    }
}
