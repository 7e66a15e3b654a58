/// The time weighting f(t) of Thomas (2014) §2.0: the switch between the biased and unbiased
/// natural actor-critics.
///
/// t is the step index inside the current episode, starting at 0. Used as the per-sample weight
/// ω_b of a `FisherSystem` or compatible regression, f(t) = γ^t makes the estimate the natural
/// gradient of the discounted objective J(θ); f(t) = 1 weights states by their undiscounted
/// visitation (spec §1.4).
public enum TimeWeighting: Sendable, Equatable, Hashable {
    /// f(t) = 1: the biased estimators (Peters & Schaal's NAC-LSTD, INAC, …).
    case biased
    /// f(t) = γ^t: Thomas's unbiased estimators.
    case unbiased

    /// f(t) for step t of an episode.
    /// - Complexity: O(log t).
    public func weight<Scalar: NACScalar>(atStep t: Int, discount: Scalar) -> Scalar {
        precondition(t >= 0, "TimeWeighting.weight: negative step \(t)")
        switch self {
        case .biased: return 1
        case .unbiased: return Scalar.pow(discount, t)
        }
    }

    /// f(t) for every step of a flat buffer of episodes: t restarts at 0 after every step whose
    /// `end` finishes an episode.
    /// - Complexity: O(T).
    public func weights<Scalar: NACScalar>(ends: [StepEnd], discount: Scalar) -> [Scalar] {
        var result = [Scalar](repeating: 1, count: ends.count)
        guard self == .unbiased else { return result }
        var current: Scalar = 1
        for (t, end) in ends.enumerated() {
            result[t] = current
            current = end.endsEpisode ? 1 : current * discount
        }
        return result
    }
}
