import Testing
@testable import NAC

// BlockedHouseholderQR against LAPACK geqrt (the same algorithm, so R, the reflectors and the T
// blocks agree to rounding), against the reconstruction A = Q R through LAPACK gemqrt, and its two
// kernels against plain loops — each in both versions of the C kernels (plain loop, AVX-512 where
// the CPU has it).

@Suite("Blocked Householder QR") struct BlockedHouseholderQRTests {
    /// The m × n column-major matrix with leading dimension lda (rows m..<lda hold a marker that
    /// must survive), entries N(0, 1) times `scale`.
    static func matrix<S: NACScalar>(_: S.Type, m: Int, n: Int, lda: Int, seed: UInt64, scale: S = 1) -> [S] {
        var rng = Xoshiro256StarStar(seed: seed)
        var a = [S](repeating: 7, count: lda * n)
        for j in 0..<n { for i in 0..<m { a[j * lda + i] = rng.normal(S.self) * scale } }
        return a
    }

    /// (a, t) after factorising `a0` by LAPACK geqrt or by BlockedHouseholderQR.
    static func factorised<S: NACScalar>(
        _ a0: [S], m: Int, n: Int, lda: Int, nb: Int, own: Bool, vectorExtensions: Bool
    ) -> (a: [S], t: [S]) {
        var a = a0
        var t = [S](repeating: .nan, count: nb * n)
        a.withUnsafeMutableBufferPointer { pa in
            t.withUnsafeMutableBufferPointer { pt in
                if own {
                    BlockedHouseholderQR.factor(rows: m, columns: n, blockSize: nb, pa.baseAddress!, lda: lda,
                                                t: pt.baseAddress!, ldt: nb, ownKernels: true, vectorExtensions: vectorExtensions)
                } else {
                    #expect(S.geqrt(m: m, n: n, nb: nb, a: pa.baseAddress!, lda: lda, t: pt.baseAddress!, ldt: nb) == 0)
                }
            }
        }
        return (a, t)
    }

    /// max |x − y| over the entries LAPACK defines (a's m × n part; t's upper triangles of each
    /// block), relative to max |y|.
    static func difference<S: NACScalar>(_ x: (a: [S], t: [S]), _ y: (a: [S], t: [S]), m: Int, n: Int, lda: Int, nb: Int)
        -> (a: Double, t: Double, markersKept: Bool) {
        var da = 0.0, sa = 0.0, dt = 0.0, st = 0.0, kept = true
        for j in 0..<n {
            for i in 0..<m {
                da = max(da, abs(Double(x.a[j * lda + i] - y.a[j * lda + i]))); sa = max(sa, abs(Double(y.a[j * lda + i])))
            }
            for i in m..<lda where x.a[j * lda + i] != 7 { kept = false }
            let block = j / nb * nb
            for i in 0...(j - block) {            // T block's upper triangle, column j − block
                dt = max(dt, abs(Double(x.t[j * nb + i] - y.t[j * nb + i]))); st = max(st, abs(Double(y.t[j * nb + i])))
            }
        }
        return (da / max(sa, 1e-300), dt / max(st, 1e-300), kept)
    }

    /// (m, n, nb, lda − m): blocks dividing n and not, nb = 1, nb = n, m = n, one column, a
    /// recursion with odd halves, rows beyond the 2048-row chunk of the kernel, padding.
    static let shapes: [(Int, Int, Int, Int)] = [
        (300, 64, 32, 0), (257, 33, 8, 3), (100, 100, 32, 0), (64, 1, 1, 2), (500, 96, 96, 0),
        (129, 50, 7, 1), (40, 13, 1, 0), (4200, 40, 16, 5), (77, 77, 77, 0),
    ]

    /// Both kernel versions against geqrt on one shape; `tolerance` relative to the largest entry.
    static func checkAgainstGeqrt<S: NACScalar>(_: S.Type, _ shape: (Int, Int, Int, Int), tolerance: Double) {
        let (m, n, nb, pad) = shape
        let lda = m + pad
        let a0 = Self.matrix(S.self, m: m, n: n, lda: lda, seed: UInt64(m * 1000 + n + MemoryLayout<S>.size))
        let reference = Self.factorised(a0, m: m, n: n, lda: lda, nb: nb, own: false, vectorExtensions: false)
        for vectorExtensions in [false, true] {
            let ours = Self.factorised(a0, m: m, n: n, lda: lda, nb: nb, own: true, vectorExtensions: vectorExtensions)
            let d = Self.difference(ours, reference, m: m, n: n, lda: lda, nb: nb)
            #expect(d.a < tolerance, "\(S.self) \(shape): R and V differ by \(d.a) (relative), vector extensions \(vectorExtensions)")
            #expect(d.t < tolerance, "\(S.self) \(shape): T differs by \(d.t) (relative), vector extensions \(vectorExtensions)")
            #expect(d.markersKept, "rows beyond m were written")
        }
    }

    /// Same operations in a different order of summation on a well-conditioned random matrix:
    /// measured at most 7.5e-16 (R, V) and 4.3e-15 (T) apart in float64, 6.9e-7 and 3.3e-6 in
    /// float32; the tolerances leave three orders of magnitude.
    @Test(arguments: shapes)
    func matchesGeqrt(_ shape: (Int, Int, Int, Int)) {
        Self.checkAgainstGeqrt(Double.self, shape, tolerance: 1e-12)
        Self.checkAgainstGeqrt(Float.self, shape, tolerance: 1e-4)
    }

    /// Q R = A with Q applied by LAPACK gemqrt from the factors: checks V and T as a whole, not
    /// only against geqrt.
    @Test(arguments: [false, true])
    func reconstructsTheMatrix(vectorExtensions: Bool) {
        let (m, n, nb) = (700, 90, 32)
        let a0 = Self.matrix(Double.self, m: m, n: n, lda: m, seed: 42)
        let (a, t) = Self.factorised(a0, m: m, n: n, lda: m, nb: nb, own: true, vectorExtensions: vectorExtensions)
        // C = [R ; 0] (m × n), then C ← Q C.
        var c = [Double](repeating: 0, count: m * n)
        for j in 0..<n { for i in 0...j { c[j * m + i] = a[j * m + i] } }
        let info = a.withUnsafeBufferPointer { pa in
            t.withUnsafeBufferPointer { pt in
                c.withUnsafeMutableBufferPointer { pc in
                    Double.gemqrt(.left, .none, m: m, n: n, k: n, nb: nb, v: pa.baseAddress!, ldv: m, t: pt.baseAddress!,
                                  ldt: nb, c: pc.baseAddress!, ldc: m)
                }
            }
        }
        #expect(info == 0)
        let worst = zip(c, a0).map { abs($0 - $1) }.max()!
        #expect(worst < 1e-12, "max |QR − A| = \(worst)")
    }

    /// Columns whose norm takes LAPACK's larfg: x = 0 below the diagonal (τ = 0), squares that
    /// underflow (entries near 1e-160) and that overflow (near 1e160); results still match geqrt.
    @Test(arguments: [0.0, 1e-160, 1e160])
    func extremeColumnsTakeLapacksReflector(scale: Double) {
        let (m, n, nb) = (60, 12, 4)
        var a0 = Self.matrix(Double.self, m: m, n: n, lda: m, seed: 9)
        for i in 1..<m { a0[i] = Double(i % 5) * scale }                 // column 0 below its diagonal
        for i in 0..<m { a0[3 * m + i] *= scale == 0 ? 1 : scale }      // column 3 wholly scaled
        let reference = Self.factorised(a0, m: m, n: n, lda: m, nb: nb, own: false, vectorExtensions: false)
        for vectorExtensions in [false, true] {
            let ours = Self.factorised(a0, m: m, n: n, lda: m, nb: nb, own: true, vectorExtensions: vectorExtensions)
            for k in reference.a.indices where reference.a[k].isFinite {
                let tolerance = 1e-12 * max(abs(reference.a[k]), 1e-300) + 1e-13 * (k / m == 3 && scale != 0 ? scale : 1)
                #expect(abs(ours.a[k] - reference.a[k]) <= tolerance, "a[\(k)] = \(ours.a[k]) against \(reference.a[k])")
            }
            let finite = ours.a.allSatisfy { $0.isFinite }
            #expect(finite)
            if scale == 0 { #expect(ours.t[0] == 0, "τ of a column with x = 0") }
        }
    }

    /// The structured fold [U ; B] → R (tpqrt with l = 0) against geqrt of the dense stack with
    /// zeros below U: the same R, the same reflectors in B's rows, the same T; U's strictly lower
    /// part (here NaN) neither read nor written. (n, r, nb): B taller than U, shorter, empty, and
    /// rows beyond the kernel's 2048-row chunk.
    @Test(arguments: [(40, 100, 8), (33, 20, 32), (64, 1, 16), (12, 0, 4), (24, 2600, 8), (1, 5, 1)])
    func foldingRowsUnderATriangleMatchesGeqrtOfTheStack(_ shape: (Int, Int, Int)) {
        let (n, r, nb) = shape
        let m = n + r, lda = m + 2
        // The dense stack: an upper-triangular U from a QR, then B.
        var stack = Self.matrix(Double.self, m: m, n: n, lda: lda, seed: UInt64(n * 100 + r))
        for j in 0..<n { for i in (j + 1)..<n { stack[j * lda + i] = 0 } }
        let reference = Self.factorised(stack, m: m, n: n, lda: lda, nb: nb, own: false, vectorExtensions: false)
        for vectorExtensions in [false, true] {
            var top = [Double](repeating: .nan, count: n * n), below = [Double](repeating: 0, count: max(1, r) * n)
            for j in 0..<n {
                for i in 0...j { top[j * n + i] = stack[j * lda + i] }
                for i in 0..<r { below[j * max(1, r) + i] = stack[j * lda + n + i] }
            }
            var t = [Double](repeating: .nan, count: nb * n)
            top.withUnsafeMutableBufferPointer { pu in
                below.withUnsafeMutableBufferPointer { pb in
                    t.withUnsafeMutableBufferPointer { pt in
                        BlockedHouseholderQR.factorTriangleOverRows(
                            columns: n, rows: r, blockSize: nb, top: pu.baseAddress!, ldTop: n, below: pb.baseAddress!,
                            ldBelow: max(1, r), t: pt.baseAddress!, ldt: nb, vectorExtensions: vectorExtensions)
                    }
                }
            }
            var worst = 0.0, lowerUntouched = true
            for j in 0..<n {
                for i in 0..<n {
                    if i > j { lowerUntouched = lowerUntouched && top[j * n + i].isNaN; continue }
                    worst = max(worst, abs(top[j * n + i] - reference.a[j * lda + i]))
                }
                for i in 0..<r { worst = max(worst, abs(below[j * max(1, r) + i] - reference.a[j * lda + n + i])) }
                for i in 0...(j - j / nb * nb) { worst = max(worst, abs(t[j * nb + i] - reference.t[j * nb + i])) }
            }
            #expect(lowerUntouched, "U's strictly lower part was written")
            #expect(worst < 1e-12, "n \(n), r \(r), nb \(nb), vector extensions \(vectorExtensions): \(worst)")
        }
    }

    /// m < n is LAPACK's case (the own recursion needs m ≥ n): the result is geqrt's.
    @Test func wideMatricesUseGeqrt() {
        let (m, n, nb) = (5, 9, 3)
        let a0 = Self.matrix(Double.self, m: m, n: n, lda: m, seed: 3)
        let reference = Self.factorised(a0, m: m, n: n, lda: m, nb: nb, own: false, vectorExtensions: false)
        let ours = Self.factorised(a0, m: m, n: n, lda: m, nb: nb, own: true, vectorExtensions: true)
        #expect(ours.a == reference.a)
    }
}

/// The two kernels of the QR against plain loops, both types, both versions.
@Suite struct HouseholderKernelTests {
    static func checkInnerProducts<S: NACScalar>(_: S.Type, k: Int, p: Int, q: Int, vectorExtensions: Bool, tolerance: Double) {
        let (ldv, ldc, ldw) = (k + 3, k + 1, p + 2)
        var rng = Xoshiro256StarStar(seed: UInt64(k * 1000 + p * 10 + q))
        let v = (0..<(ldv * p)).map { _ in rng.normal(S.self) }
        let c = (0..<(ldc * q)).map { _ in rng.normal(S.self) }
        let w0 = (0..<(ldw * q)).map { _ in rng.normal(S.self) }
        var w = w0
        v.withUnsafeBufferPointer { pv in
            c.withUnsafeBufferPointer { pc in
                w.withUnsafeMutableBufferPointer { pw in
                    S.columnInnerProducts(rows: k, pv.baseAddress!, ldv: ldv, columns: p, pc.baseAddress!, ldc: ldc,
                                          columns: q, into: pw.baseAddress!, ldw: ldw, vectorExtensions: vectorExtensions)
                }
            }
        }
        var worst = 0.0
        for j in 0..<q {
            for i in 0..<ldw {
                guard i < p else {
                    #expect(w[j * ldw + i] == w0[j * ldw + i], "padding row \(i) of W written"); continue
                }
                var exact = Double(w0[j * ldw + i]), scale = abs(exact)
                for r in 0..<k {
                    exact += Double(v[i * ldv + r]) * Double(c[j * ldc + r])
                    scale += abs(Double(v[i * ldv + r]) * Double(c[j * ldc + r]))
                }
                worst = max(worst, abs(Double(w[j * ldw + i]) - exact) / scale)
            }
        }
        #expect(worst < tolerance, "k \(k), p \(p), q \(q), vector extensions \(vectorExtensions): \(worst)")
    }

    /// k across the vector width and the 2048-row chunk; every width of V's last block of 8; q
    /// with every remainder of 3.
    @Test(arguments: [1, 7, 8, 9, 17, 1025, 2047, 2048, 2049, 4200])
    func columnInnerProductsMatchTheLoop(k: Int) {
        // Every width of the last block of V and every remainder of 3 on short columns; a few on
        // the long ones (the reference loop is slow in debug builds).
        let long = k > 100
        for p in long ? [3, 8, 19] : [1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 19] {
            for q in long ? [1, 5] : [1, 2, 3, 4, 7] {
                for vectorExtensions in [false, true] {
                    Self.checkInnerProducts(Double.self, k: k, p: p, q: q, vectorExtensions: vectorExtensions,
                                            tolerance: 1e-15 * Double(k + 1))
                    Self.checkInnerProducts(Float.self, k: k, p: p, q: q, vectorExtensions: vectorExtensions,
                                            tolerance: 1e-7 * Double(k + 1))
                }
            }
        }
    }

    @Test func sumOfSquaresMatchesTheLoop() {
        var rng = Xoshiro256StarStar(seed: 5)
        let x = (0..<1100).map { _ in rng.normal(Double.self) }
        let xf = x.map(Float.init)
        for count in Array(0...40) + [63, 64, 65, 1000, 1100] {
            let exact = x.prefix(count).reduce(0) { $0 + $1 * $1 }
            let exactFloat = xf.prefix(count).reduce(0.0) { $0 + Double($1) * Double($1) }
            for vectorExtensions in [false, true] {
                let d = x.withUnsafeBufferPointer { Double.sumOfSquares($0.baseAddress!, count: count, vectorExtensions: vectorExtensions) }
                let f = xf.withUnsafeBufferPointer { Float.sumOfSquares($0.baseAddress!, count: count, vectorExtensions: vectorExtensions) }
                #expect(abs(d - exact) <= 1e-15 * Double(count) * max(exact, 1))
                #expect(abs(Double(f) - exactFloat) <= 1e-7 * Double(count) * max(exactFloat, 1))
            }
        }
    }
}
