/// What conjugate gradient does when it meets a direction with pᵀFp ≤ 0 (possible only if the
/// operator is not positive definite: a buggy Fisher-vector product, λ = 0 with round-off, or an
/// indefinite Hessian passed by mistake).
public enum NonPositiveCurvaturePolicy: Sendable, Equatable {
    /// Throw `NaturalGradientError.nonPositiveCurvature(iteration:curvature:)`.
    case throwError
    /// Stop and return the current iterate (w0 if it happens at the first iteration), recording
    /// `FisherSolveFallback.conjugateGradientTruncated` in the diagnostics (truncated CG, as in
    /// Steihaug's trust-region method).
    case returnCurrentIterate
}

/// Settings of `ConjugateGradient.solve`.
public struct ConjugateGradientOptions<Scalar: NACScalar>: Sendable {
    /// The most Fisher-vector products (iterations) to spend; 10 is the TRPO and
    /// `workloads.json` convention (a truncated, not a converged, solve).
    public var maximumIterations: Int
    /// Stop when ‖r_k‖ ≤ `relativeTolerance` · ‖g‖ (recurrence residual). 0 runs exactly
    /// `maximumIterations` iterations unless the residual becomes exactly 0.
    public var relativeTolerance: Scalar
    /// The reaction to pᵀFp ≤ 0.
    public var onNonPositiveCurvature: NonPositiveCurvaturePolicy
    /// Spend one extra Fisher-vector product to report the true residual ‖g − F w‖/‖g‖ instead
    /// of the recurrence residual.
    public var verifyResidual: Bool

    public init(
        maximumIterations: Int = 10, relativeTolerance: Scalar = 1e-10,
        onNonPositiveCurvature: NonPositiveCurvaturePolicy = .throwError, verifyResidual: Bool = true
    ) {
        self.maximumIterations = maximumIterations
        self.relativeTolerance = relativeTolerance
        self.onNonPositiveCurvature = onNonPositiveCurvature
        self.verifyResidual = verifyResidual
    }
}

/// Conjugate gradient (Hestenes & Stiefel 1952) for F w = g with a matrix-free, symmetric
/// positive-definite operator — route 4 of the natural-gradient solve.
///
/// From w₀ (default 0), r₀ = g − F w₀, p₀ = r₀, for k = 0, 1, …:
///
///     q_k = F p_k,   α_k = r_kᵀr_k / p_kᵀq_k,   w_{k+1} = w_k + α_k p_k,   r_{k+1} = r_k − α_k q_k,
///     β_k = r_{k+1}ᵀr_{k+1} / r_kᵀr_k,   p_{k+1} = r_{k+1} + β_k p_k
///
/// (the standard recurrences, as in the reference `w_cg10`). In exact arithmetic it converges
/// in at most (number of distinct eigenvalues of F) steps; with F = Ψ_ωᵀΨ_ω + λI of a batch of
/// B samples that is at most B + 1.
///
/// ```swift
/// let solution = try ConjugateGradient.solve(gradient: g, damping: 1e-3) { v in
///     engine.fisherVectorProduct(v)          // J^T (J v) / B, matrix-free
/// }
/// ```
public enum ConjugateGradient {
    /// Solves (F + damping · I) w = g where `fisherVectorProduct(v)` returns F v.
    ///
    /// - Parameters:
    ///   - g: the right-hand side (length P).
    ///   - initialGuess: w₀ (length P); `nil` means 0, which saves one product.
    ///   - damping: λ ≥ 0 added to the operator (0 if the closure already includes it).
    ///   - options: iteration cap, tolerance, curvature policy.
    ///   - fisherVectorProduct: v ↦ F v; must return P finite values.
    /// - Returns: w with `iterations`, `converged`, `relativeResidual`, and a
    ///   `.conjugateGradientTruncated` fallback if the curvature policy stopped early.
    /// - Throws: `.invalidDamping`, `.invalidHyperparameter` (negative iteration cap or
    ///   tolerance), `.nonFiniteInput` (g, w₀), `.nonFiniteFisherVectorProduct`,
    ///   `.nonPositiveCurvature` (policy `.throwError`), `.nonFiniteSolution`.
    /// - Complexity: `maximumIterations` products (+1 with w₀, +1 with `verifyResidual`) and
    ///   O(P) work per iteration.
    public static func solve<Scalar: NACScalar>(
        gradient g: [Scalar], initialGuess: [Scalar]? = nil, damping: Scalar = 0,
        options: ConjugateGradientOptions<Scalar> = .init(),
        fisherVectorProduct: (_ v: [Scalar]) -> [Scalar]
    ) throws(NaturalGradientError) -> NaturalGradientSolution<Scalar> {
        let n = g.count
        guard damping.isFinite, damping >= 0 else { throw .invalidDamping(Double(damping)) }
        guard options.maximumIterations >= 0 else {
            throw .invalidHyperparameter(name: "maximumIterations", value: Double(options.maximumIterations),
                                         requirement: "must be ≥ 0")
        }
        try requirePositive("relativeTolerance", options.relativeTolerance, allowZero: true)
        try requireFinite("gradient", g)
        if let initialGuess {
            precondition(initialGuess.count == n,
                         "ConjugateGradient: g has \(n) elements but the initial guess has \(initialGuess.count)")
            try requireFinite("initialGuess", initialGuess)
        }

        func apply(_ v: [Scalar], iteration: Int) throws(NaturalGradientError) -> [Scalar] {
            var y = fisherVectorProduct(v)
            precondition(y.count == n,
                         "ConjugateGradient: the Fisher-vector product returned \(y.count) elements for a vector of \(n)")
            let bad = y.withUnsafeBufferPointer { p -> Int? in
                guard let base = p.baseAddress else { return nil }
                return Scalar.firstNonFinite(base, count: n)
            }
            if let bad { throw .nonFiniteFisherVectorProduct(iteration: iteration, index: bad) }
            if damping > 0 { axpy(damping, v, &y) }
            return y
        }

        var w = initialGuess ?? [Scalar](repeating: 0, count: n)
        var r = g
        if let initialGuess { axpy(-1, try apply(initialGuess, iteration: 0), &r) }
        let gNorm = norm(g)
        let threshold = options.relativeTolerance * gNorm
        var p = r
        var rr = dot(r, r)
        var iterations = 0
        var converged = rr.squareRoot() <= threshold
        var fallbacks: [FisherSolveFallback] = []
        while !converged && iterations < options.maximumIterations {
            let q = try apply(p, iteration: iterations + 1)
            let curvature = dot(p, q)
            guard curvature > 0 else {
                switch options.onNonPositiveCurvature {
                case .throwError:
                    throw .nonPositiveCurvature(iteration: iterations + 1, curvature: Double(curvature))
                case .returnCurrentIterate:
                    fallbacks.append(.conjugateGradientTruncated(iteration: iterations + 1, curvature: Double(curvature)))
                }
                break
            }
            let alpha = rr / curvature
            axpy(alpha, p, &w)
            axpy(-alpha, q, &r)
            iterations += 1
            let rrNext = dot(r, r)
            if rrNext == 0 || rrNext.squareRoot() <= threshold {
                converged = true
                break
            }
            scale(&p, by: rrNext / rr)
            axpy(1, r, &p)
            rr = rrNext
        }

        let bad = w.withUnsafeBufferPointer { p -> Int? in
            guard let base = p.baseAddress else { return nil }
            return Scalar.firstNonFinite(base, count: n)
        }
        guard bad == nil else { throw .nonFiniteSolution(route: .conjugateGradient) }
        var residual: Scalar
        if options.verifyResidual {
            var trueResidual = g
            axpy(-1, try apply(w, iteration: iterations + 1), &trueResidual)
            residual = norm(trueResidual)
        } else {
            residual = norm(r)
        }
        if gNorm > 0 { residual /= gNorm }
        let diagnostics = FisherSolveDiagnostics(
            route: .conjugateGradient, damping: damping, relativeResidual: residual, iterations: iterations,
            converged: converged, fallbacks: fallbacks)
        return NaturalGradientSolution(w: w, gradient: g, diagnostics: diagnostics)
    }
}

extension FisherSystem {
    /// Route 4 on an explicit Ψ: conjugate gradient with the matrix-free product
    /// F v = Ψᵀ(ω ⊙ (Ψ v))/Σω + λ v (two gemv per iteration), from w₀ = 0.
    ///
    /// The engine will supply Fisher-vector products without forming Ψ; call
    /// `ConjugateGradient.solve(gradient:damping:options:fisherVectorProduct:)` with them.
    /// - Complexity: (k + 1) · 4BP flops for k iterations (+1 product to verify the residual).
    public func solveConjugateGradient(
        options: ConjugateGradientOptions<Scalar> = .init()
    ) throws(NaturalGradientError) -> NaturalGradientSolution<Scalar> {
        try ConjugateGradient.solve(gradient: gradient(), damping: damping, options: options) { v in
            fisherVectorProduct(v, includingDamping: false)
        }
    }
}
