/// Builds the natural-policy-gradient learners from a `LearnerSpecification` (what
/// `LearnerRegistry`'s `npg` and `npg-replay` entries call): the environment by name, an MLP
/// policy of the requested kind (output layer scaled by 0.01 so the initial policy is close to
/// uniform / zero-mean; Gaussian log-std 0), and the configuration with the specification's
/// overrides applied to the defaults.
public enum NaturalPolicyGradientFactory {
    /// Hidden widths of the policy network when the specification gives none.
    public static let defaultHiddenLayers = [32]

    /// The default configuration with the specification's γ, λ, δ, copies and batch size
    /// (T = ⌈batch size / N⌉ steps per copy) and seed.
    public static func configuration<Scalar: NACScalar>(
        for specification: LearnerSpecification, base: NaturalPolicyGradientConfiguration<Scalar> = .init()
    ) -> NaturalPolicyGradientConfiguration<Scalar> {
        var c = base
        c.seed = specification.seed
        if let g = specification.discount { c.discount = Scalar(g) }
        if let l = specification.gaeLambda { c.gaeLambda = Scalar(l) }
        if let k = specification.maximumKL { c.maximumKL = Scalar(k) }
        if let n = specification.copies { c.copies = n }
        if let b = specification.batchSize { c.stepsPerCopy = max(1, (b - 1) / c.copies + 1) }
        return c
    }

    /// `NaturalPolicyGradient` for the specification, as a `SpecializedLearner` (compiled for
    /// `Float` and `Double`).
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public static func makeLearner<Scalar: NACScalar>(
        specification: LearnerSpecification, as _: Scalar.Type = Scalar.self
    ) throws(TrainingError) -> any Learner<Scalar> {
        try specification.validate()
        let env: AnyEnvironment<Scalar> = try specification.makeEnvironment()
        let c: NaturalPolicyGradientConfiguration<Scalar> = configuration(for: specification)
        switch try specification.resolvedPolicyKind(for: env.actionSpace) {
        case .categorical:
            return SpecializedLearner(try NaturalPolicyGradient(policy: categorical(specification, env), environment: env, configuration: c))
        case .gaussian:
            return SpecializedLearner(try NaturalPolicyGradient(policy: gaussian(specification, env), environment: env, configuration: c))
        case .stateDependentGaussian:
            return SpecializedLearner(try NaturalPolicyGradient(policy: stateDependentGaussian(specification, env), environment: env,
                                                                configuration: c))
        }
    }

    /// `NaturalPolicyGradient` for the specification, with the environments (and the value
    /// baseline) seeded from `environmentSeed` instead of the specification's seed — the policy
    /// still starts from the specification's seed — and with `reduction` for data-parallel
    /// training: every participant builds the same initial θ and steps its own environments.
    /// A `SpecializedLearner` (compiled for `Float` and `Double`).
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public static func makeDataParallelLearner<Scalar: NACScalar>(
        specification: LearnerSpecification, environmentSeed: UInt64,
        reduction: any NaturalGradientReduction<Scalar>
    ) throws(TrainingError) -> any Learner<Scalar> {
        try specification.validate()
        let env: AnyEnvironment<Scalar> = try specification.makeEnvironment()
        var c: NaturalPolicyGradientConfiguration<Scalar> = configuration(for: specification)
        c.seed = environmentSeed
        func make<P: Policy & PersistableModel>(_ policy: P) throws(TrainingError) -> any Learner<Scalar> where P.Scalar == Scalar {
            var learner = try NaturalPolicyGradient(policy: policy, environment: env, configuration: c)
            learner.reduction = reduction
            return SpecializedLearner(learner)
        }
        switch try specification.resolvedPolicyKind(for: env.actionSpace) {
        case .categorical: return try make(categorical(specification, env))
        case .gaussian: return try make(gaussian(specification, env))
        case .stateDependentGaussian: return try make(stateDependentGaussian(specification, env))
        }
    }

    /// `ReplayNaturalPolicyGradient` for the specification (the batch size sets the steps
    /// collected per iteration; the buffer, 8192 transitions by default, grows to hold at least
    /// one iteration's batch). A `SpecializedLearner` (compiled for `Float` and `Double`).
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public static func makeReplayLearner<Scalar: NACScalar>(
        specification: LearnerSpecification, as _: Scalar.Type = Scalar.self
    ) throws(TrainingError) -> any Learner<Scalar> {
        try specification.validate()
        let env: AnyEnvironment<Scalar> = try specification.makeEnvironment()
        var c = ReplayNaturalPolicyGradientConfiguration<Scalar>()
        c.base = configuration(for: specification, base: c.base)
        c.bufferCapacity = Swift.max(c.bufferCapacity, c.base.batchSize)
        switch try specification.resolvedPolicyKind(for: env.actionSpace) {
        case .categorical:
            return SpecializedLearner(try ReplayNaturalPolicyGradient(policy: categorical(specification, env), environment: env,
                                                                      configuration: c))
        case .gaussian:
            return SpecializedLearner(try ReplayNaturalPolicyGradient(policy: gaussian(specification, env), environment: env,
                                                                      configuration: c))
        case .stateDependentGaussian:
            return SpecializedLearner(try ReplayNaturalPolicyGradient(policy: stateDependentGaussian(specification, env),
                                                                      environment: env, configuration: c))
        }
    }

    static var policyInitialization: MLPInitialization { MLPInitialization(outputLayerScale: 0.01) }

    static func policySeed(_ s: LearnerSpecification) -> UInt64 {
        var g = Xoshiro256StarStar(seed: s.seed ^ 0x9E37_79B9_7F4A_7C15)
        return g.childSeed()
    }

    static func categorical<Scalar: NACScalar>(_ s: LearnerSpecification, _ env: AnyEnvironment<Scalar>) -> CategoricalPolicy<Scalar> {
        CategoricalPolicy(observationDimension: env.observationDimension, hiddenLayers: s.hiddenLayers ?? defaultHiddenLayers,
                          actionCount: env.actionSpace.count ?? 1, seed: policySeed(s), initialization: policyInitialization)
    }

    static func gaussian<Scalar: NACScalar>(_ s: LearnerSpecification, _ env: AnyEnvironment<Scalar>) -> GaussianPolicy<Scalar> {
        GaussianPolicy(observationDimension: env.observationDimension, hiddenLayers: s.hiddenLayers ?? defaultHiddenLayers,
                       actionDimension: env.actionSpace.dimension, seed: policySeed(s), initialization: policyInitialization)
    }

    static func stateDependentGaussian<Scalar: NACScalar>(
        _ s: LearnerSpecification, _ env: AnyEnvironment<Scalar>
    ) -> StateDependentGaussianPolicy<Scalar> {
        StateDependentGaussianPolicy(observationDimension: env.observationDimension,
                                     hiddenLayers: s.hiddenLayers ?? defaultHiddenLayers,
                                     actionDimension: env.actionSpace.dimension, seed: policySeed(s))
    }
}
