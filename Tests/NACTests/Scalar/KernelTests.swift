import Testing
@testable import NAC

// The elementwise kernel requirements of NACScalar, on small closed forms.

@Suite("Elementwise kernels") struct KernelTests {
    @Test(arguments: scalarTypes) func broadcastWithScaleAndAccumulation(_ type: any NACScalar.Type) {
        checkBroadcast(type)
    }

    @Test(arguments: scalarTypes) func copyScaleAccumulateAndFill(_ type: any NACScalar.Type) {
        checkCopy(type)
    }

    @Test(arguments: scalarTypes) func transposeAcrossTiles(_ type: any NACScalar.Type) {
        checkTranspose(type)
    }

    @Test(arguments: scalarTypes) func symmetrizeEachTriangle(_ type: any NACScalar.Type) {
        checkSymmetrize(type)
    }

    @Test(arguments: scalarTypes) func rowAndColumnSums(_ type: any NACScalar.Type) {
        checkSums(type)
    }

    @Test(arguments: scalarTypes) func logSumExpAndSoftmax(_ type: any NACScalar.Type) {
        checkLogSumExp(type)
    }

    @Test(arguments: scalarTypes) func outerProductRows(_ type: any NACScalar.Type) {
        checkOuterProductRows(type)
    }

    @Test(arguments: scalarTypes) func magnitudesNormsAndNonFiniteSearch(_ type: any NACScalar.Type) {
        checkMagnitudes(type)
    }

    @Test(arguments: scalarTypes) func unrolledReductionsOnLongerBuffers(_ type: any NACScalar.Type) {
        checkUnrolled(type)
    }
}

private func checkBroadcast<S: NACScalar>(_: S.Type) {
    let a: [S] = [1, 2, 3, 4, 5, 6]   // 2 × 3
    let row: [S] = [10, 20, 30]
    var out: [S] = [1, 1, 1, 1, 1, 1]
    // out ← out + 2 (a − row), the row repeated by a zero row stride.
    S.broadcast(.subtract, StridedOperand(a, rowStride: 3), StridedOperand(row, rowStride: 0),
                rows: 2, columns: 3, alpha: 2, accumulate: true, into: &out, outRowStride: 3)
    #expect(out == [-17, -35, -53, -11, -29, -47])
    // Strided (transposed) multiply: out(r, c) = a(c, r) · 2 for a 3 × 2 result, row stride 4.
    let two: [S] = [2]
    var t = [S](repeating: 0, count: 12)
    S.broadcast(.multiply, StridedOperand(a, rowStride: 1, columnStride: 3), StridedOperand(two, rowStride: 0, columnStride: 0),
                rows: 3, columns: 2, accumulate: false, into: &t, outRowStride: 4)
    #expect(t == [2, 8, 0, 0, 4, 10, 0, 0, 6, 12, 0, 0])
    var q = [S](repeating: 0, count: 6)
    S.broadcast(.divide, StridedOperand(a, rowStride: 3), StridedOperand(row, rowStride: 0),
                rows: 2, columns: 3, alpha: 10, accumulate: false, into: &q, outRowStride: 3)
    #expect(q == [1, 1, 1, 4, S(25) / 10 * 1, 2])
    var p = [S](repeating: 1, count: 6)
    S.broadcast(.multiply, StridedOperand(a, rowStride: 3), StridedOperand(a, rowStride: 3),
                rows: 2, columns: 3, accumulate: true, into: &p, outRowStride: 3)
    #expect(p == [2, 5, 10, 17, 26, 37])
    S.broadcast(.add, StridedOperand(a, rowStride: 3), StridedOperand(a, rowStride: 3),
                rows: 2, columns: 3, accumulate: false, into: &p, outRowStride: 3)
    #expect(p == [2, 4, 6, 8, 10, 12])
}

private func checkCopy<S: NACScalar>(_: S.Type) {
    let a: [S] = [1, 2, 3, 4, 5, 6]
    var out: [S] = [1, 1, 1, 1]
    // Columns 1…2 of the 2 × 3 a, scaled by 3 and accumulated.
    a.withUnsafeBufferPointer { pa in
        S.copy(StridedOperand(pa.baseAddress! + 1, rowStride: 3), rows: 2, columns: 2, alpha: 3,
               accumulate: true, into: &out, outRowStride: 2)
    }
    #expect(out == [7, 10, 16, 19])
    S.copy(StridedOperand(a, rowStride: 0, columnStride: 2), rows: 2, columns: 2, accumulate: false,
           into: &out, outRowStride: 2)
    #expect(out == [1, 3, 1, 3])
    S.fill(&out, count: 3, with: -2)
    #expect(out == [-2, -2, -2, 3])
    // Plain copies into contiguous rows (one move, or a broadcast row doubled): every row count
    // from 1 to 9 and 1000, a broadcast row and a contiguous block, elements past the end untouched.
    let row: [S] = [7, -8, 9]
    for rows in Array(1...9) + [1000] {
        let block = (0..<(rows * 3)).map { S($0) }
        var broadcast = [S](repeating: -1, count: rows * 3 + 2), contiguous = broadcast
        S.copy(StridedOperand(row, rowStride: 0), rows: rows, columns: 3, accumulate: false, into: &broadcast, outRowStride: 3)
        S.copy(StridedOperand(block, rowStride: 3), rows: rows, columns: 3, accumulate: false, into: &contiguous, outRowStride: 3)
        #expect(Array(broadcast.prefix(rows * 3)) == (0..<rows).flatMap { _ in row }, "broadcast into \(rows) rows")
        #expect(Array(contiguous.prefix(rows * 3)) == block, "contiguous copy of \(rows) rows")
        #expect(broadcast.suffix(2) == [-1, -1] && contiguous.suffix(2) == [-1, -1], "past the end, \(rows) rows")
    }
}

private func checkTranspose<S: NACScalar>(_: S.Type) {
    // 45 × 70 with leading dimensions 73 and 50 crosses the 32 × 32 tiles and their edges.
    let rows = 45, columns = 70, lda = 73, ldb = 50
    let a = (0..<(rows * lda)).map { S($0) }
    var b = [S](repeating: -1, count: columns * ldb)
    S.transpose(rows: rows, columns: columns, a, lda: lda, into: &b, ldb: ldb)
    var ok = true
    for c in 0..<columns {
        for r in 0..<ldb {
            let expected: S = r < rows ? S(r * lda + c) : -1
            if b[c * ldb + r] != expected { ok = false }
        }
    }
    #expect(ok)
}

private func checkSymmetrize<S: NACScalar>(_: S.Type) {
    let n = 70, lda = 72
    for source in [Triangle.upper, .lower] {
        var a = (0..<(n * lda)).map { S($0) }
        S.symmetrize(source, n: n, &a, lda: lda)
        var ok = true
        for i in 0..<n {
            for j in 0..<lda {
                let expected: S
                if j >= n { expected = S(i * lda + j) }                 // padding untouched
                else if (source == .upper) == (j >= i) { expected = S(i * lda + j) }   // source kept
                else { expected = S(j * lda + i) }                      // mirrored
                if a[i * lda + j] != expected { ok = false }
            }
        }
        #expect(ok, "source \(source)")
    }
}

private func checkSums<S: NACScalar>(_: S.Type) {
    let a: [S] = [1, 2, 3, 0,
                  4, 5, 6, 0]   // 2 × 3, row stride 4
    var rowsOut: [S] = [100, -1, 100]
    S.sumRows(a, rows: 2, columns: 3, rowStride: 4, alpha: 2, accumulate: true, into: &rowsOut, outStride: 2)
    #expect(rowsOut == [112, -1, 130])
    S.sumRows(a, rows: 2, columns: 3, rowStride: 4, accumulate: false, into: &rowsOut, outStride: 1)
    #expect(rowsOut == [6, 15, 130])
    var columnsOut: [S] = [1, 1, 1]
    S.sumColumns(a, rows: 2, columns: 3, rowStride: 4, alpha: -1, accumulate: true, into: &columnsOut)
    #expect(columnsOut == [-4, -6, -8])
    S.sumColumns(a, rows: 2, columns: 3, rowStride: 4, accumulate: false, into: &columnsOut)
    #expect(columnsOut == [5, 7, 9])
}

private func checkLogSumExp<S: NACScalar>(_: S.Type) {
    let a: [S] = [1, 2, 3,
                  1000, 1000, 1000,
                  -.infinity, 0, -.infinity]
    var lse = [S](repeating: 0, count: 3)
    var softmax = [S](repeating: 0, count: 9)
    S.logSumExpRows(a, rows: 3, columns: 3, rowStride: 3, into: &lse, softmax: &softmax)
    let eps = S.machineEpsilon
    // log(e¹ + e² + e³) = 3 + log(1 + e⁻¹ + e⁻²) = 3.40760596444438…
    expectClose(Double(lse[0]), 3.4076059644443806, tolerance: 8 * eps * 3.5, "lse row 0")
    expectClose(Double(lse[1]), 1000 + 1.0986122886681098, tolerance: 8 * eps * 1001, "lse row 1 (no overflow)")
    #expect(lse[2] == 0)
    let total = 1 + 0.36787944117144233 + 0.1353352832366127
    for (i, e) in [0.1353352832366127 / total, 0.36787944117144233 / total, 1 / total].enumerated() {
        expectClose(Double(softmax[i]), e, tolerance: 8 * eps, "softmax[0][\(i)]")
        expectClose(Double(softmax[3 + i]), 1.0 / 3, tolerance: 8 * eps, "softmax[1][\(i)]")
    }
    #expect(Array(softmax[6...]) == [0, 1, 0])
}

private func checkOuterProductRows<S: NACScalar>(_: S.Type) {
    // Two rows; u rows of 2 (stride 3), v rows of 3 (stride 3); dst rows of 6 with stride 7.
    let u: [S] = [1, 2, 0, 3, 4, 0]
    let v: [S] = [1, 10, 100, 2, 20, 200]
    var dst = [S](repeating: 1, count: 14)
    S.outerProductRows(rows: 2, m: 2, n: 3, alpha: 2, u: u, uRowStride: 3, v: v, vRowStride: 3,
                       accumulate: true, streaming: false, into: &dst, dstRowStride: 7)
    #expect(dst == [3, 21, 201, 5, 41, 401, 1,
                    13, 121, 1201, 17, 161, 1601, 1])
    S.outerProductRows(rows: 2, m: 2, n: 3, u: u, uRowStride: 3, v: v, vRowStride: 3,
                       accumulate: false, into: &dst, dstRowStride: 7)
    #expect(dst == [1, 10, 100, 2, 20, 200, 1,
                    6, 60, 600, 8, 80, 800, 1])
}

private func checkMagnitudes<S: NACScalar>(_: S.Type) {
    #expect(S.maximumMagnitude([1, -7, 3], count: 3) == 7)
    #expect(S.maximumMagnitude([1, .nan, 3], count: 3).isNaN)
    #expect(S.firstNonFinite([1, 2, 3], count: 3) == nil)
    #expect(S.firstNonFinite([1, .infinity, .nan], count: 3) == 1)
    #expect(S.firstNonFinite([1, 2, -.infinity], count: 3) == 2)
    // [[1, −2], [3, 4], [−5, 0]] (3 × 2, row stride 3): column sums 9, 6; row sums 3, 7, 5.
    let a: [S] = [1, -2, 99, 3, 4, 99, -5, 0, 99]
    #expect(S.oneNorm(rows: 3, columns: 2, a, rowStride: 3) == 9)
    #expect(S.infinityNorm(rows: 3, columns: 2, a, rowStride: 3) == 7)
    #expect(S.oneNorm(rows: 1, columns: 2, [1, .nan], rowStride: 2).isNaN)
    #expect(S.infinityNorm(rows: 2, columns: 1, [.nan, 1], rowStride: 1).isNaN)
    // Symmetric [[2, −1, 0], [−1, 3, 4], [0, 4, 1]]: row sums 3, 8, 5; the unread triangle holds 100.
    let upper: [S] = [2, -1, 0, 100, 3, 4, 100, 100, 1]
    let lower: [S] = [2, 100, 100, -1, 3, 100, 0, 4, 1]
    #expect(S.symmetricOneNorm(.upper, n: 3, upper, rowStride: 3) == 8)
    #expect(S.symmetricOneNorm(.lower, n: 3, lower, rowStride: 3) == 8)
}

private func checkUnrolled<S: NACScalar>(_: S.Type) {
    // Lengths that exercise the 8-wide blocks and the remainder loop.
    for count in [7, 8, 9, 37] {
        let clean = (0..<count).map { S($0 % 5) - 2 }
        #expect(S.firstNonFinite(clean, count: count) == nil, "count \(count)")
        for position in Set([0, count / 2, count - 1]) {
            var x = clean
            x[position] = position % 2 == 0 ? .infinity : .nan
            #expect(S.firstNonFinite(x, count: count) == position, "count \(count), position \(position)")
        }
    }
    // Norms of a 21 × 21 symmetric matrix with a(i, j) = (i − 2j) mod 7 − 3 made symmetric, against
    // plain Double loops (all values are small integers, so the sums are exact).
    let n = 21
    var full = [S](repeating: 0, count: n * n)
    for i in 0..<n { for j in i..<n { let v = S((i + 2 * j) % 7) - 3; full[i * n + j] = v; full[j * n + i] = v } }
    var columnSums = [Double](repeating: 0, count: n)
    for i in 0..<n { for j in 0..<n { columnSums[j] += abs(Double(full[i * n + j])) } }
    let expected = S(columnSums.max()!)
    var upperOnly = full, lowerOnly = full
    for i in 0..<n { for j in 0..<n where j < i { upperOnly[i * n + j] = 50; lowerOnly[j * n + i] = 50 } }
    #expect(S.symmetricOneNorm(.upper, n: n, upperOnly, rowStride: n) == expected)
    #expect(S.symmetricOneNorm(.lower, n: n, lowerOnly, rowStride: n) == expected)
    #expect(S.oneNorm(rows: n, columns: n, full, rowStride: n) == expected)
    #expect(S.infinityNorm(rows: n, columns: n, full, rowStride: n) == expected)
    upperOnly[3 * n + 17] = .nan
    #expect(S.symmetricOneNorm(.upper, n: n, upperOnly, rowStride: n).isNaN)
}

/// `fewRowsProduct` (C A for a few rows k, A read once in column blocks of 64 KiB per output row —
/// 16 384 float32 or 8192 float64 elements —, up to three output rows and eight rows of A per
/// sweep) against the triple loop, in both types and both versions of the C kernel (baseline,
/// AVX2 + FMA): k = 1…7 (groups of three with every remainder), m below 8, a multiple of 8 and
/// with every other remainder of 8 in some shape, n spanning several blocks with a ragged last
/// one, and a row stride larger than n.
@Suite struct FewRowsProductTests {
    typealias Product<S: NACScalar> = (UnsafePointer<S>, Int, UnsafePointer<S>, Int, Int, Int, UnsafeMutablePointer<S>) -> Void

    static func check<S: NACScalar>(_: S.Type, k: Int, m: Int, n: Int, tolerance: Double, product: Product<S>) {
        let stride = n + 5
        var rng = Xoshiro256StarStar(seed: UInt64(k * 10_000 + m * 100 + n % 97))
        let c = (0..<(k * m)).map { _ in rng.normal(S.self) }
        let a = (0..<(m * stride)).map { _ in rng.normal(S.self) }
        var out = [S](repeating: .nan, count: k * n)
        c.withUnsafeBufferPointer { pc in
            a.withUnsafeBufferPointer { pa in
                out.withUnsafeMutableBufferPointer { po in
                    product(pc.baseAddress!, k, pa.baseAddress!, m, n, stride, po.baseAddress!)
                }
            }
        }
        var worst = 0.0
        for q in 0..<k {
            for j in 0..<n {
                var exact = 0.0, scale = 0.0
                for r in 0..<m {
                    exact += Double(c[q * m + r]) * Double(a[r * stride + j])
                    scale += abs(Double(c[q * m + r]) * Double(a[r * stride + j]))
                }
                worst = max(worst, abs(Double(out[q * n + j]) - exact) / max(scale, 1e-300))
            }
        }
        #expect(worst < tolerance, "\(S.typeName) k = \(k), m = \(m), n = \(n): worst error \(worst) relative to Σ|c·a|")
    }

    @Test(arguments: [(1, 1, 7), (2, 5, 1024), (3, 13, 2500), (4, 4, 3), (3, 9, 2049), (5, 6, 4100), (7, 11, 33),
                      (3, 16, 300), (2, 23, 16_390), (3, 18, 8200), (1, 12, 16_385), (2, 15, 40), (3, 17, 9)])
    func matchesTheTripleLoop(_ shape: (Int, Int, Int)) {
        let (k, m, n) = shape
        Self.check(Double.self, k: k, m: m, n: n, tolerance: 1e-15 * Double(m)) {
            Double.fewRowsProduct($0, rows: $1, $2, rows: $3, columns: $4, aRowStride: $5, into: $6)
        }
        Self.check(Float.self, k: k, m: m, n: n, tolerance: 1e-6 * Double(m)) {
            Float.fewRowsProduct($0, rows: $1, $2, rows: $3, columns: $4, aRowStride: $5, into: $6)
        }
        for vectorExtensions in [false, true] {
            Self.check(Double.self, k: k, m: m, n: n, tolerance: 1e-15 * Double(m)) {
                Double.fewRowsProduct(vectorExtensions: vectorExtensions, $0, rows: $1, $2, rows: $3, columns: $4,
                                      aRowStride: $5, into: $6)
            }
            Self.check(Float.self, k: k, m: m, n: n, tolerance: 1e-6 * Double(m)) {
                Float.fewRowsProduct(vectorExtensions: vectorExtensions, $0, rows: $1, $2, rows: $3, columns: $4,
                                     aRowStride: $5, into: $6)
            }
        }
    }
}

/// `copyScaledRowSegments` (segments of chosen rows of Ψ, scaled, into consecutive columns; four
/// rows at a time) against the definition, element by element, through the dispatching entry
/// and both versions of the C kernel (baseline, AVX2): row lists of every length modulo 4, rows
/// out of order and skipped (inactive samples), zero scales, empty segments, a padded
/// destination whose gaps stay untouched.
@Suite struct CopyScaledRowSegmentsTests {
    typealias Copy<S: NACScalar> = (UnsafePointer<S>, UnsafePointer<Int>, Int, Int, Int, UnsafePointer<S>, UnsafeMutablePointer<S>, Int) -> Void

    static func check<S: NACScalar>(_: S.Type, rows: [Int], count: Int, copy: Copy<S>) {
        let sourceRows = 11, stride = 37, offset = 3, destinationStride = count + 2
        var rng = Xoshiro256StarStar(seed: UInt64(rows.count * 100 + count))
        let source = (0..<(sourceRows * stride)).map { _ in rng.normal(S.self) }
        let scales = (0..<sourceRows).map { $0 == 4 ? S(0) : rng.normal(S.self) }
        var destination = [S](repeating: S(-7), count: max(1, rows.count * destinationStride))
        source.withUnsafeBufferPointer { ps in
            rows.withUnsafeBufferPointer { pr in
                scales.withUnsafeBufferPointer { pd in
                    destination.withUnsafeMutableBufferPointer { po in
                        copy(ps.baseAddress! + offset, pr.baseAddress ?? UnsafePointer(bitPattern: 8)!, rows.count, stride,
                             count, pd.baseAddress!, po.baseAddress!, destinationStride)
                    }
                }
            }
        }
        for (k, row) in rows.enumerated() {
            for i in 0..<destinationStride {
                let got = destination[k * destinationStride + i]
                let expected = i < count ? scales[row] * source[row * stride + offset + i] : S(-7)
                #expect(got == expected, "\(S.self) rows \(rows), count \(count): column \(k), element \(i): \(got) ≠ \(expected)")
            }
        }
    }

    @Test(arguments: [[], [2], [0, 1], [5, 3, 4], [0, 1, 2, 3], [9, 0, 4, 7, 1], [1, 2, 3, 5, 6, 7, 8, 10],
                      [10, 8, 6, 4, 2, 0, 1, 3, 5]])
    func matchesTheDefinition(rows: [Int]) {
        for count in [0, 1, 5, 31] {
            Self.check(Double.self, rows: rows, count: count) {
                Double.copyScaledRowSegments($0, rows: $1, rowCount: $2, sourceRowStride: $3, count: $4, scales: $5,
                                             into: $6, destinationStride: $7)
            }
            Self.check(Float.self, rows: rows, count: count) {
                Float.copyScaledRowSegments($0, rows: $1, rowCount: $2, sourceRowStride: $3, count: $4, scales: $5,
                                            into: $6, destinationStride: $7)
            }
            for vectorExtensions in [false, true] {
                Self.check(Double.self, rows: rows, count: count) {
                    Double.copyScaledRowSegments(vectorExtensions: vectorExtensions, $0, rows: $1, rowCount: $2,
                                                 sourceRowStride: $3, count: $4, scales: $5, into: $6, destinationStride: $7)
                }
                Self.check(Float.self, rows: rows, count: count) {
                    Float.copyScaledRowSegments(vectorExtensions: vectorExtensions, $0, rows: $1, rowCount: $2,
                                                sourceRowStride: $3, count: $4, scales: $5, into: $6, destinationStride: $7)
                }
            }
        }
    }
}
