/// What every algorithm in this folder shares: the environment, the policy, the action
/// generator, the baseline features φ and the trainable slice of θ; it samples actions,
/// computes scores ψ_θ through the engine, steps the environment and keeps episode statistics.
struct ThomasAgent<E: Environment, P: Policy & PersistableModel>: Sendable where P.Scalar == E.Scalar {
    typealias Scalar = E.Scalar
    var environment: E
    var policy: P
    var generator: Xoshiro256StarStar
    let features: BaselineFeatures<Scalar>
    /// Indices of θ the actor moves (all by default), in order: ψ_θ has these components.
    let trainable: [Int]
    let seed: UInt64
    private var started = false
    /// Environment steps since construction.
    var totalSteps = 0

    init(environment: E, policy: P, features: BaselineFeatures<Scalar>, trainable: [Int]?, seed: UInt64,
         algorithm: ThomasAlgorithm, discount: Scalar) throws(AlgorithmError) {
        guard policy.observationDimension == environment.observationDimension else {
            throw .incompatiblePolicy(reason: "the policy reads \(policy.observationDimension) observations, \(environment.name) has \(environment.observationDimension)")
        }
        switch (policy.actionSpace, environment.actionSpace) {
        case (.discrete(let a), .discrete(let b)) where a == b: break
        case (.continuous(let a), .box(let lower, _)) where a == lower.count: break
        default:
            throw .incompatiblePolicy(reason: "the policy has \(policy.actionSpace), \(environment.name) has actions \(environment.actionSpace)")
        }
        let indices = trainable ?? Array(0..<policy.parameterCount)
        if let bad = indices.first(where: { $0 < 0 || $0 >= policy.parameterCount }) {
            throw .incompatiblePolicy(reason: "trainable parameter index \(bad) is outside 0..<\(policy.parameterCount)")
        }
        if algorithm.isDiscounted && discount == 1 && !ThomasLearnerFactory.isEpisodic(environment) {
            throw .undiscountedContinuingTask(environment: environment.name)
        }
        self.environment = environment
        self.policy = policy
        self.features = features
        self.trainable = indices
        self.seed = seed
        var seeder = Xoshiro256StarStar(seed: seed)
        generator = Xoshiro256StarStar(seed: seeder.childSeed())
    }

    /// n, the length of ψ_θ and w.
    var parameterCount: Int { trainable.count }

    /// Starts an episode: the first reset is seeded, the rest continue the environment's stream.
    mutating func reset() -> [Scalar] {
        if started { return environment.reset() }
        started = true
        var seeder = Xoshiro256StarStar(seed: seed)
        _ = seeder.childSeed()
        return environment.reset(seed: seeder.childSeed())
    }

    /// a ~ π(· | s) as a 1-row batch and as an environment action.
    mutating func sample(_ observation: [Scalar]) throws(AlgorithmError) -> (Actions<Scalar>, Action) {
        let actions: Actions<Scalar>
        do throws(PolicyError) {
            actions = try policy.sample(observations: Matrix(row: observation), using: &generator)
        } catch {
            throw .policy(error)
        }
        switch actions {
        case .discrete(let i): return (actions, .discrete(i[0]))
        case .continuous(let m): return (actions, Action(continuous: m.elements))
        }
    }

    /// One environment step.
    mutating func step(_ action: Action) throws(AlgorithmError) -> StepResult<Scalar> {
        do throws(EnvironmentError) {
            let result = try environment.step(action)
            totalSteps += 1
            return result
        } catch {
            throw .environment(error)
        }
    }

    /// The scores ψ_θ (restricted to the trainable indices) of a batch, one row per sample,
    /// from one engine call.
    func scores(observations: Matrix<Scalar>, actions: Actions<Scalar>) throws(AlgorithmError) -> Matrix<Scalar> {
        let psi: Matrix<Scalar>
        do throws(PolicyError) {
            psi = try policy.scores(observations: observations, actions: actions)
        } catch {
            throw .policy(error)
        }
        if trainable.count == policy.parameterCount && trainable == Array(0..<policy.parameterCount) { return psi }
        let p = policy.parameterCount
        var out = [Scalar]()
        out.reserveCapacity(psi.rows * trainable.count)
        for r in 0..<psi.rows { for j in trainable { out.append(psi.elements[r * p + j]) } }
        return Matrix(rows: psi.rows, columns: trainable.count, elements: out)
    }

    /// ψ_θ(s, a) of one step.
    func score(_ observation: [Scalar], _ actions: Actions<Scalar>) throws(AlgorithmError) -> [Scalar] {
        try scores(observations: Matrix(row: observation), actions: actions).elements
    }

    /// θ ← θ + η w (through `actor`), written back to the policy.
    mutating func update(_ actor: inout Actor<Scalar>, along w: [Scalar]) throws(AlgorithmError) {
        var theta = policy.parameters
        try actor.apply(w, to: &theta, trainable: trainable)
        policy.parameters = theta
    }

    /// How a step ends, for the critics.
    static func end(of result: StepResult<Scalar>) -> StepEnd {
        result.terminated ? .terminated : (result.truncated ? .truncated : .continuing)
    }
}

/// The critic's latest estimate, exposed by every learner for tests and diagnostics.
public struct NaturalGradientEstimate<Scalar: NACScalar>: Sendable, Equatable {
    /// w, the natural-gradient estimate (over the trainable parameters).
    public var w: [Scalar]
    /// v, the baseline weights.
    public var v: [Scalar]
}

func wrapCritic<T>(_ body: () throws(NaturalGradientError) -> T) throws(AlgorithmError) -> T {
    do throws(NaturalGradientError) {
        return try body()
    } catch {
        throw .critic(error)
    }
}
