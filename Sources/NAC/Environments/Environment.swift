/// A reinforcement-learning task: reset it to start an episode, step it with actions.
///
/// The interface follows Gymnasium's (`reset(seed:)`; `step` returning observation, reward,
/// terminated, truncated), with Swift's typed errors in place of assertions:
///
/// ```swift
/// var env = CartPole<Double>()
/// var observation = env.reset(seed: 42)          // [x, ẋ, θ, θ̇]
/// while true {
///     let result = try env.step(.discrete(1))     // throws EnvironmentError, never traps
///     observation = result.observation
///     if result.isDone { break }
/// }
/// ```
///
/// **Semantics.**
/// - `reset(seed:)` reseeds the environment's own generator (`Xoshiro256StarStar`) and draws
///   the initial state from it; `reset()` continues with the generator's current stream (so a
///   sequence of episodes after one seeded reset is reproducible). Stochastic transitions draw
///   from the same generator.
/// - `step` checks, in order: that an episode is running (`.resetRequired`, `.episodeEnded`),
///   then the action (`.wrongActionKind`, `.actionOutOfRange`, `.wrongActionDimension`,
///   `.nonFiniteAction`). A throwing step leaves the environment unchanged.
/// - After a step with `terminated` or `truncated`, the next `step` throws `.episodeEnded`
///   until `reset` is called.
///
/// **Scalars.** Observations and rewards are `Scalar` (`Float` or `Double`), the type the
/// engine consumes. The built-in environments integrate their dynamics in `Double` and round
/// only what they return, so `CartPole<Float>` follows the same trajectory as
/// `CartPole<Double>` and returns it rounded.
///
/// Conforming types are value types: copying an environment copies its state and generator.
public protocol Environment<Scalar>: Sendable {
    /// The scalar type of observations and rewards.
    associatedtype Scalar: NACScalar

    /// A short identifier, as used by `EnvironmentRegistry` (for example `"cartpole"`).
    var name: String { get }

    /// The observation space (always a box; `observationSpace.dimension` is the observation length).
    var observationSpace: Space { get }

    /// The action space: `.discrete(n)` or `.box(lower:upper:)`.
    var actionSpace: Space { get }

    /// The number of steps after which an episode is truncated, or `nil` for none.
    var timeLimit: Int? { get }

    /// Steps taken in the current episode.
    var elapsedSteps: Int { get }

    /// Whether `reset` must be called before the next `step` (no episode yet, or the last one ended).
    var needsReset: Bool { get }

    /// Reseeds the environment's generator with `seed` and starts a new episode.
    /// - Returns: the initial observation.
    mutating func reset(seed: UInt64) -> [Scalar]

    /// Starts a new episode, drawing the initial state from the generator's current stream.
    /// - Returns: the initial observation.
    mutating func reset() -> [Scalar]

    /// Applies `action` for one time step.
    /// - Throws: `EnvironmentError` for a step outside an episode or an invalid action; the
    ///   environment is then unchanged.
    mutating func step(_ action: Action) throws(EnvironmentError) -> StepResult<Scalar>
}

extension Environment {
    /// The length of an observation vector.
    public var observationDimension: Int { observationSpace.dimension }
}
