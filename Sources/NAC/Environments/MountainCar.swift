/// The mountain-car task with three discrete actions, Gymnasium's `MountainCar-v0`
/// (Moore 1990; Sutton & Barto's `MountainCar1.cp`).
///
/// An under-powered car in a valley must rock back and forth to reach the flag on the right
/// hill. Published definition (Gymnasium `classic_control/mountain_car.py`):
///
///     v ← clip(v + (a − 1) · 0.001 + cos(3p) · (−0.0025), −0.07, 0.07)
///     p ← clip(p + v, −1.2, 0.6);   if p = −1.2 and v < 0 then v ← 0   (inelastic left wall)
///
/// - Observation: [p, v] (2); bounds [−1.2, 0.6] × [−0.07, 0.07].
/// - Actions: `.discrete(3)`: 0 accelerates left, 1 does nothing, 2 accelerates right.
/// - Reward: −1 every step.
/// - Termination: p ≥ 0.5 and v ≥ 0 (goal position and goal velocity).
/// - Truncation: 200 steps.
/// - Reset: p uniform on [−0.6, −0.4), v = 0.
public struct MountainCar<Scalar: NACScalar>: Environment {
    /// The physical state.
    public struct State: Sendable, Equatable {
        /// Position p along the track.
        public var position: Double
        /// Velocity v.
        public var velocity: Double

        public init(position: Double, velocity: Double) {
            self.position = position
            self.velocity = velocity
        }
    }

    /// Left end of the track.
    public static var minimumPosition: Double { -1.2 }
    /// Right end of the track.
    public static var maximumPosition: Double { 0.6 }
    /// Speed limit |v| ≤ 0.07.
    public static var maximumSpeed: Double { 0.07 }
    /// The flag: the episode terminates at p ≥ 0.5 …
    public static var goalPosition: Double { 0.5 }
    /// … with v ≥ 0.
    public static var goalVelocity: Double { 0 }
    /// Engine force per unit of action.
    public static var force: Double { 0.001 }
    /// The slope's gravity factor.
    public static var gravity: Double { 0.0025 }

    public var name: String { "mountaincar" }
    public var observationSpace: Space {
        .box(lower: [Self.minimumPosition, -Self.maximumSpeed], upper: [Self.maximumPosition, Self.maximumSpeed])
    }
    public var actionSpace: Space { .discrete(3) }
    public var timeLimit: Int? { clock.timeLimit }
    public var elapsedSteps: Int { clock.elapsedSteps }
    public var needsReset: Bool { clock.needsReset }

    /// The current physical state.
    public private(set) var state = State(position: -0.5, velocity: 0)
    private var clock: EpisodeClock
    private var generator = Xoshiro256StarStar(seed: 0)

    /// A mountain car with the given time limit (200 for `MountainCar-v0`).
    public init(timeLimit: Int? = 200) {
        clock = EpisodeClock(timeLimit: timeLimit)
    }

    public mutating func reset(seed: UInt64) -> [Scalar] {
        generator = Xoshiro256StarStar(seed: seed)
        return reset()
    }

    public mutating func reset() -> [Scalar] {
        state = State(position: generator.uniform(in: -0.6..<(-0.4)), velocity: 0)
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
        state = Self.transition(state, action: a)
        let terminated = state.position >= Self.goalPosition && state.velocity >= Self.goalVelocity
        let truncated = clock.finishStep(terminated: terminated)
        return StepResult(observation: observation, reward: -1, terminated: terminated, truncated: truncated)
    }

    /// One step of the published dynamics under action 0, 1 or 2.
    public static func transition(_ s: State, action: Int) -> State {
        var velocity = s.velocity + Double(action - 1) * force + Double.cos(3 * s.position) * (-gravity)
        velocity = min(max(velocity, -maximumSpeed), maximumSpeed)
        let position = min(max(s.position + velocity, minimumPosition), maximumPosition)
        if position == minimumPosition && velocity < 0 { velocity = 0 }
        return State(position: position, velocity: velocity)
    }

    private var observation: [Scalar] { [Scalar(state.position), Scalar(state.velocity)] }
}
