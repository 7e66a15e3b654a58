/// A step-size schedule η_τ (actor) or α_t (critic), indexed by a counter τ ≥ 0 (spec §2.0:
/// "{η_τ}"; Algorithm 2 indexes the critic steps by t − τ₁).
///
/// ```swift
/// let eta = StepSizeSchedule<Double>.decaying(initial: 0.1, halfLife: 100, power: 1)
/// eta.value(at: 0)     // 0.1
/// eta.value(at: 100)   // 0.05
/// ```
public enum StepSizeSchedule<Scalar: NACScalar>: Sendable, Equatable {
    /// η_τ = η for every τ.
    case constant(Scalar)
    /// η_τ = η₀ / (1 + τ/τ₀)^p: a Robbins–Monro schedule for 1/2 < p ≤ 1 (Σ η = ∞, Σ η² < ∞).
    /// τ₀ is the counter at which the step has fallen by 2^p.
    case decaying(initial: Scalar, halfLife: Scalar, power: Scalar)

    /// η_τ.
    public func value(at counter: Int) -> Scalar {
        switch self {
        case .constant(let eta): return eta
        case .decaying(let eta0, let tau0, let p):
            return eta0 / Scalar.pow(1 + Scalar(counter) / tau0, p)
        }
    }

    /// Throws `.invalidHyperparameter` naming `name` unless η (or η₀) > 0, τ₀ > 0 and p ∈ [0, 2],
    /// all finite.
    public func validate(_ name: String) throws(AlgorithmError) {
        switch self {
        case .constant(let eta):
            try checkPositive(name, eta)
        case .decaying(let eta0, let tau0, let p):
            try checkPositive(name, eta0)
            try checkPositive("\(name).halfLife", tau0)
            try checkHyperparameter("\(name).power", p, in: 0...2)
        }
    }
}

extension StepSizeSchedule: CustomStringConvertible {
    public var description: String {
        switch self {
        case .constant(let eta): "\(eta)"
        case .decaying(let eta0, let tau0, let p): "\(eta0)/(1+τ/\(tau0))^\(p)"
        }
    }
}
