import Testing
@testable import NAC

// The damping rows folded in by `tpqrt` (`FisherSystem.stackedTriangle`): the same R as factorising
// them with the scores (up to the signs of its rows), and the same natural gradient by every form of
// the QR and SVD routes, tall and wide, with and without inactive samples, whole and streamed.

@Suite struct FisherSolveDampingFoldTests {
    /// (samples, parameters, an inactive sample): wide and tall, augmented (tall) and not.
    static let shapes: [(Int, Int, Bool)] = [(12, 40, false), (12, 40, true), (60, 9, false), (60, 9, true),
                                               (9, 9, false)]

    static func system(_ b: Int, _ p: Int, inactive: Bool, damping: Double = 0.05) throws -> FisherSystem<Double> {
        let psi = randomMatrix(b, p, seed: UInt64(b * 13 + p), as: Double.self)
        let advantages = randomVector(b, seed: UInt64(b + 3 * p), as: Double.self)
        var weights = (0..<b).map { 0.5 + Double($0 % 4) / 3 }
        if inactive { weights[2] = 0 }
        return try FisherSystem(scores: psi, advantages: advantages, weights: weights, damping: damping)
    }

    /// RᵀR (the stacked system's SᵀS, whatever the signs of R's rows) from a column-major triangle.
    static func gram(_ r: [Double], columns: Int) -> [Double] {
        var g = [Double](repeating: 0, count: columns * columns)
        for i in 0..<columns { for j in 0..<columns {
            var sum = 0.0
            for k in 0...Swift.min(i, j) { sum += r[i * columns + k] * r[j * columns + k] }
            g[i * columns + j] = sum
        } }
        return g
    }

    @Test(arguments: shapes)
    func foldedTriangleHasTheSameGram(shape: (Int, Int, Bool)) throws {
        let (b, p, inactive) = shape
        let system = try Self.system(b, p, inactive: inactive)
        let stacked = system.stackedLeastSquares()
        let columns = stacked.n + (stacked.tall ? 1 : 0)
        let dense = system.stackedTriangle(stacked, augmented: stacked.tall, chunkRows: nil, foldsDamping: false)
        for chunk: Int? in [nil, columns + 2] {
            let folded = system.stackedTriangle(stacked, augmented: stacked.tall, chunkRows: chunk, foldsDamping: true)
            let expected = Self.gram(dense, columns: columns), actual = Self.gram(folded, columns: columns)
            let scale = expected.map(abs).max()!
            let error = zip(actual, expected).map { abs($0 - $1) }.max()! / scale
            #expect(error < 1e-13, "\(b)×\(p) chunk \(chunk ?? 0): \(error)")
            for j in 0..<columns { for i in (j + 1)..<columns where folded[j * columns + i] != 0 {
                Issue.record("nonzero below the diagonal at (\(i), \(j))")
            } }
        }
    }

    /// Both routes with the fold forced, against the kernel route (wide) or the explicit Fisher
    /// (tall), each a Cholesky of a different matrix.
    @Test(arguments: shapes)
    func foldedRoutesAgreeWithTheCholeskyRoutes(shape: (Int, Int, Bool)) throws {
        let (b, p, inactive) = shape
        let system = try Self.system(b, p, inactive: inactive)
        let expected = try (b - (inactive ? 1 : 0) < p ? system.solveKernel() : system.solveExplicitFisher()).w
        for chunk: Int? in [nil, 2 * Swift.min(b, p) + 1] {
            let qr = try system.solveLeastSquaresByQR(chunkRows: chunk, foldsDamping: true)
            let svd = try system.solveLeastSquaresBySVD(relativeCutoff: nil, chunkRows: chunk, foldsDamping: true)
            #expect(relativeError(qr.w, expected) < 1e-10, "QR chunk \(chunk ?? 0)")
            #expect(relativeError(svd.w, expected) < 1e-10, "SVD chunk \(chunk ?? 0)")
            #expect(svd.diagnostics.effectiveRank == system.stackedLeastSquares().n)
        }
    }

    /// The default path: 520 active samples (columns) reach `dampingFoldMinimumColumns`, so both
    /// routes fold by default, and the SVD route takes its form from R.
    @Test func defaultFoldOnAWideSystem() throws {
        #expect(FisherSystem<Double>.dampingFoldMinimumColumns <= 520)
        let system = try Self.system(520, 600, inactive: false, damping: 0.01)
        let expected = try system.solveKernel().w
        #expect(relativeError(try system.solveLeastSquares(.qr).w, expected) < 1e-10)
        #expect(relativeError(try system.solveLeastSquares(.svd()).w, expected) < 1e-10)
    }
}
