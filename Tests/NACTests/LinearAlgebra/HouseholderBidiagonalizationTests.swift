import Testing
@testable import NAC

// HouseholderBidiagonalization (our panel kernel, gemm updates, dqds) against matrices with known
// singular values, against LAPACK's gesdd on the triangles the least-squares route gives it, and on
// the edge cases: scaling near overflow and underflow, zero and rank-one matrices, non-finite input.
// Every case runs both versions of the C panel (plain loops; AVX-512 where the CPU has it).

@Suite("Householder bidiagonalisation") struct HouseholderBidiagonalizationTests {
    /// A = U diag(σ) Vᵀ (m × n, column-major, leading dimension lda; rows m..<lda hold a marker),
    /// U and V products of three Householder reflectors each (orthogonal to rounding).
    static func matrix<S: NACScalar>(
        _: S.Type, m: Int, n: Int, lda: Int, sigma: [Double], seed: UInt64
    ) -> [S] {
        let u = orthogonal(m, seed: seed), v = orthogonal(n, seed: seed + 1)
        var a = [S](repeating: 7, count: lda * n)
        for j in 0..<n {
            for i in 0..<m {
                var sum = 0.0
                for k in 0..<n { sum += u[i][k] * sigma[k] * v[j][k] }
                a[j * lda + i] = S(sum)
            }
        }
        return a
    }

    /// An n × n orthogonal matrix (rows as arrays): three reflectors I − 2xxᵀ/xᵀx, x seeded N(0, 1).
    static func orthogonal(_ n: Int, seed: UInt64) -> [[Double]] {
        var q = (0..<n).map { i in (0..<n).map { Double($0 == i ? 1 : 0) } }
        var rng = Xoshiro256StarStar(seed: seed)
        for _ in 0..<3 {
            let x = (0..<n).map { _ in rng.normal(Double.self) }
            let xx = x.reduce(0) { $0 + $1 * $1 }
            for i in 0..<n {
                let dot = (0..<n).reduce(0.0) { $0 + q[i][$1] * x[$1] }
                for j in 0..<n { q[i][j] -= 2 * dot * x[j] / xx }
            }
        }
        return q
    }

    static func values<S: NACScalar>(
        of a0: [S], m: Int, n: Int, lda: Int, blockSize: Int? = nil, vectorExtensions: Bool
    ) throws -> (values: [S], destroyed: [S]) {
        var a = a0
        var s = [S](repeating: .nan, count: n)
        try a.withUnsafeMutableBufferPointer { pa in
            try s.withUnsafeMutableBufferPointer { ps in
                try HouseholderBidiagonalization.singularValues(
                    destroying: pa.baseAddress!, rows: m, columns: n, leadingDimension: lda, into: ps.baseAddress!,
                    blockSize: blockSize, vectorExtensions: vectorExtensions)
            }
        }
        return (s, a)
    }

    /// max |σ̂ᵢ − σᵢ| / σ₁.
    static func worst<S: NACScalar>(_ computed: [S], _ exact: [Double]) -> Double {
        zip(computed, exact).map { abs(Double($0) - $1) }.max()! / exact[0]
    }

    /// (m, n, block size, lda − m): one element, two, block 1, blocks that do and do not divide n,
    /// a last panel wider than one block, tall, padded, the default block sizes.
    static let shapes: [(Int, Int, Int?, Int)] = [
        (1, 1, nil, 0), (2, 2, nil, 1), (9, 9, 1, 0), (17, 17, 3, 2), (33, 33, 8, 0), (40, 33, 5, 0),
        (70, 64, 16, 3), (100, 100, nil, 0), (150, 100, 24, 0), (47, 30, 30, 0),
    ]

    /// Singular values spread over six decades (float64) or three (float32), each computed one
    /// within a few ε σ₁ of the exact one: the normwise backward stability of the reduction.
    /// Measured worst over these shapes: 6.4 ε σ₁ (float32, 100 × 100) and 3.5 ε σ₁ (float64); the
    /// bound is 20 ε σ₁.
    @Test(arguments: shapes, [false, true])
    func knownSingularValues(shape: (Int, Int, Int?, Int), vectorExtensions: Bool) throws {
        try check(Double.self, shape, decades: 6, vectorExtensions: vectorExtensions)
        try check(Float.self, shape, decades: 3, vectorExtensions: vectorExtensions)
    }

    func check<S: NACScalar>(
        _: S.Type, _ shape: (Int, Int, Int?, Int), decades: Double, vectorExtensions: Bool
    ) throws {
        let (m, n, blockSize, padding) = shape
        let lda = m + padding
        let sigma = (0..<n).map { Double.pow(10, -decades * Double($0) / Double(max(n - 1, 1))) }
        let a = Self.matrix(S.self, m: m, n: n, lda: lda, sigma: sigma, seed: UInt64(m * 31 + n))
        let (values, destroyed) = try Self.values(of: a, m: m, n: n, lda: lda, blockSize: blockSize,
                                                  vectorExtensions: vectorExtensions)
        let epsilon = Double(S.ulpOfOne)
        let error = Self.worst(values, sigma)
        #expect(error < 20 * epsilon, "\(S.self) \(m)×\(n) block \(blockSize ?? 0): \(error / epsilon) ε")
        #expect(zip(values, values.dropFirst()).allSatisfy { $0 >= $1 }, "descending")
        for j in 0..<n { for i in m..<lda { #expect(destroyed[j * lda + i] == 7, "padding kept") } }
    }

    /// The least-squares route's use: n × n upper triangles (zero below the diagonal) of N(0, 1)
    /// entries, against LAPACK gesdd (divide and conquer, an independent implementation). n = 600
    /// runs the default block of 32 and several panels. Measured: at most 3.9e-15 σ₁ (float64) and
    /// 1.1e-6 σ₁ (float32, 18 ε).
    @Test(arguments: [(256, false), (256, true), (600, true)] as [(Int, Bool)])
    func upperTrianglesAgreeWithLAPACK(n: Int, vectorExtensions: Bool) throws {
        try compareWithGesdd(Double.self, n: n, vectorExtensions: vectorExtensions, tolerance: 2e-14)
        try compareWithGesdd(Float.self, n: n, vectorExtensions: vectorExtensions, tolerance: 5e-6)
    }

    func compareWithGesdd<S: NACScalar>(_: S.Type, n: Int, vectorExtensions: Bool, tolerance: Double) throws {
        var rng = Xoshiro256StarStar(seed: UInt64(n))
        var triangle = [S](repeating: 0, count: n * n)
        for j in 0..<n { for i in 0...j { triangle[j * n + i] = rng.normal(S.self) } }
        var copy = triangle
        var reference = [S](repeating: 0, count: n), u = [S](repeating: 0, count: n * n), vt = u
        copy.withUnsafeMutableBufferPointer { pa in
            reference.withUnsafeMutableBufferPointer { ps in
                u.withUnsafeMutableBufferPointer { pu in
                    vt.withUnsafeMutableBufferPointer { pv in
                        #expect(S.gesdd(m: n, n: n, a: pa.baseAddress!, lda: n, s: ps.baseAddress!, u: pu.baseAddress!,
                                        ldu: n, vt: pv.baseAddress!, ldvt: n) == 0)
                    }
                }
            }
        }
        let computed = try Self.values(of: triangle, m: n, n: n, lda: n, vectorExtensions: vectorExtensions).values
        let error = Self.worst(computed, reference.map(Double.init))
        #expect(error < tolerance, "\(S.self) n = \(n): \(error)")
    }

    /// The power-of-two scaling: without it Σx² overflows (entries near 1e300, or 1e30 in
    /// float32) or underflows to zero (1e-300, 1e-30) and the reflectors break. The values must be
    /// the unscaled ones times the factor, to rounding (measured: within one ε of the exact values at
    /// every factor; the bound is 10 ε).
    @Test func valuesOfMatricesNearOverflowAndUnderflow() throws {
        try checkScaling(Double.self, exponents: [996, -996, 0])
        try checkScaling(Float.self, exponents: [100, -100, 0])
    }

    func checkScaling<S: NACScalar>(_: S.Type, exponents: [Int]) throws {
        let m = 30, n = 20
        let sigma = (0..<n).map { 1 / Double($0 + 1) }
        let base = Self.matrix(S.self, m: m, n: n, lda: m, sigma: sigma, seed: 5)
        for exponent in exponents {
            let factor = S(sign: .plus, exponent: S.Exponent(exponent), significand: 1)
            let scaled = base.map { $0 * factor }
            let values = try Self.values(of: scaled, m: m, n: n, lda: m, vectorExtensions: true).values
            let unscaled = values.map { Double($0 / factor) }
            let error = zip(unscaled, sigma).map { abs($0 - $1) }.max()!
            #expect(values.allSatisfy { $0.isFinite }, "2^\(exponent)")
            #expect(error < 10 * Double(S.ulpOfOne), "\(S.self) 2^\(exponent): \(error)")
        }
    }

    /// A zero matrix has zero singular values; a rank-one matrix c · 1ᵀ (every column c) has
    /// σ₁ = ‖c‖ √n and the others zero to rounding.
    @Test(arguments: [false, true])
    func zeroAndRankOneMatrices(vectorExtensions: Bool) throws {
        let m = 41, n = 37
        let zero = try Self.values(of: [Double](repeating: 0, count: m * n), m: m, n: n, lda: m,
                                   vectorExtensions: vectorExtensions).values
        #expect(zero == [Double](repeating: 0, count: n))
        let c = randomVector(m, seed: 9, as: Double.self)
        var rankOne = [Double](repeating: 0, count: m * n)
        for j in 0..<n { for i in 0..<m { rankOne[j * m + i] = c[i] } }
        let values = try Self.values(of: rankOne, m: m, n: n, lda: m, blockSize: 8, vectorExtensions: vectorExtensions).values
        let sigma1 = c.reduce(0) { $0 + $1 * $1 }.squareRoot() * Double(n).squareRoot()
        #expect(abs(values[0] - sigma1) < 1e-14 * sigma1)
        #expect(values.dropFirst().allSatisfy { $0 < 1e-14 * sigma1 })
    }

    /// NaN or ±∞ is a typed error naming the first such element (column-major order).
    @Test func nonFiniteElementsAreRefused() {
        var a = [Double](repeating: 1, count: 12 * 9)
        a[5 * 12 + 3] = .nan
        a[7 * 12 + 1] = .infinity
        #expect(throws: LinearAlgebraError.nonFiniteInput(argument: "matrix", row: 3, column: 5)) {
            _ = try Self.values(of: a, m: 12, n: 9, lda: 12, vectorExtensions: true)
        }
        var b = [Float](repeating: 1, count: 4 * 4)
        b[0] = -.infinity
        #expect(throws: LinearAlgebraError.nonFiniteInput(argument: "matrix", row: 0, column: 0)) {
            _ = try Self.values(of: b, m: 4, n: 4, lda: 4, vectorExtensions: false)
        }
    }
}
