extension ExactOracle {
    /// How states are weighted in the compatible regression that defines a natural gradient
    /// (spec §1.3–§1.4).
    public enum StateWeighting: Sendable, Equatable {
        /// ν_γ(s) = Σ_t γ^t Pr(s_t = s): the true natural gradient of J (spec eq. (1)), the
        /// expectation of the unbiased estimators (f(t) = γ^t).
        case discounted
        /// ν₁(s) = Σ_t Pr(s_t = s) (episodic MDPs): the expectation of the biased estimators
        /// (f(t) = 1).
        case undiscounted
        /// ν_κ for any κ ∈ [0, 1], e.g. κ = γ² for Peters & Schaal's eNAC (spec §1.4).
        case visitation(discount: Scalar)
        /// d̄, the stationary distribution (continuing MDPs): the biased estimators' weighting in
        /// the continuing case (spec eqs. (6), (7)).
        case stationary
        /// Caller-supplied non-negative weights (S).
        case custom([Scalar])
    }

    /// Which action values enter the regression target Q_x.
    public enum ActionValueKind: Sendable, Equatable {
        /// The discounted Q^π.
        case discounted
        /// The differential Q̄^π of the average-reward setting (continuing MDPs).
        case differential
    }

    /// How the Fisher system G w = g is solved.
    public enum FisherSolve: Sendable, Equatable {
        /// Cholesky (`potrf`/`potrs`); a singular or numerically singular G (reciprocal condition
        /// number below n·ε) throws `.singularFisher`.
        case cholesky
        /// The minimum-norm least-squares solution by SVD (the pseudo-inverse G⁺ g): for
        /// over-parameterised policies such as the full tabular softmax, whose Fisher matrix is
        /// singular because Σ_a π ψ = 0 in every state.
        case pseudoInverse
    }

    /// The per-state weights of a weighting (S). Terminal states keep their visit counts here;
    /// `naturalGradient` ignores them.
    /// - Throws: as `visitation(discount:)` and `stationaryDistribution()`.
    public func stateWeights(_ weighting: StateWeighting) throws(FiniteMDPError) -> [Scalar] {
        switch weighting {
        case .discounted: return try visitation(discount: mdp.discount)
        case .undiscounted: return try visitation(discount: 1)
        case .visitation(let kappa): return try visitation(discount: kappa)
        case .stationary: return try stationaryDistribution()
        case .custom(let weights):
            precondition(weights.count == mdp.stateCount,
                         "ExactOracle: \(weights.count) custom weights for \(mdp.stateCount) states")
            return weights
        }
    }

    /// The vanilla policy gradient by the policy-gradient theorem (Sutton et al. 2000):
    ///
    ///     ∇J(θ) = Σ_s ν_γ(s) Σ_a π(a|s) ψ(s, a) Q(s, a),
    ///
    /// with ν_γ the **unnormalised** discounted visitation (`visitation(discount: γ)`), so that
    /// this is exactly the derivative of `objective` (J = d0ᵀV) with respect to θ.
    /// - Parameter scores: ψ, (S·A) × n; row s·A + a is ∇_θ log π(a | s).
    /// - Complexity: O(S³ + S·A·n).
    public func policyGradient(scores: Matrix<Scalar>) throws(FiniteMDPError) -> [Scalar] {
        let nu = try visitation(discount: mdp.discount)
        return Self.weightedScoreSum(policy: policy, scores: scores, stateWeights: nu, actionValues: actionValues)
    }

    /// The natural gradient under a state weighting (spec §2.8):
    ///
    ///     G = Σ_s weight(s) Σ_a π ψψᵀ,   g = Σ_s weight(s) Σ_a π ψ Q_x,   w = G⁻¹ g.
    ///
    /// Terminal states get weight 0 (no decision is taken there: spec §1.1 gives them a single
    /// action, so ψ = 0). With `.discounted` weights, g = ∇J (`policyGradient`) and w is the
    /// natural gradient of J; the (1 − γ) normalisation of d_γ would cancel between G and g.
    /// - Parameters:
    ///   - scores: ψ, (S·A) × n.
    ///   - weighting: the state weights.
    ///   - actionValues: Q (default) or Q̄ (continuing MDPs only).
    ///   - solve: Cholesky (default) or the pseudo-inverse.
    /// - Throws: as `stateWeights(_:)` and `differentialValues()`; `.singularFisher`.
    /// - Complexity: O(S³ + S·A·n² + n³).
    public func naturalGradient(
        scores: Matrix<Scalar>, weighting: StateWeighting, actionValues kind: ActionValueKind = .discounted,
        solve: FisherSolve = .cholesky
    ) throws(FiniteMDPError) -> ExactNaturalGradient<Scalar> {
        var weights = try stateWeights(weighting)
        for s in 0..<mdp.stateCount where mdp.isTerminal[s] { weights[s] = 0 }
        let q = kind == .discounted ? actionValues : try differentialValues().actionValues
        return try Self.naturalGradient(policy: policy, scores: scores, stateWeights: weights, actionValues: q,
                                        solve: solve)
    }

    /// The natural gradient from explicit inputs: w = [Σ_s weight(s) Σ_a π ψψᵀ]⁻¹ Σ_s weight(s) Σ_a π ψ Q_x.
    /// - Parameters:
    ///   - policy: π, S × A.
    ///   - scores: ψ, (S·A) × n.
    ///   - stateWeights: non-negative weights (S).
    ///   - actionValues: Q_x, S × A.
    ///   - solve: Cholesky or the pseudo-inverse.
    /// - Throws: `.singularFisher` (Cholesky) or `.linearAlgebra` (SVD failure).
    public static func naturalGradient(
        policy: Matrix<Scalar>, scores: Matrix<Scalar>, stateWeights: [Scalar], actionValues: Matrix<Scalar>,
        solve: FisherSolve = .cholesky
    ) throws(FiniteMDPError) -> ExactNaturalGradient<Scalar> {
        let s = policy.rows, a = policy.columns, n = scores.columns
        precondition(scores.rows == s * a, "ExactOracle: ψ has \(scores.rows) rows, expected S·A = \(s * a)")
        precondition(stateWeights.count == s, "ExactOracle: \(stateWeights.count) state weights for \(s) states")
        precondition(actionValues.rows == s && actionValues.columns == a,
                     "ExactOracle: Q is \(actionValues.rows) × \(actionValues.columns), π is \(s) × \(a)")
        for (state, w) in stateWeights.enumerated() {
            precondition(w >= 0 && w.isFinite, "ExactOracle: state weight \(w) of state \(state) is negative or not finite")
        }
        // G = MᵀM with row (s, a) of M equal to √(weight(s) π(a|s)) ψ(s, a).
        var m = scores
        for state in 0..<s {
            for action in 0..<a {
                let c = (stateWeights[state] * policy.elements[state * a + action]).squareRoot()
                let base = (state * a + action) * n
                for k in 0..<n { m.elements[base + k] *= c }
            }
        }
        let fisher = m.gram()
        let g = weightedScoreSum(policy: policy, scores: scores, stateWeights: stateWeights, actionValues: actionValues)
        let w: [Scalar]
        switch solve {
        case .cholesky:
            let factor: CholeskyFactorization<Scalar>
            do throws(LinearAlgebraError) {
                factor = try fisher.cholesky()
            } catch {
                if case .notPositiveDefinite(let order) = error { throw .singularFisher(order: order) }
                throw .linearAlgebra(error)
            }
            if factor.reciprocalConditionEstimate < Scalar(Swift.max(n, 1)) * Scalar.ulpOfOne {
                throw .singularFisher(order: n)
            }
            w = factor.solve(g)
        case .pseudoInverse:
            do throws(LinearAlgebraError) {
                w = try fisher.leastSquaresSVD(Matrix(column: g)).solution.elements
            } catch {
                throw .linearAlgebra(error)
            }
        }
        return ExactNaturalGradient(naturalGradient: w, fisher: fisher, gradient: g, stateWeights: stateWeights)
    }

    /// Σ_s weight(s) Σ_a π(a|s) ψ(s, a) Q(s, a) = ψᵀ c with c[s·A + a] = weight(s) π(a|s) Q(s, a).
    static func weightedScoreSum(
        policy: Matrix<Scalar>, scores: Matrix<Scalar>, stateWeights: [Scalar], actionValues: Matrix<Scalar>
    ) -> [Scalar] {
        let s = policy.rows, a = policy.columns
        precondition(scores.rows == s * a, "ExactOracle: ψ has \(scores.rows) rows, expected S·A = \(s * a)")
        var c = [Scalar](repeating: 0, count: s * a)
        for state in 0..<s {
            for action in 0..<a {
                let k = state * a + action
                c[k] = stateWeights[state] * policy.elements[k] * actionValues.elements[k]
            }
        }
        return scores.multiplied(by: c, .transposed)
    }
}

/// An exact natural gradient and the system it solves (from `ExactOracle.naturalGradient`).
public struct ExactNaturalGradient<Scalar: NACScalar>: Sendable {
    /// w = G⁻¹ g (n), or G⁺ g with the pseudo-inverse solve.
    public var naturalGradient: [Scalar]
    /// G = Σ_s weight(s) Σ_a π ψψᵀ (n × n), the weighted Fisher matrix.
    public var fisher: Matrix<Scalar>
    /// g = Σ_s weight(s) Σ_a π ψ Q_x (n).
    public var gradient: [Scalar]
    /// The state weights used (S), terminal states zeroed.
    public var stateWeights: [Scalar]
}
