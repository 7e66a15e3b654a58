import Testing
@testable import NAC

// The R factor of a QR, whole and streamed in chunks of rows, against the Cholesky factor of SᵀS
// computed by a plain loop here: R is unique up to the signs of its rows, so with a positive
// diagonal it equals chol(SᵀS).

@Suite("Householder triangle") struct HouseholderTriangleTests {
    /// (m, n, chunk rows): whole; chunks dividing m; a last chunk shorter than n; chunks = n.
    @Test(arguments: [(50, 7, nil), (50, 7, 10), (53, 7, 10), (50, 7, 7), (50, 7, 49), (40, 13, 13), (9, 9, nil)] as [(Int, Int, Int?)])
    func triangleIsTheCholeskyFactorOfTheGram(m: Int, n: Int, chunkRows: Int?) {
        // Both forms of the QR: the own recursion with the structured fold, and LAPACK's geqrt
        // with the dense one.
        for ownKernels in [true, false] {
            checkTriangle(m: m, n: n, chunkRows: chunkRows, ownKernels: ownKernels)
        }
    }

    /// The default decision at the smallest streamed size: 4096 × 128 in float64 (4 MiB, two
    /// chunks of 2048 rows) streams with the own kernels and is factorised whole with `geqrt`; one
    /// row fewer is whole with both. Each gives RᵀR = SᵀS (both Grams by BLAS; the plain-loop
    /// Cholesky of the other tests is too slow at this size in debug builds).
    @Test(arguments: [(4096, true, 2), (4096, false, 1), (4095, true, 1)] as [(Int, Bool, Int)])
    func defaultFormAtTheSmallestStreamedSize(m: Int, ownKernels: Bool, expectedChunks: Int) {
        let n = 128
        let s = randomMatrix(m, n, seed: 77, as: Double.self)
        var ranges: [Range<Int>] = []
        let r: [Double] = HouseholderTriangle.factor(rows: m, columns: n, chunkRows: nil, ownKernels: ownKernels) { range, destination, leading in
            ranges.append(range)
            s.withUnsafeBufferPointer { ps in
                for i in range { for j in 0..<n { destination[j * leading + i - range.lowerBound] = ps[i * n + j] } }
            }
        }
        #expect(ranges.count == expectedChunks)
        #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == m)
        // R is column-major n × n, i.e. Rᵀ read row-major: RᵀR = (Rᵀ)(Rᵀ)ᵀ.
        let rTransposed = Matrix(rows: n, columns: n, elements: r)
        let gramOfR = rTransposed * rTransposed.transposed()
        let gramOfS = s.transposed() * s
        var worst = 0.0, largest = 0.0
        for (a, b) in zip(gramOfR.elements, gramOfS.elements) { worst = max(worst, abs(a - b)); largest = max(largest, abs(b)) }
        // Backward-stable QR: ‖RᵀR − SᵀS‖ ≲ c m ε ‖S‖²; measured below 1e-15 relative.
        #expect(worst / largest < 1e-13, "max |RᵀR − SᵀS| / max |SᵀS| = \(worst / largest)")
    }

    func checkTriangle(m: Int, n: Int, chunkRows: Int?, ownKernels: Bool) {
        let s = randomMatrix(m, n, seed: UInt64(100 + m + n), as: Double.self)
        var ranges: [Range<Int>] = []
        let r: [Double] = HouseholderTriangle.factor(rows: m, columns: n, chunkRows: chunkRows, ownKernels: ownKernels) { range, destination, leading in
            ranges.append(range)
            for j in 0..<n { for i in range { destination[j * leading + i - range.lowerBound] = s[i, j] } }
        }
        // The row source was asked for every row once, in order, in chunks of the requested size.
        #expect(ranges.first?.lowerBound == 0 && ranges.last?.upperBound == m)
        #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        #expect(ranges.count == (chunkRows.map { (m + $0 - 1) / $0 } ?? 1))

        let expected = choleskyOfGram(s)
        var worst = 0.0
        for i in 0..<n {
            let sign: Double = r[i * n + i] < 0 ? -1 : 1
            for j in 0..<n {
                let value = r[j * n + i]            // R[i, j], column-major
                if i > j { #expect(value == 0, "R[\(i), \(j)] below the diagonal") }
                worst = max(worst, abs(sign * value - expected[i][j]))
            }
        }
        // Well-conditioned random S (κ ≈ 10): backward-stable QR and the Cholesky factor agree to a
        // small multiple of κ ε ‖S‖; measured 1.8e-15–6.9e-15.
        #expect(worst < 1e-12, "max |R − chol(SᵀS)| = \(worst), own kernels \(ownKernels)")
    }

    @Test func fewerRowsThanColumnsLeavesTheLastRowsZero() {
        let s = randomMatrix(3, 5, seed: 7, as: Double.self)
        let r: [Double] = HouseholderTriangle.factor(rows: 3, columns: 5) { range, destination, leading in
            for j in 0..<5 { for i in range { destination[j * leading + i - range.lowerBound] = s[i, j] } }
        }
        for i in 3..<5 { for j in 0..<5 { #expect(r[j * 5 + i] == 0) } }
        // Rows 0..<3: RᵀR = SᵀS still.
        for a in 0..<5 {
            for b in 0..<5 {
                let gram = (0..<3).reduce(0.0) { $0 + s[$1, a] * s[$1, b] }
                let product = (0..<5).reduce(0.0) { $0 + r[a * 5 + $1] * r[b * 5 + $1] }
                #expect(abs(gram - product) < 1e-13)
            }
        }
    }

    @Test func streamsLargeNarrowMatricesOnly() {
        let cache = 32 << 20
        func streams(_ m: Int, _ n: Int, _ size: Int, own: Bool, cache: Int? = cache) -> Bool {
            HouseholderTriangle.streams(rows: m, columns: n, scalarSize: size, ownKernels: own, lastLevelCacheBytes: cache)
        }
        #expect(HouseholderTriangle.defaultChunkRows(ownKernels: true) == 2048)
        #expect(HouseholderTriangle.defaultChunkRows(ownKernels: false) == 4096)
        // With the own kernels: from 4 MiB and two 2048-row chunks, at most 384 columns. W1's
        // stacked system at B = 256 (5964 × 256): 12.2 MB in float64, 6.1 MB in float32.
        #expect(streams(5964, 256, 8, own: true))
        #expect(streams(5964, 256, 4, own: true))
        #expect(streams(84752, 256, 4, own: true))
        #expect(streams(4096, 128, 8, own: true))              // exactly 4 MiB, exactly two chunks
        #expect(!streams(4095, 128, 8, own: true))             // fewer than two chunks
        #expect(!streams(4096, 127, 8, own: true))             // under 4 MiB
        #expect(!streams(4200, 64, 4, own: true))
        #expect(!streams(84752, 385, 8, own: true))            // too wide
        // The cache size does not matter with the own kernels.
        #expect(streams(5964, 256, 8, own: true, cache: 1 << 30))
        // With geqrt (dense fold, 2n³ per chunk): two 4096-row chunks and larger than the cache.
        // W3 at B = 256 (84 752 × 256): 173 MB in float64, 87 MB in float32.
        #expect(streams(84752, 256, 8, own: false))
        #expect(streams(84752, 256, 4, own: false))
        #expect(streams(40000, 384, 8, own: false))
        #expect(!streams(84752, 512, 8, own: false))
        #expect(!streams(5964, 256, 8, own: false))
        #expect(!streams(12000, 256, 8, own: false))
        #expect(streams(12000, 256, 8, own: false, cache: 16 << 20))
        // Unknown cache: 32 MiB.
        #expect(!streams(16384, 256, 8, own: false, cache: nil))
        #expect(streams(16500, 256, 8, own: false, cache: nil))
    }
}

/// The upper Cholesky factor of SᵀS (positive diagonal), row i as an array, by the textbook loop.
private func choleskyOfGram(_ s: Matrix<Double>) -> [[Double]] {
    let n = s.columns
    var gram = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for i in 0..<n { for j in 0..<n { gram[i][j] = (0..<s.rows).reduce(0) { $0 + s[$1, i] * s[$1, j] } } }
    var r = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
    for i in 0..<n {
        let diagonal = gram[i][i] - (0..<i).reduce(0) { $0 + r[$1][i] * r[$1][i] }
        r[i][i] = diagonal.squareRoot()
        for j in (i + 1)..<max(i + 1, n) {
            r[i][j] = (gram[i][j] - (0..<i).reduce(0) { $0 + r[$1][i] * r[$1][j] }) / r[i][i]
        }
    }
    return r
}
