/// What the automatic Fisher solve does when the route's Cholesky factorisation fails or is
/// numerically singular.
public enum FisherSolveFallbackPolicy<Scalar: NACScalar>: Sendable, Equatable {
    /// Throw the error (`.notPositiveDefinite` or `.illConditioned`).
    case none
    /// Solve the same system (same λ) by SVD least squares: the pseudo-inverse solution when
    /// λ = 0. Changes nothing about the problem, only the method.
    case pseudoInverse
    /// Retry up to `maximumAttempts` times, multiplying the damping by `factor` (starting from at
    /// least √ε · tr(F)/P when λ is tiny or 0), then fall back to the pseudo-inverse. Changes the
    /// problem (more damping = a shorter, more gradient-like step), which the diagnostics report.
    case increaseDamping(factor: Scalar, maximumAttempts: Int)
}

/// Settings of the automatic Fisher solve `FisherSystem.solve(options:)`.
public struct FisherSolveOptions<Scalar: NACScalar>: Sendable {
    /// Form F explicitly only up to this many parameters (`workloads.json`:
    /// `explicit_fisher_max_P` = 6000; F then takes P² scalars: 288 MB in Double).
    public var explicitFisherMaximumParameters: Int
    /// Force a route instead of choosing by shape.
    public var route: FisherSolveRoute?
    /// Recovery after a failed or singular Cholesky factorisation.
    public var fallback: FisherSolveFallbackPolicy<Scalar>
    /// The smallest acceptable `pocon` estimate of 1/κ₁ before a factorised matrix is treated as
    /// numerically singular.
    public var minimumReciprocalCondition: Scalar
    /// Options of the CG route (by default truncation at non-positive curvature is reported,
    /// not thrown).
    public var conjugateGradient: ConjugateGradientOptions<Scalar>

    public init(
        explicitFisherMaximumParameters: Int = 6000, route: FisherSolveRoute? = nil,
        fallback: FisherSolveFallbackPolicy<Scalar> = .pseudoInverse,
        minimumReciprocalCondition: Scalar = Scalar.ulpOfOne,
        conjugateGradient: ConjugateGradientOptions<Scalar> = .init(onNonPositiveCurvature: .returnCurrentIterate)
    ) {
        self.explicitFisherMaximumParameters = explicitFisherMaximumParameters
        self.route = route
        self.fallback = fallback
        self.minimumReciprocalCondition = minimumReciprocalCondition
        self.conjugateGradient = conjugateGradient
    }
}

extension FisherSystem {
    /// The route `solve(options:)` takes for this shape:
    ///
    /// - B < P: `.kernel` (a B × B factorisation beats a P × P one);
    /// - B ≥ P and P ≤ `explicitFisherMaximumParameters`: `.explicitFisher`;
    /// - otherwise (P too large to factorise and B ≥ P): `.conjugateGradient`.
    public func automaticRoute(options: FisherSolveOptions<Scalar> = .init()) -> FisherSolveRoute {
        if let route = options.route { return route }
        if sampleCount < parameterCount { return .kernel }
        if parameterCount <= options.explicitFisherMaximumParameters { return .explicitFisher }
        return .conjugateGradient
    }

    /// Route 5: solves F w = g by the route `automaticRoute(options:)` picks, recovering from a
    /// failed or numerically singular Cholesky factorisation according to `options.fallback`
    /// (default: the SVD pseudo-inverse). Every recovery step is listed in
    /// `solution.diagnostics.fallbacks`; the returned `w` is always finite.
    ///
    /// - Throws: `.nonFiniteSolution`, `.noConvergence`, and, with fallback `.none`, the
    ///   route's `.notPositiveDefinite` / `.illConditioned`; CG errors as configured.
    /// - Complexity: that of the chosen route, plus that of each fallback taken.
    public func solve(
        options: FisherSolveOptions<Scalar> = .init()
    ) throws(NaturalGradientError) -> NaturalGradientSolution<Scalar> {
        let route = automaticRoute(options: options)
        switch route {
        case .conjugateGradient:
            return try solveConjugateGradient(options: options.conjugateGradient)
        case .leastSquaresQR:
            return try solveLeastSquares(.qr)
        case .leastSquaresSVD:
            return try solveLeastSquares(.svd())
        case .explicitFisher, .kernel:
            break
        }
        if case .increaseDamping(let factor, let attempts) = options.fallback {
            guard factor.isFinite, factor > 1 else {
                throw .invalidHyperparameter(name: "damping factor", value: Double(factor), requirement: "must be > 1")
            }
            guard attempts >= 0 else {
                throw .invalidHyperparameter(name: "maximumAttempts", value: Double(attempts), requirement: "must be ≥ 0")
            }
        }

        var fallbacks: [FisherSolveFallback] = []
        var system = self
        var attempts = 0
        while true {
            do throws(NaturalGradientError) {
                var solution = route == .kernel
                    ? try system.solveKernel(minimumReciprocalCondition: options.minimumReciprocalCondition)
                    : try system.solveExplicitFisher(minimumReciprocalCondition: options.minimumReciprocalCondition)
                solution.diagnostics.fallbacks = fallbacks
                return solution
            } catch {
                switch error {
                case .notPositiveDefinite(let r, let order):
                    fallbacks.append(.choleskyFailed(route: r, order: order))
                case .illConditioned(let r, let rcond):
                    fallbacks.append(.illConditioned(route: r, reciprocalCondition: rcond))
                case .nonFiniteSolution:
                    fallbacks.append(.illConditioned(route: route, reciprocalCondition: 0))
                default:
                    throw error
                }
                switch options.fallback {
                case .none:
                    throw error
                case .increaseDamping(let factor, let maximumAttempts) where attempts < maximumAttempts:
                    let floor = Scalar.ulpOfOne.squareRoot() * meanFisherEigenvalue()
                    let next = Swift.max(system.damping * factor, floor)
                    fallbacks.append(.dampingIncreased(from: Double(system.damping), to: Double(next)))
                    system = withDamping(next)
                    attempts += 1
                    continue
                case .increaseDamping, .pseudoInverse:
                    var solution = try solveLeastSquares(.svd())
                    fallbacks.append(.pseudoInverse(rank: solution.diagnostics.effectiveRank ?? 0))
                    solution.diagnostics.fallbacks = fallbacks
                    return solution
                }
            }
        }
    }
}
