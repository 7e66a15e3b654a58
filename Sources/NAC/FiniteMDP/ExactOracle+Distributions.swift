extension ExactOracle {
    /// The discounted expected visit counts ν_κ(s) = Σ_{t≥0} κ^t Pr(s_t = s), for s₀ ~ d0 and
    /// actions from π, **unnormalised**: ν_κᵀ = d0ᵀ (I − κ P̃_π)⁻¹.
    ///
    /// Episodes stop at their terminal state: a terminal state is counted once, at the step the
    /// episode enters it, and the implicit post-terminal absorbing state is not counted. So for a
    /// continuing MDP Σ_s ν_κ(s) = 1/(1 − κ); for an episodic one
    /// (1 − κ) Σ_s ν_κ(s) + κ Σ_{terminal t} ν_κ(t) = 1 (the second term is the mass that has
    /// moved on to the absorbing state).
    ///
    /// κ = γ gives the weighting of the true natural gradient (spec eq. (1)); κ = 1 the
    /// undiscounted on-policy visitation Σ_t Pr(s_t = s) that running π samples (spec §1.2, the
    /// root of the bias), defined only for episodic MDPs with certain termination; κ = γ² the
    /// weighting of Peters & Schaal's eNAC (spec §1.4).
    /// - Throws: `.invalidDiscount` for κ outside [0, 1] or κ = 1 without terminal states;
    ///   `.terminationNotCertain` for κ = 1 when some state cannot reach a terminal state.
    /// - Complexity: O(S³).
    public func visitation(discount kappa: Scalar) throws(FiniteMDPError) -> [Scalar] {
        guard kappa.isFinite, kappa >= 0, kappa < 1 || (kappa == 1 && mdp.isEpisodic) else {
            throw .invalidDiscount(Double(kappa))
        }
        if kappa == 1 { try Self.requireCertainTermination(mdp: mdp, stateTransitions: stateTransitions) }
        let system = Self.killedSystem(mdp: mdp, stateTransitions: stateTransitions, discount: kappa)
        return try Self.solve(system.transposed(), mdp.initialDistribution)
    }

    /// The undiscounted on-policy visitation Σ_t Pr(s_t = s) of an episodic MDP: `visitation(discount: 1)`.
    public func undiscountedVisitation() throws(FiniteMDPError) -> [Scalar] {
        try visitation(discount: 1)
    }

    /// The discounted state distribution of spec §1.2.
    ///
    /// - γ < 1: the normalised d_γ(s) = (1 − γ) Σ_t γ^t Pr(s_t = s) = (1 − γ) ν_γ(s). It sums to
    ///   1 for a continuing MDP; for an episodic one it sums to 1 − γ Σ_{terminal t} ν_γ(t), the
    ///   rest being the post-terminal absorbing state's mass (see `visitation(discount:)`).
    /// - γ = 1 (episodic): the unnormalised expected visit counts ν₁(s) = Σ_t Pr(s_t = s), the
    ///   (1 − γ) = 0 factor dropped as spec §1.2 infers.
    public func discountedStateDistribution() throws(FiniteMDPError) -> [Scalar] {
        let gamma = mdp.discount
        let nu = try visitation(discount: gamma)
        return gamma == 1 ? nu : nu.map { (1 - gamma) * $0 }
    }

    /// The stationary distribution d̄ of P_π (d̄ᵀ P_π = d̄ᵀ, Σ d̄ = 1) of a continuing MDP
    /// (spec §1.6), from the least-squares solution of [(I − P_π)ᵀ; 1ᵀ] d = [0; 1] by SVD.
    /// - Throws: `.notContinuing` for an episodic MDP; `.stationaryDistributionNotUnique` when the
    ///   system is rank deficient (several closed classes).
    /// - Complexity: O(S³).
    public func stationaryDistribution() throws(FiniteMDPError) -> [Scalar] {
        guard !mdp.isEpisodic else { throw .notContinuing }
        let s = mdp.stateCount
        var m = Matrix<Scalar>.zeros(rows: s + 1, columns: s)
        for i in 0..<s {
            for j in 0..<s {
                // Row i of (I − P_π)ᵀ: entry (i, j) = δ_ij − P_π[j, i].
                m.elements[i * s + j] = (i == j ? 1 : 0) - stateTransitions.elements[j * s + i]
            }
            m.elements[s * s + i] = 1
        }
        var b = [Scalar](repeating: 0, count: s + 1)
        b[s] = 1
        let solution: LeastSquaresSolution<Scalar>
        do throws(LinearAlgebraError) {
            solution = try m.leastSquaresSVD(Matrix(column: b))
        } catch {
            throw .linearAlgebra(error)
        }
        guard solution.rank == s else { throw .stationaryDistributionNotUnique(rank: solution.rank) }
        return solution.solution.elements
    }

    /// The average reward J̄ = d̄ᵀ R_π = lim (1/n) Σ_t E[r_t] of a continuing MDP.
    public func averageReward() throws(FiniteMDPError) -> Scalar {
        dot(try stationaryDistribution(), stateRewards)
    }

    /// The average-reward objects of spec §1.6 and §2.8 for a continuing MDP.
    public struct DifferentialValues: Sendable {
        /// d̄, the stationary distribution.
        public var stationaryDistribution: [Scalar]
        /// J̄ = d̄ᵀ R_π.
        public var averageReward: Scalar
        /// h (S): (I − P_π) h = R_π − J̄ 1 with d̄ᵀ h = 0, i.e. h(s) = Σ_t E[r_t − J̄ | s₀ = s].
        public var stateValues: [Scalar]
        /// Q̄ = R − J̄ + P h (S × A): Q̄(s, a) = Σ_t E[r_t − J̄ | s₀ = s, a₀ = a].
        public var actionValues: Matrix<Scalar>
    }

    /// J̄, the differential state values h and the differential action values Q̄.
    /// - Throws: as `stationaryDistribution()`.
    /// - Complexity: O(S³ + S²A).
    public func differentialValues() throws(FiniteMDPError) -> DifferentialValues {
        let dBar = try stationaryDistribution()
        let jBar = dot(dBar, stateRewards)
        let s = mdp.stateCount, a = mdp.actionCount
        var m = Matrix<Scalar>.zeros(rows: s + 1, columns: s)
        for i in 0..<s {
            for j in 0..<s { m.elements[i * s + j] = (i == j ? 1 : 0) - stateTransitions.elements[i * s + j] }
            m.elements[s * s + i] = dBar[i]
        }
        let b = stateRewards.map { $0 - jBar } + [0]
        let h: [Scalar]
        do throws(LinearAlgebraError) {
            h = try m.leastSquares(Matrix(column: b)).elements
        } catch {
            throw .linearAlgebra(error)
        }
        let ph = mdp.transitionProbabilities.multiplied(by: h)
        var qBar = mdp.rewards
        for k in 0..<(s * a) { qBar.elements[k] += ph[k] - jBar }
        return DifferentialValues(stationaryDistribution: dBar, averageReward: jBar, stateValues: h, actionValues: qBar)
    }
}
