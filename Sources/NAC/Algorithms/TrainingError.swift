/// Why a training run could not start or could not go on: an invalid hyper-parameter or option,
/// a policy that does not fit its environment, an unknown algorithm, a value that became NaN or
/// ±∞ during training, or a failure of a lower layer (environment, policy, natural-gradient
/// solve) wrapped with its own typed error.
///
/// (Named `TrainingError`, not `AlgorithmError`, which the Thomas (2014) learners use for their
/// own hyper-parameters.)
public enum TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A hyper-parameter or option is outside its domain; `requirement` states the domain.
    case invalidHyperparameter(name: String, value: String, requirement: String)
    /// `quantity` (for example "advantages", "value loss", "natural gradient", "policy
    /// parameters") became NaN or ±∞ at this iteration (1-based); nothing was updated with it.
    case nonFinite(quantity: String, iteration: Int)
    /// The policy cannot act in the environment (action kinds or sizes, observation widths).
    case policyEnvironmentMismatch(String)
    /// No learner of that name is registered.
    case unknownAlgorithm(name: String, known: [String])
    /// An option was given that the chosen algorithm does not use.
    case optionNotApplicable(option: String, algorithm: String, reason: String)
    /// The environment refused a step.
    case environment(EnvironmentError)
    /// The policy refused a batch.
    case policy(PolicyError)
    /// The natural-gradient computation failed.
    case naturalGradient(NaturalGradientError)

    public var description: String {
        switch self {
        case .invalidHyperparameter(let name, let value, let requirement):
            "invalid \(name) = \(value): \(requirement)"
        case .nonFinite(let quantity, let iteration):
            "\(quantity) became non-finite (NaN or ±∞) at iteration \(iteration)"
        case .policyEnvironmentMismatch(let s):
            "the policy does not fit the environment: \(s)"
        case .unknownAlgorithm(let name, let known):
            "unknown algorithm '\(name)' (known: \(known.joined(separator: ", ")))"
        case .optionNotApplicable(let option, let algorithm, let reason):
            "\(option) does not apply to \(algorithm): \(reason)"
        case .environment(let e): "environment: \(e)"
        case .policy(let e): "policy: \(e)"
        case .naturalGradient(let e): "natural gradient: \(e)"
        }
    }
}

// MARK: Validation helpers

/// Throws `.invalidHyperparameter` unless `value` is finite and in `range`.
func requireTraining<Scalar: NACScalar>(
    _ name: String, _ value: Scalar, in range: ClosedRange<Scalar>
) throws(TrainingError) {
    guard value.isFinite, range.contains(value) else {
        throw .invalidHyperparameter(name: name, value: "\(value)",
                                     requirement: "must lie in [\(range.lowerBound), \(range.upperBound)]")
    }
}

/// Throws `.invalidHyperparameter` unless `value` is finite and > 0 (≥ 0 with `allowZero`).
func requireTrainingPositive<Scalar: NACScalar>(
    _ name: String, _ value: Scalar, allowZero: Bool = false
) throws(TrainingError) {
    guard value.isFinite, allowZero ? value >= 0 : value > 0 else {
        throw .invalidHyperparameter(name: name, value: "\(value)",
                                     requirement: allowZero ? "must be finite and ≥ 0" : "must be finite and > 0")
    }
}

/// Throws `.invalidHyperparameter` unless `value ≥ minimum`.
func requireTrainingCount(_ name: String, _ value: Int, atLeast minimum: Int = 1) throws(TrainingError) {
    guard value >= minimum else {
        throw .invalidHyperparameter(name: name, value: "\(value)", requirement: "must be at least \(minimum)")
    }
}

/// Throws `.invalidHyperparameter` unless `value` ≤ `maximum`.
func requireTrainingAtMost(_ name: String, _ value: Int, _ maximum: Int) throws(TrainingError) {
    guard value <= maximum else {
        throw .invalidHyperparameter(name: name, value: "\(value)", requirement: "must be at most \(maximum)")
    }
}

/// Throws `.nonFinite(quantity:iteration:)` if `values` holds a NaN or ±∞.
func requireTrainingFinite<Scalar: NACScalar>(
    _ quantity: String, _ values: [Scalar], iteration: Int
) throws(TrainingError) {
    let bad = values.withUnsafeBufferPointer { p -> Int? in
        guard let base = p.baseAddress else { return nil }
        return Scalar.firstNonFinite(base, count: p.count)
    }
    if bad != nil { throw .nonFinite(quantity: quantity, iteration: iteration) }
}
