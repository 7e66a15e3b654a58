/// A softmax (Gibbs) policy over a finite MDP with linear action preferences, for tests and
/// for exact natural-gradient references:
///
///     π(a | s) = exp(θᵀφ(s, a)) / Σ_b exp(θᵀφ(s, b)),
///     ψ(s, a) = ∇_θ log π(a | s) = φ(s, a) − Σ_b π(b | s) φ(s, b).
///
/// The feature tensor φ is an (S·A) × n matrix whose row s·A + a is φ(s, a); θ has n
/// components. `tabular` gives one parameter per (s, a) (no sharing across states, the
/// setting of spec §1.4's tabular corollary); any other feature matrix may share parameters
/// across states.
///
/// The probabilities are computed with the maximum preference subtracted per state, so large
/// preferences do not overflow.
public struct FiniteSoftmaxPolicy<Scalar: NACScalar>: Sendable {
    /// φ, (S·A) × n.
    public let features: Matrix<Scalar>
    /// S.
    public let stateCount: Int
    /// A.
    public let actionCount: Int
    /// n = |θ|.
    public var parameterCount: Int { features.columns }

    /// A policy with features φ ((S·A) × n); S is `features.rows / actionCount`.
    public init(features: Matrix<Scalar>, actionCount: Int) {
        precondition(actionCount > 0 && features.rows % actionCount == 0,
                     "FiniteSoftmaxPolicy: \(features.rows) feature rows is not a multiple of \(actionCount) actions")
        self.features = features
        self.actionCount = actionCount
        stateCount = features.rows / actionCount
    }

    /// The tabular policy: φ = I (S·A × S·A), θ[s·A + a] is the preference of a in s.
    public static func tabular(stateCount: Int, actionCount: Int) -> FiniteSoftmaxPolicy {
        FiniteSoftmaxPolicy(features: .identity(stateCount * actionCount), actionCount: actionCount)
    }

    /// π as an S × A matrix (row s is π(· | s)).
    /// - Complexity: O(S·A·n).
    public func probabilities(_ theta: [Scalar]) -> Matrix<Scalar> {
        precondition(theta.count == parameterCount,
                     "FiniteSoftmaxPolicy: θ has \(theta.count) components, the features \(parameterCount)")
        let preferences = features.multiplied(by: theta)
        var pi = Matrix<Scalar>.zeros(rows: stateCount, columns: actionCount)
        for s in 0..<stateCount {
            let row = preferences[(s * actionCount)..<((s + 1) * actionCount)]
            let top = row.max()!
            var total: Scalar = 0
            for (a, h) in row.enumerated() {
                let e = Scalar.exp(h - top)
                pi.elements[s * actionCount + a] = e
                total += e
            }
            for a in 0..<actionCount { pi.elements[s * actionCount + a] /= total }
        }
        return pi
    }

    /// The score vectors ψ(s, a) as an (S·A) × n matrix (row s·A + a), the layout
    /// `ExactOracle` takes.
    /// - Complexity: O(S·A·n).
    public func scores(_ theta: [Scalar]) -> Matrix<Scalar> {
        scores(probabilities: probabilities(theta))
    }

    /// The score vectors for given probabilities π (S × A).
    public func scores(probabilities pi: Matrix<Scalar>) -> Matrix<Scalar> {
        precondition(pi.rows == stateCount && pi.columns == actionCount,
                     "FiniteSoftmaxPolicy.scores: π is \(pi.rows) × \(pi.columns), expected \(stateCount) × \(actionCount)")
        let n = parameterCount
        var psi = features
        for s in 0..<stateCount {
            var mean = [Scalar](repeating: 0, count: n)
            for a in 0..<actionCount {
                let p = pi.elements[s * actionCount + a]
                let base = (s * actionCount + a) * n
                for k in 0..<n { mean[k] += p * features.elements[base + k] }
            }
            for a in 0..<actionCount {
                let base = (s * actionCount + a) * n
                for k in 0..<n { psi.elements[base + k] -= mean[k] }
            }
        }
        return psi
    }
}
