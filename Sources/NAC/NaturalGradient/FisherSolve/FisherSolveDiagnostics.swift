/// A recovery step the automatic solver took; listed in `FisherSolveDiagnostics.fallbacks` in
/// the order they happened.
public enum FisherSolveFallback: Sendable, Equatable, CustomStringConvertible {
    /// Cholesky failed on the route's matrix (not numerically positive definite).
    case choleskyFailed(route: FisherSolveRoute, order: Int)
    /// Cholesky succeeded but the condition estimate said the matrix is numerically singular.
    case illConditioned(route: FisherSolveRoute, reciprocalCondition: Double)
    /// The solve was retried with more damping; `diagnostics.damping` is the damping finally used.
    case dampingIncreased(from: Double, to: Double)
    /// The route was abandoned for the SVD least-squares route (the pseudo-inverse solution when
    /// λ = 0); `rank` is the effective rank it found.
    case pseudoInverse(rank: Int)
    /// Conjugate gradient stopped at a direction with non-positive curvature pᵀFp ≤ 0 and
    /// returned the iterate before it (iteration is 1-based).
    case conjugateGradientTruncated(iteration: Int, curvature: Double)

    public var description: String {
        switch self {
        case .choleskyFailed(let route, let order):
            "\(route): Cholesky failed at order \(order)"
        case .illConditioned(let route, let rcond):
            "\(route): numerically singular (1/κ₁ ≈ \(rcond))"
        case .dampingIncreased(let from, let to):
            "damping increased from \(from) to \(to)"
        case .pseudoInverse(let rank):
            "fell back to the SVD pseudo-inverse (effective rank \(rank))"
        case .conjugateGradientTruncated(let iteration, let curvature):
            "conjugate gradient truncated at iteration \(iteration) (pᵀFp = \(curvature))"
        }
    }
}

/// What a Fisher solve did and how well: the route, the damping, the residual, and the
/// route-specific quality measures.
public struct FisherSolveDiagnostics<Scalar: NACScalar>: Sendable {
    /// The route that produced `w` (after any fallbacks).
    public var route: FisherSolveRoute
    /// The damping λ of the system that was solved (larger than requested only after a
    /// `.dampingIncreased` fallback). For matrix-free CG it is the damping CG added on top of
    /// the supplied operator.
    public var damping: Scalar
    /// ‖F w − g‖₂ / ‖g‖₂ for the system that was solved, with damping `damping` (‖F w‖ when
    /// g = 0), computed with one extra Fisher-vector product — except for CG with
    /// `verifyResidual == false`, where it is the recurrence residual ‖r_k‖ / ‖g‖ (equal in exact
    /// arithmetic).
    public var relativeResidual: Scalar
    /// CG iterations performed (Fisher-vector products, not counting residual checks); `nil`
    /// for the direct routes.
    public var iterations: Int?
    /// Whether CG reached its tolerance; `nil` for the direct routes.
    public var converged: Bool?
    /// An estimate of the condition number of the matrix that was factorised: κ₁ from LAPACK
    /// `pocon` for `.explicitFisher` (of F) and `.kernel` (of Ψ_ωΨ_ωᵀ + λI); for
    /// `.leastSquaresSVD` κ₂ of the least-squares system's normal matrix, (σ₁/σ_r)² over the
    /// r retained singular values; `nil` for QR and CG. `.infinity` if the estimate is 0.
    public var conditionEstimate: Scalar?
    /// The effective rank found by SVD (singular values above the cut-off): of the stacked
    /// damped system, so full when λ > 0, and the rank of Ψ_ω when λ = 0. `nil` for other routes.
    public var effectiveRank: Int?
    /// The singular values of the system solved by SVD, largest first; empty for other routes.
    public var singularValues: [Scalar]
    /// Recovery steps taken, in order (empty when the first route succeeded).
    public var fallbacks: [FisherSolveFallback]

    public init(
        route: FisherSolveRoute, damping: Scalar, relativeResidual: Scalar, iterations: Int? = nil,
        converged: Bool? = nil, conditionEstimate: Scalar? = nil, effectiveRank: Int? = nil,
        singularValues: [Scalar] = [], fallbacks: [FisherSolveFallback] = []
    ) {
        self.route = route
        self.damping = damping
        self.relativeResidual = relativeResidual
        self.iterations = iterations
        self.converged = converged
        self.conditionEstimate = conditionEstimate
        self.effectiveRank = effectiveRank
        self.singularValues = singularValues
        self.fallbacks = fallbacks
    }
}
