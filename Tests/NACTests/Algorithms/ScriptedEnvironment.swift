@testable import NAC

/// A deterministic environment for wiring tests: the observation is [steps into the episode,
/// episodes started since the seeded reset], the reward of the k-th step of an episode is k;
/// an episode terminates after `terminateAfter` steps and/or is truncated by `timeLimit`.
/// `nanRewardAfter` makes every reward NaN once that many steps were taken in total.
struct ScriptedEnvironment: Environment {
    typealias Scalar = Double
    var name: String { "scripted" }
    var observationSpace: Space { .box(dimension: 2, lower: -.infinity, upper: .infinity) }
    var actionSpace: Space { .discrete(2) }
    var timeLimit: Int?
    var terminateAfter: Int?
    var nanRewardAfter: Int?
    private(set) var elapsedSteps = 0
    private(set) var needsReset = true
    private var episode = 0.0
    private var totalSteps = 0

    init(timeLimit: Int? = nil, terminateAfter: Int? = nil, nanRewardAfter: Int? = nil) {
        self.timeLimit = timeLimit
        self.terminateAfter = terminateAfter
        self.nanRewardAfter = nanRewardAfter
    }

    mutating func reset(seed: UInt64) -> [Double] {
        episode = 0
        elapsedSteps = 0
        needsReset = false
        return [0, episode]
    }

    mutating func reset() -> [Double] {
        episode += 1
        elapsedSteps = 0
        needsReset = false
        return [0, episode]
    }

    mutating func step(_ action: Action) throws(EnvironmentError) -> StepResult<Double> {
        if needsReset { throw .resetRequired }
        try actionSpace.validate(action)
        elapsedSteps += 1
        totalSteps += 1
        let terminated = terminateAfter.map { elapsedSteps >= $0 } ?? false
        let truncated = timeLimit.map { elapsedSteps >= $0 } ?? false
        if terminated || truncated { needsReset = true }
        let reward = nanRewardAfter.map { totalSteps > $0 } == true ? Double.nan : Double(elapsedSteps)
        return StepResult(observation: [Double(elapsedSteps), episode], reward: reward,
                          terminated: terminated, truncated: truncated)
    }
}
