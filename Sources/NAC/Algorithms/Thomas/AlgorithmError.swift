/// A failure of a natural actor-critic algorithm (spec/thomas2014.md §2) that the caller can
/// cause or react to: an invalid hyper-parameter (named, with its value and the domain it must
/// lie in), a policy that does not fit the environment, an unknown algorithm name, or a
/// numerical failure during training (a non-finite natural-gradient estimate w or policy
/// parameter θ — training never continues silently with NaN).
///
/// Errors of the lower layers are wrapped with their own descriptions (`critic`, `policy`,
/// `environment`).
public enum AlgorithmError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A hyper-parameter outside its domain; `requirement` states the domain.
    case invalidHyperparameter(name: String, value: Double, requirement: String)
    /// γ = 1 with an environment whose episodes are not guaranteed to end (spec §1.1: γ = 1 is
    /// allowed only for episodic tasks).
    case undiscountedContinuingTask(environment: String)
    /// An option the algorithm does not have (for example `bias` for Peters & Schaal's eNAC,
    /// whose weighting is fixed at γ^{2t}).
    case unsupportedOption(algorithm: String, option: String)
    /// `ThomasLearnerFactory.make` with a name it does not know.
    case unknownAlgorithm(name: String, known: [String])
    /// The policy does not fit the environment (observation width, action kind or count), or
    /// the trainable parameter indices are out of range.
    case incompatiblePolicy(reason: String)
    /// A quantity (`"w"`, `"theta"`, `"average reward"`, …) became NaN or ±∞ at this actor
    /// update or step (1-based); the learner's state is left as it was before the update.
    case nonFinite(quantity: String, step: Int)
    /// The compatible-feature critic failed.
    case critic(NaturalGradientError)
    /// The policy could not evaluate the data.
    case policy(PolicyError)
    /// The environment refused a step.
    case environment(EnvironmentError)

    public var description: String {
        switch self {
        case .invalidHyperparameter(let name, let value, let requirement):
            "invalid hyper-parameter \(name) = \(value): must be \(requirement)"
        case .undiscountedContinuingTask(let environment):
            "discount γ = 1 needs an episodic task, but episodes of \(environment) are not guaranteed to end (set a time limit or γ < 1)"
        case .unsupportedOption(let algorithm, let option):
            "\(algorithm) has no option \(option)"
        case .unknownAlgorithm(let name, let known):
            "unknown algorithm \"\(name)\"; known algorithms: \(known.joined(separator: ", "))"
        case .incompatiblePolicy(let reason):
            "the policy does not fit the environment: \(reason)"
        case .nonFinite(let quantity, let step):
            "\(quantity) became non-finite at update \(step)"
        case .critic(let error):
            "critic: \(error)"
        case .policy(let error):
            "policy: \(error)"
        case .environment(let error):
            "environment: \(error)"
        }
    }
}

/// Throws `.invalidHyperparameter` unless `value` is finite and in `range`.
func checkHyperparameter<Scalar: NACScalar>(
    _ name: String, _ value: Scalar, in range: ClosedRange<Scalar>
) throws(AlgorithmError) {
    guard value.isFinite, range.contains(value) else {
        throw .invalidHyperparameter(name: name, value: Double(value),
                                     requirement: "in [\(range.lowerBound), \(range.upperBound)]")
    }
}

/// Throws `.invalidHyperparameter` unless `value` is finite and > 0.
func checkPositive<Scalar: NACScalar>(_ name: String, _ value: Scalar) throws(AlgorithmError) {
    guard value.isFinite, value > 0 else {
        throw .invalidHyperparameter(name: name, value: Double(value), requirement: "finite and > 0")
    }
}

/// Throws `.invalidHyperparameter` unless `value` ≥ `minimum`.
func checkCount(_ name: String, _ value: Int, atLeast minimum: Int) throws(AlgorithmError) {
    guard value >= minimum else {
        throw .invalidHyperparameter(name: name, value: Double(value), requirement: "an integer ≥ \(minimum)")
    }
}
