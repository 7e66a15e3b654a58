/// What `Environment.step` returns: the next observation, the reward and the two ways an
/// episode can end (Gymnasium's convention).
///
/// - `terminated`: the MDP reached a terminal state (the pole fell, the car reached the flag).
///   The value of the next state is 0; an algorithm must not bootstrap from it.
/// - `truncated`: the time limit cut the episode; the state is not terminal, so an algorithm
///   may bootstrap from `observation`. Both are `true` when the last allowed step also
///   terminates (as Gymnasium's `TimeLimit` reports it).
public struct StepResult<Scalar: NACScalar>: Sendable, Equatable {
    /// The observation after the step.
    public var observation: [Scalar]
    /// The reward r_t for the transition (s_t, a_t) → s_{t+1}.
    public var reward: Scalar
    /// Whether s_{t+1} is terminal.
    public var terminated: Bool
    /// Whether the time limit ended the episode.
    public var truncated: Bool

    public init(observation: [Scalar], reward: Scalar, terminated: Bool, truncated: Bool) {
        self.observation = observation
        self.reward = reward
        self.terminated = terminated
        self.truncated = truncated
    }

    /// Whether the episode is over (terminated or truncated); `reset` is needed before the next step.
    public var isDone: Bool { terminated || truncated }
}
