internal import CNACLapack
internal import CNACKernels
import RealModule

// BLAS/LAPACK dispatch for `Double`: each requirement forwards to the d-prefixed C routine.
// `Float+NACScalar.swift` is the same file with the s-prefixed routines.

extension Double: NACScalar {
    public static var typeName: String { "float64" }

    @inline(__always) private static func cblasTranspose(_ t: Transpose) -> CBLAS_TRANSPOSE {
        t == .none ? CblasNoTrans : CblasTrans
    }
    @inline(__always) private static func cblasTriangle(_ t: Triangle) -> CBLAS_UPLO {
        t == .upper ? CblasUpper : CblasLower
    }
    @inline(__always) private static func lapackTriangle(_ t: Triangle) -> CChar {
        CChar(UInt8(ascii: t == .upper ? "U" : "L"))
    }

    public static func gemm(
        _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int,
        beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(CblasRowMajor, cblasTranspose(transA), cblasTranspose(transB),
                    lapackInt(m, "gemm"), lapackInt(n, "gemm"), lapackInt(k, "gemm"),
                    alpha, a, lapackInt(lda, "gemm"), b, lapackInt(ldb, "gemm"),
                    beta, c, lapackInt(ldc, "gemm"))
    }

    public static func gemv(
        _ trans: Transpose, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        x: UnsafePointer<Double>, incx: Int, beta: Double, y: UnsafeMutablePointer<Double>, incy: Int
    ) {
        cblas_dgemv(CblasRowMajor, cblasTranspose(trans), lapackInt(m, "gemv"), lapackInt(n, "gemv"),
                    alpha, a, lapackInt(lda, "gemv"), x, lapackInt(incx, "gemv"),
                    beta, y, lapackInt(incy, "gemv"))
    }

    public static func syrk(
        _ triangle: Triangle, _ trans: Transpose, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dsyrk(CblasRowMajor, cblasTriangle(triangle), cblasTranspose(trans),
                    lapackInt(n, "syrk"), lapackInt(k, "syrk"), alpha, a, lapackInt(lda, "syrk"),
                    beta, c, lapackInt(ldc, "syrk"))
    }

    public static func ger(
        m: Int, n: Int, alpha: Double, x: UnsafePointer<Double>, incx: Int,
        y: UnsafePointer<Double>, incy: Int, a: UnsafeMutablePointer<Double>, lda: Int
    ) {
        cblas_dger(CblasRowMajor, lapackInt(m, "ger"), lapackInt(n, "ger"), alpha,
                   x, lapackInt(incx, "ger"), y, lapackInt(incy, "ger"), a, lapackInt(lda, "ger"))
    }

    public static func hyperbolicTangent(
        _ x: UnsafePointer<Double>, count: Int, value y: UnsafeMutablePointer<Double>,
        derivative d1: UnsafeMutablePointer<Double>?
    ) {
        nac_tanh_f64(count, x, y, d1)
    }

    /// `hyperbolicTangent` through a chosen version of the C kernel (tests): `level` 0 the
    /// baseline one, 1 AVX2 + FMA, 2 AVX-512 (or the best the CPU has below the level asked for).
    static func hyperbolicTangent(
        level: Int, _ x: UnsafePointer<Double>, count: Int, value y: UnsafeMutablePointer<Double>,
        derivative d1: UnsafeMutablePointer<Double>?
    ) {
        nac_tanh_f64_variant(Int32(level), count, x, y, d1)
    }

    public static func exponential(_ x: UnsafePointer<Double>, count: Int, value y: UnsafeMutablePointer<Double>) {
        nac_exp_f64(count, x, y)
    }

    public static func logarithm(_ x: UnsafePointer<Double>, count: Int, value y: UnsafeMutablePointer<Double>) {
        nac_log_f64(count, x, y)
    }

    /// `exponential` and `logarithm` through a chosen version of the C kernels (tests), levels as
    /// in `hyperbolicTangent(level:…)`.
    static func exponential(level: Int, _ x: UnsafePointer<Double>, count: Int, value y: UnsafeMutablePointer<Double>) {
        nac_exp_f64_variant(Int32(level), count, x, y)
    }

    static func logarithm(level: Int, _ x: UnsafePointer<Double>, count: Int, value y: UnsafeMutablePointer<Double>) {
        nac_log_f64_variant(Int32(level), count, x, y)
    }

    /// `fewRowsProduct` through a chosen version of the C kernel (tests): the baseline one, or
    /// AVX2 + FMA when `vectorExtensions` and the CPU has them.
    static func fewRowsProduct(
        vectorExtensions: Bool, _ c: UnsafePointer<Double>, rows k: Int, _ a: UnsafePointer<Double>, rows m: Int,
        columns n: Int, aRowStride: Int, into out: UnsafeMutablePointer<Double>
    ) {
        nac_few_rows_product_f64_variant(vectorExtensions ? 1 : 0, k, m, n, c, a, aRowStride, out)
    }

    /// `copyScaledRowSegments` through a chosen version of the C kernel (tests): the baseline one, or
    /// AVX2 when `vectorExtensions` and the CPU has it.
    static func copyScaledRowSegments(
        vectorExtensions: Bool, _ source: UnsafePointer<Double>, rows: UnsafePointer<Int>, rowCount: Int,
        sourceRowStride: Int, count: Int, scales: UnsafePointer<Double>, into destination: UnsafeMutablePointer<Double>,
        destinationStride: Int
    ) {
        nac_copy_scaled_row_segments_f64_variant(vectorExtensions ? 1 : 0, rowCount, count, source, rows, sourceRowStride,
                                                    scales, destination, destinationStride)
    }

    /// The version of the tanh kernel this CPU runs: 2 (AVX-512), 1 (AVX2 + FMA) or 0 (baseline).
    static var hyperbolicTangentLevel: Int { Int(nac_tanh_vector_level()) }

    public static func trsm(
        _ side: Side, _ triangle: Triangle, _ transA: Transpose, unitDiagonal: Bool, m: Int, n: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int, b: UnsafeMutablePointer<Double>, ldb: Int
    ) {
        cblas_dtrsm(CblasRowMajor, side == .left ? CblasLeft : CblasRight, cblasTriangle(triangle),
                    cblasTranspose(transA), unitDiagonal ? CblasUnit : CblasNonUnit,
                    lapackInt(m, "trsm"), lapackInt(n, "trsm"), alpha, a, lapackInt(lda, "trsm"),
                    b, lapackInt(ldb, "trsm"))
    }

    public static func trmm(
        _ side: Side, _ triangle: Triangle, _ transA: Transpose, unitDiagonal: Bool, m: Int, n: Int,
        alpha: Double, a: UnsafePointer<Double>, lda: Int, b: UnsafeMutablePointer<Double>, ldb: Int
    ) {
        cblas_dtrmm(CblasRowMajor, side == .left ? CblasLeft : CblasRight, cblasTriangle(triangle),
                    cblasTranspose(transA), unitDiagonal ? CblasUnit : CblasNonUnit,
                    lapackInt(m, "trmm"), lapackInt(n, "trmm"), alpha, a, lapackInt(lda, "trmm"),
                    b, lapackInt(ldb, "trmm"))
    }

    public static var householderKernelsUseVectorExtensions: Bool { nac_inner_products_use_avx512() != 0 }

    public static func columnInnerProducts(
        rows k: Int, _ v: UnsafePointer<Double>, ldv: Int, columns p: Int, _ c: UnsafePointer<Double>, ldc: Int,
        columns q: Int, into w: UnsafeMutablePointer<Double>, ldw: Int, vectorExtensions: Bool
    ) {
        nac_column_inner_products_f64_variant(vectorExtensions ? 1 : 0, k, p, q, v, ldv, c, ldc, w, ldw)
    }

    public static func bidiagonalPanel(
        rows m: Int, columns n: Int, steps nb: Int, _ a: UnsafeMutablePointer<Double>, lda: Int,
        diagonal d: UnsafeMutablePointer<Double>, superdiagonal e: UnsafeMutablePointer<Double>,
        ux: UnsafeMutablePointer<Double>, yw: UnsafeMutablePointer<Double>, workspace: UnsafeMutablePointer<Double>,
        vectorExtensions: Bool
    ) {
        nac_bidiagonal_panel_f64_variant(vectorExtensions ? 1 : 0, m, n, nb, a, lda, d, e, ux, yw, workspace)
    }

    public static func sumOfSquares(_ x: UnsafePointer<Double>, count: Int, vectorExtensions: Bool) -> Double {
        nac_sum_of_squares_f64_variant(vectorExtensions ? 1 : 0, count, x)
    }

    public static func axpy(
        n: Int, alpha: Double, x: UnsafePointer<Double>, incx: Int,
        y: UnsafeMutablePointer<Double>, incy: Int
    ) {
        cblas_daxpy(lapackInt(n, "axpy"), alpha, x, lapackInt(incx, "axpy"), y, lapackInt(incy, "axpy"))
    }

    public static func dot(
        n: Int, x: UnsafePointer<Double>, incx: Int, y: UnsafePointer<Double>, incy: Int
    ) -> Double {
        cblas_ddot(lapackInt(n, "dot"), x, lapackInt(incx, "dot"), y, lapackInt(incy, "dot"))
    }

    public static func nrm2(n: Int, x: UnsafePointer<Double>, incx: Int) -> Double {
        cblas_dnrm2(lapackInt(n, "nrm2"), x, lapackInt(incx, "nrm2"))
    }

    public static func scal(n: Int, alpha: Double, x: UnsafeMutablePointer<Double>, incx: Int) {
        cblas_dscal(lapackInt(n, "scal"), alpha, x, lapackInt(incx, "scal"))
    }

    public static func potrf(
        _ triangle: Triangle, n: Int, a: UnsafeMutablePointer<Double>, lda: Int
    ) -> Int {
        Int(LAPACKE_dpotrf(LAPACK_COL_MAJOR, lapackTriangle(triangle), lapackInt(n, "potrf"),
                           a, lapackInt(lda, "potrf")))
    }

    public static func potrs(
        _ triangle: Triangle, n: Int, nrhs: Int, a: UnsafePointer<Double>, lda: Int,
        b: UnsafeMutablePointer<Double>, ldb: Int
    ) -> Int {
        Int(LAPACKE_dpotrs(LAPACK_COL_MAJOR, lapackTriangle(triangle), lapackInt(n, "potrs"),
                           lapackInt(nrhs, "potrs"), a, lapackInt(lda, "potrs"),
                           b, lapackInt(ldb, "potrs")))
    }

    public static func posv(
        _ triangle: Triangle, n: Int, nrhs: Int, a: UnsafeMutablePointer<Double>, lda: Int,
        b: UnsafeMutablePointer<Double>, ldb: Int
    ) -> Int {
        Int(LAPACKE_dposv(LAPACK_COL_MAJOR, lapackTriangle(triangle), lapackInt(n, "posv"),
                          lapackInt(nrhs, "posv"), a, lapackInt(lda, "posv"),
                          b, lapackInt(ldb, "posv")))
    }

    public static func pocon(
        _ triangle: Triangle, n: Int, a: UnsafePointer<Double>, lda: Int, anorm: Double,
        rcond: UnsafeMutablePointer<Double>
    ) -> Int {
        Int(LAPACKE_dpocon(LAPACK_COL_MAJOR, lapackTriangle(triangle), lapackInt(n, "pocon"),
                           a, lapackInt(lda, "pocon"), anorm, rcond))
    }

    public static func gels(
        m: Int, n: Int, nrhs: Int, a: UnsafeMutablePointer<Double>, lda: Int,
        b: UnsafeMutablePointer<Double>, ldb: Int
    ) -> Int {
        Int(LAPACKE_dgels(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "N")), lapackInt(m, "gels"),
                          lapackInt(n, "gels"), lapackInt(nrhs, "gels"), a, lapackInt(lda, "gels"),
                          b, lapackInt(ldb, "gels")))
    }

    public static func geqrt(
        m: Int, n: Int, nb: Int, a: UnsafeMutablePointer<Double>, lda: Int, t: UnsafeMutablePointer<Double>, ldt: Int
    ) -> Int {
        var work = [Double](repeating: 0, count: Swift.max(1, nb * n))
        return Int(LAPACKE_dgeqrt_work(LAPACK_COL_MAJOR, lapackInt(m, "geqrt"), lapackInt(n, "geqrt"),
                                      lapackInt(nb, "geqrt"), a, lapackInt(lda, "geqrt"), t, lapackInt(ldt, "geqrt"),
                                      &work))
    }

    public static func larfg(n: Int, alpha: UnsafeMutablePointer<Double>, x: UnsafeMutablePointer<Double>, incx: Int) -> Double {
        var tau: Double = 0
        _ = LAPACKE_dlarfg_work(lapackInt(n, "larfg"), alpha, x, lapackInt(incx, "larfg"), &tau)
        return tau
    }

    public static func gemqrt(
        _ side: Side, _ trans: Transpose, m: Int, n: Int, k: Int, nb: Int, v: UnsafePointer<Double>, ldv: Int,
        t: UnsafePointer<Double>, ldt: Int, c: UnsafeMutablePointer<Double>, ldc: Int
    ) -> Int {
        var work = [Double](repeating: 0, count: Swift.max(1, nb * (side == .left ? n : m)))
        return Int(LAPACKE_dgemqrt_work(LAPACK_COL_MAJOR, CChar(UInt8(ascii: side == .left ? "L" : "R")),
                                       CChar(UInt8(ascii: trans == .none ? "N" : "T")), lapackInt(m, "gemqrt"),
                                       lapackInt(n, "gemqrt"), lapackInt(k, "gemqrt"), lapackInt(nb, "gemqrt"), v,
                                       lapackInt(ldv, "gemqrt"), t, lapackInt(ldt, "gemqrt"), c,
                                       lapackInt(ldc, "gemqrt"), &work))
    }

    public static func tpqrt(
        m: Int, n: Int, l: Int, nb: Int, a: UnsafeMutablePointer<Double>, lda: Int,
        b: UnsafeMutablePointer<Double>, ldb: Int, t: UnsafeMutablePointer<Double>, ldt: Int
    ) -> Int {
        var work = [Double](repeating: 0, count: Swift.max(1, nb * n))
        return Int(LAPACKE_dtpqrt_work(LAPACK_COL_MAJOR, lapackInt(m, "tpqrt"), lapackInt(n, "tpqrt"),
                                       lapackInt(l, "tpqrt"), lapackInt(nb, "tpqrt"), a, lapackInt(lda, "tpqrt"),
                                       b, lapackInt(ldb, "tpqrt"), t, lapackInt(ldt, "tpqrt"), &work))
    }

    public static func gelsd(
        m: Int, n: Int, nrhs: Int, a: UnsafeMutablePointer<Double>, lda: Int,
        b: UnsafeMutablePointer<Double>, ldb: Int, s: UnsafeMutablePointer<Double>, rcond: Double,
        rank: inout Int
    ) -> Int {
        var lapackRank: Int32 = 0
        let info = LAPACKE_dgelsd(LAPACK_COL_MAJOR, lapackInt(m, "gelsd"), lapackInt(n, "gelsd"),
                                  lapackInt(nrhs, "gelsd"), a, lapackInt(lda, "gelsd"),
                                  b, lapackInt(ldb, "gelsd"), s, rcond, &lapackRank)
        rank = Int(lapackRank)
        return Int(info)
    }

    public static func gesdd(
        m: Int, n: Int, a: UnsafeMutablePointer<Double>, lda: Int, s: UnsafeMutablePointer<Double>,
        u: UnsafeMutablePointer<Double>, ldu: Int, vt: UnsafeMutablePointer<Double>, ldvt: Int
    ) -> Int {
        Int(LAPACKE_dgesdd(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "S")), lapackInt(m, "gesdd"), lapackInt(n, "gesdd"),
                           a, lapackInt(lda, "gesdd"), s, u, lapackInt(ldu, "gesdd"), vt, lapackInt(ldvt, "gesdd")))
    }

    public static func bidiagonalSingularValues(
        n: Int, diagonal d: UnsafeMutablePointer<Double>, superdiagonal e: UnsafeMutablePointer<Double>
    ) -> Int {
        // No vectors (ncvt = nru = ncc = 0): their arrays are not referenced; leading dimensions ≥ 1.
        var unusedVT: Double = 0, unusedU: Double = 0, unusedC: Double = 0
        return Int(LAPACKE_dbdsqr(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), lapackInt(n, "bdsqr"), 0, 0, 0,
                                   d, e, &unusedVT, 1, &unusedU, 1, &unusedC, 1))
    }

    public static func syevd(
        vectors: Bool, _ triangle: Triangle, n: Int, a: UnsafeMutablePointer<Double>, lda: Int,
        w: UnsafeMutablePointer<Double>
    ) -> Int {
        Int(LAPACKE_dsyevd(LAPACK_COL_MAJOR, CChar(UInt8(ascii: vectors ? "V" : "N")),
                           lapackTriangle(triangle), lapackInt(n, "syevd"), a,
                           lapackInt(lda, "syevd"), w))
    }

    public static func fewRowsProduct(
        _ c: UnsafePointer<Double>, rows k: Int, _ a: UnsafePointer<Double>, rows m: Int, columns n: Int,
        aRowStride: Int, into out: UnsafeMutablePointer<Double>
    ) {
        nac_few_rows_product_f64(k, m, n, c, a, aRowStride, out)
    }

    public static func copyScaledRowSegments(
        _ source: UnsafePointer<Double>, rows: UnsafePointer<Int>, rowCount: Int, sourceRowStride: Int, count: Int,
        scales: UnsafePointer<Double>, into destination: UnsafeMutablePointer<Double>, destinationStride: Int
    ) {
        nac_copy_scaled_row_segments_f64(rowCount, count, source, rows, sourceRowStride, scales, destination,
                                            destinationStride)
    }

    public static func writeJacobianRows(
        rows: Int, columns: Int, segments: UnsafeBufferPointer<JacobianRowSegment<Double>>,
        into dst: UnsafeMutablePointer<Double>, rowStride: Int, vectorExtensions: Bool
    ) {
        let converted = segments.map {
            nac_jacobian_segment_f64(offset: $0.offset, m: $0.m, n: $0.n, u: $0.u, u_stride: $0.uRowStride,
                                    v: $0.v, v_stride: $0.vRowStride)
        }
        nac_jacobian_rows_f64_variant(vectorExtensions ? 1 : 0, rows, columns, converted, converted.count, dst, rowStride)
    }

    public static func outerProductRows(
        rows: Int, m: Int, n: Int, alpha: Double,
        u: UnsafePointer<Double>, uRowStride: Int, v: UnsafePointer<Double>, vRowStride: Int,
        accumulate: Bool, streaming: Bool, into dst: UnsafeMutablePointer<Double>, dstRowStride: Int
    ) {
        nac_outer_product_rows_f64(rows, m, n, alpha, u, uRowStride, v, vRowStride,
                                   accumulate ? 1 : 0, streaming ? 1 : 0, dst, dstRowStride)
    }
}
