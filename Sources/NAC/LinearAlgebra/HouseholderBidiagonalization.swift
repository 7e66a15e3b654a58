/// Singular values without vectors: a Householder (Golub–Kahan) bidiagonalisation A = Q B Pᵀ of our
/// own, then dqds on B (LAPACK `bdsqr` without vectors). The least-squares route's SVD form
/// (`FisherSystem.solveLeastSquares(.svd)`) needs the values of its triangle R first: they decide
/// whether anything is cut off, and are reported.
///
/// **Why not `gesdd` without vectors.** That bidiagonalises with LAPACK `gebrd`, whose panel
/// (`labrd`) reads the trailing matrix twice per step, for Aᵀu and for A w: two gemv, about three
/// quarters of `dgebrd`'s time here. `Scalar.bidiagonalPanel` (C, `BidiagonalPanel.c`) gets both
/// from one pass, and the deferred updates go to one gemm per panel of inner dimension 2nb. The
/// arithmetic is `gebrd`'s (8n³/3 flops for n × n, half in the passes, half in gemm), and the
/// reduction is backward stable in the same sense: B is the bidiagonal of A + E with ‖E‖ of
/// order ε‖A‖, so each singular value is within about ε σ₁ of the exact one.
///
/// Measured on this project's VM (AMD EPYC, AVX-512, one thread; upper triangles of uniform random
/// entries; default block sizes; one run):
///
/// | n | float64: `gebrd` | this | float32: `gebrd` | this | dqds, f64 / f32 |
/// |---|---|---|---|---|---|
/// | 128 | 0.48 ms | 0.22 ms | 0.36 ms | 0.13 ms | 0.20 / 0.13 ms |
/// | 256 | 3.44 ms | 1.54 ms | 1.82 ms | 0.80 ms | 0.74 / 0.48 ms |
/// | 512 | 27.9 ms | 14.0 ms | 13.2 ms | 6.3 ms | 2.9 / 1.8 ms |
/// | 1024 | 175 ms | 113 ms | 108 ms | 58 ms | 11.3 / 7.1 ms |
/// | 2048 | 1.92 s | 1.14 s | 0.73 s | 0.48 s | 45 / 28 ms (another run) |
///
/// On the least-squares route's own triangle (W1 at B = 256: R of a 5964 × 256 Gaussian matrix,
/// singular values clustered in 61–93) the values took 2.78 ms in float64: the bidiagonalisation
/// costs the same, but dqds needs 1.19 ms there instead of 0.76.
///
/// With two BLAS threads `gebrd` was slower still (7.2 ms at n = 256, 216 ms at 1024, float64).
/// Without AVX-512 the panel's plain loops run instead (`vectorExtensions: false`: about 2.5×
/// slower than the vector version at n = 256, near `gebrd`).
enum HouseholderBidiagonalization {
    /// The panel width: 8 below n = 512, 16 below 1024, else 32. Measured (same run as above):
    /// within 3 % of the best of 8, 12, 16, 24, 32 and 48 at n = 128 … 1024 in both precisions;
    /// wide panels cost most at small n (nb = 48: +60 % at n = 128, +26 % at 256, +18 % at 384).
    static func defaultBlockSize(columns n: Int) -> Int { n < 512 ? 8 : n < 1024 ? 16 : 32 }

    /// The n singular values of the m × n column-major `a` (m ≥ n, leading dimension `lda` ≥ m;
    /// destroyed), descending, into `values`.
    ///
    /// A is first scaled by a power of two (exact) so that its largest magnitude is in [1, 2), so no
    /// norm overflows or underflows; the values are scaled back.
    ///
    /// - Parameters:
    ///   - blockSize: the panel width (default `defaultBlockSize`); any width ≥ 1 gives the same
    ///     values to rounding (tests use small ones to cross panel boundaries).
    ///   - vectorExtensions: `false` runs the panel's plain loops (tests); `true` the AVX-512
    ///     version where the CPU has it.
    /// - Throws: `LinearAlgebraError.nonFiniteInput` (argument "matrix") for a NaN or infinite
    ///   element; `.noConvergence(routine: "bdsqr", …)` if dqds does not converge.
    /// - Complexity: 4mn² − 4n³/3 flops, then O(n²); under 4nb(m + n) + 2m + 5n scalars of workspace.
    static func singularValues<Scalar: NACScalar>(
        destroying a: UnsafeMutablePointer<Scalar>, rows m: Int, columns n: Int, leadingDimension lda: Int,
        into values: UnsafeMutablePointer<Scalar>, blockSize: Int? = nil, vectorExtensions: Bool = true
    ) throws(LinearAlgebraError) {
        precondition(m >= n && n >= 0, "HouseholderBidiagonalization needs rows ≥ columns, got \(m) × \(n)")
        precondition(lda >= Swift.max(m, 1), "HouseholderBidiagonalization: leading dimension \(lda) < rows \(m)")
        guard n > 0 else { return }
        let largest = try largestMagnitude(a, rows: m, columns: n, leadingDimension: lda)
        guard largest > 0 else {
            setToZero(values, count: n)
            return
        }
        // 2^shift · largest ∈ [1, 2).
        let shift = -Int(largest.exponent)
        scale(a, rows: m, columns: n, leadingDimension: lda, byPowerOfTwo: shift)

        let width = Swift.max(1, Swift.min(blockSize ?? defaultBlockSize(columns: n), n))
        // The last panel takes what is left when less than a whole panel would follow it.
        let widestPanel = Swift.min(n, 2 * width - 1)
        let ux = Block<Scalar>(uninitializedRows: m, columns: 2 * widestPanel)
        let yw = Block<Scalar>(uninitializedRows: n, columns: 2 * widestPanel)
        let workspace = Block<Scalar>(uninitializedRows: 1, columns: 2 * m + 4 * n + 6 * widestPanel)
        let superdiagonal = Block<Scalar>(zerosRows: 1, columns: n)
        let d = values, e = superdiagonal.base
        var start = 0
        while true {
            let rows = m - start, columns = n - start
            var steps = Swift.min(width, columns)
            if columns - steps < width { steps = columns }
            let corner = a + start + start * lda
            Scalar.bidiagonalPanel(rows: rows, columns: columns, steps: steps, corner, lda: lda,
                                   diagonal: d + start, superdiagonal: e + start, ux: ux.base, yw: yw.base,
                                   workspace: workspace.base, vectorExtensions: vectorExtensions)
            if steps == columns { break }
            // A[steps.., steps..] −= UX[steps.., :] · YW[steps.., :]ᵀ. Column-major blocks read
            // row-major are their transposes: Cᵀ −= YW' · UX'ᵀ = (YW'ᵀ)ᵀ · (UX'ᵀ).
            Scalar.gemm(.transposed, .none, m: columns - steps, n: rows - steps, k: 2 * steps, alpha: -1,
                        a: yw.base + steps, lda: columns, b: ux.base + steps, ldb: rows,
                        beta: 1, c: corner + steps + steps * lda, ldc: lda)
            start += steps
        }
        e[n - 1] = 0
        let info = Scalar.bidiagonalSingularValues(n: n, diagonal: d, superdiagonal: e)
        checkLapackArguments(info, "bdsqr")
        if info > 0 { throw .noConvergence(routine: "bdsqr", count: info) }
        scale(values, rows: n, columns: 1, leadingDimension: n, byPowerOfTwo: -shift)
    }

    /// max |a(i, j)|, or `nonFiniteInput` at the first NaN or ±∞ (column-major order). The loops
    /// are `NACScalar` requirements, so they run specialised for the concrete type even when this
    /// generic code is not (BUILD-NOTES §1.6).
    private static func largestMagnitude<Scalar: NACScalar>(
        _ a: UnsafeMutablePointer<Scalar>, rows m: Int, columns n: Int, leadingDimension lda: Int
    ) throws(LinearAlgebraError) -> Scalar {
        var largest: Scalar = 0
        for j in 0..<n {
            let columnLargest = Scalar.maximumMagnitude(a + j * lda, count: m)
            if !columnLargest.isFinite {
                throw .nonFiniteInput(argument: "matrix", row: Scalar.firstNonFinite(a + j * lda, count: m) ?? 0, column: j)
            }
            largest = Swift.max(largest, columnLargest)
        }
        return largest
    }

    /// a ← 2^k a, in steps that stay within the exponent range (a power of two is exact unless the
    /// product leaves the normal range).
    private static func scale<Scalar: NACScalar>(
        _ a: UnsafeMutablePointer<Scalar>, rows m: Int, columns n: Int, leadingDimension lda: Int,
        byPowerOfTwo k: Int
    ) {
        let largestStep = Int(Scalar.greatestFiniteMagnitude.exponent)
        var remaining = k
        while remaining != 0 {
            let step = Swift.max(-largestStep, Swift.min(largestStep, remaining))
            let factor = Scalar(sign: .plus, exponent: Scalar.Exponent(step), significand: 1)
            for j in 0..<n { Scalar.scal(n: m, alpha: factor, x: a + j * lda, incx: 1) }
            remaining -= step
        }
    }
}
