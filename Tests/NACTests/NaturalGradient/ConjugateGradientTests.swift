import Testing
@testable import NAC

@Suite struct ConjugateGradientTests {
    /// A diagonal operator v ↦ diag(d) v.
    static func diagonal(_ d: [Double]) -> ([Double]) -> [Double] {
        { v in zip(d, v).map { $0 * $1 } }
    }

    @Test func solvesAnExplicitSymmetricSystemWithSeparateDamping() throws {
        // F = AᵀA/20 from a random A; the closure leaves λ out and CG adds it.
        let a = randomMatrix(20, 7, seed: 201, as: Double.self)
        let f = a.gram() * (1.0 / 20)
        let g = randomVector(7, seed: 202, as: Double.self)
        var damped = f
        damped.addToDiagonal(0.3)
        let expected = gaussianSolve((0..<7).map { damped.row($0) }, g)
        let solution = try ConjugateGradient.solve(gradient: g, damping: 0.3,
                                                   options: .init(maximumIterations: 50, relativeTolerance: 1e-14)) { v in
            f.multiplied(by: v)
        }
        #expect(relativeError(solution.w, expected) < 1e-12)
        #expect(solution.diagnostics.converged == true)
        #expect(solution.diagnostics.iterations! <= 9)   // ≤ P in exact arithmetic, a little slack
        #expect(solution.diagnostics.relativeResidual < 1e-13)
        #expect(solution.diagnostics.damping == 0.3)
    }

    @Test func stopsAtTheToleranceAndReportsIt() throws {
        let d = (1...40).map { Double($0) }
        let g = Array(repeating: 1.0, count: 40)
        let loose = try ConjugateGradient.solve(gradient: g, options: .init(maximumIterations: 100, relativeTolerance: 1e-3),
                                                fisherVectorProduct: Self.diagonal(d))
        #expect(loose.diagnostics.converged == true)
        #expect(loose.diagnostics.relativeResidual <= 1e-3)
        let tight = try ConjugateGradient.solve(gradient: g, options: .init(maximumIterations: 100, relativeTolerance: 1e-12),
                                                fisherVectorProduct: Self.diagonal(d))
        #expect(loose.diagnostics.iterations! < tight.diagnostics.iterations!)
        #expect(relativeError(tight.w, d.map { 1 / $0 }) < 1e-10)
    }

    @Test func initialGuessIsUsed() throws {
        let d = [1.0, 2, 3, 4]
        let g = [1.0, 1, 1, 1]
        let exact = d.map { 1 / $0 }
        let fromExact = try ConjugateGradient.solve(gradient: g, initialGuess: exact, fisherVectorProduct: Self.diagonal(d))
        #expect(fromExact.diagnostics.iterations == 0)
        #expect(fromExact.w == exact)
        let fromElsewhere = try ConjugateGradient.solve(gradient: g, initialGuess: [5, -1, 0, 2],
                                                        options: .init(maximumIterations: 10, relativeTolerance: 1e-14),
                                                        fisherVectorProduct: Self.diagonal(d))
        #expect(relativeError(fromElsewhere.w, exact) < 1e-12)
    }

    @Test func zeroRightHandSideGivesZero() throws {
        let solution = try ConjugateGradient.solve(gradient: [0.0, 0, 0], fisherVectorProduct: Self.diagonal([1, 2, 3]))
        #expect(solution.w == [0, 0, 0])
        #expect(solution.diagnostics.iterations == 0)
        #expect(solution.diagnostics.relativeResidual == 0)
    }

    // MARK: Failures

    @Test func nonPositiveCurvatureAtFirstIteration() throws {
        let op = Self.diagonal([1, -1, 2])
        #expect(throws: NaturalGradientError.nonPositiveCurvature(iteration: 1, curvature: -1)) {
            try ConjugateGradient.solve(gradient: [0.0, 1, 0], fisherVectorProduct: op)
        }
        let truncated = try ConjugateGradient.solve(
            gradient: [0.0, 1, 0], options: .init(onNonPositiveCurvature: .returnCurrentIterate), fisherVectorProduct: op)
        #expect(truncated.w == [0, 0, 0])
        #expect(truncated.diagnostics.fallbacks == [.conjugateGradientTruncated(iteration: 1, curvature: -1)])
        #expect(truncated.diagnostics.converged == false)
    }

    /// diag(1, −½) with g = (1, 1): p₀ᵀFp₀ = ½ > 0 gives w₁ = (4, 4); then p₁ = (6, 12) has
    /// p₁ᵀFp₁ = 36 − 72 = −36 (hand-computed).
    @Test func nonPositiveCurvatureAtSecondIterationKeepsFirstIterate() throws {
        let op = Self.diagonal([1, -0.5])
        #expect(throws: NaturalGradientError.nonPositiveCurvature(iteration: 2, curvature: -36)) {
            try ConjugateGradient.solve(gradient: [1.0, 1], fisherVectorProduct: op)
        }
        let truncated = try ConjugateGradient.solve(
            gradient: [1.0, 1], options: .init(onNonPositiveCurvature: .returnCurrentIterate), fisherVectorProduct: op)
        #expect(truncated.w == [4, 4])
        #expect(truncated.diagnostics.iterations == 1)
        #expect(truncated.diagnostics.fallbacks == [.conjugateGradientTruncated(iteration: 2, curvature: -36)])
    }

    @Test func automaticSolveCanTakeTheCGRoute() throws {
        let system = try FisherSystem(scores: randomMatrix(12, 5, seed: 211), advantages: randomVector(12, seed: 212),
                                      damping: 1e-2)
        let forced = try system.solve(options: .init(route: .conjugateGradient,
                                                     conjugateGradient: .init(maximumIterations: 20, relativeTolerance: 1e-12)))
        #expect(forced.diagnostics.route == .conjugateGradient)
        #expect(relativeError(forced.w, try system.solveExplicitFisher().w) < 1e-9)
        #expect(FisherSolveOptions<Double>().conjugateGradient.onNonPositiveCurvature == .returnCurrentIterate)
        let large = try FisherSystem(scores: randomMatrix(12, 5, seed: 213), advantages: randomVector(12, seed: 214), damping: 0)
        #expect(large.automaticRoute(options: .init(explicitFisherMaximumParameters: 4)) == .conjugateGradient)
    }

    @Test func nonFiniteProductsAndInputsAreRefused() {
        #expect(throws: NaturalGradientError.nonFiniteFisherVectorProduct(iteration: 1, index: 2)) {
            try ConjugateGradient.solve(gradient: [1.0, 1, 1]) { v in [v[0], v[1], .nan] }
        }
        #expect(throws: NaturalGradientError.nonFiniteInput(argument: "gradient", index: 1)) {
            try ConjugateGradient.solve(gradient: [1.0, .infinity], fisherVectorProduct: Self.diagonal([1, 1]))
        }
        #expect(throws: NaturalGradientError.invalidDamping(-1)) {
            try ConjugateGradient.solve(gradient: [1.0], damping: -1, fisherVectorProduct: Self.diagonal([1]))
        }
        #expect(throws: NaturalGradientError.self) {
            try ConjugateGradient.solve(gradient: [1.0], options: .init(maximumIterations: -1),
                                        fisherVectorProduct: Self.diagonal([1]))
        }
    }
}
