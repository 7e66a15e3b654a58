import Foundation

/// Builds the natural actor-critics of `ThomasAlgorithm` by name, for `nac train`:
///
/// ```swift
/// var env: AnyEnvironment<Double> = try EnvironmentRegistry.make("cartpole")
/// var configuration = ThomasConfiguration<Double>()
/// configuration.bias = .unbiased
/// var learner = try ThomasLearnerFactory.make(algorithm: "nac-s", environment: env,
///                                             configuration: configuration, seed: 0)
/// let iteration = try learner.iterate()       // one episode
/// ```
///
/// **Default policies and features** (`defaultPolicy(for:)`, `defaultFeatureMap(for:)`), chosen
/// so that every algorithm — including NAC-LSTD, whose statistics are N × N with N = n + m and
/// which re-solves often — stays cheap, and so that the policies are the linear-in-features
/// ones the natural actor-critic literature (and Thomas's Figure 1) uses:
///
/// | environment | policy | features (policy and baseline) |
/// |---|---|---|
/// | finite MDPs (`chain`, `random-mdp`: one-hot observations) | `LinearSoftmaxPolicy` | the one-hot observation itself (tabular) |
/// | `drifting-target` | `LinearGaussianPolicy`, mean θ, σ = 0.1 fixed (only θ is trained) | constant 1 |
/// | other discrete actions (`cartpole`, `acrobot`, `mountaincar`) | `LinearSoftmaxPolicy` | Fourier basis of the normalised observation |
/// | other continuous actions (`pendulum`, `lqr`, `mountaincar-continuous`) | `LinearGaussianPolicy`, σ = 1 initially | Fourier basis of the normalised observation |
///
/// The Fourier order is the largest n with (n + 1)^d ≤ 64 (at least 1): CartPole (d = 4) gets
/// order 1, 16 features, 32 policy parameters. Observations are normalised by the observation
/// box; unbounded components use a per-environment range (CartPole: velocity ±3, angular
/// velocity ±3.5) or ±5. The linear softmax over a fixed basis is preferred to the MLP
/// `CategoricalPolicy` because the compatible critics are then well conditioned and the
/// whole natural gradient stays cheap; pass any `Policy & PersistableModel` to the generic
/// `make` to use another.
public enum ThomasLearnerFactory {
    /// The algorithm names, as `--algorithm` takes them.
    public static var algorithmNames: [String] { ThomasAlgorithm.allCases.map(\.rawValue) }

    /// The algorithm called `name` (case-insensitive).
    /// - Throws: `.unknownAlgorithm` listing the known names.
    public static func algorithm(named name: String) throws(AlgorithmError) -> ThomasAlgorithm {
        guard let a = ThomasAlgorithm(rawValue: name.lowercased()) else {
            throw .unknownAlgorithm(name: name, known: algorithmNames)
        }
        return a
    }

    /// A learner for `algorithm` with the given policy and baseline features (`nil`: a
    /// constant baseline; eNAC has its own constant column and ignores them), wrapped in a
    /// `SpecializedLearner` (compiled for `E` and `P` where this is called with concrete types).
    /// - Throws: `AlgorithmError` (unknown name, invalid hyper-parameter, policy mismatch).
    public static func make<E: Environment, P: Policy & PersistableModel>(
        algorithm: String, environment: E, policy: P, features: BaselineFeatures<E.Scalar>? = nil,
        configuration: ThomasConfiguration<E.Scalar> = .init(), seed: UInt64 = 0
    ) throws(AlgorithmError) -> any Learner<E.Scalar> where P.Scalar == E.Scalar {
        let phi = features ?? .constant
        switch try Self.algorithm(named: algorithm) {
        case .nacLSTD:
            return SpecializedLearner(try NACLSTD(
                environment: environment, policy: policy, features: phi, configuration: configuration, seed: seed))
        case .enac:
            return SpecializedLearner(try EpisodicNAC(
                environment: environment, policy: policy, configuration: configuration, seed: seed))
        case .enac2:
            return SpecializedLearner(try ENAC2(
                environment: environment, policy: policy, features: phi, configuration: configuration, seed: seed))
        case .nacS:
            return SpecializedLearner(try NACS(
                environment: environment, policy: policy, features: phi, configuration: configuration, seed: seed))
        case .inac:
            return SpecializedLearner(try INAC(
                environment: environment, policy: policy, features: phi, configuration: configuration, seed: seed))
        case .bhatnagar:
            return SpecializedLearner(try BhatnagarNAC(
                environment: environment, policy: policy, features: phi, configuration: configuration, seed: seed))
        }
    }

    /// A learner for `algorithm` with the default policy and baseline features for the
    /// environment (see the type's overview). For `drifting-target` the configuration's
    /// `trainableParameters` defaults to the mean only. Compiled for `AnyEnvironment<Float>`
    /// and `AnyEnvironment<Double>` (what `nac train` passes), so that its learners are.
    @_specialize(where E == AnyEnvironment<Double>) @_specialize(where E == AnyEnvironment<Float>)
    public static func make<E: Environment>(
        algorithm: String, environment: E, configuration: ThomasConfiguration<E.Scalar> = .init(), seed: UInt64 = 0
    ) throws(AlgorithmError) -> any Learner<E.Scalar> {
        let map = defaultFeatureMap(for: environment)
        var configuration = configuration
        if configuration.trainableParameters == nil, isDriftingTarget(environment) {
            configuration.trainableParameters = [0]
        }
        switch defaultPolicy(for: environment) {
        case .softmax(let policy):
            return try make(algorithm: algorithm, environment: environment, policy: policy, features: .map(map),
                            configuration: configuration, seed: seed)
        case .gaussian(let policy):
            return try make(algorithm: algorithm, environment: environment, policy: policy, features: .map(map),
                            configuration: configuration, seed: seed)
        }
    }

    /// The default policy of an environment.
    public enum DefaultPolicy<Scalar: NACScalar>: Sendable {
        case softmax(LinearSoftmaxPolicy<Scalar>)
        case gaussian(LinearGaussianPolicy<Scalar>)
    }

    /// The default policy (θ = 0) for `environment`; see the type's overview.
    public static func defaultPolicy<E: Environment>(for environment: E) -> DefaultPolicy<E.Scalar> {
        let map = defaultFeatureMap(for: environment)
        switch environment.actionSpace {
        case .discrete(let count):
            return .softmax(LinearSoftmaxPolicy(features: map, actionCount: count))
        case .box(let lower, _):
            let logStd: E.Scalar = isDriftingTarget(environment) ? E.Scalar.log(0.1) : 0
            return .gaussian(LinearGaussianPolicy(features: map, actionDimension: lower.count,
                                                  initialLogStandardDeviation: logStd))
        }
    }

    /// The default feature map for `environment`; see the type's overview.
    public static func defaultFeatureMap<E: Environment>(for environment: E) -> AnyFeatureMap<E.Scalar> {
        let d = environment.observationDimension
        if isDriftingTarget(environment) { return .polynomial(PolynomialBasis(inputDimension: 1, degree: 0)) }
        if unwrapped(environment) is FiniteMDP<E.Scalar> { return .identity(IdentityFeatures(inputDimension: d)) }
        var order = 1
        while pow(Double(order + 2), Double(d)) <= 64 { order += 1 }
        let (lower, upper) = normalisationBox(for: environment)
        return .fourier(FourierBasis(order: order, lower: lower.map { E.Scalar($0) }, upper: upper.map { E.Scalar($0) }))
    }

    /// The box the default features normalise observations by.
    public static func normalisationBox<E: Environment>(for environment: E) -> (lower: [Double], upper: [Double]) {
        guard case .box(var lower, var upper) = environment.observationSpace else {
            let d = environment.observationDimension
            return (Array(repeating: -5, count: d), Array(repeating: 5, count: d))
        }
        if environment.name == "cartpole" && lower.count == 4 {
            return ([-2.4, -3, -0.21, -3.5], [2.4, 3, 0.21, 3.5])
        }
        for i in lower.indices {
            if !lower[i].isFinite { lower[i] = -5 }
            if !upper[i].isFinite { upper[i] = 5 }
            if upper[i] <= lower[i] { upper[i] = lower[i] + 1 }
        }
        return (lower, upper)
    }

    /// Whether every episode of `environment` is guaranteed to end (a time limit, a built-in
    /// always-terminating task, or a finite MDP with terminal states): the condition for γ = 1.
    public static func isEpisodic<E: Environment>(_ environment: E) -> Bool {
        if environment.timeLimit != nil { return true }
        let inner = unwrapped(environment)
        if inner is DriftingTarget<E.Scalar> { return true }
        if let mdp = inner as? FiniteMDP<E.Scalar> { return mdp.isEpisodic }
        return false
    }

    static func isDriftingTarget<E: Environment>(_ environment: E) -> Bool {
        unwrapped(environment) is DriftingTarget<E.Scalar>
    }

    static func unwrapped<E: Environment>(_ environment: E) -> any Environment<E.Scalar> {
        (environment as? AnyEnvironment<E.Scalar>)?.base ?? environment
    }
}
