/// Discounted returns-to-go G_t = Σ_{u ≥ t} γ^{u−t} r_u over a flat buffer of episodes, scanned
/// in reverse.
///
/// Within an episode G_t = r_t + γ G_{t+1}; at its last step
///
/// - `.terminated`: G_t = r_t (the terminal state is worth 0);
/// - `.truncated`: G_t = r_t + γ V(s_{t+1}) with V(s_{t+1}) = `bootstrapValues[t]`;
/// - `.continuing` on the buffer's last step: also bootstrapped from `bootstrapValues[t]`.
///
/// ```swift
/// // a 3-step episode truncated with V(s_3) = 5, then a 2-step episode that terminates
/// let g = try discountedReturns(rewards: [1, 1, 1, 2, 2],
///                               ends: [.continuing, .continuing, .truncated, .continuing, .terminated],
///                               discount: 0.9, bootstrapValues: [0, 0, 5, 0, 0])
/// // g = [6.355, 5.95, 5.5, 3.8, 2]
/// ```
///
/// Pass `bootstrapValues: nil` when no step needs a bootstrap. Where one is needed and none is
/// given, `truncatedBootstrapDefault` is used if set (0 cuts the return at the truncation, as in
/// Thomas's Algorithm 1: G_t = Σ_{u=t}^{T} γ^{u−t} r_u); otherwise `.missingBootstrapValue` is
/// thrown.
///
/// - Parameters:
///   - rewards: r_t, length T.
///   - ends: how each step relates to the next (length T).
///   - discount: γ ∈ [0, 1].
///   - bootstrapValues: V(s_{t+1}) for every step (length T; only read at truncated steps and at
///     a continuing last step), or `nil`.
///   - truncatedBootstrapDefault: the value used for V(s_{t+1}) where a bootstrap is needed and
///     `bootstrapValues` is `nil` (pass 0 to cut returns at the truncation).
/// - Throws: `.invalidHyperparameter` (γ), `.nonFiniteInput` (rewards, bootstrap values),
///   `.missingBootstrapValue(step:)`.
/// - Precondition: all arrays have length T.
/// - Complexity: O(T).
public func discountedReturns<Scalar: NACScalar>(
    rewards: [Scalar], ends: [StepEnd], discount: Scalar, bootstrapValues: [Scalar]? = nil,
    truncatedBootstrapDefault: Scalar? = nil
) throws(NaturalGradientError) -> [Scalar] {
    let count = rewards.count
    precondition(ends.count == count, "discountedReturns: \(count) rewards but \(ends.count) step ends")
    if let bootstrapValues {
        precondition(bootstrapValues.count == count,
                     "discountedReturns: \(count) rewards but \(bootstrapValues.count) bootstrap values")
    }
    try requireHyperparameter("discount", discount, in: 0...1)
    try requireFinite("rewards", rewards)
    if let truncatedBootstrapDefault { try requireFinite("truncatedBootstrapDefault", [truncatedBootstrapDefault]) }
    guard count > 0 else { return [] }

    // x_t = r_t + γ · bootstrap_t (where needed), c_t = γ when step t + 1 continues the episode.
    var x = rewards
    var coefficients = [Scalar](repeating: 0, count: count)
    for t in 0..<count {
        let needsBootstrap = ends[t] == .truncated || (ends[t] == .continuing && t == count - 1)
        if ends[t] == .continuing && t < count - 1 { coefficients[t] = discount }
        guard needsBootstrap else { continue }
        let value: Scalar
        if let bootstrapValues {
            value = bootstrapValues[t]
            guard value.isFinite else { throw .nonFiniteInput(argument: "bootstrapValues", index: t) }
        } else if let truncatedBootstrapDefault {
            value = truncatedBootstrapDefault
        } else {
            throw .missingBootstrapValue(step: t)
        }
        x[t] += discount * value
    }
    var returns = [Scalar](repeating: 0, count: count)
    x.withUnsafeBufferPointer { px in
        coefficients.withUnsafeBufferPointer { pc in
            returns.withUnsafeMutableBufferPointer { pr in
                Scalar.reverseRecurrence(px.baseAddress!, coefficients: pc.baseAddress!, count: count,
                                         into: pr.baseAddress!)
            }
        }
    }
    return returns
}
