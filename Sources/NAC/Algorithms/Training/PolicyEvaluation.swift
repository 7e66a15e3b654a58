/// Runs a saved policy in an environment for whole episodes: stochastic (actions drawn from
/// π(· | s)) or deterministic (the most probable action of a categorical policy, the mean of a
/// Gaussian one). What `nac evaluate` does.
public enum PolicyEvaluation {
    /// The undiscounted returns of `episodes` episodes. Episode k starts with
    /// `environment.reset(seed:)` with the k-th seed derived from `seed`; actions are drawn from
    /// a generator seeded from the same stream.
    /// - Throws: `TrainingError.policyEnvironmentMismatch` when `model` is not a policy or does
    ///   not fit the environment; `.invalidHyperparameter` for `episodes < 1`; `.policy` /
    ///   `.environment` for a refused batch or step.
    public static func returns<Scalar: NACScalar, E: Environment>(
        of model: SavedModel<Scalar>, in environment: E, episodes: Int, seed: UInt64, deterministic: Bool,
        maximumSteps: Int = 100_000
    ) throws(TrainingError) -> [Double] where E.Scalar == Scalar {
        try requireTrainingCount("episodes", episodes)
        guard let policy = model.policy else {
            throw .policyEnvironmentMismatch("the model is a \(model.kindName), not a policy")
        }
        try checkCompatibility(policy: policy, environment: environment)
        var env = environment
        var seeds = Xoshiro256StarStar(seed: seed)
        var generator = Xoshiro256StarStar(seed: seeds.childSeed())
        var result: [Double] = []
        for _ in 0..<episodes {
            var observation = env.reset(seed: seeds.childSeed())
            var total = 0.0
            for _ in 0..<maximumSteps {
                let s = Matrix(row: observation)
                let action: Action
                do {
                    action = try Self.action(of: model, policy: policy, observation: s, deterministic: deterministic,
                                             generator: &generator)
                } catch { throw .policy(error) }
                let step: StepResult<Scalar>
                do { step = try env.step(action) } catch { throw .environment(error) }
                total += Double(step.reward)
                observation = step.observation
                if step.isDone { break }
            }
            result.append(total)
        }
        return result
    }

    static func action<Scalar: NACScalar>(
        of model: SavedModel<Scalar>, policy: any Policy<Scalar>, observation s: Matrix<Scalar>, deterministic: Bool,
        generator: inout Xoshiro256StarStar
    ) throws(PolicyError) -> Action {
        if !deterministic {
            switch try policy.sample(observations: s, using: &generator) {
            case .discrete(let i): return .discrete(i[0])
            case .continuous(let m): return Action(continuous: m.row(0))
            }
        }
        func argmax(_ m: Matrix<Scalar>) -> Action {
            let row = m.row(0)
            return .discrete(row.indices.max { row[$0] < row[$1] }!)
        }
        switch model {
        case .categoricalPolicy(let p): return argmax(try p.logits(observations: s))
        case .linearSoftmaxPolicy(let p): return argmax(try p.logits(observations: s))
        case .gaussianPolicy(let p): return Action(continuous: try p.means(observations: s).row(0))
        case .linearGaussianPolicy(let p): return Action(continuous: try p.means(observations: s).row(0))
        case .stateDependentGaussianPolicy(let p): return Action(continuous: try p.distribution(observations: s).means.row(0))
        case .linearValueFunction, .mlpValueFunction:
            preconditionFailure("PolicyEvaluation: not a policy")
        }
    }
}
