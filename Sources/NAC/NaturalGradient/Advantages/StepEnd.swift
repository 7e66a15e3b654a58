/// How a time step of a rollout buffer relates to the step stored after it.
///
/// Buffers are flat: the steps of consecutive episodes follow each other, and `StepEnd` marks
/// the boundaries (the Gymnasium `terminated` / `truncated` pair as one value).
public enum StepEnd: Sendable, Equatable, Hashable {
    /// The episode goes on: the next stored step is s_{t+1} of the same episode. On the last
    /// step of a buffer it means the episode was cut by the buffer, and the value of s_{t+1}
    /// is needed to bootstrap.
    case continuing
    /// s_{t+1} is terminal: V(s_{t+1}) = 0 and nothing is bootstrapped.
    case terminated
    /// The episode was cut (time limit) at s_{t+1}, which is not terminal: its value V(s_{t+1})
    /// is bootstrapped, and the next stored step starts a new episode.
    case truncated

    /// Whether the next stored step starts a new episode (or there is none).
    public var endsEpisode: Bool { self != .continuing }
}
