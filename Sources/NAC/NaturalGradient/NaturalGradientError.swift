/// A failure of a natural-gradient computation that the caller can cause or react to: invalid
/// data (non-finite scores, advantages or weights, negative weights), invalid hyper-parameters
/// (negative damping, a discount outside [0, 1], …) and numerical failures (a Fisher or kernel
/// matrix that is not numerically positive definite, non-positive curvature in conjugate
/// gradient, …).
///
/// Shape mismatches between arguments are programmer errors and trap with a `precondition`
/// naming both shapes instead. Numbers are reported as `Double` whatever the scalar type, so the
/// enum stays non-generic and `Equatable`. Indices are 0-based.
///
/// The automatic solver `FisherSystem.solve(options:)` catches the numerical cases it can recover
/// from and reports what it did in `FisherSolveDiagnostics.fallbacks`; the single-route solvers
/// throw them.
public enum NaturalGradientError: Error, Equatable, Sendable, CustomStringConvertible {
    // MARK: Invalid data

    /// The batch has no samples (B = 0) or the system has no parameters.
    case emptyBatch
    /// The score ψ_b[p] (row `sample`, column `parameter` of Ψ) is NaN or ±∞.
    case nonFiniteScore(sample: Int, parameter: Int)
    /// The advantage Â_b of this sample is NaN or ±∞.
    case nonFiniteAdvantage(sample: Int)
    /// The weight ω_b of this sample is NaN or ±∞.
    case nonFiniteWeight(sample: Int)
    /// The weight ω_b of this sample is negative.
    case negativeWeight(sample: Int, value: Double)
    /// All weights are zero: Σ_b ω_b = 0, so the weighted means F and g are undefined.
    case zeroTotalWeight
    /// Another input vector (`argument` names it: rewards, values, features, the gradient, …) has
    /// a NaN or ±∞ at `index`.
    case nonFiniteInput(argument: String, index: Int)
    /// Step `step` needs a bootstrap value V(s_{t+1}) (a truncated episode, or the last step of
    /// an unfinished one) but none was supplied.
    case missingBootstrapValue(step: Int)

    // MARK: Invalid hyper-parameters

    /// The damping λ is negative or not finite.
    case invalidDamping(Double)
    /// A hyper-parameter is outside its domain; `requirement` states the domain.
    case invalidHyperparameter(name: String, value: Double, requirement: String)

    // MARK: Numerical failures

    /// Cholesky (`potrf`) failed on the route's symmetric matrix (F for `.explicitFisher`, the
    /// B × B kernel for `.kernel`): the leading minor of this order (1-based) is not positive, so
    /// the matrix is not numerically positive definite (typically λ = 0 with a rank-deficient Ψ).
    case notPositiveDefinite(route: FisherSolveRoute, order: Int)
    /// The Cholesky factorisation succeeded but LAPACK's condition estimate (`pocon`) says the
    /// matrix is numerically singular: 1/κ₁ is below the accepted minimum.
    case illConditioned(route: FisherSolveRoute, reciprocalCondition: Double)
    /// QR least squares (`gels`) met an exactly zero diagonal element `column` (1-based) of the
    /// triangular factor: the weighted score matrix does not have full rank (use SVD or damping).
    case rankDeficient(route: FisherSolveRoute, column: Int)
    /// An SVD or eigen-decomposition did not converge (LAPACK `info`).
    case noConvergence(routine: String, count: Int)
    /// Conjugate gradient met a search direction with pᵀFp ≤ 0 at this iteration (1-based): the
    /// operator is not positive definite.
    case nonPositiveCurvature(iteration: Int, curvature: Double)
    /// The Fisher-vector product returned a NaN or ±∞ (at `index`) at this CG iteration (0 for the
    /// initial residual).
    case nonFiniteFisherVectorProduct(iteration: Int, index: Int)
    /// The route produced a non-finite natural gradient (overflow in an extremely
    /// ill-conditioned solve). NAC never returns NaN weights silently.
    case nonFiniteSolution(route: FisherSolveRoute)
    /// LSTD-Q's statistics matrix A (or A + ridge · I) is exactly singular in QR column `column`
    /// (1-based); solve by least squares (pseudo-inverse) instead.
    case singularCriticStatistics(column: Int)
    /// The Sherman–Morrison inverse was requested but is not available: it was not enabled, or an
    /// update had a denominator 1 + dᵀA⁻¹z too close to zero (`denominator`), after which the
    /// tracked inverse is no longer trustworthy.
    case trackedInverseUnavailable(denominator: Double?)
    /// An iterative critic's weights would have become NaN or ±∞ at this update (step sizes too
    /// large for the feature scale); the update was not applied.
    case criticDiverged(update: Int)
    /// The computation has no per-sample scores (its engine error says why: an operation mixes
    /// samples, or the output is not one number per sample), which this route needs; conjugate
    /// gradient on the tape's Fisher-vector products still applies.
    case perSampleScoresUnavailable(DifferentiationError)

    public var description: String {
        switch self {
        case .emptyBatch:
            "empty batch: the score matrix has no rows or no columns"
        case .nonFiniteScore(let b, let p):
            "score matrix has a non-finite entry at sample \(b), parameter \(p)"
        case .nonFiniteAdvantage(let b):
            "advantage of sample \(b) is not finite"
        case .nonFiniteWeight(let b):
            "weight of sample \(b) is not finite"
        case .negativeWeight(let b, let value):
            "weight of sample \(b) is negative (\(value))"
        case .zeroTotalWeight:
            "all sample weights are zero"
        case .nonFiniteInput(let argument, let index):
            "\(argument) has a non-finite element at index \(index)"
        case .missingBootstrapValue(let step):
            "step \(step) ends a truncated or unfinished episode but no bootstrap value was given"
        case .invalidDamping(let value):
            "damping must be finite and ≥ 0, got \(value)"
        case .invalidHyperparameter(let name, let value, let requirement):
            "\(name) = \(value) is invalid: \(requirement)"
        case .notPositiveDefinite(let route, let order):
            "\(route): matrix is not positive definite (leading minor of order \(order))"
        case .illConditioned(let route, let rcond):
            "\(route): matrix is numerically singular (reciprocal condition estimate \(rcond))"
        case .rankDeficient(let route, let column):
            "\(route): weighted score matrix is rank deficient (zero pivot in column \(column))"
        case .noConvergence(let routine, let count):
            "\(routine) did not converge (\(count) elements did not converge)"
        case .nonPositiveCurvature(let iteration, let curvature):
            "conjugate gradient: non-positive curvature pᵀFp = \(curvature) at iteration \(iteration)"
        case .nonFiniteFisherVectorProduct(let iteration, let index):
            "conjugate gradient: Fisher-vector product is not finite at index \(index) (iteration \(iteration))"
        case .nonFiniteSolution(let route):
            "\(route): the natural gradient is not finite"
        case .perSampleScoresUnavailable(let error):
            "no per-sample scores for this computation (\(error)); use naturalGradientByConjugateGradient"
        case .singularCriticStatistics(let column):
            "LSTD-Q statistics matrix is singular (zero pivot in column \(column))"
        case .trackedInverseUnavailable(let denominator):
            if let denominator {
                "Sherman–Morrison inverse broke down (denominator \(denominator))"
            } else {
                "Sherman–Morrison inverse tracking is not enabled"
            }
        case .criticDiverged(let update):
            "critic weights became non-finite at update \(update) (step sizes too large?)"
        }
    }
}

/// Throws `invalidHyperparameter` unless `value` is finite and in `range`.
func requireHyperparameter<Scalar: NACScalar>(
    _ name: String, _ value: Scalar, in range: ClosedRange<Scalar>
) throws(NaturalGradientError) {
    guard value.isFinite, range.contains(value) else {
        throw .invalidHyperparameter(
            name: name, value: Double(value),
            requirement: "must lie in [\(range.lowerBound), \(range.upperBound)]")
    }
}

/// Throws `invalidHyperparameter` unless `value` is finite and > 0 (or ≥ 0 when `allowZero`).
func requirePositive<Scalar: NACScalar>(
    _ name: String, _ value: Scalar, allowZero: Bool = false
) throws(NaturalGradientError) {
    guard value.isFinite, allowZero ? value >= 0 : value > 0 else {
        throw .invalidHyperparameter(
            name: name, value: Double(value),
            requirement: allowZero ? "must be finite and ≥ 0" : "must be finite and > 0")
    }
}

/// Throws `nonFiniteInput` naming `argument` if `x` has a NaN or ±∞.
func requireFinite<Scalar: NACScalar>(_ argument: String, _ x: [Scalar]) throws(NaturalGradientError) {
    let index = x.withUnsafeBufferPointer { p -> Int? in
        guard let base = p.baseAddress else { return nil }
        return Scalar.firstNonFinite(base, count: p.count)
    }
    if let index { throw .nonFiniteInput(argument: argument, index: index) }
}
