import Testing
@testable import NAC

/// Weighted systems against F and g formed by naive loops and solved by plain Gaussian
/// elimination (no BLAS or LAPACK in the oracle).
@Suite struct FisherSolveWeightedTests {
    /// Weights in [0, 2) with two exact zeros (samples that must drop out).
    static func weights(_ count: Int, seed: UInt64) -> [Double] {
        var rng = Xoshiro256StarStar(seed: seed)
        var w = (0..<count).map { _ in 2 * rng.uniform(Double.self) }
        w[1] = 0
        w[count - 2] = 0
        return w
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let samples: Int, parameters: Int, damping: Double
        var testDescription: String { "B = \(samples), P = \(parameters), λ = \(damping)" }
    }

    static let cases = [
        Case(samples: 40, parameters: 12, damping: 0.01),   // tall: B ≥ P
        Case(samples: 40, parameters: 12, damping: 0),      // tall, undamped (full column rank)
        Case(samples: 7, parameters: 15, damping: 0.05),    // wide: B < P
    ]

    @Test(arguments: cases)
    func everyRouteMatchesBruteForce(_ c: Case) throws {
        let psi = randomMatrix(c.samples, c.parameters, seed: 11, as: Double.self)
        let advantages = randomVector(c.samples, seed: 12, as: Double.self)
        let omega = Self.weights(c.samples, seed: 13)
        let oracle = bruteForceFisher(scores: psi, advantages: advantages, weights: omega, damping: c.damping)
        let expected = gaussianSolve(oracle.fisher, oracle.gradient)

        let system = try FisherSystem(scores: psi, advantages: advantages, weights: omega, damping: c.damping)
        #expect(relativeError(system.gradient(), oracle.gradient) < 1e-13)
        #expect(relativeError(system.fisherMatrix().elements, oracle.fisher.flatMap { $0 }) < 1e-13)
        let v = randomVector(c.parameters, seed: 14, as: Double.self)
        let fv = oracle.fisher.map { row in zip(row, v).reduce(0) { $0 + $1.0 * $1.1 } }
        #expect(relativeError(system.fisherVectorProduct(v), fv) < 1e-13)

        var solutions = [try system.solveExplicitFisher(), try system.solveLeastSquares(.qr),
                         try system.solveLeastSquares(.svd()), try system.solve(),
                         try system.solveConjugateGradient(options: .init(maximumIterations: 200, relativeTolerance: 1e-13))]
        if c.damping > 0 { solutions.append(try system.solveKernel()) }   // K is singular for λ = 0 and B ≥ P
        for solution in solutions {
            #expect(relativeError(solution.w, expected) < 1e-10, "\(solution.diagnostics.route)")
            #expect(solution.diagnostics.relativeResidual < 1e-10, "\(solution.diagnostics.route)")
        }
        let cg = solutions[4].diagnostics
        #expect(cg.converged == true)
        #expect(cg.iterations! < 200)
    }

    @Test func zeroWeightEqualsDeletingTheSample() throws {
        let psi = randomMatrix(9, 20, seed: 21, as: Double.self)
        let advantages = randomVector(9, seed: 22, as: Double.self)
        var omega = Self.weights(9, seed: 23)
        omega[4] = 0
        let kept = (0..<9).filter { omega[$0] > 0 }
        let reduced = try FisherSystem(
            scores: Matrix(kept.map { psi.row($0) }), advantages: kept.map { advantages[$0] },
            weights: kept.map { omega[$0] }, damping: 0)
        let full = try FisherSystem(scores: psi, advantages: advantages, weights: omega, damping: 0)
        // λ = 0 and B < P: the kernel route is the minimum-norm (pseudo-inverse) solution, which
        // zero-weight samples must not disturb — their K rows are decoupled, not singular.
        let expected = try reduced.solveKernel().w
        #expect(relativeError(try full.solveKernel().w, expected.map { Double($0) }) < 1e-10)
        #expect(relativeError(try full.solveLeastSquares(.svd()).w, expected) < 1e-10)
        #expect(relativeError(try full.solveLeastSquares(.qr).w, expected) < 1e-10)
    }

    @Test func scalingAllWeightsChangesNothing() throws {
        let psi = randomMatrix(30, 10, seed: 31, as: Double.self)
        let advantages = randomVector(30, seed: 32, as: Double.self)
        let omega = Self.weights(30, seed: 33)
        let a = try FisherSystem(scores: psi, advantages: advantages, weights: omega, damping: 0.1).solveExplicitFisher()
        let b = try FisherSystem(scores: psi, advantages: advantages, weights: omega.map { $0 * 1e3 }, damping: 0.1)
            .solveExplicitFisher()
        #expect(relativeError(a.w, b.w.map { Double($0) }) < 1e-12)
    }

    /// More than 256 weighted samples: the explicit route's blocked syrk crosses a block edge.
    @Test func weightedExplicitFisherAcrossBlocks() throws {
        let psi = randomMatrix(600, 9, seed: 41, as: Double.self)
        let advantages = randomVector(600, seed: 42, as: Double.self)
        let omega = Self.weights(600, seed: 43)
        let oracle = bruteForceFisher(scores: psi, advantages: advantages, weights: omega, damping: 1e-3)
        let system = try FisherSystem(scores: psi, advantages: advantages, weights: omega, damping: 1e-3)
        #expect(relativeError(system.fisherMatrix().elements, oracle.fisher.flatMap { $0 }) < 1e-13)
        #expect(relativeError(try system.solveExplicitFisher().w, gaussianSolve(oracle.fisher, oracle.gradient)) < 1e-10)
    }

    @Test func floatWeightedMatchesDouble() throws {
        let psi = randomMatrix(40, 12, seed: 51, as: Double.self)
        let advantages = randomVector(40, seed: 52, as: Double.self)
        let omega = Self.weights(40, seed: 53)
        let double = try FisherSystem(scores: psi, advantages: advantages, weights: omega, damping: 0.01)
        let reference = try double.solveExplicitFisher()
        let kappa = try #require(reference.diagnostics.conditionEstimate)
        let float = try FisherSystem(
            scores: Matrix(rows: 40, columns: 12, elements: psi.elements.map { Float($0) }),
            advantages: advantages.map { Float($0) }, weights: omega.map { Float($0) }, damping: 0.01)
        // 50 κ ε_Float, as in FisherSolveReferenceTests (κ₁ estimate of F here, κ ≈ 10).
        let bound = 50 * kappa * Double(Float.ulpOfOne)
        for solution in [try float.solveExplicitFisher(), try float.solveLeastSquares(.qr), try float.solveKernel()] {
            #expect(relativeError(solution.w, reference.w) < bound, "\(solution.diagnostics.route)")
        }
    }
}
