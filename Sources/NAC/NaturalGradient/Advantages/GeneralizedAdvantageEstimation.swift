/// The outputs of `generalizedAdvantageEstimate(…)`, all of length T.
public struct GeneralizedAdvantageEstimate<Scalar: NACScalar>: Sendable {
    /// The TD errors δ_t = r_t + γ V(s_{t+1}) − V(s_t) (V(s_{t+1}) = 0 at a terminal s_{t+1}).
    public var temporalDifferences: [Scalar]
    /// The GAE(γ, λ) advantages Â_t = Σ_{k ≥ 0} (γλ)^k δ_{t+k}, truncated at the episode's end.
    public var advantages: [Scalar]
    /// The λ-returns G^λ_t = Â_t + V(s_t), the TD(λ) targets of the value function.
    public var lambdaReturns: [Scalar]
}

/// GAE(γ, λ) advantages, TD errors and λ-returns with a value baseline (Schulman et al. 2016,
/// "High-dimensional continuous control using generalized advantage estimation"), over a flat
/// buffer of episodes.
///
///     δ_t = r_t + γ (1 − terminated_t) V(s_{t+1}) − V(s_t)
///     Â_t = δ_t + γλ · [step t + 1 continues the episode] · Â_{t+1}
///     G^λ_t = Â_t + V(s_t)
///
/// `nextValues[t]` is V(s_{t+1}): for a continuing step usually `values[t + 1]`; for a truncated
/// step the value of the final observation (the bootstrap); ignored for a terminated step. λ = 0
/// gives the one-step TD advantage δ_t, λ = 1 the Monte Carlo return minus the baseline
/// (bootstrapped at truncations).
///
/// - Parameters:
///   - rewards: r_t, length T.
///   - values: V(s_t), length T.
///   - nextValues: V(s_{t+1}), length T.
///   - ends: episode boundaries, length T.
///   - discount: γ ∈ [0, 1].
///   - lambda: λ ∈ [0, 1].
/// - Throws: `.invalidHyperparameter` (γ, λ), `.nonFiniteInput` (rewards, values, nextValues;
///   `nextValues` is not checked at terminated steps, where it is ignored).
/// - Precondition: all arrays have length T.
/// - Complexity: O(T).
public func generalizedAdvantageEstimate<Scalar: NACScalar>(
    rewards: [Scalar], values: [Scalar], nextValues: [Scalar], ends: [StepEnd],
    discount: Scalar, lambda: Scalar
) throws(NaturalGradientError) -> GeneralizedAdvantageEstimate<Scalar> {
    let count = rewards.count
    precondition(values.count == count && nextValues.count == count && ends.count == count,
                 "generalizedAdvantageEstimate: \(count) rewards, \(values.count) values, \(nextValues.count) next values, \(ends.count) step ends")
    try requireHyperparameter("discount", discount, in: 0...1)
    try requireHyperparameter("lambda", lambda, in: 0...1)
    try requireFinite("rewards", rewards)
    try requireFinite("values", values)
    guard count > 0 else { return GeneralizedAdvantageEstimate(temporalDifferences: [], advantages: [], lambdaReturns: []) }

    var deltas = rewards
    var coefficients = [Scalar](repeating: 0, count: count)
    let decay = discount * lambda
    for t in 0..<count {
        if ends[t] != .terminated {
            let next = nextValues[t]
            guard next.isFinite else { throw .nonFiniteInput(argument: "nextValues", index: t) }
            deltas[t] += discount * next
        }
        deltas[t] -= values[t]
        if ends[t] == .continuing && t < count - 1 { coefficients[t] = decay }
    }
    var advantages = [Scalar](repeating: 0, count: count)
    deltas.withUnsafeBufferPointer { pd in
        coefficients.withUnsafeBufferPointer { pc in
            advantages.withUnsafeMutableBufferPointer { pa in
                Scalar.reverseRecurrence(pd.baseAddress!, coefficients: pc.baseAddress!, count: count,
                                         into: pa.baseAddress!)
            }
        }
    }
    var lambdaReturns = values
    axpy(1, advantages, &lambdaReturns)
    return GeneralizedAdvantageEstimate(temporalDifferences: deltas, advantages: advantages, lambdaReturns: lambdaReturns)
}
