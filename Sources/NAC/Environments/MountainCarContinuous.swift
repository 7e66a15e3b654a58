/// The mountain-car task with a continuous force, Gymnasium's `MountainCarContinuous-v0`
/// (Moore 1990, as adapted by Schaul and de Broissia).
///
/// Published definition (Gymnasium `classic_control/continuous_mountain_car.py`):
///
///     F = clip(a, −1, 1)
///     v ← clip(v + F · 0.0015 − 0.0025 cos(3p), −0.07, 0.07)
///     p ← clip(p + v, −1.2, 0.6);   if p = −1.2 and v < 0 then v ← 0
///
/// - Observation: [p, v] (2); bounds [−1.2, 0.6] × [−0.07, 0.07].
/// - Action: a 1-vector, nominally in [−1, 1] (clipped in the dynamics).
/// - Reward: −0.1 a² with the **unclipped** action, plus 100 on the step that reaches the goal.
/// - Termination: p ≥ 0.45 and v ≥ 0.
/// - Truncation: 999 steps.
/// - Reset: p uniform on [−0.6, −0.4), v = 0.
///
/// The state is kept in `Double`. (Gymnasium stores this environment's state in float32
/// between steps, so its trajectories agree with these to about 1e-7, not bit for bit.)
public struct MountainCarContinuous<Scalar: NACScalar>: Environment {
    /// The physical state (as in `MountainCar`).
    public typealias State = MountainCar<Scalar>.State

    /// Force scale.
    public static var power: Double { 0.0015 }
    /// The flag: the episode terminates at p ≥ 0.45 …
    public static var goalPosition: Double { 0.45 }
    /// … with v ≥ 0.
    public static var goalVelocity: Double { 0 }

    public var name: String { "mountaincar-continuous" }
    public var observationSpace: Space {
        .box(lower: [MountainCar<Scalar>.minimumPosition, -MountainCar<Scalar>.maximumSpeed],
             upper: [MountainCar<Scalar>.maximumPosition, MountainCar<Scalar>.maximumSpeed])
    }
    public var actionSpace: Space { .box(lower: [-1], upper: [1]) }
    public var timeLimit: Int? { clock.timeLimit }
    public var elapsedSteps: Int { clock.elapsedSteps }
    public var needsReset: Bool { clock.needsReset }

    /// The current physical state.
    public private(set) var state = State(position: -0.5, velocity: 0)
    private var clock: EpisodeClock
    private var generator = Xoshiro256StarStar(seed: 0)

    /// A continuous mountain car with the given time limit (999 for `MountainCarContinuous-v0`).
    public init(timeLimit: Int? = 999) {
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
        let a = try actionSpace.validatedValues(of: action)[0]
        state = Self.transition(state, action: a)
        let terminated = state.position >= Self.goalPosition && state.velocity >= Self.goalVelocity
        let reward = (terminated ? 100.0 : 0.0) - a * a * 0.1
        let truncated = clock.finishStep(terminated: terminated)
        return StepResult(observation: observation, reward: Scalar(reward),
                          terminated: terminated, truncated: truncated)
    }

    /// One step of the published dynamics under the (unclipped) action `a`.
    public static func transition(_ s: State, action a: Double) -> State {
        typealias Car = MountainCar<Scalar>
        let force = min(max(a, -1), 1)
        var velocity = s.velocity + force * power - 0.0025 * Double.cos(3 * s.position)
        velocity = min(max(velocity, -Car.maximumSpeed), Car.maximumSpeed)
        let position = min(max(s.position + velocity, Car.minimumPosition), Car.maximumPosition)
        if position == Car.minimumPosition && velocity < 0 { velocity = 0 }
        return State(position: position, velocity: velocity)
    }

    private var observation: [Scalar] { [Scalar(state.position), Scalar(state.velocity)] }
}
