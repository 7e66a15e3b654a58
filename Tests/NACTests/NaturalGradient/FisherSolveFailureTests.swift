import Testing
@testable import NAC

@Suite struct FisherSolveFailureTests {
    static let psi = randomMatrix(10, 6, seed: 61, as: Double.self)
    static let advantages = randomVector(10, seed: 62, as: Double.self)

    // MARK: Invalid inputs

    @Test func nonFiniteScoreNamesSampleAndParameter() {
        var psi = Self.psi
        psi[2, 3] = .nan
        #expect(throws: NaturalGradientError.nonFiniteScore(sample: 2, parameter: 3)) {
            try FisherSystem(scores: psi, advantages: Self.advantages, damping: 0.1)
        }
        psi[2, 3] = 0
        psi[9, 5] = -.infinity
        #expect(throws: NaturalGradientError.nonFiniteScore(sample: 9, parameter: 5)) {
            try FisherSystem(scores: psi, advantages: Self.advantages, damping: 0.1)
        }
    }

    @Test func nonFiniteAdvantageAndWeights() {
        var advantages = Self.advantages
        advantages[7] = .infinity
        #expect(throws: NaturalGradientError.nonFiniteAdvantage(sample: 7)) {
            try FisherSystem(scores: Self.psi, advantages: advantages, damping: 0.1)
        }
        var weights = Array(repeating: 1.0, count: 10)
        weights[3] = .nan
        #expect(throws: NaturalGradientError.nonFiniteWeight(sample: 3)) {
            try FisherSystem(scores: Self.psi, advantages: Self.advantages, weights: weights, damping: 0.1)
        }
        weights[3] = 1
        weights[4] = -0.5
        #expect(throws: NaturalGradientError.negativeWeight(sample: 4, value: -0.5)) {
            try FisherSystem(scores: Self.psi, advantages: Self.advantages, weights: weights, damping: 0.1)
        }
        #expect(throws: NaturalGradientError.zeroTotalWeight) {
            try FisherSystem(scores: Self.psi, advantages: Self.advantages, weights: Array(repeating: 0, count: 10),
                             damping: 0.1)
        }
    }

    @Test func invalidDampingAndEmptyBatch() {
        #expect(throws: NaturalGradientError.invalidDamping(-1e-3)) {
            try FisherSystem(scores: Self.psi, advantages: Self.advantages, damping: -1e-3)
        }
        #expect(throws: NaturalGradientError.invalidDamping(.infinity)) {
            try FisherSystem(scores: Self.psi, advantages: Self.advantages, damping: .infinity)
        }
        #expect(throws: NaturalGradientError.emptyBatch) {
            try FisherSystem(scores: Matrix<Double>(rows: 0, columns: 4, elements: []), advantages: [], damping: 0)
        }
        #expect(NaturalGradientError.invalidDamping(-1).description.contains("damping"))
    }

    // MARK: Singular systems

    /// Ψ with two identical columns (B ≥ P) and λ = 0: F is singular.
    static func duplicatedColumns() throws -> FisherSystem<Double> {
        var psi = randomMatrix(30, 8, seed: 71, as: Double.self)
        for r in 0..<30 { psi[r, 5] = psi[r, 3] }
        return try FisherSystem(scores: psi, advantages: randomVector(30, seed: 72), damping: 0)
    }

    static func isSingularFisherError(_ error: any Error, route: FisherSolveRoute) -> Bool {
        switch error as? NaturalGradientError {
        case .notPositiveDefinite(let r, _), .illConditioned(let r, _): r == route
        default: false
        }
    }

    @Test func explicitRouteRefusesSingularFisher() throws {
        let system = try Self.duplicatedColumns()
        #expect(performing: { try system.solveExplicitFisher() },
                throws: { Self.isSingularFisherError($0, route: .explicitFisher) })
        #expect(throws: NaturalGradientError.self) {
            try system.solve(options: .init(fallback: .none))
        }
    }

    @Test func automaticSolveFallsBackToPseudoInverse() throws {
        let system = try Self.duplicatedColumns()
        #expect(system.automaticRoute() == .explicitFisher)
        let solution = try system.solve()
        let fallbacks = solution.diagnostics.fallbacks
        #expect(fallbacks.count == 2)
        #expect(fallbacks.last == .pseudoInverse(rank: 7))
        #expect(solution.diagnostics.route == .leastSquaresSVD)
        #expect(solution.diagnostics.effectiveRank == 7)
        // The pseudo-inverse solution: the reduced problem (column 5 dropped) with its weight on
        // column 3 split evenly between the two identical columns (the minimum-norm choice).
        let reducedScores = Matrix(concatenating: system.scores, dropping: 5)
        let reduced = try FisherSystem(scores: reducedScores, advantages: system.advantages, damping: 0).solveExplicitFisher()
        var expected = reduced.w
        expected[3] /= 2
        expected.insert(expected[3], at: 5)
        #expect(relativeError(solution.w, expected) < 1e-10)
        #expect(solution.diagnostics.relativeResidual < 1e-10)
    }

    @Test func automaticSolveCanIncreaseDampingInstead() throws {
        let system = try Self.duplicatedColumns()
        let solution = try system.solve(options: .init(fallback: .increaseDamping(factor: 10, maximumAttempts: 3)))
        #expect(solution.diagnostics.route == .explicitFisher)
        #expect(solution.diagnostics.damping > 0)
        let increases = solution.diagnostics.fallbacks.filter {
            if case .dampingIncreased = $0 { true } else { false }
        }
        #expect(increases.count >= 1)
        #expect(increases.first.map { if case .dampingIncreased(let from, let to) = $0 { from == 0 && to > 0 } else { false } } == true)
        // The damped solution solves the damped system it reports.
        let damped = try FisherSystem(scores: system.scores, advantages: system.advantages,
                                      damping: solution.diagnostics.damping).solveExplicitFisher()
        #expect(relativeError(solution.w, damped.w) < 1e-10)
    }

    /// B < P with λ = 0: F is singular, but the kernel K = ΨΨᵀ/B is not; the kernel route gives
    /// the pseudo-inverse solution directly and SVD agrees.
    @Test func wideUndampedUsesKernelWithoutFallback() throws {
        let system = try FisherSystem(scores: randomMatrix(5, 12, seed: 81), advantages: randomVector(5, seed: 82), damping: 0)
        #expect(performing: { try system.solveExplicitFisher() },
                throws: { Self.isSingularFisherError($0, route: .explicitFisher) })
        let solution = try system.solve()
        #expect(solution.diagnostics.route == .kernel)
        #expect(solution.diagnostics.fallbacks.isEmpty)
        let svd = try system.solveLeastSquares(.svd())
        #expect(svd.diagnostics.effectiveRank == 5)
        #expect(relativeError(solution.w, svd.w) < 1e-10)
        #expect(solution.diagnostics.relativeResidual < 1e-10)
    }

    /// B < P, λ = 0 and two identical samples: K is singular too → reported pseudo-inverse.
    @Test func singularKernelFallsBackToPseudoInverse() throws {
        var psi = randomMatrix(5, 12, seed: 91, as: Double.self)
        psi.setRow(4, to: psi.row(1))
        var advantages = randomVector(5, seed: 92, as: Double.self)
        advantages[4] = advantages[1]
        let system = try FisherSystem(scores: psi, advantages: advantages, damping: 0)
        #expect(performing: { try system.solveKernel() }, throws: { Self.isSingularFisherError($0, route: .kernel) })
        let solution = try system.solve()
        #expect(solution.diagnostics.fallbacks.last == .pseudoInverse(rank: 4))
        #expect(solution.diagnostics.relativeResidual < 1e-10)
        // Equivalent to the batch without the duplicate, with sample 1 counted twice.
        let kept = [0, 1, 2, 3]
        let reduced = try FisherSystem(scores: Matrix(kept.map { psi.row($0) }), advantages: kept.map { advantages[$0] },
                                       weights: [1, 2, 1, 1], damping: 0).solveKernel()
        #expect(relativeError(solution.w, reduced.w) < 1e-10)
    }

    @Test func qrReportsExactRankDeficiency() throws {
        var psi = randomMatrix(20, 6, seed: 101, as: Double.self)
        for r in 0..<20 { psi[r, 2] = 0 }
        let system = try FisherSystem(scores: psi, advantages: randomVector(20, seed: 102), damping: 0)
        #expect(throws: NaturalGradientError.rankDeficient(route: .leastSquaresQR, column: 3)) {
            try system.solveLeastSquares(.qr)
        }
        // With damping the stacked system has full rank again.
        let damped = try FisherSystem(scores: psi, advantages: system.advantages, damping: 1e-2)
        let w = try damped.solveLeastSquares(.qr).w
        // The parameter no sample moves gets no update (up to rounding in the blocked reflectors).
        #expect(abs(w[2]) <= 1e-14 * norm(w))
        #expect(relativeError(w, try damped.solveExplicitFisher().w) < 1e-10)
    }
}

extension Matrix {
    /// The matrix without column `index` (test helper).
    init(concatenating matrix: Matrix, dropping index: Int) {
        let parts = [matrix.columns(0..<index), matrix.columns((index + 1)..<matrix.columns)]
        self = Matrix.concatenatingColumns(parts)
    }
}

/// The kernel route computes its residual ‖F w − g‖/‖g‖ in the B-space (one pass over Ψ instead of
/// four); it must match the residual of the returned w computed directly by Fisher-vector
/// products, with zero weights among the samples. Well conditioned: both at rounding level. Nearly singular K with
/// almost no damping: both must flag the inaccuracy, within a factor of 3 of each other (at that
/// conditioning the residual itself is rounding noise: forming w = Ψᵀx from a huge x perturbs
/// F w − g by ε‖F‖‖w‖, which the direct check sees and the B-space one does not).
@Suite struct KernelResidualTests {
    @Test(arguments: [1e-3, 1e-13])
    func kernelResidualMatchesTheDirectResidual(damping: Double) throws {
        var psi = randomMatrix(12, 30, seed: 131, as: Double.self)
        // Row 11 ≈ row 10: K is nearly singular.
        psi.setRow(11, to: zip(psi.row(10), randomVector(30, seed: 132, as: Double.self)).map { $0 + 1e-7 * $1 })
        var weights = (0..<12).map { Double($0 % 4 + 1) }
        weights[3] = 0
        let system = try FisherSystem(scores: psi, advantages: randomVector(12, seed: 133, as: Double.self),
                                      weights: weights, damping: damping)
        let solution = try system.solveKernel(minimumReciprocalCondition: 0)
        let direct = system.relativeResidual(of: solution.w, gradient: system.gradient())
        #expect(relativeError(solution.gradient, system.gradient()) < 1e-13)
        let reported = solution.diagnostics.relativeResidual
        if damping > 1e-6 {
            // An accurate solve: both residuals are rounding noise.
            #expect(reported < 1e-12 && direct < 1e-12, "reported \(reported), direct \(direct)")
        } else {
            #expect(direct > 1e-6 && reported > 1e-6, "reported \(reported), direct \(direct)")
            #expect(reported / direct < 3 && direct / reported < 3, "reported \(reported), direct \(direct)")
        }
    }
}

/// The least-squares routes take their work buffers from the engine's pool, which recycles
/// memory with arbitrary contents. LAPACKE checks its operands for NaN, including the parts of
/// QR's block-reflector buffer T that geqrt leaves unwritten: a recycled buffer full of NaN must
/// not make the solve trap (this happened intermittently before T was zeroed).
@Suite struct RecycledBufferTests {
    @Test func poisonedPoolDoesNotReachLAPACK() throws {
        // Tall: B = 300 > P = 128, so T is P × 32 floats = 16 KiB, a pooled size.
        for _ in 0..<4 {
            let poison = Block<Float>(uninitializedRows: 128, columns: 32)
            Float.fill(poison.base, count: poison.count, with: .nan)
        }
        let psi = randomMatrix(300, 128, seed: 141, as: Float.self)
        let system = try FisherSystem(scores: psi, advantages: randomVector(300, seed: 142, as: Float.self), damping: 1e-2)
        let qr = try system.solveLeastSquares(.qr)
        let explicit = try system.solveExplicitFisher()
        #expect(relativeError(qr.w, explicit.w.map(Double.init)) < 1e-3)
        #expect(try system.solveLeastSquares(.svd()).w.allSatisfy(\.isFinite))
    }
}

/// The SVD routes' relative cut-off is a hyper-parameter: outside [0, 1) it is refused by name,
/// by the Fisher system (tall and wide) and by the LSTD-Q critic's least-squares solve.
@Suite struct RelativeCutoffValidationTests {
    static func isCutoffError(_ error: any Error, _ value: Double) -> Bool {
        guard case .invalidHyperparameter(let name, let reported, _) = error as? NaturalGradientError else { return false }
        return name == "relativeCutoff" && (reported == value || (reported.isNaN && value.isNaN))
    }

    @Test(arguments: [-1e-3, .nan, 1, 2.5, .infinity] as [Double])
    func cutoffOutsideUnitIntervalIsRefused(cutoff: Double) throws {
        for (b, p) in [(5, 12), (12, 5)] {
            let system = try FisherSystem(scores: randomMatrix(b, p, seed: 151), advantages: randomVector(b, seed: 152),
                                          damping: 1e-3)
            #expect(performing: { try system.solveLeastSquares(.svd(relativeCutoff: cutoff)) },
                    throws: { Self.isCutoffError($0, cutoff) })
        }
        var lstd = try LSTDQAccumulator<Double>(parameterCount: 1, featureCount: 1, discount: 0.9, traceDecay: 0.5)
        try lstd.observe(CompatibleTransition(score: [0.5], features: [1], reward: 1, nextFeatures: [0.5], end: .continuing))
        #expect(performing: { try lstd.solve(.leastSquares(relativeCutoff: cutoff)) },
                throws: { Self.isCutoffError($0, cutoff) })
    }

    /// The edges of the interval are accepted: 0 keeps every nonzero singular value.
    @Test func cutoffZeroKeepsEverySingularValue() throws {
        let system = try FisherSystem(scores: randomMatrix(5, 12, seed: 153), advantages: randomVector(5, seed: 154), damping: 0)
        let solution = try system.solveLeastSquares(.svd(relativeCutoff: 0))
        #expect(solution.diagnostics.effectiveRank == 5)
        #expect(relativeError(solution.w, try system.solveKernel().w) < 1e-10)
    }
}
