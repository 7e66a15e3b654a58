/// A batch of on-policy experience from N environment copies, T steps each, laid out
/// **copy-major** so that every copy's steps form one contiguous run of a flat episode buffer:
/// row `i · T + t` is step t of copy i (rows are samples).
///
/// Episode boundaries inside a copy's run come from `ends` (see `StepEnd`): `.terminated` and
/// `.truncated` where an episode ended (the vector environment auto-reset the copy, so step t + 1
/// of the same copy is the first step of its next episode), `.continuing` elsewhere — including
/// the last step of every copy's run, whose episode goes on into the next rollout. So GAE must
/// be run on each copy's run separately (as `estimateAdvantages` does): over the whole flat
/// buffer, a copy's `.continuing` last step would chain into the next copy's first step.
///
/// V(s_{t+1}) is needed where the next state is not the next stored row: after a truncation (the
/// final observation of the cut episode) and at the last step of each copy (the observation the
/// copy is in now). Those observations are `bootstrapObservations` (K × d), row k belonging to
/// step `bootstrapSteps[k]`; `nextValues(values:bootstrapValues:)` assembles V(s_{t+1}).
public struct Rollout<Scalar: NACScalar>: Sendable {
    /// N, the number of copies.
    public var copies: Int
    /// T, steps per copy.
    public var stepsPerCopy: Int
    /// (N·T) × d observations s_t, copy-major.
    public var observations: Matrix<Scalar>
    /// The N·T actions a_t, copy-major.
    public var actions: Actions<Scalar>
    /// r_t (N·T).
    public var rewards: [Scalar]
    /// How each step relates to the next stored row (N·T).
    public var ends: [StepEnd]
    /// K × d observations s_{t+1} that are not the next stored row (see the overview).
    public var bootstrapObservations: Matrix<Scalar>
    /// The flat step index of each bootstrap observation (K, increasing).
    public var bootstrapSteps: [Int]
    /// Episodes that ended during the rollout, in the order they ended.
    public var completedEpisodes: [CompletedEpisode]

    /// N·T, the number of stored steps.
    public var count: Int { rewards.count }

    /// V(s_{t+1}) for every step from V(s_t) (`values`, N·T) and the values of the bootstrap
    /// observations (K): `values[t + 1]` for a continuing step inside a copy's run, the bootstrap
    /// value where one is stored, and 0 after a terminated step (ignored by GAE).
    public func nextValues(values: [Scalar], bootstrapValues: [Scalar]) -> [Scalar] {
        precondition(values.count == count && bootstrapValues.count == bootstrapSteps.count,
                     "Rollout.nextValues: \(values.count) values for \(count) steps, \(bootstrapValues.count) bootstrap values for \(bootstrapSteps.count)")
        var next = [Scalar](repeating: 0, count: count)
        for t in 0..<count where ends[t] == .continuing && (t + 1) % stepsPerCopy != 0 {
            next[t] = values[t + 1]
        }
        for (k, t) in bootstrapSteps.enumerated() { next[t] = bootstrapValues[k] }
        return next
    }
}

/// Collects `Rollout`s from a `VectorEnvironment` with a policy, keeping the copies' episodes
/// running across calls (the copies are reset once, from `seed`, and then auto-reset).
///
/// Per time step: one batched `policy.sample` over the N current observations (N × d), one
/// vector-environment step. Episode returns and lengths are tracked per copy and reported when
/// an episode ends.
public struct RolloutCollector<Base: Environment>: Sendable {
    public typealias Scalar = Base.Scalar
    /// The copies (auto-reset).
    public private(set) var environments: VectorEnvironment<Base>
    /// The N × d observations the copies are in now.
    public private(set) var currentObservations: Matrix<Scalar>
    /// The generator actions are drawn with.
    public var generator: Xoshiro256StarStar
    private var episodeReturns: [Double]
    private var episodeLengths: [Int]
    /// Environment steps taken so far (all copies).
    public private(set) var totalSteps = 0

    /// N copies of `environment`, reset with `VectorEnvironment.reset(seed: seed)`; actions are
    /// drawn from a generator seeded with the next derived seed.
    public init(environment: Base, copies: Int, seed: UInt64) {
        precondition(copies >= 1, "RolloutCollector: \(copies) copies")
        var envs = VectorEnvironment(copies: copies, of: environment, autoReset: true)
        currentObservations = envs.reset(seed: seed)
        environments = envs
        var seeds = Xoshiro256StarStar(seed: seed ^ 0x5EED_AC7_0000_0001)
        generator = Xoshiro256StarStar(seed: seeds.childSeed())
        episodeReturns = [Double](repeating: 0, count: copies)
        episodeLengths = [Int](repeating: 0, count: copies)
    }

    /// N.
    public var copies: Int { environments.count }

    /// Runs `stepsPerCopy` steps of every copy with actions drawn from `policy`.
    /// - Throws: `TrainingError.policy` / `.environment` when the policy cannot act in the
    ///   environment (wrong widths or action kinds).
    public mutating func collect<P: Policy>(
        policy: P, stepsPerCopy t: Int
    ) throws(TrainingError) -> Rollout<Scalar> where P.Scalar == Scalar {
        precondition(t >= 1, "RolloutCollector.collect: \(t) steps per copy")
        let n = copies, d = currentObservations.columns, total = n * t
        var observations = [Scalar](repeating: 0, count: total * d)
        var rewards = [Scalar](repeating: 0, count: total)
        var ends = [StepEnd](repeating: .continuing, count: total)
        var discrete: [Int] = []
        var continuous: [Scalar] = []
        var actionWidth = 0
        switch policy.actionSpace {
        case .discrete: discrete = [Int](repeating: 0, count: total)
        case .continuous(let a):
            actionWidth = a
            continuous = [Scalar](repeating: 0, count: total * a)
        }
        var bootstrap: [(step: Int, observation: [Scalar])] = []
        var completed: [CompletedEpisode] = []

        for step in 0..<t {
            let actions: Actions<Scalar>
            do { actions = try policy.sample(observations: currentObservations, using: &generator) } catch {
                throw .policy(error)
            }
            let result: VectorStepResult<Scalar>
            do throws(EnvironmentError) {
                switch actions {
                case .discrete(let indices): result = try environments.step(discrete: indices)
                case .continuous(let m): result = try environments.step(continuous: m)
                }
            } catch {
                throw .environment(error)
            }
            currentObservations.withUnsafeBufferPointer { src in
                for i in 0..<n {
                    let row = i * t + step
                    for j in 0..<d { observations[row * d + j] = src[i * d + j] }
                }
            }
            switch actions {
            case .discrete(let indices):
                for i in 0..<n { discrete[i * t + step] = indices[i] }
            case .continuous(let m):
                for i in 0..<n {
                    let row = i * t + step
                    for j in 0..<actionWidth { continuous[row * actionWidth + j] = m.elements[i * actionWidth + j] }
                }
            }
            for i in 0..<n {
                let row = i * t + step
                rewards[row] = result.rewards[i]
                episodeReturns[i] += Double(result.rewards[i])
                episodeLengths[i] += 1
                if result.terminated[i] {
                    ends[row] = .terminated
                } else if result.truncated[i] {
                    ends[row] = .truncated
                    bootstrap.append((row, result.finalObservations[i]!))
                }
                if result.terminated[i] || result.truncated[i] {
                    completed.append(CompletedEpisode(totalReward: episodeReturns[i], length: episodeLengths[i],
                                                      truncated: !result.terminated[i]))
                    episodeReturns[i] = 0
                    episodeLengths[i] = 0
                }
            }
            currentObservations = result.observations
        }
        // The last step of every copy that did not just end continues into the next rollout.
        for i in 0..<n where ends[i * t + t - 1] == .continuing {
            bootstrap.append((i * t + t - 1, currentObservations.row(i)))
        }
        bootstrap.sort { $0.step < $1.step }
        totalSteps += total
        let actionBatch: Actions<Scalar> = actionWidth == 0 && !discrete.isEmpty
            ? .discrete(discrete)
            : .continuous(Matrix(rows: total, columns: actionWidth, elements: continuous))
        return Rollout(
            copies: n, stepsPerCopy: t,
            observations: Matrix(rows: total, columns: d, elements: observations),
            actions: actionBatch, rewards: rewards, ends: ends,
            bootstrapObservations: Matrix(rows: bootstrap.count, columns: d, elements: bootstrap.flatMap(\.observation)),
            bootstrapSteps: bootstrap.map(\.step), completedEpisodes: completed)
    }
}
