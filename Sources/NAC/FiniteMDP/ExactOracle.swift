/// Exact, model-based quantities of a stochastic policy on a `FiniteMDP` (spec §2.8): the
/// references the sampled estimators are tested against.
///
/// For a policy π given as an S × A matrix of probabilities (row s is π(· | s)):
///
///     P_π[s, s'] = Σ_a π(a|s) P[s·A + a, s']        R_π[s] = Σ_a π(a|s) R[s, a]
///     V = (I − γ P̃_π)⁻¹ R_π                         Q = R + γ P V   (S × A)
///     J = d0ᵀ V
///
/// where P̃_π is P_π with the rows of terminal states set to zero (terminal states are absorbing
/// with zero reward, so V and Q vanish there; zeroing their rows makes the system non-singular
/// also for γ = 1 when termination is certain).
///
/// The distributions (`visitation`, `discountedStateDistribution`, `stationaryDistribution`),
/// the average-reward objects (`differentialValues`) and the gradients (`policyGradient`,
/// `naturalGradient`) are computed on demand; see their documentation for exactly what each
/// returns.
///
/// ```swift
/// let policy = FiniteSoftmaxPolicy<Double>.tabular(stateCount: 5, actionCount: 2)
/// let oracle = try ExactOracle(mdp: mdp, policy: policy.probabilities(theta))
/// let unbiased = try oracle.naturalGradient(scores: policy.scores(theta), weighting: .discounted)
/// let biased = try oracle.naturalGradient(scores: policy.scores(theta), weighting: .undiscounted)
/// ```
///
/// All solves use LAPACK (QR for the non-symmetric systems, Cholesky or SVD for the Fisher
/// matrix); use `Double` for reference values.
/// - Complexity: initialisation O(S³ + S²A).
public struct ExactOracle<Scalar: NACScalar>: Sendable {
    /// The MDP.
    public let mdp: FiniteMDP<Scalar>
    /// π, S × A.
    public let policy: Matrix<Scalar>
    /// P_π, S × S (rows of terminal states are their absorbing self-loops).
    public let stateTransitions: Matrix<Scalar>
    /// R_π (S).
    public let stateRewards: [Scalar]
    /// V^π (S); 0 at terminal states.
    public let stateValues: [Scalar]
    /// Q^π, S × A; 0 at terminal states.
    public let actionValues: Matrix<Scalar>

    /// J(θ) = d0ᵀ V = E[Σ_t γ^t r_t].
    public var objective: Scalar { dot(mdp.initialDistribution, stateValues) }

    /// Evaluates `policy` (S × A, rows probability vectors) on `mdp`.
    /// - Throws: `FiniteMDPError` for a bad policy (shape, non-finite, negative, rows not
    ///   summing to 1 within `tolerance`); `.terminationNotCertain` when γ = 1 and some
    ///   non-terminal state cannot reach a terminal state under π.
    public init(
        mdp: FiniteMDP<Scalar>, policy: Matrix<Scalar>, tolerance: Scalar = Scalar.ulpOfOne.squareRoot()
    ) throws(FiniteMDPError) {
        let s = mdp.stateCount, a = mdp.actionCount
        guard policy.rows == s, policy.columns == a else {
            throw .wrongSize(argument: "policy", expected: "\(s) × \(a)", actual: "\(policy.rows) × \(policy.columns)")
        }
        for state in 0..<s {
            try FiniteMDP<Scalar>.checkDistribution(policy.elements[(state * a)..<((state + 1) * a)],
                                                    argument: "policy", index: [state], tolerance: tolerance)
        }
        self.mdp = mdp
        self.policy = policy
        var pPi = Matrix<Scalar>.zeros(rows: s, columns: s)
        var rPi = [Scalar](repeating: 0, count: s)
        for state in 0..<s {
            for action in 0..<a {
                let p = policy.elements[state * a + action]
                guard p != 0 else { continue }
                rPi[state] += p * mdp.rewards.elements[state * a + action]
                let row = (state * a + action) * s
                for next in 0..<s { pPi.elements[state * s + next] += p * mdp.transitionProbabilities.elements[row + next] }
            }
        }
        stateTransitions = pPi
        stateRewards = rPi
        if mdp.discount == 1 { try Self.requireCertainTermination(mdp: mdp, stateTransitions: pPi) }
        let v = try Self.solve(Self.killedSystem(mdp: mdp, stateTransitions: pPi, discount: mdp.discount), rPi)
        stateValues = v
        // Q = R + γ P V.
        let pv = mdp.transitionProbabilities.multiplied(by: v)
        var q = mdp.rewards
        for k in 0..<(s * a) { q.elements[k] += mdp.discount * pv[k] }
        actionValues = q
    }

    /// I − κ P̃_π, with P̃_π = P_π with the rows of terminal states zeroed.
    static func killedSystem(mdp: FiniteMDP<Scalar>, stateTransitions pPi: Matrix<Scalar>, discount: Scalar) -> Matrix<Scalar> {
        let s = mdp.stateCount
        var m = Matrix<Scalar>.identity(s)
        for state in 0..<s where !mdp.isTerminal[state] {
            for next in 0..<s { m.elements[state * s + next] -= discount * pPi.elements[state * s + next] }
        }
        return m
    }

    /// Throws `.terminationNotCertain(state:)` for the first non-terminal state from which no
    /// terminal state is reachable through positive-probability transitions of P_π.
    static func requireCertainTermination(mdp: FiniteMDP<Scalar>, stateTransitions pPi: Matrix<Scalar>) throws(FiniteMDPError) {
        let s = mdp.stateCount
        var reaches = mdp.isTerminal
        var changed = true
        while changed {
            changed = false
            for state in 0..<s where !reaches[state] {
                for next in 0..<s where reaches[next] && pPi.elements[state * s + next] > 0 {
                    reaches[state] = true
                    changed = true
                    break
                }
            }
        }
        if let bad = reaches.firstIndex(of: false) { throw .terminationNotCertain(state: bad) }
    }

    /// Solves the square non-singular system m x = b by QR.
    static func solve(_ m: Matrix<Scalar>, _ b: [Scalar]) throws(FiniteMDPError) -> [Scalar] {
        do throws(LinearAlgebraError) {
            return try m.leastSquares(Matrix(column: b)).elements
        } catch {
            throw .linearAlgebra(error)
        }
    }
}
