/// The episode bookkeeping every environment shares: whether an episode is running, how many
/// steps it has taken, and the time limit that truncates it.
///
/// An environment calls `start()` in `reset`, `checkCanStep()` at the top of `step` (before
/// reading the action, so a step outside an episode is reported first), and
/// `finishStep(terminated:)` at the end, which returns `truncated`.
public struct EpisodeClock: Sendable, Equatable {
    /// The phase of the episode.
    public enum Phase: Sendable, Equatable {
        /// No `reset` yet.
        case notStarted
        /// Steps are allowed.
        case running
        /// The last step terminated or truncated the episode.
        case ended(terminated: Bool)
    }

    /// Steps after which the episode is truncated, or `nil` for no limit.
    public let timeLimit: Int?
    /// Steps taken in the current episode.
    public private(set) var elapsedSteps = 0
    /// The current phase.
    public private(set) var phase = Phase.notStarted

    /// A clock with the given time limit (positive, or `nil`).
    public init(timeLimit: Int?) {
        if let limit = timeLimit { precondition(limit > 0, "EpisodeClock: time limit \(limit) is not positive") }
        self.timeLimit = timeLimit
    }

    /// Whether a `reset` is needed before the next step.
    public var needsReset: Bool { phase != .running }

    /// Starts a new episode (step count 0).
    public mutating func start() {
        elapsedSteps = 0
        phase = .running
    }

    /// Throws unless an episode is running.
    /// - Throws: `.resetRequired` before the first reset, `.episodeEnded` after the episode ended.
    public func checkCanStep() throws(EnvironmentError) {
        switch phase {
        case .running: return
        case .notStarted: throw .resetRequired
        case .ended(let terminated): throw .episodeEnded(elapsedSteps: elapsedSteps, terminated: terminated)
        }
    }

    /// Counts one step and returns whether the time limit truncates the episode; ends the
    /// episode when it terminated or was truncated.
    public mutating func finishStep(terminated: Bool) -> Bool {
        elapsedSteps += 1
        let truncated = timeLimit.map { elapsedSteps >= $0 } ?? false
        if terminated || truncated { phase = .ended(terminated: terminated) }
        return truncated
    }
}
