import RealModule

/// Which side a triangular matrix multiplies from in `trsm`: op(A) X (`.left`) or X op(A) (`.right`).
public enum Side: Sendable, Equatable {
    case left
    case right
}

/// Whether a BLAS operand is used as stored or transposed.
public enum Transpose: Sendable, Equatable {
    case none
    case transposed
}

/// Which triangle of a symmetric matrix a routine reads or writes.
public enum Triangle: Sendable, Equatable {
    case upper
    case lower

    /// The other triangle: the upper triangle of a row-major buffer is the lower triangle of the
    /// same buffer read column-major.
    public var opposite: Triangle { self == .upper ? .lower : .upper }
}

/// The scalar types NAC computes with: `Float` and `Double`.
///
/// Generic code in NAC is written against this protocol. Its requirements work on **whole buffers**
/// (never one element at a time), so a generic caller pays one witness-table call per operation and
/// the loop itself runs in code specialised for the concrete type:
///
/// - BLAS level 1–3 (`gemm`, `gemv`, `syrk`, `trsm`, `ger`, `axpy`, `dot`, `nrm2`, `scal`) with **row-major**
///   operands, forwarded to OpenBLAS's CBLAS;
/// - LAPACK (`potrf`, `potrs`, `posv`, `pocon`, `gels`, `geqrt`, `gemqrt`, `tpqrt`, `gelsd`, `gesdd`, `bdsqr`, `syevd`) with **column-major**
///   operands (row-major LAPACKE calls copy their inputs; see BUILD-NOTES), returning LAPACK's `info`;
/// - the elementwise kernels of the autodiff engine and of `Matrix` (`evaluate`, `broadcast`,
///   `copy`, `transpose`, norms, reductions, …), written once as default implementations in
///   `NACScalar+Kernels.swift`.
///
/// The kernels are protocol **requirements**, not just extension methods: a call such as
/// `Scalar.copy(…)` from unspecialised generic code (for example `Matrix<Scalar>` called from another
/// module) then goes through the witness table to the copy the compiler specialised for `Float` or
/// `Double` when it compiled their conformances. An extension method would run its unspecialised
/// generic body instead, paying a witness call per element (about 50× slower, BUILD-NOTES §1.6).
/// Requirements cannot have default arguments, so the shorter spellings (without `alpha:`, or
/// without the derivative buffers) are extension overloads that forward to the requirement.
///
/// Every pointer argument names a buffer of the documented size; sizes are `Int` and are checked to
/// fit LAPACK's 32-bit integers. The C symbols appear only in `Float+NACScalar.swift` and
/// `Double+NACScalar.swift`.
public protocol NACScalar: BinaryFloatingPoint, Real, Sendable, Codable, LosslessStringConvertible
where RawSignificand: FixedWidthInteger {
    /// A short name for messages and file headers: `"float32"` or `"float64"`.
    static var typeName: String { get }

    // MARK: BLAS (row-major)

    /// C ← α op(A) op(B) + β C, with op(A) m × k, op(B) k × n, C m × n, all row-major.
    /// - Complexity: 2mnk flops.
    static func gemm(
        _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int,
        beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// y ← α op(A) x + β y, with A m × n row-major.
    static func gemv(
        _ trans: Transpose, m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
        x: UnsafePointer<Self>, incx: Int, beta: Self, y: UnsafeMutablePointer<Self>, incy: Int)

    /// C ← α op(A) op(A)ᵀ + β C on one triangle of the n × n row-major C; `trans == .none` gives
    /// A Aᵀ with A n × k, `.transposed` gives Aᵀ A with A k × n.
    /// - Complexity: n²k flops.
    static func syrk(
        _ triangle: Triangle, _ trans: Transpose, n: Int, k: Int, alpha: Self,
        a: UnsafePointer<Self>, lda: Int, beta: Self, c: UnsafeMutablePointer<Self>, ldc: Int)

    /// A ← α x yᵀ + A, with A m × n row-major.
    static func ger(
        m: Int, n: Int, alpha: Self, x: UnsafePointer<Self>, incx: Int,
        y: UnsafePointer<Self>, incy: Int, a: UnsafeMutablePointer<Self>, lda: Int)

    /// B ← α op(A)⁻¹ B (`.left`, A m × m) or B ← α B op(A)⁻¹ (`.right`, A n × n), with A triangular
    /// (only `triangle` is read; `unitDiagonal` takes its diagonal as ones) and B m × n, row-major.
    /// - Complexity: m²n (left) or mn² (right) flops.
    static func trsm(
        _ side: Side, _ triangle: Triangle, _ transA: Transpose, unitDiagonal: Bool, m: Int, n: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int, b: UnsafeMutablePointer<Self>, ldb: Int)

    /// B ← α op(A) B (`.left`, A m × m) or B ← α B op(A) (`.right`, A n × n), with A triangular
    /// (only `triangle` is read; `unitDiagonal` takes its diagonal as ones) and B m × n, row-major.
    /// - Complexity: m²n (left) or mn² (right) flops.
    static func trmm(
        _ side: Side, _ triangle: Triangle, _ transA: Transpose, unitDiagonal: Bool, m: Int, n: Int,
        alpha: Self, a: UnsafePointer<Self>, lda: Int, b: UnsafeMutablePointer<Self>, ldb: Int)

    /// y ← α x + y.
    static func axpy(
        n: Int, alpha: Self, x: UnsafePointer<Self>, incx: Int, y: UnsafeMutablePointer<Self>, incy: Int)

    /// xᵀ y.
    static func dot(n: Int, x: UnsafePointer<Self>, incx: Int, y: UnsafePointer<Self>, incy: Int) -> Self

    /// ‖x‖₂, computed without overflow.
    static func nrm2(n: Int, x: UnsafePointer<Self>, incx: Int) -> Self

    /// x ← α x. (OpenBLAS writes zeros for α = 0 even over NaN and ∞; `Matrix * scalar` and
    /// `scale(_:by:)` keep IEEE semantics.)
    static func scal(n: Int, alpha: Self, x: UnsafeMutablePointer<Self>, incx: Int)

    // MARK: LAPACK (column-major; each returns LAPACK's `info`)

    /// Cholesky factorisation of the n × n symmetric positive-definite A (one triangle read and
    /// overwritten). `info > 0`: the leading minor of that order is not positive definite.
    static func potrf(_ triangle: Triangle, n: Int, a: UnsafeMutablePointer<Self>, lda: Int) -> Int

    /// Solves A X = B from the Cholesky factor computed by `potrf`; B is n × nrhs.
    static func potrs(
        _ triangle: Triangle, n: Int, nrhs: Int, a: UnsafePointer<Self>, lda: Int,
        b: UnsafeMutablePointer<Self>, ldb: Int) -> Int

    /// Factors A and solves A X = B in one call (`potrf` + `potrs`).
    static func posv(
        _ triangle: Triangle, n: Int, nrhs: Int, a: UnsafeMutablePointer<Self>, lda: Int,
        b: UnsafeMutablePointer<Self>, ldb: Int) -> Int

    /// Estimates the reciprocal 1-norm condition number of a matrix factored by `potrf`, given
    /// the 1-norm `anorm` of the original matrix.
    static func pocon(
        _ triangle: Triangle, n: Int, a: UnsafePointer<Self>, lda: Int, anorm: Self,
        rcond: UnsafeMutablePointer<Self>) -> Int

    /// Least squares min ‖A X − B‖ (m ≥ n) or minimum-norm solution (m < n) of a full-rank
    /// m × n A by QR/LQ. B is max(m, n) × nrhs; the solution is in its first n rows.
    /// `info > 0`: the diagonal element `info` of the triangular factor is zero (rank deficient).
    static func gels(
        m: Int, n: Int, nrhs: Int, a: UnsafeMutablePointer<Self>, lda: Int,
        b: UnsafeMutablePointer<Self>, ldb: Int) -> Int

    /// QR factorisation A = Q R of the m × n A (m ≥ n) in compact-WY form with block size nb
    /// (1 ≤ nb ≤ n): R overwrites the upper triangle, the Householder vectors the part below, and
    /// the nb × n `t` receives the blocks' triangular factors. Unlike `geqrf`, whose panels are
    /// BLAS-2, the panel factorisation is recursive (BLAS-3): measured 1.3–2× faster on tall
    /// matrices with 256–1024 columns. Calls LAPACKE's `_work` form, which skips LAPACKE's NaN
    /// scan of `a` (3–4 % of a 5964 × 256 factorisation): callers pass finite operands.
    static func geqrt(m: Int, n: Int, nb: Int, a: UnsafeMutablePointer<Self>, lda: Int, t: UnsafeMutablePointer<Self>, ldt: Int) -> Int

    /// LAPACK `larfg`: the elementary reflector H = I − τ (1, v)(1, v)ᵀ with H (α, x) = (β, 0) for
    /// the n-vector (α, x) (x = n − 1 elements at stride incx): β overwrites `alpha`, v overwrites
    /// x, τ is returned (0 when x = 0). `BlockedHouseholderQR` calls it only where its own faster
    /// form would lose accuracy (x's squares near underflow or overflow).
    static func larfg(n: Int, alpha: UnsafeMutablePointer<Self>, x: UnsafeMutablePointer<Self>, incx: Int) -> Self

    /// C ← op(Q) C (`.left`) or C op(Q) (`.right`) for the Q of `geqrt` (k reflectors in `v`, the
    /// block factors in `t`, block size nb), C m × n. LAPACKE's `_work` form, without its NaN scan
    /// of `v`, `t` and `c`.
    static func gemqrt(
        _ side: Side, _ trans: Transpose, m: Int, n: Int, k: Int, nb: Int, v: UnsafePointer<Self>, ldv: Int,
        t: UnsafePointer<Self>, ldt: Int, c: UnsafeMutablePointer<Self>, ldc: Int) -> Int

    /// The QR of the (n + m) × n stack [A ; B] (`tpqrt`): A n × n upper triangular, B m × n with
    /// its last l rows upper trapezoidal (l ≤ min(m, n)). A's upper triangle becomes the stack's R,
    /// B the reflectors, T (nb × n, 1 ≤ nb ≤ n) the block factors. LAPACKE's `_work` form, without
    /// its NaN scan. About 2n²m flops for a rectangular B, 2n³/3 for a triangle (l = m = n).
    static func tpqrt(
        m: Int, n: Int, l: Int, nb: Int, a: UnsafeMutablePointer<Self>, lda: Int,
        b: UnsafeMutablePointer<Self>, ldb: Int, t: UnsafeMutablePointer<Self>, ldt: Int) -> Int

    /// Minimum-norm least squares by SVD (divide and conquer): singular values below
    /// `rcond · σ_max` are treated as zero. Writes the min(m, n) singular values to `s` and the
    /// effective rank to `rank`. `info > 0`: the SVD did not converge.
    static func gelsd(
        m: Int, n: Int, nrhs: Int, a: UnsafeMutablePointer<Self>, lda: Int,
        b: UnsafeMutablePointer<Self>, ldb: Int, s: UnsafeMutablePointer<Self>, rcond: Self,
        rank: inout Int) -> Int

    /// The thin SVD A = U Σ Vᵀ of the m × n column-major A by divide and conquer (`gesdd`, JOBZ =
    /// 'S'; A is destroyed): the k = min(m, n) singular values, descending, into `s`, U (m × k) into
    /// `u`, Vᵀ (k × n) into `vt`. `info > 0`: the SVD did not converge.
    static func gesdd(
        m: Int, n: Int, a: UnsafeMutablePointer<Self>, lda: Int, s: UnsafeMutablePointer<Self>,
        u: UnsafeMutablePointer<Self>, ldu: Int, vt: UnsafeMutablePointer<Self>, ldvt: Int) -> Int

    /// The singular values of the n × n upper bidiagonal matrix with diagonal `d` and
    /// superdiagonal `e[0..<n − 1]`, descending and non-negative, into `d`, without vectors (`bdsqr`
    /// with no vectors: dqds). `e` (n elements) is destroyed. `info > 0`: did not converge.
    /// - Complexity: O(n²).
    static func bidiagonalSingularValues(
        n: Int, diagonal d: UnsafeMutablePointer<Self>, superdiagonal e: UnsafeMutablePointer<Self>) -> Int

    /// Eigenvalues (ascending, into `w`) and optionally eigenvectors (overwriting A's columns)
    /// of the symmetric n × n A by divide and conquer. `info > 0`: no convergence.
    static func syevd(
        vectors: Bool, _ triangle: Triangle, n: Int, a: UnsafeMutablePointer<Self>, lda: Int,
        w: UnsafeMutablePointer<Self>) -> Int

    // MARK: Householder QR kernels (column-major; C kernels in CNACKernels/ColumnInnerProducts.c)

    /// Whether the two kernels below run their AVX-512 versions on this CPU (and so whether
    /// `BlockedHouseholderQR` may use its own recursion rather than LAPACK `geqrt`; see
    /// `BlockedHouseholderQR.usesOwnKernels`).
    static var householderKernelsUseVectorExtensions: Bool { get }

    /// W (p × q) += Vᵀ C for the column-major k × p V and k × q C (leading dimensions `ldv`, `ldc`,
    /// `ldw`), reading C in place: the products of a Householder QR's trailing update, k long and
    /// p, q small, where gemm would pack all of C. `vectorExtensions: false` runs the plain loop
    /// (tests); `true` the AVX-512 version where the CPU has it.
    /// - Complexity: 2kpq flops.
    static func columnInnerProducts(
        rows k: Int, _ v: UnsafePointer<Self>, ldv: Int, columns p: Int, _ c: UnsafePointer<Self>, ldc: Int,
        columns q: Int, into w: UnsafeMutablePointer<Self>, ldw: Int, vectorExtensions: Bool)

    /// Σ x[i]² over `count` contiguous elements, unscaled (no guard against overflow or underflow;
    /// compare `nrm2`). `vectorExtensions` as for `columnInnerProducts`.
    static func sumOfSquares(_ x: UnsafePointer<Self>, count: Int, vectorExtensions: Bool) -> Self

    // MARK: Bidiagonalisation kernel (column-major; C kernel in CNACKernels/BidiagonalPanel.c)

    /// One panel of `HouseholderBidiagonalization`: nb Golub–Kahan steps on the m × n column-major
    /// `a` (m ≥ n ≥ nb ≥ 1), the diagonal into `d[0..<nb]` and the superdiagonal into `e[0..<nb]`
    /// (`e[nb − 1]` only when nb < n). The trailing update is deferred: the caller subtracts
    /// UX[nb.., 0..<2nb] · YW[nb.., 0..<2nb]ᵀ from `a[nb.., nb..]`, with `ux` m × 2nb (leading
    /// dimension m) and `yw` n × 2nb (leading dimension n). `workspace`: 2m + 4n + 6nb elements.
    /// `vectorExtensions` as for `columnInnerProducts`.
    /// - Complexity: 4(m − k)(n − k) flops per step k in one read of the trailing matrix, plus
    ///   O((m + n) k) for the deferred products.
    static func bidiagonalPanel(
        rows m: Int, columns n: Int, steps nb: Int, _ a: UnsafeMutablePointer<Self>, lda: Int,
        diagonal d: UnsafeMutablePointer<Self>, superdiagonal e: UnsafeMutablePointer<Self>,
        ux: UnsafeMutablePointer<Self>, yw: UnsafeMutablePointer<Self>, workspace: UnsafeMutablePointer<Self>,
        vectorExtensions: Bool)

    // MARK: Elementwise kernels (row-major; default implementations in NACScalar+Kernels.swift)

    /// y = f(x) for `count` elements; when non-nil, `firstDerivative` receives f′(x) and
    /// `secondDerivative` f″(x). `x` and `value` may be the same buffer only if no derivative is
    /// requested.
    static func evaluate(
        _ function: UnaryFunction, x: UnsafePointer<Self>, count: Int, value y: UnsafeMutablePointer<Self>,
        firstDerivative d1: UnsafeMutablePointer<Self>?, secondDerivative d2: UnsafeMutablePointer<Self>?)

    /// out(r, c) ← α · (a(r, c) ∘ b(r, c)) [+ out(r, c) when `accumulate`] for a `rows × columns`
    /// result with row stride `outRowStride`; zero strides in the operands broadcast them.
    static func broadcast(
        _ op: BinaryOperator, _ a: StridedOperand<Self>, _ b: StridedOperand<Self>,
        rows: Int, columns: Int, alpha: Self, accumulate: Bool,
        into out: UnsafeMutablePointer<Self>, outRowStride: Int)

    /// out(r, c) ← α · a(r, c) [+ out(r, c) when `accumulate`]: a strided copy, scale or
    /// accumulation of a `rows × columns` block.
    static func copy(
        _ a: StridedOperand<Self>, rows: Int, columns: Int, alpha: Self, accumulate: Bool,
        into out: UnsafeMutablePointer<Self>, outRowStride: Int)

    /// b(c, r) ← a(r, c) for the `rows × columns` row-major `a` (row stride `lda`) into the
    /// `columns × rows` row-major `b` (row stride `ldb`), in cache-sized tiles. The buffers must not
    /// overlap. (Also converts between row-major and column-major storage.)
    static func transpose(
        rows: Int, columns: Int, _ a: UnsafePointer<Self>, lda: Int,
        into b: UnsafeMutablePointer<Self>, ldb: Int)

    /// Copies the `source` triangle of the n × n row-major `a` onto the other triangle, making `a`
    /// symmetric.
    static func symmetrize(_ source: Triangle, n: Int, _ a: UnsafeMutablePointer<Self>, lda: Int)

    /// Sets `count` elements to `value`.
    static func fill(_ out: UnsafeMutablePointer<Self>, count: Int, with value: Self)

    /// out[r · outStride] ← α Σ_c a(r, c) [+ previous].
    static func sumRows(
        _ a: UnsafePointer<Self>, rows: Int, columns: Int, rowStride: Int, alpha: Self,
        accumulate: Bool, into out: UnsafeMutablePointer<Self>, outStride: Int)

    /// out[c] ← α Σ_r a(r, c) [+ previous].
    static func sumColumns(
        _ a: UnsafePointer<Self>, rows: Int, columns: Int, rowStride: Int, alpha: Self,
        accumulate: Bool, into out: UnsafeMutablePointer<Self>)

    /// y[i] = tanh(x[i]) and, when `derivative` is non-nil, 1 − y[i]², for `count` elements (`x` and
    /// `value` may be the same buffer): the C kernel of CNACKernels, vectorised, with AVX2 + FMA
    /// when the CPU has them. Within a few ulp of the correctly rounded tanh; NaN and ±0 kept.
    static func hyperbolicTangent(
        _ x: UnsafePointer<Self>, count: Int, value y: UnsafeMutablePointer<Self>,
        derivative d1: UnsafeMutablePointer<Self>?)

    /// y[i] = exp(x[i]) for `count` elements (`x` and `value` may be the same buffer): the C kernel
    /// of CNACKernels, vectorised like `hyperbolicTangent`. Within about 1 ulp of the correctly
    /// rounded result; overflow, underflow, ±∞ and NaN exactly as libm.
    static func exponential(_ x: UnsafePointer<Self>, count: Int, value y: UnsafeMutablePointer<Self>)

    /// y[i] = log(x[i]) for `count` elements (`x` and `value` may be the same buffer): the C kernel
    /// of CNACKernels, vectorised like `hyperbolicTangent`. Within about 1 ulp of the correctly
    /// rounded result; 0, negative, subnormal, infinite and NaN inputs exactly as libm.
    static func logarithm(_ x: UnsafePointer<Self>, count: Int, value y: UnsafeMutablePointer<Self>)

    /// Per row, log Σ_c exp a(r, c) (into `out[r]`) and, when `softmax` is non-nil, the softmax
    /// exp(a(r, c) − out[r]) (row stride `columns`).
    static func logSumExpRows(
        _ a: UnsafePointer<Self>, rows: Int, columns: Int, rowStride: Int,
        into out: UnsafeMutablePointer<Self>, softmax: UnsafeMutablePointer<Self>?)

    /// For every row b: dst[b · dstRowStride + o · n + i] ← α u(b, o) v(b, i) [+ previous];
    /// `streaming` writes with non-temporal stores (Float and Double, see CNACKernels.h).
    static func outerProductRows(
        rows: Int, m: Int, n: Int, alpha: Self,
        u: UnsafePointer<Self>, uRowStride: Int, v: UnsafePointer<Self>, vRowStride: Int,
        accumulate: Bool, streaming: Bool, into dst: UnsafeMutablePointer<Self>, dstRowStride: Int)

    /// Whole per-sample Jacobian rows, one after another: row b (b < `rows`, `columns` wide, rows
    /// `rowStride` apart) gets every segment's block (sorted by offset, not overlapping, inside the
    /// row) and zeros in the columns none covers, before row b + 1 is touched — each cache line is
    /// filled while it is in L1 (C kernel, see CNACKernels.h). Ordinary stores: for destinations
    /// that fit in the cache. `vectorExtensions: false` runs the plain loops (tests); `true` the
    /// AVX2 version where the CPU has it.
    /// - Complexity: rows · columns writes, one multiply per outer-product element.
    static func writeJacobianRows(
        rows: Int, columns: Int, segments: UnsafeBufferPointer<JacobianRowSegment<Self>>,
        into dst: UnsafeMutablePointer<Self>, rowStride: Int, vectorExtensions: Bool)

    /// out (k × n) ← C (k × m) A (m × n) for a few rows k (say ≤ 8), A with row stride
    /// `aRowStride`, C and out row-major and not overlapping A: A is read once (C kernel, see
    /// CNACKernels.h), where gemm packs A first and streams it 2–3 times for such shapes (measured
    /// at k = 3, 256 × 84496). The memory-bound optimum when A is large.
    /// - Complexity: 2kmn flops, one pass over A.
    static func fewRowsProduct(
        _ c: UnsafePointer<Self>, rows k: Int, _ a: UnsafePointer<Self>, rows m: Int, columns n: Int,
        aRowStride: Int, into out: UnsafeMutablePointer<Self>)

    /// Copies a segment of `count` elements from each of the rows `rows[k]` (k < `rowCount`) of a
    /// row-major source, scaled, into consecutive destination columns:
    ///
    ///     destination[k · destinationStride + i] = scales[rows[k]] · source[rows[k] · sourceRowStride + i]
    ///
    /// — how the least-squares route writes a chunk of the wide system's columns from the rows of
    /// Ψ. Four rows at a time (C kernel, `ScaledRowSegments.c`): four read streams in flight; with
    /// W3's scores read from memory, 6.2 against 8.2 ms for one row at a time (float32). The
    /// destination must not overlap the source.
    /// - Complexity: O(rowCount · count).
    static func copyScaledRowSegments(
        _ source: UnsafePointer<Self>, rows: UnsafePointer<Int>, rowCount: Int, sourceRowStride: Int, count: Int,
        scales: UnsafePointer<Self>, into destination: UnsafeMutablePointer<Self>, destinationStride: Int)

    /// The largest |x| over `count` elements, or NaN if any element is NaN.
    static func maximumMagnitude(_ x: UnsafePointer<Self>, count: Int) -> Self

    /// The index of the first non-finite element (NaN or ±∞), or `nil` if all are finite.
    static func firstNonFinite(_ x: UnsafePointer<Self>, count: Int) -> Int?

    /// The 1-norm (largest column sum of |aᵢⱼ|) of the `rows × columns` row-major `a`; NaN if any
    /// element is NaN.
    static func oneNorm(rows: Int, columns: Int, _ a: UnsafePointer<Self>, rowStride: Int) -> Self

    /// The ∞-norm (largest row sum of |aᵢⱼ|) of the `rows × columns` row-major `a`; NaN if any
    /// element is NaN.
    static func infinityNorm(rows: Int, columns: Int, _ a: UnsafePointer<Self>, rowStride: Int) -> Self

    /// The 1-norm (= ∞-norm) of the symmetric n × n matrix whose `triangle` (row-major, diagonal
    /// included) is stored in `a`; the other triangle is not read. NaN if a read element is NaN.
    static func symmetricOneNorm(_ triangle: Triangle, n: Int, _ a: UnsafePointer<Self>, rowStride: Int) -> Self

    /// out[r] ← Σ_c a(r, c) for a strided operand (rows × columns), out contiguous.
    static func sumRowsStrided(
        _ a: StridedOperand<Self>, rows: Int, columns: Int, into out: UnsafeMutablePointer<Self>)

    /// out[c] ← α Σ_r a(r, c) [+ previous] for a strided operand (rows × columns).
    static func sumColumnsStrided(
        _ a: StridedOperand<Self>, rows: Int, columns: Int, alpha: Self, accumulate: Bool,
        into out: UnsafeMutablePointer<Self>)

    /// out[r] ← a(r, indices[r]) for each row.
    static func gatherColumns(
        _ a: UnsafePointer<Self>, rows: Int, rowStride: Int, indices: UnsafePointer<Int>,
        into out: UnsafeMutablePointer<Self>)

    /// out(r, indices[r]) += α v[r · vStride] for each row (rows zeroed first when `zeroFirst`).
    static func scatterColumns(
        _ v: UnsafePointer<Self>, vStride: Int, rows: Int, columns: Int, indices: UnsafePointer<Int>,
        alpha: Self, zeroFirst: Bool, into out: UnsafeMutablePointer<Self>, outRowStride: Int)
}

/// Converts a size or stride to LAPACK's 32-bit integer, trapping with the routine's name if it
/// does not fit (a programmer error: no NAC object of that size can be passed to LAPACK).
@usableFromInline
func lapackInt(_ value: Int, _ routine: StaticString) -> Int32 {
    precondition(value >= Int(Int32.min) && value <= Int(Int32.max),
                 "\(routine): size \(value) does not fit LAPACK's 32-bit integer")
    return Int32(truncatingIfNeeded: value)
}
