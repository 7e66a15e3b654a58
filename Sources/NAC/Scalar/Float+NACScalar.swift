internal import CNACLapack
internal import CNACKernels
import RealModule

// BLAS/LAPACK dispatch for `Float`: each requirement forwards to the s-prefixed C routine.
// `Double+NACScalar.swift` is the same file with the d-prefixed routines.

extension Float: NACScalar {
    public static var typeName: String { "float32" }

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
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(CblasRowMajor, cblasTranspose(transA), cblasTranspose(transB),
                    lapackInt(m, "gemm"), lapackInt(n, "gemm"), lapackInt(k, "gemm"),
                    alpha, a, lapackInt(lda, "gemm"), b, lapackInt(ldb, "gemm"),
                    beta, c, lapackInt(ldc, "gemm"))
    }

    public static func gemv(
        _ trans: Transpose, m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        x: UnsafePointer<Float>, incx: Int, beta: Float, y: UnsafeMutablePointer<Float>, incy: Int
    ) {
        cblas_sgemv(CblasRowMajor, cblasTranspose(trans), lapackInt(m, "gemv"), lapackInt(n, "gemv"),
                    alpha, a, lapackInt(lda, "gemv"), x, lapackInt(incx, "gemv"),
                    beta, y, lapackInt(incy, "gemv"))
    }

    public static func syrk(
        _ triangle: Triangle, _ trans: Transpose, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_ssyrk(CblasRowMajor, cblasTriangle(triangle), cblasTranspose(trans),
                    lapackInt(n, "syrk"), lapackInt(k, "syrk"), alpha, a, lapackInt(lda, "syrk"),
                    beta, c, lapackInt(ldc, "syrk"))
    }

    public static func ger(
        m: Int, n: Int, alpha: Float, x: UnsafePointer<Float>, incx: Int,
        y: UnsafePointer<Float>, incy: Int, a: UnsafeMutablePointer<Float>, lda: Int
    ) {
        cblas_sger(CblasRowMajor, lapackInt(m, "ger"), lapackInt(n, "ger"), alpha,
                   x, lapackInt(incx, "ger"), y, lapackInt(incy, "ger"), a, lapackInt(lda, "ger"))
    }

    public static func hyperbolicTangent(
        _ x: UnsafePointer<Float>, count: Int, value y: UnsafeMutablePointer<Float>,
        derivative d1: UnsafeMutablePointer<Float>?
    ) {
        nac_tanh_f32(count, x, y, d1)
    }

    /// `hyperbolicTangent` through a chosen version of the C kernel (tests): `level` 0 the
    /// baseline one, 1 AVX2 + FMA, 2 AVX-512 (or the best the CPU has below the level asked for).
    static func hyperbolicTangent(
        level: Int, _ x: UnsafePointer<Float>, count: Int, value y: UnsafeMutablePointer<Float>,
        derivative d1: UnsafeMutablePointer<Float>?
    ) {
        nac_tanh_f32_variant(Int32(level), count, x, y, d1)
    }

    public static func exponential(_ x: UnsafePointer<Float>, count: Int, value y: UnsafeMutablePointer<Float>) {
        nac_exp_f32(count, x, y)
    }

    public static func logarithm(_ x: UnsafePointer<Float>, count: Int, value y: UnsafeMutablePointer<Float>) {
        nac_log_f32(count, x, y)
    }

    /// `exponential` and `logarithm` through a chosen version of the C kernels (tests), levels as
    /// in `hyperbolicTangent(level:…)`.
    static func exponential(level: Int, _ x: UnsafePointer<Float>, count: Int, value y: UnsafeMutablePointer<Float>) {
        nac_exp_f32_variant(Int32(level), count, x, y)
    }

    static func logarithm(level: Int, _ x: UnsafePointer<Float>, count: Int, value y: UnsafeMutablePointer<Float>) {
        nac_log_f32_variant(Int32(level), count, x, y)
    }

    /// `fewRowsProduct` through a chosen version of the C kernel (tests): the baseline one, or
    /// AVX2 + FMA when `vectorExtensions` and the CPU has them.
    static func fewRowsProduct(
        vectorExtensions: Bool, _ c: UnsafePointer<Float>, rows k: Int, _ a: UnsafePointer<Float>, rows m: Int,
        columns n: Int, aRowStride: Int, into out: UnsafeMutablePointer<Float>
    ) {
        nac_few_rows_product_f32_variant(vectorExtensions ? 1 : 0, k, m, n, c, a, aRowStride, out)
    }

    /// `copyScaledRowSegments` through a chosen version of the C kernel (tests): the baseline one, or
    /// AVX2 when `vectorExtensions` and the CPU has it.
    static func copyScaledRowSegments(
        vectorExtensions: Bool, _ source: UnsafePointer<Float>, rows: UnsafePointer<Int>, rowCount: Int,
        sourceRowStride: Int, count: Int, scales: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>,
        destinationStride: Int
    ) {
        nac_copy_scaled_row_segments_f32_variant(vectorExtensions ? 1 : 0, rowCount, count, source, rows, sourceRowStride,
                                                    scales, destination, destinationStride)
    }

    /// The version of the tanh kernel this CPU runs: 2 (AVX-512), 1 (AVX2 + FMA) or 0 (baseline).
    static var hyperbolicTangentLevel: Int { Int(nac_tanh_vector_level()) }

    public static func trsm(
        _ side: Side, _ triangle: Triangle, _ transA: Transpose, unitDiagonal: Bool, m: Int, n: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafeMutablePointer<Float>, ldb: Int
    ) {
        cblas_strsm(CblasRowMajor, side == .left ? CblasLeft : CblasRight, cblasTriangle(triangle),
                    cblasTranspose(transA), unitDiagonal ? CblasUnit : CblasNonUnit,
                    lapackInt(m, "trsm"), lapackInt(n, "trsm"), alpha, a, lapackInt(lda, "trsm"),
                    b, lapackInt(ldb, "trsm"))
    }

    public static func trmm(
        _ side: Side, _ triangle: Triangle, _ transA: Transpose, unitDiagonal: Bool, m: Int, n: Int,
        alpha: Float, a: UnsafePointer<Float>, lda: Int, b: UnsafeMutablePointer<Float>, ldb: Int
    ) {
        cblas_strmm(CblasRowMajor, side == .left ? CblasLeft : CblasRight, cblasTriangle(triangle),
                    cblasTranspose(transA), unitDiagonal ? CblasUnit : CblasNonUnit,
                    lapackInt(m, "trmm"), lapackInt(n, "trmm"), alpha, a, lapackInt(lda, "trmm"),
                    b, lapackInt(ldb, "trmm"))
    }

    public static var householderKernelsUseVectorExtensions: Bool { nac_inner_products_use_avx512() != 0 }

    public static func columnInnerProducts(
        rows k: Int, _ v: UnsafePointer<Float>, ldv: Int, columns p: Int, _ c: UnsafePointer<Float>, ldc: Int,
        columns q: Int, into w: UnsafeMutablePointer<Float>, ldw: Int, vectorExtensions: Bool
    ) {
        nac_column_inner_products_f32_variant(vectorExtensions ? 1 : 0, k, p, q, v, ldv, c, ldc, w, ldw)
    }

    public static func bidiagonalPanel(
        rows m: Int, columns n: Int, steps nb: Int, _ a: UnsafeMutablePointer<Float>, lda: Int,
        diagonal d: UnsafeMutablePointer<Float>, superdiagonal e: UnsafeMutablePointer<Float>,
        ux: UnsafeMutablePointer<Float>, yw: UnsafeMutablePointer<Float>, workspace: UnsafeMutablePointer<Float>,
        vectorExtensions: Bool
    ) {
        nac_bidiagonal_panel_f32_variant(vectorExtensions ? 1 : 0, m, n, nb, a, lda, d, e, ux, yw, workspace)
    }

    public static func sumOfSquares(_ x: UnsafePointer<Float>, count: Int, vectorExtensions: Bool) -> Float {
        nac_sum_of_squares_f32_variant(vectorExtensions ? 1 : 0, count, x)
    }

    public static func axpy(
        n: Int, alpha: Float, x: UnsafePointer<Float>, incx: Int,
        y: UnsafeMutablePointer<Float>, incy: Int
    ) {
        cblas_saxpy(lapackInt(n, "axpy"), alpha, x, lapackInt(incx, "axpy"), y, lapackInt(incy, "axpy"))
    }

    public static func dot(
        n: Int, x: UnsafePointer<Float>, incx: Int, y: UnsafePointer<Float>, incy: Int
    ) -> Float {
        cblas_sdot(lapackInt(n, "dot"), x, lapackInt(incx, "dot"), y, lapackInt(incy, "dot"))
    }

    public static func nrm2(n: Int, x: UnsafePointer<Float>, incx: Int) -> Float {
        cblas_snrm2(lapackInt(n, "nrm2"), x, lapackInt(incx, "nrm2"))
    }

    public static func scal(n: Int, alpha: Float, x: UnsafeMutablePointer<Float>, incx: Int) {
        cblas_sscal(lapackInt(n, "scal"), alpha, x, lapackInt(incx, "scal"))
    }

    public static func potrf(
        _ triangle: Triangle, n: Int, a: UnsafeMutablePointer<Float>, lda: Int
    ) -> Int {
        Int(LAPACKE_spotrf(LAPACK_COL_MAJOR, lapackTriangle(triangle), lapackInt(n, "potrf"),
                           a, lapackInt(lda, "potrf")))
    }

    public static func potrs(
        _ triangle: Triangle, n: Int, nrhs: Int, a: UnsafePointer<Float>, lda: Int,
        b: UnsafeMutablePointer<Float>, ldb: Int
    ) -> Int {
        Int(LAPACKE_spotrs(LAPACK_COL_MAJOR, lapackTriangle(triangle), lapackInt(n, "potrs"),
                           lapackInt(nrhs, "potrs"), a, lapackInt(lda, "potrs"),
                           b, lapackInt(ldb, "potrs")))
    }

    public static func posv(
        _ triangle: Triangle, n: Int, nrhs: Int, a: UnsafeMutablePointer<Float>, lda: Int,
        b: UnsafeMutablePointer<Float>, ldb: Int
    ) -> Int {
        Int(LAPACKE_sposv(LAPACK_COL_MAJOR, lapackTriangle(triangle), lapackInt(n, "posv"),
                          lapackInt(nrhs, "posv"), a, lapackInt(lda, "posv"),
                          b, lapackInt(ldb, "posv")))
    }

    public static func pocon(
        _ triangle: Triangle, n: Int, a: UnsafePointer<Float>, lda: Int, anorm: Float,
        rcond: UnsafeMutablePointer<Float>
    ) -> Int {
        Int(LAPACKE_spocon(LAPACK_COL_MAJOR, lapackTriangle(triangle), lapackInt(n, "pocon"),
                           a, lapackInt(lda, "pocon"), anorm, rcond))
    }

    public static func gels(
        m: Int, n: Int, nrhs: Int, a: UnsafeMutablePointer<Float>, lda: Int,
        b: UnsafeMutablePointer<Float>, ldb: Int
    ) -> Int {
        Int(LAPACKE_sgels(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "N")), lapackInt(m, "gels"),
                          lapackInt(n, "gels"), lapackInt(nrhs, "gels"), a, lapackInt(lda, "gels"),
                          b, lapackInt(ldb, "gels")))
    }

    public static func geqrt(
        m: Int, n: Int, nb: Int, a: UnsafeMutablePointer<Float>, lda: Int, t: UnsafeMutablePointer<Float>, ldt: Int
    ) -> Int {
        var work = [Float](repeating: 0, count: Swift.max(1, nb * n))
        return Int(LAPACKE_sgeqrt_work(LAPACK_COL_MAJOR, lapackInt(m, "geqrt"), lapackInt(n, "geqrt"),
                                      lapackInt(nb, "geqrt"), a, lapackInt(lda, "geqrt"), t, lapackInt(ldt, "geqrt"),
                                      &work))
    }

    public static func larfg(n: Int, alpha: UnsafeMutablePointer<Float>, x: UnsafeMutablePointer<Float>, incx: Int) -> Float {
        var tau: Float = 0
        _ = LAPACKE_slarfg_work(lapackInt(n, "larfg"), alpha, x, lapackInt(incx, "larfg"), &tau)
        return tau
    }

    public static func gemqrt(
        _ side: Side, _ trans: Transpose, m: Int, n: Int, k: Int, nb: Int, v: UnsafePointer<Float>, ldv: Int,
        t: UnsafePointer<Float>, ldt: Int, c: UnsafeMutablePointer<Float>, ldc: Int
    ) -> Int {
        var work = [Float](repeating: 0, count: Swift.max(1, nb * (side == .left ? n : m)))
        return Int(LAPACKE_sgemqrt_work(LAPACK_COL_MAJOR, CChar(UInt8(ascii: side == .left ? "L" : "R")),
                                       CChar(UInt8(ascii: trans == .none ? "N" : "T")), lapackInt(m, "gemqrt"),
                                       lapackInt(n, "gemqrt"), lapackInt(k, "gemqrt"), lapackInt(nb, "gemqrt"), v,
                                       lapackInt(ldv, "gemqrt"), t, lapackInt(ldt, "gemqrt"), c,
                                       lapackInt(ldc, "gemqrt"), &work))
    }

    public static func tpqrt(
        m: Int, n: Int, l: Int, nb: Int, a: UnsafeMutablePointer<Float>, lda: Int,
        b: UnsafeMutablePointer<Float>, ldb: Int, t: UnsafeMutablePointer<Float>, ldt: Int
    ) -> Int {
        var work = [Float](repeating: 0, count: Swift.max(1, nb * n))
        return Int(LAPACKE_stpqrt_work(LAPACK_COL_MAJOR, lapackInt(m, "tpqrt"), lapackInt(n, "tpqrt"),
                                       lapackInt(l, "tpqrt"), lapackInt(nb, "tpqrt"), a, lapackInt(lda, "tpqrt"),
                                       b, lapackInt(ldb, "tpqrt"), t, lapackInt(ldt, "tpqrt"), &work))
    }

    public static func gelsd(
        m: Int, n: Int, nrhs: Int, a: UnsafeMutablePointer<Float>, lda: Int,
        b: UnsafeMutablePointer<Float>, ldb: Int, s: UnsafeMutablePointer<Float>, rcond: Float,
        rank: inout Int
    ) -> Int {
        var lapackRank: Int32 = 0
        let info = LAPACKE_sgelsd(LAPACK_COL_MAJOR, lapackInt(m, "gelsd"), lapackInt(n, "gelsd"),
                                  lapackInt(nrhs, "gelsd"), a, lapackInt(lda, "gelsd"),
                                  b, lapackInt(ldb, "gelsd"), s, rcond, &lapackRank)
        rank = Int(lapackRank)
        return Int(info)
    }

    public static func gesdd(
        m: Int, n: Int, a: UnsafeMutablePointer<Float>, lda: Int, s: UnsafeMutablePointer<Float>,
        u: UnsafeMutablePointer<Float>, ldu: Int, vt: UnsafeMutablePointer<Float>, ldvt: Int
    ) -> Int {
        Int(LAPACKE_sgesdd(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "S")), lapackInt(m, "gesdd"), lapackInt(n, "gesdd"),
                           a, lapackInt(lda, "gesdd"), s, u, lapackInt(ldu, "gesdd"), vt, lapackInt(ldvt, "gesdd")))
    }

    public static func bidiagonalSingularValues(
        n: Int, diagonal d: UnsafeMutablePointer<Float>, superdiagonal e: UnsafeMutablePointer<Float>
    ) -> Int {
        // No vectors (ncvt = nru = ncc = 0): their arrays are not referenced; leading dimensions ≥ 1.
        var unusedVT: Float = 0, unusedU: Float = 0, unusedC: Float = 0
        return Int(LAPACKE_sbdsqr(LAPACK_COL_MAJOR, CChar(UInt8(ascii: "U")), lapackInt(n, "bdsqr"), 0, 0, 0,
                                   d, e, &unusedVT, 1, &unusedU, 1, &unusedC, 1))
    }

    public static func syevd(
        vectors: Bool, _ triangle: Triangle, n: Int, a: UnsafeMutablePointer<Float>, lda: Int,
        w: UnsafeMutablePointer<Float>
    ) -> Int {
        Int(LAPACKE_ssyevd(LAPACK_COL_MAJOR, CChar(UInt8(ascii: vectors ? "V" : "N")),
                           lapackTriangle(triangle), lapackInt(n, "syevd"), a,
                           lapackInt(lda, "syevd"), w))
    }

    public static func fewRowsProduct(
        _ c: UnsafePointer<Float>, rows k: Int, _ a: UnsafePointer<Float>, rows m: Int, columns n: Int,
        aRowStride: Int, into out: UnsafeMutablePointer<Float>
    ) {
        nac_few_rows_product_f32(k, m, n, c, a, aRowStride, out)
    }

    public static func copyScaledRowSegments(
        _ source: UnsafePointer<Float>, rows: UnsafePointer<Int>, rowCount: Int, sourceRowStride: Int, count: Int,
        scales: UnsafePointer<Float>, into destination: UnsafeMutablePointer<Float>, destinationStride: Int
    ) {
        nac_copy_scaled_row_segments_f32(rowCount, count, source, rows, sourceRowStride, scales, destination,
                                            destinationStride)
    }

    public static func writeJacobianRows(
        rows: Int, columns: Int, segments: UnsafeBufferPointer<JacobianRowSegment<Float>>,
        into dst: UnsafeMutablePointer<Float>, rowStride: Int, vectorExtensions: Bool
    ) {
        let converted = segments.map {
            nac_jacobian_segment_f32(offset: $0.offset, m: $0.m, n: $0.n, u: $0.u, u_stride: $0.uRowStride,
                                    v: $0.v, v_stride: $0.vRowStride)
        }
        nac_jacobian_rows_f32_variant(vectorExtensions ? 1 : 0, rows, columns, converted, converted.count, dst, rowStride)
    }

    public static func outerProductRows(
        rows: Int, m: Int, n: Int, alpha: Float,
        u: UnsafePointer<Float>, uRowStride: Int, v: UnsafePointer<Float>, vRowStride: Int,
        accumulate: Bool, streaming: Bool, into dst: UnsafeMutablePointer<Float>, dstRowStride: Int
    ) {
        nac_outer_product_rows_f32(rows, m, n, alpha, u, uRowStride, v, vRowStride,
                                   accumulate ? 1 : 0, streaming ? 1 : 0, dst, dstRowStride)
    }
}
