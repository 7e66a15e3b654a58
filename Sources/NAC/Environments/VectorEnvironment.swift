/// N copies of an environment stepped together, with observations batched as the rows of a
/// matrix (rows are samples: the layout the engine consumes).
///
/// **Seeds.** `reset(seed:)` derives one seed per copy from a `Xoshiro256StarStar` seeded with
/// `seed`: copy i gets the i-th `childSeed()` (see `derivedSeeds(count:seed:)`), and is reset
/// with it. Every later episode of a copy starts with that copy's `reset()`, continuing its own
/// generator. So copy i follows exactly the trajectory of a single environment reset with
/// `derivedSeeds(count: N, seed: seed)[i]` and then `reset()` after each episode.
///
/// **Auto-reset.** With `autoReset` (the default), a copy whose episode ends in a step is reset
/// in the same step: its row of `observations` is the first observation of the new episode,
/// and the last observation of the ended episode is kept in `finalObservations[i]` (needed to
/// bootstrap after a truncation). Without it, the ended copy keeps its final observation and
/// the next `step` throws `.inCopy(index:error: .episodeEnded)` until `reset(copy:)`.
///
/// **Errors.** All actions are checked before any copy moves, so a throwing `step` leaves every
/// copy unchanged; the error names the copy.
///
/// ```swift
/// var envs = VectorEnvironment(copies: 8, of: CartPole<Float>())
/// var observations = envs.reset(seed: 1)            // 8 × 4
/// let result = try envs.step(discrete: actions)    // result.observations is 8 × 4
/// ```
/// - Complexity: O(N) environment steps per `step`.
public struct VectorEnvironment<Base: Environment>: Sendable {
    /// The copies.
    public private(set) var environments: [Base]
    /// Whether copies that end an episode are reset within the same `step`.
    public var autoReset: Bool

    /// N copies of `environment`.
    public init(copies count: Int, of environment: Base, autoReset: Bool = true) {
        precondition(count > 0, "VectorEnvironment: \(count) copies")
        environments = Array(repeating: environment, count: count)
        self.autoReset = autoReset
    }

    /// The copies made by `makeEnvironment(i)` for i in 0..<count (for example with different
    /// parameters); they must share observation and action spaces.
    public init(copies count: Int, autoReset: Bool = true, makeEnvironment: (Int) throws -> Base) rethrows {
        precondition(count > 0, "VectorEnvironment: \(count) copies")
        environments = try (0..<count).map(makeEnvironment)
        self.autoReset = autoReset
        let first = environments[0]
        for (i, e) in environments.enumerated() {
            precondition(e.observationSpace.dimension == first.observationSpace.dimension && e.actionSpace == first.actionSpace,
                         "VectorEnvironment: copy \(i) has observation dimension \(e.observationSpace.dimension) and actions \(e.actionSpace), copy 0 \(first.observationSpace.dimension) and \(first.actionSpace)")
        }
    }

    /// N.
    public var count: Int { environments.count }
    /// The observation space of one copy.
    public var observationSpace: Space { environments[0].observationSpace }
    /// The action space of one copy.
    public var actionSpace: Space { environments[0].actionSpace }

    /// The seeds `reset(seed:)` gives the copies: successive `childSeed()`s of a
    /// `Xoshiro256StarStar(seed: seed)`.
    public static func derivedSeeds(count: Int, seed: UInt64) -> [UInt64] {
        var generator = Xoshiro256StarStar(seed: seed)
        return (0..<count).map { _ in generator.childSeed() }
    }

    /// Resets every copy with its derived seed; returns the N × d initial observations.
    public mutating func reset(seed: UInt64) -> Matrix<Base.Scalar> {
        let seeds = Self.derivedSeeds(count: count, seed: seed)
        return batch((0..<count).map { environments[$0].reset(seed: seeds[$0]) })
    }

    /// Resets every copy from its own generator's current stream.
    public mutating func reset() -> Matrix<Base.Scalar> {
        batch((0..<count).map { environments[$0].reset() })
    }

    /// Resets copy `i` alone (from its own generator); returns its initial observation.
    public mutating func reset(copy i: Int) -> [Base.Scalar] {
        precondition(i >= 0 && i < count, "VectorEnvironment.reset(copy:): copy \(i) outside 0..<\(count)")
        return environments[i].reset()
    }

    /// Steps copy i with `actions[i]`.
    /// - Throws: `.inCopy(index:error:)` for the first copy whose episode is not running or
    ///   whose action is invalid; no copy moves then.
    public mutating func step(_ actions: [Action]) throws(EnvironmentError) -> VectorStepResult<Base.Scalar> {
        precondition(actions.count == count, "VectorEnvironment.step: \(actions.count) actions for \(count) copies")
        for i in 0..<count {
            if environments[i].needsReset {
                // Let a scratch copy report its own error (it knows whether it terminated).
                var probe = environments[i]
                do throws(EnvironmentError) { _ = try probe.step(actions[i]) } catch {
                    throw .inCopy(index: i, error: error)
                }
                preconditionFailure("VectorEnvironment: copy \(i) reports needsReset but its step did not throw")
            }
            do throws(EnvironmentError) { try environments[i].actionSpace.validate(actions[i]) } catch {
                throw .inCopy(index: i, error: error)
            }
        }
        let d = observationSpace.dimension
        var observations = [Base.Scalar]()
        observations.reserveCapacity(count * d)
        var rewards = [Base.Scalar](), terminated = [Bool](), truncated = [Bool]()
        var finals = [[Base.Scalar]?](repeating: nil, count: count)
        rewards.reserveCapacity(count)
        terminated.reserveCapacity(count)
        truncated.reserveCapacity(count)
        for i in 0..<count {
            let result: StepResult<Base.Scalar>
            do throws(EnvironmentError) { result = try environments[i].step(actions[i]) } catch {
                throw .inCopy(index: i, error: error)   // unreachable after the checks above
            }
            rewards.append(result.reward)
            terminated.append(result.terminated)
            truncated.append(result.truncated)
            if result.isDone && autoReset {
                finals[i] = result.observation
                observations.append(contentsOf: environments[i].reset())
            } else {
                observations.append(contentsOf: result.observation)
            }
        }
        return VectorStepResult(observations: Matrix(rows: count, columns: d, elements: observations),
                                rewards: rewards, terminated: terminated, truncated: truncated,
                                finalObservations: finals)
    }

    /// Steps every copy with a discrete action index (N of them).
    public mutating func step(discrete actions: [Int]) throws(EnvironmentError) -> VectorStepResult<Base.Scalar> {
        try step(actions.map { Action.discrete($0) })
    }

    /// Steps every copy with row i of `actions` (N × action dimension) as its continuous action.
    public mutating func step(continuous actions: Matrix<Base.Scalar>) throws(EnvironmentError) -> VectorStepResult<Base.Scalar> {
        precondition(actions.rows == count,
                     "VectorEnvironment.step(continuous:): actions are \(actions.rows) × \(actions.columns) for \(count) copies")
        return try step((0..<count).map { Action(continuous: actions.row($0)) })
    }

    private func batch(_ rows: [[Base.Scalar]]) -> Matrix<Base.Scalar> {
        Matrix(rows: rows.count, columns: observationSpace.dimension, elements: rows.flatMap { $0 })
    }
}

/// What `VectorEnvironment.step` returns: one row or entry per copy.
public struct VectorStepResult<Scalar: NACScalar>: Sendable, Equatable {
    /// N × d: row i is copy i's observation after the step (the first observation of its new
    /// episode when it ended and was auto-reset).
    public var observations: Matrix<Scalar>
    /// The N rewards.
    public var rewards: [Scalar]
    /// Whether each copy's episode terminated in this step.
    public var terminated: [Bool]
    /// Whether each copy's episode was truncated in this step.
    public var truncated: [Bool]
    /// For auto-reset copies whose episode ended in this step, the last observation of that
    /// episode; `nil` elsewhere.
    public var finalObservations: [[Scalar]?]

    /// Whether each copy's episode ended (terminated or truncated) in this step.
    public var done: [Bool] { zip(terminated, truncated).map { $0 || $1 } }
}
