import Testing
@testable import NAC

// The BLAS requirements of NACScalar called directly, with α, β, leading dimensions larger than
// the operands and strides, on small integer matrices whose results are exact.

@Suite("BLAS wrappers") struct BLASTests {
    @Test(arguments: scalarTypes) func gemmScalesAndRespectsLeadingDimensions(_ type: any NACScalar.Type) {
        checkGemmRaw(type)
    }

    @Test(arguments: scalarTypes) func gemvBothWaysWithStrides(_ type: any NACScalar.Type) {
        checkGemvRaw(type)
    }

    @Test(arguments: scalarTypes) func syrkEachTriangleAndTranspose(_ type: any NACScalar.Type) {
        checkSyrkRaw(type)
    }

    @Test(arguments: scalarTypes) func gerRankOneUpdate(_ type: any NACScalar.Type) {
        checkGerRaw(type)
    }

    @Test(arguments: scalarTypes) func trsmBothSidesReadsOnlyItsTriangle(_ type: any NACScalar.Type) {
        checkTrsmRaw(type)
    }

    @Test(arguments: scalarTypes) func levelOneRoutines(_ type: any NACScalar.Type) {
        checkLevelOne(type)
    }
}

private let junk = 99.0

private func checkTrsmRaw<S: NACScalar>(_: S.Type) {
    // Left, lower, unit diagonal: L = [[1, 0], [2, 1]] stored with lda 3; the diagonal and the upper
    // triangle hold `junk`, which must not be read. B = L X with X = [[1, 2, 3], [4, 5, 6]];
    // α = 2 gives 2X.
    let l: [S] = [S(junk), S(junk), S(junk),
                  2, S(junk), S(junk)]
    var b: [S] = [1, 2, 3, S(junk),
                  6, 9, 12, S(junk)]
    S.trsm(.left, .lower, .none, unitDiagonal: true, m: 2, n: 3, alpha: 2, a: l, lda: 3, b: &b, ldb: 4)
    #expect(b == [2, 4, 6, S(junk), 8, 10, 12, S(junk)])

    // Right, upper, transposed, non-unit: U = [[2, 1], [·, 4]], op(U) = Uᵀ = [[2, 0], [1, 4]];
    // B = X Uᵀ with X = [[1, 2], [3, 4]] is [[4, 8], [10, 16]].
    let u: [S] = [2, 1,
                  S(junk), 4]
    var c: [S] = [4, 8,
                  10, 16]
    S.trsm(.right, .upper, .transposed, unitDiagonal: false, m: 2, n: 2, alpha: 1, a: u, lda: 2, b: &c, ldb: 2)
    #expect(c == [1, 2, 3, 4])
}

private func checkGemmRaw<S: NACScalar>(_: S.Type) {
    // A 2 × 3 (lda 5), B 3 × 2 (ldb 4), C 2 × 2 (ldc 3); padding holds `junk`.
    let a: [S] = [1, 2, 3, S(junk), S(junk),
                  4, 5, 6, S(junk), S(junk)]
    let b: [S] = [7, 8, S(junk), S(junk),
                  9, 10, S(junk), S(junk),
                  11, 12, S(junk), S(junk)]
    var c: [S] = [1, 2, S(junk),
                  3, 4, S(junk)]
    // C ← 2 A B − C, with A B = [[58, 64], [139, 154]].
    S.gemm(.none, .none, m: 2, n: 2, k: 3, alpha: 2, a: a, lda: 5, b: b, ldb: 4, beta: -1, c: &c, ldc: 3)
    #expect(c == [115, 126, S(junk), 275, 304, S(junk)])

    // Aᵀ stored (3 × 2, lda 3) and Bᵀ stored (2 × 3, ldb 4): op(A) op(B) is the same A B.
    let at: [S] = [1, 4, S(junk),
                   2, 5, S(junk),
                   3, 6, S(junk)]
    let bt: [S] = [7, 9, 11, S(junk),
                   8, 10, 12, S(junk)]
    var c2 = [S](repeating: S(junk), count: 4)
    S.gemm(.transposed, .transposed, m: 2, n: 2, k: 3, alpha: 1, a: at, lda: 3, b: bt, ldb: 4,
           beta: 0, c: &c2, ldc: 2)
    #expect(c2 == [58, 64, 139, 154])
}

private func checkGemvRaw<S: NACScalar>(_: S.Type) {
    // A = [[1, 2, 3], [4, 5, 6]] with lda 4.
    let a: [S] = [1, 2, 3, S(junk), 4, 5, 6, S(junk)]
    // y ← 2 A x + 1 y, x = [1, 0, −1] read with stride 2, y with stride 2.
    let x: [S] = [1, S(junk), 0, S(junk), -1]
    var y: [S] = [10, S(junk), 20]
    S.gemv(.none, m: 2, n: 3, alpha: 2, a: a, lda: 4, x: x, incx: 2, beta: 1, y: &y, incy: 2)
    #expect(y == [6, S(junk), 16])   // A x = [−2, −2]
    // z ← Aᵀ w, w = [1, 2]: [9, 12, 15].
    let w: [S] = [1, 2]
    var z = [S](repeating: S(junk), count: 3)
    S.gemv(.transposed, m: 2, n: 3, alpha: 1, a: a, lda: 4, x: w, incx: 1, beta: 0, y: &z, incy: 1)
    #expect(z == [9, 12, 15])
}

private func checkSyrkRaw<S: NACScalar>(_: S.Type) {
    // A = [[1, 2], [3, 4], [5, 6]] (3 × 2): A Aᵀ = [[5, 11, 17], [11, 25, 39], [17, 39, 61]],
    // Aᵀ A = [[35, 44], [44, 56]].
    let a: [S] = [1, 2, 3, 4, 5, 6]
    var c = [S](repeating: S(junk), count: 9)
    S.syrk(.upper, .none, n: 3, k: 2, alpha: 1, a: a, lda: 2, beta: 0, c: &c, ldc: 3)
    #expect(c == [5, 11, 17, S(junk), 25, 39, S(junk), S(junk), 61])
    c = [S](repeating: S(junk), count: 9)
    S.syrk(.lower, .none, n: 3, k: 2, alpha: 1, a: a, lda: 2, beta: 0, c: &c, ldc: 3)
    #expect(c == [5, S(junk), S(junk), 11, 25, S(junk), 17, 39, 61])
    // C ← 2 AᵀA + 1 C on the upper triangle of a 2 × 2 C with ldc 3.
    var d: [S] = [1, 1, S(junk), S(junk), 1, S(junk)]
    S.syrk(.upper, .transposed, n: 2, k: 3, alpha: 2, a: a, lda: 2, beta: 1, c: &d, ldc: 3)
    #expect(d == [71, 89, S(junk), S(junk), 113, S(junk)])
}

private func checkGerRaw<S: NACScalar>(_: S.Type) {
    // A ← 2 x yᵀ + A, x = [1, 2], y = [3, 4, 5] (stride 2), A 2 × 3 of ones with lda 4.
    let x: [S] = [1, 2]
    let y: [S] = [3, S(junk), 4, S(junk), 5]
    var a: [S] = [1, 1, 1, S(junk), 1, 1, 1, S(junk)]
    S.ger(m: 2, n: 3, alpha: 2, x: x, incx: 1, y: y, incy: 2, a: &a, lda: 4)
    #expect(a == [7, 9, 11, S(junk), 13, 17, 21, S(junk)])
}

private func checkLevelOne<S: NACScalar>(_: S.Type) {
    // axpy, dot, nrm2, scal with strides …
    let x: [S] = [1, S(junk), 2, S(junk), 3]
    var y: [S] = [10, 20, 30]
    S.axpy(n: 3, alpha: 2, x: x, incx: 2, y: &y, incy: 1)
    #expect(y == [12, 24, 36])
    #expect(S.dot(n: 3, x: x, incx: 2, y: [4, 5, 6], incy: 1) == 32)
    #expect(S.nrm2(n: 2, x: [3, S(junk), 4], incx: 2) == 5)
    var z: [S] = [1, 2, 3, 4]
    S.scal(n: 2, alpha: 3, x: &z, incx: 2)
    #expect(z == [3, 2, 9, 4])

    // … and through the array functions.
    var v: [S] = [10, 20, 30]
    axpy(-1, [1, 2, 3], &v)
    #expect(v == [9, 18, 27])
    #expect(dot([1, 2, 3] as [S], [4, 5, 6]) == 32)
    #expect(dot([] as [S], []) == 0)
    #expect(norm([3, 4] as [S]) == 5)
    #expect(norm([] as [S]) == 0)
    scale(&v, by: 2)
    #expect(v == [18, 36, 54])

    // nrm2 does not overflow where the sum of squares would.
    let big = S.greatestFiniteMagnitude / 8
    let n = norm([3 * big, 4 * big])
    #expect(n.isFinite)
    expectClose(Double(n / big), 5, tolerance: 8 * S.machineEpsilon, "nrm2 / big")
}
