import Testing
@testable import NAC

/// Every route against the independent JAX reference (`natural_gradient` in
/// `reference_scores_W1.json` / `_W2.json`): B = 8 samples, P = 5708 (W1) and 226 (W2),
/// F = ΨᵀΨ/B + λI with λ = 1e-3.
@Suite struct FisherSolveReferenceTests {
    static let tolerance = 1e-8

    @Test(arguments: ["W1", "W2"])
    func gradientMatchesReference(workload: String) throws {
        let reference = workload == "W1" ? ReferenceScores.w1 : ReferenceScores.w2
        let system = try FisherSystem(scores: reference.scores, advantages: reference.advantages, damping: reference.lambda)
        #expect(relativeError(system.gradient(), reference.g) < 1e-12)
    }

    @Test(arguments: ["W1", "W2"])
    func directRoutesMatchReference(workload: String) throws {
        let reference = workload == "W1" ? ReferenceScores.w1 : ReferenceScores.w2
        let system = try FisherSystem(scores: reference.scores, advantages: reference.advantages, damping: reference.lambda)
        let kernel = try system.solveKernel()
        let qr = try system.solveLeastSquares(.qr)
        let svd = try system.solveLeastSquares(.svd())
        for solution in [kernel, qr, svd] {
            #expect(relativeError(solution.w, reference.w) < Self.tolerance, "\(solution.diagnostics.route)")
            #expect(relativeError(solution.gradient, reference.g) < 1e-12)
            #expect(solution.diagnostics.relativeResidual < 1e-10, "\(solution.diagnostics.route)")
            #expect(solution.diagnostics.damping == reference.lambda)
            #expect(solution.diagnostics.fallbacks.isEmpty)
        }
        #expect(kernel.diagnostics.route == .kernel)
        #expect(qr.diagnostics.route == .leastSquaresQR)
        #expect(svd.diagnostics.route == .leastSquaresSVD)
        // B < P, λ > 0: the wide stacked system [Ψ_ω √λI] has full row rank B.
        #expect(svd.diagnostics.effectiveRank == reference.scores.rows)
        #expect(svd.diagnostics.singularValues.count == reference.scores.rows)
        // The SVD's κ₂ of K = Ψ_ωΨ_ωᵀ + λI and pocon's κ₁ estimate of the same K agree within a
        // factor of B (norm equivalence ‖·‖₁ ≤ √B‖·‖₂ on each side).
        let kappa2 = try #require(svd.diagnostics.conditionEstimate)
        let kappa1 = try #require(kernel.diagnostics.conditionEstimate)
        #expect(kappa1 >= kappa2 / 8 && kappa1 <= kappa2 * 8)
    }

    /// W2 (P = 226) here; W1's explicit route (a 5708 × 5708 Cholesky) has its own test.
    @Test func explicitFisherMatchesReferenceW2() throws {
        let reference = ReferenceScores.w2
        let system = try FisherSystem(scores: reference.scores, advantages: reference.advantages, damping: reference.lambda)
        let solution = try system.solveExplicitFisher()
        #expect(relativeError(solution.w, reference.w) < Self.tolerance)
        #expect(solution.diagnostics.route == .explicitFisher)
        #expect(solution.diagnostics.relativeResidual < 1e-10)
        // κ(F) = (λ_max(ΨᵀΨ/B) + λ)/λ ≈ 2.3e3 for W2 (from the eigenvalues of ΨΨᵀ/B); pocon's κ₁
        // estimate is within a small factor of κ₂.
        let kappa = try #require(solution.diagnostics.conditionEstimate)
        #expect(kappa > 1e3 && kappa < 1e5)
    }

    @Test func explicitFisherMatchesReferenceW1() throws {
        let reference = ReferenceScores.w1
        let system = try FisherSystem(scores: reference.scores, advantages: reference.advantages, damping: reference.lambda)
        let solution = try system.solveExplicitFisher()
        #expect(relativeError(solution.w, reference.w) < Self.tolerance)
        #expect(solution.diagnostics.relativeResidual < 1e-9)
    }

    @Test(arguments: ["W1", "W2"])
    func tenConjugateGradientIterationsMatchReference(workload: String) throws {
        let reference = workload == "W1" ? ReferenceScores.w1 : ReferenceScores.w2
        let system = try FisherSystem(scores: reference.scores, advantages: reference.advantages, damping: reference.lambda)
        let options = ConjugateGradientOptions<Double>(maximumIterations: 10, relativeTolerance: 0)
        let solution = try system.solveConjugateGradient(options: options)
        #expect(relativeError(solution.w, reference.wCG10) < Self.tolerance)
        #expect(relativeError(solution.w, reference.w) < Self.tolerance)
        #expect(solution.diagnostics.iterations == 10)
        #expect(solution.diagnostics.route == .conjugateGradient)
    }

    @Test func conjugateGradientAfterFewIterationsIsNotTheSolution() throws {
        // Guards the test above against a CG that ignores its iteration cap: after 3 iterations
        // the W2 residual is still ~0.2 (measured independently with NumPy).
        let reference = ReferenceScores.w2
        let system = try FisherSystem(scores: reference.scores, advantages: reference.advantages, damping: reference.lambda)
        let solution = try system.solveConjugateGradient(options: .init(maximumIterations: 3, relativeTolerance: 0))
        #expect(solution.diagnostics.iterations == 3)
        #expect(solution.diagnostics.converged == false)
        #expect(solution.diagnostics.relativeResidual > 0.1 && solution.diagnostics.relativeResidual < 0.3)
        #expect(relativeError(solution.w, reference.w) > 1e-3)
    }

    @Test(arguments: ["W1", "W2"])
    func automaticSolveUsesKernelForSmallBatches(workload: String) throws {
        let reference = workload == "W1" ? ReferenceScores.w1 : ReferenceScores.w2
        let system = try FisherSystem(scores: reference.scores, advantages: reference.advantages, damping: reference.lambda)
        #expect(system.automaticRoute() == .kernel)
        let solution = try system.solve()
        #expect(solution.diagnostics.route == .kernel)
        #expect(solution.diagnostics.fallbacks.isEmpty)
        #expect(relativeError(solution.w, reference.w) < Self.tolerance)
    }

    @Test func explicitWeightsOfOneEqualTheUnweightedSystem() throws {
        let reference = ReferenceScores.w2
        let ones = Array(repeating: 3.5, count: reference.scores.rows)   // only ratios matter
        let system = try FisherSystem(scores: reference.scores, advantages: reference.advantages, weights: ones,
                                      damping: reference.lambda)
        for solution in [try system.solveKernel(), try system.solveExplicitFisher(), try system.solveLeastSquares(.qr)] {
            #expect(relativeError(solution.w, reference.w) < Self.tolerance)
        }
    }

    // MARK: Float

    /// κ₂(F) and κ₂(K) of a reference system from the singular values s_i of the wide stacked
    /// system [Ψ/√B  √λI] (Double SVD route): s_i² = σ_i(Ψ/√B)² + λ are the eigenvalues of
    /// K = ΨΨᵀ/B + λI, and F = ΨᵀΨ/B + λI has the same nonzero-part eigenvalues plus λ (P > B).
    static func conditionNumbers(_ reference: ReferenceScores) throws -> (fisher: Double, kernel: Double) {
        let system = try FisherSystem(scores: reference.scores, advantages: reference.advantages, damping: reference.lambda)
        let s = try system.solveLeastSquares(.svd()).diagnostics.singularValues
        let largest = s.first! * s.first!, smallest = s.last! * s.last!
        return (largest / reference.lambda, largest / smallest)
    }

    /// Float solves of the rounded W2 data against the float64 reference.
    ///
    /// Tolerance: a backward-stable solve of a system with condition number κ in precision ε
    /// has relative forward error of order κ·ε (Higham, *Accuracy and Stability of Numerical
    /// Algorithms*, §7.1), and rounding Ψ to Float perturbs the data by ε relative, amplified
    /// the same way. The explicit route and CG work with F (κ₂ ≈ 2.3e3 for W2), the kernel and
    /// least-squares routes with K (κ₂ ≈ 5.8e2). We allow 50 κ ε_Float (measured: 0.07–0.3 κ ε).
    @Test func floatRoutesMatchReferenceWithinConditionBound() throws {
        let reference = ReferenceScores.w2
        let kappa = try Self.conditionNumbers(reference)
        #expect(kappa.fisher > 2e3 && kappa.fisher < 3e3)
        let epsilon = Double(Float.ulpOfOne)

        let system = try FisherSystem(scores: reference.scores(as: Float.self),
                                      advantages: reference.advantages.map { Float($0) },
                                      damping: Float(reference.lambda))
        let explicit = try system.solveExplicitFisher()
        let cg = try system.solveConjugateGradient(options: .init(maximumIterations: 10, relativeTolerance: 0))
        #expect(relativeError(explicit.w, reference.w) < 50 * kappa.fisher * epsilon)
        #expect(relativeError(cg.w, reference.w) < 50 * kappa.fisher * epsilon)
        for solution in [try system.solveKernel(), try system.solveLeastSquares(.qr), try system.solveLeastSquares(.svd())] {
            #expect(relativeError(solution.w, reference.w) < 50 * kappa.kernel * epsilon, "\(solution.diagnostics.route)")
        }
        // The bounds are not vacuous: Float really is less accurate than Double here.
        #expect(relativeError(explicit.w, reference.w) > 1e-7)
    }

    /// W1 in Float by the routes whose conditioning is benign: κ₂(K) ≈ 5.9 for W1, while
    /// κ₂(F) ≈ 1.8e5 would only promise ~1e-2 for the explicit route and CG. Same 50 κ ε bound
    /// (measured: kernel 0.3 κ ε, QR on the 8 × 5716 stacked system 5 κ ε).
    @Test func floatKernelAndLeastSquaresW1() throws {
        let reference = ReferenceScores.w1
        let kappa = try Self.conditionNumbers(reference)
        #expect(kappa.kernel > 5 && kappa.kernel < 7)
        let system = try FisherSystem(scores: reference.scores(as: Float.self),
                                      advantages: reference.advantages.map { Float($0) },
                                      damping: Float(reference.lambda))
        let epsilon = Double(Float.ulpOfOne)
        for solution in [try system.solveKernel(), try system.solveLeastSquares(.qr), try system.solveLeastSquares(.svd())] {
            #expect(relativeError(solution.w, reference.w) < 50 * kappa.kernel * epsilon, "\(solution.diagnostics.route)")
        }
    }
}
