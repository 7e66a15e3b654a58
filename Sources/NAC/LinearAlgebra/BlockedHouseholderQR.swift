/// Householder QR of a tall column-major matrix in LAPACK `geqrt`'s output format, faster than
/// `geqrt` where the CPU has AVX-512.
///
/// The algorithm is LAPACK's: panels of nb columns factorised by the recursive `geqrt3`
/// (Elmroth and Gustavson 2000), each applied to the trailing columns as a block reflector
/// I − V T Vᵀ (`larfb`). What changes is who computes the products that read the long columns:
///
/// - W = Vᵀ C, in the trailing update and inside the recursion, goes to
///   `columnInnerProducts`, which reads C in place. OpenBLAS's gemm packs all of C for this shape,
///   once per panel; inside `geqrt` on 5964 × 256 (float64, one thread) it ran at 33.6 GF/s
///   where its kernel on packed operands runs near 59.
/// - The reflectors' norms come from `sumOfSquares` (one vector pass) instead of `nrm2`, whose
///   scaled loop took 13.6 % of a `geqrt3` panel; LAPACK's `larfg` still takes any column whose
///   squares approach underflow or overflow.
/// - C −= V W stays with gemm (its packing is of the small operands) and the triangles with trmm.
///
/// Measured against `geqrt` (nb = 32) in one run, float64, one thread (the case it is used for;
/// see `usesOwnKernels`): 5964 × 256 17.9 against
/// 20.8 ms (43.1 against 37.0 GF/s), 4352 × 256 (a streamed chunk) 12.9 against 15.4 ms; at
/// 6732 × 1024 (nb = 128 both) 295 against 306 ms.
///
/// Output, as `geqrt`'s: R on and above the diagonal, the Householder vectors below it (unit
/// diagonal implied), and the upper-triangular nb × nb factor of block i in columns
/// i·nb ..< i·nb + nb of the nb × n `t`. Any caller of `geqrt` (`gemqrt` included) can use it.
enum BlockedHouseholderQR {
    /// Whether `factor` and `HouseholderTriangle` use the own recursion by default: where the
    /// kernels run their AVX-512 versions and BLAS runs on one thread. The kernels are
    /// single-threaded; on two BLAS threads `geqrt`, whose gemm calls OpenBLAS spreads over both
    /// cores, measured faster or no slower (one run, float64: 6732 × 1024 197 against 236–261 ms,
    /// float32 5964 × 256 14.2 against 15.6 ms; noisy, the machine's second core was busy).
    static func usesOwnKernels<Scalar: NACScalar>(_: Scalar.Type) -> Bool {
        Scalar.householderKernelsUseVectorExtensions && LinearAlgebra.threadCount == 1
    }

    /// Factorises the m × n column-major `a` in place with block size nb (1 ≤ nb ≤ n), writing the
    /// block reflectors' factors to `t` (ldt ≥ nb, n columns). Uses its own recursion when
    /// `ownKernels` (by default `usesOwnKernels(Scalar.self)`) and m ≥ n; LAPACK `geqrt`
    /// otherwise.
    ///
    /// - Parameter vectorExtensions: which version of the kernels the own recursion runs (tests
    ///   check both).
    /// - Complexity: 2mn² − 2n³/3 flops, plus about mn·nb/2 for the T factors (as `geqrt`); an
    ///   nb × n workspace.
    static func factor<Scalar: NACScalar>(
        rows m: Int, columns n: Int, blockSize nb: Int, _ a: UnsafeMutablePointer<Scalar>, lda: Int,
        t: UnsafeMutablePointer<Scalar>, ldt: Int,
        ownKernels: Bool = usesOwnKernels(Scalar.self),
        vectorExtensions: Bool = Scalar.householderKernelsUseVectorExtensions
    ) {
        precondition(m >= 0 && n >= 0 && lda >= Swift.max(1, m) && nb >= 1 && nb <= Swift.max(1, Swift.min(m, n)) && ldt >= nb,
                     "BlockedHouseholderQR.factor: \(m) × \(n) with lda \(lda), block size \(nb), ldt \(ldt)")
        guard m > 0, n > 0 else { return }
        guard ownKernels, m >= n else {
            checkLapackArguments(Scalar.geqrt(m: m, n: n, nb: nb, a: a, lda: lda, t: t, ldt: ldt), "geqrt")
            return
        }
        let kernels = Kernels<Scalar>(vectorExtensions: vectorExtensions)
        let workspace = Block<Scalar>(uninitializedRows: n, columns: nb)
        let w = workspace.base
        var j = 0
        while j < n {
            let jb = Swift.min(nb, n - j), rows = m - j
            let panel = a + j + j * lda
            kernels.panel(rows: rows, columns: jb, panel, lda: lda, t: t + j * ldt, ldt: ldt)
            let trailing = n - j - jb
            if trailing > 0 {
                // C ← (I − V T Vᵀ)ᵀ C = C − V (Tᵀ (Vᵀ C)) for the trailing columns C, with V's top
                // jb × jb block unit lower triangular (V₁) over the rest (V₂), W jb × trailing.
                kernels.applyTransposedReflector(rows: rows, reflectors: jb, v: panel, ldv: lda, t: t + j * ldt, ldt: ldt,
                                                 columns: trailing, c: panel + jb * lda, ldc: lda, workspace: w, ldw: jb)
            }
            j += jb
        }
        withExtendedLifetime(workspace) {}
    }

    /// QR of the stacked [U ; B], U the n × n upper triangle of `top` (its strictly lower part is
    /// neither read nor written) over the dense r × n `below`: LAPACK `tpqrt` with l = 0, the step
    /// of a streamed QR that folds the next rows into the triangle so far.
    ///
    /// Each reflector is e_j over a dense part in B's rows, so the stacked V is [I ; V_B] and the
    /// identity costs nothing: R overwrites U, V_B overwrites B and T's blocks go to `t` (nb × n,
    /// ldt ≥ nb), as `geqrt` of the dense (n + r) × n stack with zeros below U would give them.
    /// Treating U as dense costs 2n³ flops more per call (6 % of a 4096-row chunk at n = 256).
    ///
    /// - Complexity: 2rn² flops, plus about rn·nb/2 for the T factors; an nb × n workspace.
    static func factorTriangleOverRows<Scalar: NACScalar>(
        columns n: Int, rows r: Int, blockSize nb: Int, top: UnsafeMutablePointer<Scalar>, ldTop: Int,
        below: UnsafeMutablePointer<Scalar>, ldBelow: Int, t: UnsafeMutablePointer<Scalar>, ldt: Int,
        vectorExtensions: Bool = Scalar.householderKernelsUseVectorExtensions
    ) {
        precondition(n >= 0 && r >= 0 && ldTop >= Swift.max(1, n) && ldBelow >= Swift.max(1, r) && nb >= 1
                     && nb <= Swift.max(1, n) && ldt >= nb,
                     "BlockedHouseholderQR.factorTriangleOverRows: \(n) × \(n) over \(r) × \(n), ldTop \(ldTop), ldBelow \(ldBelow), block size \(nb), ldt \(ldt)")
        guard n > 0 else { return }
        let kernels = Kernels<Scalar>(vectorExtensions: vectorExtensions)
        let workspace = Block<Scalar>(uninitializedRows: n, columns: nb)
        var j = 0
        while j < n {
            let jb = Swift.min(nb, n - j)
            kernels.stackedPanel(columns: jb, rows: r, top: top + j + j * ldTop, ldTop: ldTop, below: below + j * ldBelow,
                                 ldBelow: ldBelow, t: t + j * ldt, ldt: ldt)
            let trailing = n - j - jb
            if trailing > 0 {
                kernels.applyStackedTransposedReflector(
                    reflectors: jb, rows: r, v: below + j * ldBelow, ldv: ldBelow, t: t + j * ldt, ldt: ldt, columns: trailing,
                    top: top + j + (j + jb) * ldTop, ldTop: ldTop, below: below + (j + jb) * ldBelow, ldBelow: ldBelow,
                    workspace: workspace.base, ldw: jb)
            }
            j += jb
        }
        withExtendedLifetime(workspace) {}
    }

    /// The recursion and the block-reflector update for one scalar type and kernel version.
    struct Kernels<Scalar: NACScalar> {
        let vectorExtensions: Bool

        /// `geqrt3`: QR of the m × n column-major panel (m ≥ n) with the n × n upper-triangular T
        /// of its block reflector, recursively on halves of its columns.
        func panel(rows m: Int, columns n: Int, _ a: UnsafeMutablePointer<Scalar>, lda: Int,
                   t: UnsafeMutablePointer<Scalar>, ldt: Int) {
            if n == 1 {
                t[0] = reflector(length: m, alpha: a, x: a + (m > 1 ? 1 : 0))
                return
            }
            let n1 = n / 2, n2 = n - n1
            let a2 = a + n1 * lda, t12 = t + n1 * ldt
            panel(rows: m, columns: n1, a, lda: lda, t: t, ldt: ldt)
            // A₂ ← Q₁ᵀ A₂, with T's top-right n1 × n2 block as the workspace.
            applyTransposedReflector(rows: m, reflectors: n1, v: a, ldv: lda, t: t, ldt: ldt,
                                     columns: n2, c: a2, ldc: lda, workspace: t12, ldw: ldt)
            panel(rows: m - n1, columns: n2, a2 + n1, lda: lda, t: t12 + n1, ldt: ldt)
            // T₁₂ = −T₁ (V₁ᵀ V₂) T₂, V₂ starting at row n1 with its unit lower n2 × n2 top.
            Scalar.transpose(rows: n1, columns: n2, a + n1, lda: lda, into: t12, ldb: ldt)
            columnMajorTrmm(.right, .lower, .none, unitDiagonal: true, m: n1, n: n2, alpha: 1, a: a2 + n1, lda: lda,
                            b: t12, ldb: ldt)
            if m > n {
                Scalar.columnInnerProducts(rows: m - n, a + n, ldv: lda, columns: n1, a2 + n, ldc: lda, columns: n2,
                                           into: t12, ldw: ldt, vectorExtensions: vectorExtensions)
            }
            combineTriangularFactors(n1: n1, n2: n2, t: t, ldt: ldt)
        }

        /// C ← (I − V T Vᵀ)ᵀ C for the m × k reflectors V (unit lower-trapezoidal; their top k × k
        /// block V₁ is read below the diagonal only) and the m × q C:
        /// W = V₁ᵀ C₁ + V₂ᵀ C₂, W ← Tᵀ W, C₂ −= V₂ W, C₁ −= V₁ W. `workspace` is k × q (ldw ≥ k).
        func applyTransposedReflector(
            rows m: Int, reflectors k: Int, v: UnsafePointer<Scalar>, ldv: Int, t: UnsafePointer<Scalar>, ldt: Int,
            columns q: Int, c: UnsafeMutablePointer<Scalar>, ldc: Int, workspace w: UnsafeMutablePointer<Scalar>, ldw: Int
        ) {
            // W ← C₁ (k × q), then V₁ᵀ W.
            Scalar.copy(StridedOperand(UnsafePointer(c), rowStride: ldc), rows: q, columns: k, alpha: 1, accumulate: false,
                        into: w, outRowStride: ldw)
            columnMajorTrmm(.left, .lower, .transposed, unitDiagonal: true, m: k, n: q, alpha: 1, a: v, lda: ldv,
                            b: w, ldb: ldw)
            if m > k {
                Scalar.columnInnerProducts(rows: m - k, v + k, ldv: ldv, columns: k, c + k, ldc: ldc, columns: q,
                                           into: w, ldw: ldw, vectorExtensions: vectorExtensions)
            }
            columnMajorTrmm(.left, .upper, .transposed, unitDiagonal: false, m: k, n: q, alpha: 1, a: t, lda: ldt,
                            b: w, ldb: ldw)
            if m > k {
                columnMajorGemm(m: m - k, n: q, k: k, alpha: -1, a: v + k, lda: ldv, b: w, ldb: ldw, beta: 1,
                                c: c + k, ldc: ldc)
            }
            columnMajorTrmm(.left, .lower, .none, unitDiagonal: true, m: k, n: q, alpha: 1, a: v, lda: ldv,
                            b: w, ldb: ldw)
            Scalar.copy(StridedOperand(UnsafePointer(w), rowStride: ldw), rows: q, columns: k, alpha: -1, accumulate: true,
                        into: c, outRowStride: ldc)
        }

        /// `tpqrt3` with l = 0: QR of [U ; B] for the n × n upper-triangular U over the r × n B,
        /// with the n × n T, recursively on halves of the columns (see `factorTriangleOverRows`).
        func stackedPanel(columns n: Int, rows r: Int, top: UnsafeMutablePointer<Scalar>, ldTop: Int,
                          below: UnsafeMutablePointer<Scalar>, ldBelow: Int, t: UnsafeMutablePointer<Scalar>, ldt: Int) {
            if n == 1 {
                t[0] = reflector(length: r + 1, alpha: top, x: below)
                return
            }
            let n1 = n / 2, n2 = n - n1
            let t12 = t + n1 * ldt
            stackedPanel(columns: n1, rows: r, top: top, ldTop: ldTop, below: below, ldBelow: ldBelow, t: t, ldt: ldt)
            // The right half (U₁₂ over B₂; U₂₂ is not touched) ← Q₁ᵀ of it, T₁₂ as the workspace.
            applyStackedTransposedReflector(reflectors: n1, rows: r, v: below, ldv: ldBelow, t: t, ldt: ldt, columns: n2,
                                            top: top + n1 * ldTop, ldTop: ldTop, below: below + n1 * ldBelow,
                                            ldBelow: ldBelow, workspace: t12, ldw: ldt)
            stackedPanel(columns: n2, rows: r, top: top + n1 + n1 * ldTop, ldTop: ldTop, below: below + n1 * ldBelow,
                         ldBelow: ldBelow, t: t12 + n1, ldt: ldt)
            // T₁₂ = −T₁ (V₁ᵀ V₂) T₂; the identity parts of V₁ and V₂ do not overlap, so V₁ᵀ V₂ = V_B1ᵀ V_B2.
            for column in 0..<n2 { setToZero(t12 + column * ldt, count: n1) }
            if r > 0 {
                Scalar.columnInnerProducts(rows: r, below, ldv: ldBelow, columns: n1, below + n1 * ldBelow, ldc: ldBelow,
                                           columns: n2, into: t12, ldw: ldt, vectorExtensions: vectorExtensions)
            }
            combineTriangularFactors(n1: n1, n2: n2, t: t, ldt: ldt)
        }

        /// [C_U ; C_B] ← (I − V T Vᵀ)ᵀ [C_U ; C_B] for V = [I_k ; V_B] (V_B r × k), with C_U the k × q
        /// rows of U's part that the reflectors touch and C_B r × q: W = C_U + V_Bᵀ C_B, W ← Tᵀ W,
        /// C_B −= V_B W, C_U −= W. `workspace` is k × q (ldw ≥ k).
        func applyStackedTransposedReflector(
            reflectors k: Int, rows r: Int, v: UnsafePointer<Scalar>, ldv: Int, t: UnsafePointer<Scalar>, ldt: Int,
            columns q: Int, top: UnsafeMutablePointer<Scalar>, ldTop: Int, below: UnsafeMutablePointer<Scalar>, ldBelow: Int,
            workspace w: UnsafeMutablePointer<Scalar>, ldw: Int
        ) {
            Scalar.copy(StridedOperand(UnsafePointer(top), rowStride: ldTop), rows: q, columns: k, alpha: 1, accumulate: false,
                        into: w, outRowStride: ldw)
            if r > 0 {
                Scalar.columnInnerProducts(rows: r, v, ldv: ldv, columns: k, below, ldc: ldBelow, columns: q,
                                           into: w, ldw: ldw, vectorExtensions: vectorExtensions)
            }
            columnMajorTrmm(.left, .upper, .transposed, unitDiagonal: false, m: k, n: q, alpha: 1, a: t, lda: ldt,
                            b: w, ldb: ldw)
            if r > 0 {
                columnMajorGemm(m: r, n: q, k: k, alpha: -1, a: v, lda: ldv, b: w, ldb: ldw, beta: 1, c: below, ldc: ldBelow)
            }
            Scalar.copy(StridedOperand(UnsafePointer(w), rowStride: ldw), rows: q, columns: k, alpha: -1, accumulate: true,
                        into: top, outRowStride: ldTop)
        }

        /// `larfg` for (α, x) with x = `length` − 1 contiguous elements; τ returned. The norm is
        /// √(Σ xᵢ²) from one vector pass when that sum lies where squaring loses nothing — at or
        /// above √(least normal), so that any square that underflows is negligible against it, and
        /// finite; LAPACK's `larfg` (scaled `nrm2`) otherwise, which also handles x = 0.
        func reflector(length n: Int, alpha: UnsafeMutablePointer<Scalar>, x: UnsafeMutablePointer<Scalar>) -> Scalar {
            guard n > 1 else { return 0 }
            let squares = Scalar.sumOfSquares(x, count: n - 1, vectorExtensions: vectorExtensions)
            guard squares.isFinite, squares >= Scalar.leastNormalMagnitude.squareRoot() else {
                return Scalar.larfg(n: n, alpha: alpha, x: x, incx: 1)
            }
            let a = alpha.pointee
            let beta = -Scalar.hypot(a, squares.squareRoot()).magnitude * (a < 0 ? -1 : 1)
            Scalar.scal(n: n - 1, alpha: 1 / (a - beta), x: x, incx: 1)
            alpha.pointee = beta
            return (beta - a) / beta
        }

        /// T₁₂ ← −T₁ T₁₂ T₂ in the n × n T = [T₁ T₁₂ ; 0 T₂] (T₁ n1 × n1, T₂ n2 × n2, T₁₂ holding
        /// V₁ᵀ V₂ on entry): the factor of the two halves' reflectors as one block reflector.
        private func combineTriangularFactors(n1: Int, n2: Int, t: UnsafeMutablePointer<Scalar>, ldt: Int) {
            let t12 = t + n1 * ldt
            columnMajorTrmm(.left, .upper, .none, unitDiagonal: false, m: n1, n: n2, alpha: -1, a: t, lda: ldt,
                            b: t12, ldb: ldt)
            columnMajorTrmm(.right, .upper, .none, unitDiagonal: false, m: n1, n: n2, alpha: 1, a: t12 + n1, lda: ldt,
                            b: t12, ldb: ldt)
        }

        /// C ← α A B + β C, all column-major (A m × k, B k × n), through the row-major gemm:
        /// the row-major view of each buffer is its transpose, so Cᵀ = α Bᵀ Aᵀ + β Cᵀ.
        private func columnMajorGemm(
            m: Int, n: Int, k: Int, alpha: Scalar, a: UnsafePointer<Scalar>, lda: Int, b: UnsafePointer<Scalar>, ldb: Int,
            beta: Scalar, c: UnsafeMutablePointer<Scalar>, ldc: Int
        ) {
            Scalar.gemm(.none, .none, m: n, n: m, k: k, alpha: alpha, a: b, lda: ldb, b: a, ldb: lda, beta: beta, c: c, ldc: ldc)
        }

        /// B ← α op(A) B (`.left`) or α B op(A) (`.right`), column-major B m × n, through the
        /// row-major trmm: the transposed view swaps the side and the triangle and keeps op.
        private func columnMajorTrmm(
            _ side: Side, _ triangle: Triangle, _ trans: Transpose, unitDiagonal: Bool, m: Int, n: Int, alpha: Scalar,
            a: UnsafePointer<Scalar>, lda: Int, b: UnsafeMutablePointer<Scalar>, ldb: Int
        ) {
            Scalar.trmm(side == .left ? .right : .left, triangle.opposite, trans, unitDiagonal: unitDiagonal,
                        m: n, n: m, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb)
        }
    }
}
