/// The inverted-pendulum swing-up task, Gymnasium's `Pendulum-v1`.
///
/// A pendulum of mass m = 1 and length l = 1 hangs from a pivot; a torque u ∈ [−2, 2] swings
/// it up. θ = 0 is upright. Published definition (Gymnasium `classic_control/pendulum.py`):
///
///     u = clip(a, −2, 2)
///     cost = norm(θ)² + 0.1 θ̇² + 0.001 u²,    norm(θ) = ((θ + π) mod 2π) − π   (floored mod)
///     θ̇ ← clip(θ̇ + (3g/(2l) sin θ + 3/(m l²) u) dt, −8, 8)
///     θ ← θ + θ̇ dt                                  (θ is not wrapped; dt = 0.05, g = 10)
///
/// - Observation: [cos θ, sin θ, θ̇] (3); bounds [−1, 1] × [−1, 1] × [−8, 8].
/// - Action: a 1-vector, nominally in [−2, 2] (clipped).
/// - Reward: −cost, computed from the state **before** the step (in [−16.27, 0]).
/// - Termination: never. Truncation: 200 steps.
/// - Reset: θ uniform on [−π, π), θ̇ uniform on [−1, 1).
public struct Pendulum<Scalar: NACScalar>: Environment {
    /// The physical state.
    public struct State: Sendable, Equatable {
        /// Angle θ (rad), 0 upright; not wrapped.
        public var angle: Double
        /// Angular velocity θ̇ (rad/s).
        public var angularVelocity: Double

        public init(angle: Double, angularVelocity: Double) {
            self.angle = angle
            self.angularVelocity = angularVelocity
        }
    }

    /// Largest |θ̇|.
    public static var maximumSpeed: Double { 8 }
    /// Largest |u|.
    public static var maximumTorque: Double { 2 }
    /// Time step (s).
    public static var timeStep: Double { 0.05 }
    /// Mass m.
    public static var mass: Double { 1 }
    /// Length l.
    public static var length: Double { 1 }

    /// Gravity g (10 in `Pendulum-v1`).
    public let gravity: Double

    public var name: String { "pendulum" }
    public var observationSpace: Space { .box(lower: [-1, -1, -Self.maximumSpeed], upper: [1, 1, Self.maximumSpeed]) }
    public var actionSpace: Space { .box(lower: [-Self.maximumTorque], upper: [Self.maximumTorque]) }
    public var timeLimit: Int? { clock.timeLimit }
    public var elapsedSteps: Int { clock.elapsedSteps }
    public var needsReset: Bool { clock.needsReset }

    /// The current physical state.
    public private(set) var state = State(angle: Double.pi, angularVelocity: 0)
    private var clock: EpisodeClock
    private var generator = Xoshiro256StarStar(seed: 0)

    /// A pendulum with gravity `gravity` (10 in `Pendulum-v1`) and the given time limit (200).
    public init(gravity: Double = 10, timeLimit: Int? = 200) {
        precondition(gravity.isFinite, "Pendulum: gravity \(gravity) is not finite")
        self.gravity = gravity
        clock = EpisodeClock(timeLimit: timeLimit)
    }

    public mutating func reset(seed: UInt64) -> [Scalar] {
        generator = Xoshiro256StarStar(seed: seed)
        return reset()
    }

    public mutating func reset() -> [Scalar] {
        state = State(angle: generator.uniform(in: -Double.pi..<Double.pi),
                      angularVelocity: generator.uniform(in: -1.0..<1.0))
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
        let a = try actionSpace.validatedValues(of: action)[0]
        let u = min(max(a, -Self.maximumTorque), Self.maximumTorque)
        let theta = Self.normalizedAngle(state.angle)
        let cost = theta * theta + 0.1 * state.angularVelocity * state.angularVelocity + 0.001 * (u * u)
        state = transition(state, torque: u)
        let truncated = clock.finishStep(terminated: false)
        return StepResult(observation: observation, reward: Scalar(-cost), terminated: false, truncated: truncated)
    }

    /// One step of the published dynamics under the (already clipped) torque `u`.
    public func transition(_ s: State, torque u: Double) -> State {
        let g = gravity, m = Self.mass, l = Self.length, dt = Self.timeStep
        var velocity = s.angularVelocity + (3 * g / (2 * l) * Double.sin(s.angle) + 3.0 / (m * l * l) * u) * dt
        velocity = min(max(velocity, -Self.maximumSpeed), Self.maximumSpeed)
        return State(angle: s.angle + velocity * dt, angularVelocity: velocity)
    }

    /// ((θ + π) mod 2π) − π with a floored modulus (Python's `%`): the angle in [−π, π).
    public static func normalizedAngle(_ theta: Double) -> Double {
        let period = 2 * Double.pi
        var r = (theta + Double.pi).truncatingRemainder(dividingBy: period)
        if r < 0 { r += period }
        return r - Double.pi
    }

    private var observation: [Scalar] {
        [Scalar(Double.cos(state.angle)), Scalar(Double.sin(state.angle)), Scalar(state.angularVelocity)]
    }
}
