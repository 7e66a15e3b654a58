/// One episode that ended during a learner's iteration.
public struct CompletedEpisode: Sendable, Equatable {
    /// The undiscounted sum of rewards.
    public var totalReward: Double
    /// Steps in the episode.
    public var length: Int
    /// Whether it ended by the time limit rather than a terminal state.
    public var truncated: Bool

    public init(totalReward: Double, length: Int, truncated: Bool) {
        self.totalReward = totalReward
        self.length = length
        self.truncated = truncated
    }
}

/// What one learner iteration did.
public struct LearnerIteration: Sendable {
    /// Episodes that ended during the iteration, in order.
    public var completedEpisodes: [CompletedEpisode]
    /// Environment steps taken during the iteration.
    public var environmentSteps: Int
    /// Actor (policy) updates made during the iteration.
    public var policyUpdates: Int
    /// Named diagnostics of the iteration (for example "kl", "step_size", "critic_residual"),
    /// written as extra learning-curve columns.
    public var diagnostics: [String: Double]

    public init(completedEpisodes: [CompletedEpisode], environmentSteps: Int, policyUpdates: Int,
                diagnostics: [String: Double] = [:]) {
        self.completedEpisodes = completedEpisodes
        self.environmentSteps = environmentSteps
        self.policyUpdates = policyUpdates
        self.diagnostics = diagnostics
    }
}

/// A learning algorithm that owns its environment(s) and improves a policy one iteration at a
/// time: an episode for the episodic and online natural actor-critics of Thomas (2014), a batch
/// of environment steps for the minibatch natural policy gradient. `nac train` drives any
/// learner the same way: iterate until a step or episode budget, log each completed episode,
/// save `currentPolicy`.
public protocol Learner<Scalar> {
    associatedtype Scalar: NACScalar
    /// A short name for logs ("nac-s", "npg", …).
    var name: String { get }
    /// Runs one iteration, learning as it goes.
    mutating func iterate() throws -> LearnerIteration
    /// The current policy, ready to save (`SavedModel.save(to:)`) or evaluate.
    var currentPolicy: SavedModel<Scalar> { get }
}
