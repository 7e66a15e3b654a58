/// The kind of MLP policy a registered learner builds for an environment.
public enum PolicyKind: String, Sendable, CaseIterable, CustomStringConvertible {
    /// `CategoricalPolicy` (discrete actions): softmax over MLP logits.
    case categorical
    /// `GaussianPolicy` (continuous actions): MLP mean, state-independent log-std.
    case gaussian
    /// `StateDependentGaussianPolicy` (continuous actions): one MLP for mean and log-std.
    case stateDependentGaussian = "state-dependent-gaussian"

    public var description: String { rawValue }

    /// The natural kind for an action space: categorical for discrete, Gaussian for a box.
    public static func automatic(for actionSpace: Space) -> PolicyKind {
        actionSpace.isDiscrete ? .categorical : .gaussian
    }
}

/// What `nac train` asks of a learner, independent of the algorithm: the environment, the seed,
/// the policy network, and the shared hyper-parameters. `nil` means "the algorithm's default".
/// Each registered learner lists the fields it uses (`LearnerRegistry.Entry.options`);
/// `LearnerRegistry.make` rejects a specification that sets any other.
public struct LearnerSpecification: Sendable, Equatable {
    /// An `EnvironmentRegistry` name.
    public var environment: String
    public var seed: UInt64
    /// nil: `PolicyKind.automatic(for:)`.
    public var policyKind: PolicyKind?
    /// Hidden widths of the policy network; nil: the algorithm's default.
    public var hiddenLayers: [Int]?
    /// γ, GAE λ, batch size (environment steps per iteration), δ (KL trust region).
    public var discount: Double?
    public var gaeLambda: Double?
    public var batchSize: Int?
    public var maximumKL: Double?
    /// Environment copies stepped together.
    public var copies: Int?
    /// Biased (f(t) = 1) or unbiased (f(t) = γ^t) estimators of Thomas (2014); only for learners
    /// whose entry has `usesBias`.
    public var bias: TimeWeighting?

    public init(
        environment: String, seed: UInt64 = 0, policyKind: PolicyKind? = nil, hiddenLayers: [Int]? = nil,
        discount: Double? = nil, gaeLambda: Double? = nil, batchSize: Int? = nil, maximumKL: Double? = nil,
        copies: Int? = nil, bias: TimeWeighting? = nil
    ) {
        self.environment = environment
        self.seed = seed
        self.policyKind = policyKind
        self.hiddenLayers = hiddenLayers
        self.discount = discount
        self.gaeLambda = gaeLambda
        self.batchSize = batchSize
        self.maximumKL = maximumKL
        self.copies = copies
        self.bias = bias
    }

    /// The largest batch size accepted (2³¹ − 1 transitions per iteration), so that the steps per
    /// copy and the batch the copies collect stay far from integer overflow.
    public static let largestBatchSize = Int(Int32.max)
    /// The most environment copies accepted: each is a live environment, and without a batch
    /// size each adds its steps per copy (128 for npg) to every iteration's batch — 8,192 copies
    /// would already collect a million transitions per iteration.
    public static let mostCopies = 4096

    /// Checks the fields that do not depend on the algorithm (ranges of γ, λ, counts, widths).
    /// - Throws: `TrainingError.invalidHyperparameter`.
    public func validate() throws(TrainingError) {
        if let discount { try requireTraining("discount (gamma)", discount, in: 0...1) }
        if let gaeLambda { try requireTraining("lambda", gaeLambda, in: 0...1) }
        if let batchSize {
            try requireTrainingCount("batch size", batchSize)
            try requireTrainingAtMost("batch size", batchSize, Self.largestBatchSize)
        }
        if let copies {
            try requireTrainingCount("copies", copies)
            try requireTrainingAtMost("copies", copies, Self.mostCopies)
        }
        if let maximumKL { try requireTrainingPositive("KL trust region (kl)", maximumKL) }
        if let hiddenLayers {
            for (i, w) in hiddenLayers.enumerated() where w < 1 {
                throw .invalidHyperparameter(name: "hidden layer \(i) width", value: "\(w)", requirement: "must be at least 1")
            }
        }
    }

    /// The environment, with `TrainingError.environment(.unknownEnvironment)` for an unknown name.
    public func makeEnvironment<Scalar: NACScalar>(as _: Scalar.Type = Scalar.self) throws(TrainingError) -> AnyEnvironment<Scalar> {
        do { return try EnvironmentRegistry.make(environment) } catch { throw .environment(error) }
    }

    /// The policy kind to build for `environment`.
    /// - Throws: `.policyEnvironmentMismatch` for a categorical policy on continuous actions or
    ///   a Gaussian one on discrete actions.
    public func resolvedPolicyKind(for actionSpace: Space) throws(TrainingError) -> PolicyKind {
        let kind = policyKind ?? .automatic(for: actionSpace)
        if (kind == .categorical) != actionSpace.isDiscrete {
            throw .policyEnvironmentMismatch("a \(kind) policy cannot act in \(environment) (actions \(actionSpace))")
        }
        return kind
    }
}

/// The learners `nac train --algorithm NAME` can run: a table of name → builder.
///
/// Adding an algorithm is one line in `entries(_:)`: an entry with a name, a summary, whether
/// `--bias` applies, and a builder from the specification.
public enum LearnerRegistry {
    /// One registered learner.
    public struct Entry<Scalar: NACScalar>: Sendable {
        public var name: String
        public var summary: String
        /// The `LearnerSpecification` fields this learner uses; setting another is an error.
        public var options: Set<LearnerOption>
        /// Why the other options do not apply (ends the `optionNotApplicable` message).
        public var otherOptionsReason: String
        public var make: @Sendable (LearnerSpecification) throws -> any Learner<Scalar>

        /// Whether `LearnerSpecification.bias` (biased / unbiased) applies.
        public var usesBias: Bool { options.contains(.bias) }

        public init(name: String, summary: String, options: Set<LearnerOption>, otherOptionsReason: String,
                    make: @escaping @Sendable (LearnerSpecification) throws -> any Learner<Scalar>) {
            self.name = name
            self.summary = summary
            self.options = options
            self.otherOptionsReason = otherOptionsReason
            self.make = make
        }

        /// Throws for the first option `specification` sets that this learner does not use.
        /// - Throws: `TrainingError.optionNotApplicable`, naming the option, the learner and the
        ///   options it does take.
        public func requireApplicable(_ specification: LearnerSpecification) throws(TrainingError) {
            guard let option = specification.givenOptions.first(where: { !options.contains($0) }) else { return }
            let taken = LearnerOption.allCases.filter(options.contains).map(\.description)
            throw .optionNotApplicable(
                option: option.description, algorithm: name,
                reason: "\(otherOptionsReason); it takes \(taken.isEmpty ? "none of the algorithm options" : taken.joined(separator: ", "))")
        }
    }

    /// Every registered learner, in display order.
    public static func entries<Scalar: NACScalar>(_: Scalar.Type = Scalar.self) -> [Entry<Scalar>] {
        [
            Entry(name: "npg", summary: "minibatch natural policy gradient, GAE + MLP baseline, KL trust region",
                  options: naturalPolicyGradientOptions, otherOptionsReason: naturalPolicyGradientReason) {
                try NaturalPolicyGradientFactory.makeLearner(specification: $0, as: Scalar.self)
            },
            Entry(name: "npg-replay",
                  summary: "natural policy gradient from a replay buffer: per-minibatch compatible regression, slower actor",
                  options: naturalPolicyGradientOptions, otherOptionsReason: naturalPolicyGradientReason) {
                try NaturalPolicyGradientFactory.makeReplayLearner(specification: $0, as: Scalar.self)
            },
            thomas(.nacLSTD, "NAC-LSTD (Peters & Schaal 2008), LSTD-Q(λ) compatible critic"),
            thomas(.enac, "episodic NAC (Peters & Schaal 2008): regression of episode returns"),
            thomas(.enac2, "eNAC2 (Thomas 2014, Algorithm 1): batch compatible regression"),
            thomas(.nacS, "NAC-S(λ) (Thomas 2014, Algorithm 2): Sarsa(λ)-style critic"),
            thomas(.inac, "INAC (Degris, Pilarski & Sutton 2012), average reward"),
            thomas(.bhatnagar, "Bhatnagar et al. (2009) Algorithm 3, average reward"),
        ]
    }

    static let naturalPolicyGradientOptions: Set<LearnerOption> = [.policy, .hidden, .gamma, .lambda, .batchSize, .kl, .copies]
    static let naturalPolicyGradientReason =
        "its critic weights every sample by f(t) = 1 and uses GAE advantages, so there is no biased/unbiased choice"

    /// A Thomas (2014) learner with its default linear policy and features for the environment;
    /// the specification's γ (where the algorithm discounts) and bias (where it has the switch)
    /// are passed on; the MLP, batch and trust-region options do not apply.
    static func thomas<Scalar: NACScalar>(_ algorithm: ThomasAlgorithm, _ summary: String) -> Entry<Scalar> {
        var options: Set<LearnerOption> = algorithm.usesDiscount ? [.gamma] : []
        if algorithm.hasBiasSwitch { options.insert(.bias) }
        return Entry(name: algorithm.rawValue, summary: summary, options: options,
              otherOptionsReason: "its policy is linear in the environment's built-in features and it learns from one "
                  + "environment, step by step or episode by episode"
                  + (algorithm.hasBiasSwitch ? "" : ", with no biased/unbiased switch")
                  + (algorithm.usesDiscount ? "" : ", and it is average-reward (no discount γ)")) { specification in
            var configuration = ThomasConfiguration<Scalar>()
            configuration.bias = specification.bias
            if let discount = specification.discount { configuration.discount = Scalar(discount) }
            return try ThomasLearnerFactory.make(algorithm: algorithm.rawValue,
                                                 environment: specification.makeEnvironment(as: Scalar.self),
                                                 configuration: configuration, seed: specification.seed)
        }
    }

    /// The registered names.
    public static var names: [String] { entries(Double.self).map(\.name) }

    /// The entry called `name` (case-insensitive).
    /// - Throws: `.unknownAlgorithm` listing the registered names.
    public static func entry<Scalar: NACScalar>(_ name: String, as _: Scalar.Type = Scalar.self) throws(TrainingError) -> Entry<Scalar> {
        guard let e = entries(Scalar.self).first(where: { $0.name == name.lowercased() }) else {
            throw .unknownAlgorithm(name: name, known: names)
        }
        return e
    }

    /// Builds the learner called `name` for `specification` (validated first).
    /// - Throws: `TrainingError` (`.unknownAlgorithm`, `.invalidHyperparameter`,
    ///   `.optionNotApplicable` for a field the learner does not use, …), or the builder's error.
    public static func make<Scalar: NACScalar>(
        _ name: String, specification: LearnerSpecification, as _: Scalar.Type = Scalar.self
    ) throws -> any Learner<Scalar> {
        let e = try entry(name, as: Scalar.self)
        try specification.validate()
        try e.requireApplicable(specification)
        return try e.make(specification)
    }
}
