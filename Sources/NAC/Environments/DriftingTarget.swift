/// The "drifting target" domain of Thomas (2014, §6, Figure 1): the state drifts from 0 to 1
/// at a fixed rate and the reward is the squared distance between the action and the state.
///
///     s₀ = 0,   s_{t+1} = min(s_t + Δs, 1),   s = 1 terminal,   r_t = −(a_t − s_t)²
///
/// with Δs = 0.01 by default (the paper's text; spec §5 notes the plot may use 0.001). The
/// state after k steps is computed as min(k · Δs, 1), not by repeated addition, so an episode
/// has exactly K = ⌈1/Δs⌉ steps (100 for Δs = 0.01: rewards at s = 0, 0.01, …, 0.99, then s = 1
/// terminates). The best action is a_t = s_t; a state-independent mean action θ that
/// maximises the undiscounted return is the mean of s₀ … s_{K−1}, (K − 1)Δs/2 = 0.495 for
/// Δs = 0.01 (the paper reports 0.5, read off its plot).
///
/// - Observation: [s] (1), in [0, 1].
/// - Action: a 1-vector, unbounded (not clipped).
/// - Termination: when s reaches 1. No time limit by default.
/// - Reset: deterministic (s₀ = 0); the seed is accepted for interface uniformity.
public struct DriftingTarget<Scalar: NACScalar>: Environment {
    /// Δs, the drift per step.
    public let stepSize: Double
    /// K, the number of steps of every episode.
    public let episodeLength: Int

    public var name: String { "drifting-target" }
    public var observationSpace: Space { .box(lower: [0], upper: [1]) }
    public var actionSpace: Space { .box(lower: [-.infinity], upper: [.infinity]) }
    public var timeLimit: Int? { clock.timeLimit }
    public var elapsedSteps: Int { clock.elapsedSteps }
    public var needsReset: Bool { clock.needsReset }

    /// The current state s_t.
    public var state: Double { Self.state(afterSteps: clock.elapsedSteps, stepSize: stepSize) }
    private var clock: EpisodeClock

    /// The domain with Δs = 0.01.
    public init() {
        stepSize = 0.01
        episodeLength = Self.episodeLength(stepSize: 0.01)
        clock = EpisodeClock(timeLimit: nil)
    }

    /// The domain with drift `stepSize` ∈ (0, 1] and an optional time limit.
    /// - Throws: `.invalidConfiguration` for a step size outside (0, 1].
    public init(stepSize: Double, timeLimit: Int? = nil) throws(EnvironmentError) {
        guard stepSize.isFinite, stepSize > 0, stepSize <= 1 else {
            throw .invalidConfiguration(parameter: "stepSize", value: "\(stepSize)", reason: "must be in (0, 1]")
        }
        self.stepSize = stepSize
        episodeLength = Self.episodeLength(stepSize: stepSize)
        clock = EpisodeClock(timeLimit: timeLimit)
    }

    /// K = the smallest k with k · Δs ≥ 1 (to within 1e-9 relative, so that Δs = 0.01 gives 100).
    static func episodeLength(stepSize: Double) -> Int {
        Int(((1 / stepSize) * (1 - 1e-9)).rounded(.up))
    }

    /// s_k = min(k Δs, 1).
    static func state(afterSteps k: Int, stepSize: Double) -> Double {
        min(Double(k) * stepSize, 1)
    }

    public mutating func reset(seed: UInt64) -> [Scalar] { reset() }

    public mutating func reset() -> [Scalar] {
        clock.start()
        return [0]
    }

    public mutating func step(_ action: Action) throws(EnvironmentError) -> StepResult<Scalar> {
        try clock.checkCanStep()
        let a = try actionSpace.validatedValues(of: action)[0]
        let s = state
        let reward = -(a - s) * (a - s)
        let terminated = clock.elapsedSteps + 1 >= episodeLength
        let truncated = clock.finishStep(terminated: terminated)
        return StepResult(observation: [Scalar(state)], reward: Scalar(reward), terminated: terminated, truncated: truncated)
    }
}
