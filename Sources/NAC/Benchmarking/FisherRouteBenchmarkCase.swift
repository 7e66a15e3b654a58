/// The inputs of one timed Fisher-route case of `nac bench natural-gradient`: a seeded random
/// B × P score matrix and advantages, the damped system built from them, and the calls that
/// are timed.
///
/// Inputs: one `Xoshiro256StarStar(seed:)` stream gives Ψ (B × P, entries N(0, 1), drawn row by
/// row in the scalar type, `Matrix.randomNormal`), then Â (B entries N(0, 1)). The system is
/// F = ΨᵀΨ/B + λI, g = ΨᵀÂ/B (uniform weights). Only the shape (B, P) matters for the cost of
/// the direct routes, so random scores stand in for a policy's; with λ > 0 every route's matrix
/// is positive definite.
public struct FisherRouteBenchmarkCase<Scalar: NACScalar>: Sendable {
    /// The system every route solves.
    public let system: FisherSystem<Scalar>

    /// The seed used by `nac bench natural-gradient`.
    public static var defaultSeed: UInt64 { 20240607 }

    /// - Precondition: B, P ≥ 1 and λ finite and > 0.
    public init(batchSize: Int, parameterCount: Int, damping: Scalar, seed: UInt64 = defaultSeed) {
        precondition(batchSize >= 1 && parameterCount >= 1, "FisherRouteBenchmarkCase: B = \(batchSize), P = \(parameterCount)")
        precondition(damping.isFinite && damping > 0, "FisherRouteBenchmarkCase: damping \(damping) must be > 0")
        var generator = Xoshiro256StarStar(seed: seed)
        let scores = Matrix<Scalar>.randomNormal(rows: batchSize, columns: parameterCount, using: &generator)
        let advantages = (0..<batchSize).map { _ in generator.normal(Scalar.self) }
        do {
            system = try FisherSystem(scores: scores, advantages: advantages, damping: damping)
        } catch {
            preconditionFailure("FisherRouteBenchmarkCase: finite random inputs were refused: \(error)")
        }
    }

    /// B.
    public var batchSize: Int { system.sampleCount }
    /// P.
    public var parameterCount: Int { system.parameterCount }

    /// The conjugate-gradient options of the timed CG route: exactly `iterations` iterations
    /// (tolerance 0), truncation at non-positive curvature reported instead of thrown, no
    /// residual check — the 10-iteration truncated solve of TRPO and `workloads.json`.
    public static func conjugateGradientOptions(iterations: Int) -> ConjugateGradientOptions<Scalar> {
        ConjugateGradientOptions(maximumIterations: iterations, relativeTolerance: 0,
                                 onNonPositiveCurvature: .returnCurrentIterate, verifyResidual: false)
    }

    /// One solve by `route` (QR for `.leastSquaresQR`, SVD with the default cut-off for
    /// `.leastSquaresSVD`, `iterations` CG iterations for `.conjugateGradient`).
    public func solve(
        by route: FisherSolveRoute, conjugateGradientIterations iterations: Int = 10
    ) throws(NaturalGradientError) -> NaturalGradientSolution<Scalar> {
        switch route {
        case .explicitFisher: try system.solveExplicitFisher()
        case .kernel: try system.solveKernel()
        case .leastSquaresQR: try system.solveLeastSquares(.qr)
        case .leastSquaresSVD: try system.solveLeastSquares(.svd())
        case .conjugateGradient: try system.solveConjugateGradient(options: Self.conjugateGradientOptions(iterations: iterations))
        }
    }

    /// One automatic solve, `FisherSystem.solve()` with default options (the route it picks is
    /// in `diagnostics.route`, its recoveries in `diagnostics.fallbacks`).
    public func solveAutomatically() throws(NaturalGradientError) -> NaturalGradientSolution<Scalar> {
        try system.solve()
    }
}
