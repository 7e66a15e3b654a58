/// The batch compatible-feature critic (spec §2.4, Thomas's Algorithm 1 lines 4–6): weighted
/// least squares of returns or advantages on [ψ_θ ; φ].
///
///     min_{w, v}  Σ_t f_t (ψ_tᵀ w + φ_tᵀ v − y_t)² / Σ_t f_t  +  ridge · (‖w‖² + ‖v‖²)
///
/// With ridge = 0 the solution satisfies the weighted normal equations
/// Xᵀ diag(f) X ϖ = Xᵀ diag(f) y, X = [Ψ  Φ] (T × (n + m)), ϖ = [w ; v]; with SVD (the default)
/// a rank-deficient X (e.g. a constant baseline feature that Σ_a π ψ = 0 makes nearly collinear
/// in small samples) gives the minimum-norm solution, as Thomas's "use lstsq/pinv" asks.
///
/// It is `FisherSystem.solveLeastSquares` on the augmented score matrix X with targets y and
/// weights f, so the same stacked QR/SVD machinery (and its cost) applies.
public enum CompatibleLeastSquaresCritic {
    /// Fits [w ; v] to targets.
    ///
    /// - Parameters:
    ///   - scores: Ψ, T × n (row t is ψ_θ(s_t, a_t)).
    ///   - baselineFeatures: Φ, T × m (row t is φ(s_t)); m may be 0.
    ///   - targets: y_t, length T: discounted returns G_t (Algorithm 1) or advantages.
    ///   - weights: f_t ≥ 0, length T (`TimeWeighting.weights(ends:discount:)`), `nil` = all 1.
    ///   - ridge: ≥ 0, relative to the weighted mean as above.
    ///   - method: `.svd()` (default) or `.qr`.
    /// - Throws: as `FisherSystem.init` and `solveLeastSquares` (`.nonFiniteScore` names the
    ///   column of X: baseline features start at column n).
    /// - Precondition: all inputs have T rows.
    /// - Complexity: that of `FisherSystem.solveLeastSquares` with P = n + m, plus one copy of X.
    public static func fit<Scalar: NACScalar>(
        scores: Matrix<Scalar>, baselineFeatures: Matrix<Scalar>, targets: [Scalar],
        weights: [Scalar]? = nil, ridge: Scalar = 0, method: LeastSquaresMethod<Scalar> = .svd()
    ) throws(NaturalGradientError) -> CompatibleCriticSolution<Scalar> {
        precondition(scores.rows == baselineFeatures.rows,
                     "CompatibleLeastSquaresCritic: scores are \(scores.rows) × \(scores.columns) but baseline features are \(baselineFeatures.rows) × \(baselineFeatures.columns)")
        let n = scores.columns
        let x = baselineFeatures.columns == 0 ? scores : Matrix.concatenatingColumns([scores, baselineFeatures])
        let system = try FisherSystem(scores: x, advantages: targets, weights: weights, damping: ridge)
        let solution = try system.solveLeastSquares(method)
        let varpi = solution.w
        return CompatibleCriticSolution(
            w: Array(varpi[0..<n]), v: Array(varpi[n...]),
            relativeResidual: solution.diagnostics.relativeResidual, effectiveRank: solution.diagnostics.effectiveRank)
    }

    /// Fits [w ; v] to the discounted returns-to-go of a flat buffer of episodes (Thomas's
    /// Algorithm 1 statistics for a batch): y_t = G_t = Σ_{u=t}^{T_e} γ^{u−t} r_u within each
    /// episode — cut, not bootstrapped, at truncations and at an unfinished last step — and
    /// f_t from `timeWeighting` with t counted from each episode's start.
    ///
    /// - Throws: as `fit(scores:…)`, plus `.invalidHyperparameter` for γ ∉ [0, 1] and
    ///   `.nonFiniteInput` for rewards.
    /// - Precondition: all transitions have the same score and feature lengths; at least one.
    public static func fit<Scalar: NACScalar>(
        transitions: [CompatibleTransition<Scalar>], discount: Scalar, timeWeighting: TimeWeighting,
        ridge: Scalar = 0, method: LeastSquaresMethod<Scalar> = .svd()
    ) throws(NaturalGradientError) -> CompatibleCriticSolution<Scalar> {
        precondition(!transitions.isEmpty, "CompatibleLeastSquaresCritic: no transitions")
        let n = transitions[0].score.count, m = transitions[0].features.count
        for (t, transition) in transitions.enumerated() {
            precondition(transition.score.count == n && transition.features.count == m,
                         "CompatibleLeastSquaresCritic: transition \(t) has \(transition.score.count) scores and \(transition.features.count) features, transition 0 has \(n) and \(m)")
        }
        let ends = transitions.map(\.end)
        let returns = try discountedReturns(
            rewards: transitions.map(\.reward), ends: ends, discount: discount, truncatedBootstrapDefault: 0)
        let weights: [Scalar] = timeWeighting.weights(ends: ends, discount: discount)
        let scores = Matrix(rows: transitions.count, columns: n, elements: transitions.flatMap(\.score))
        let features = Matrix(rows: transitions.count, columns: m, elements: transitions.flatMap(\.features))
        return try fit(scores: scores, baselineFeatures: features, targets: returns,
                       weights: timeWeighting == .biased ? nil : weights, ridge: ridge, method: method)
    }
}
