/// The triangular factor R of a Householder QR, S = QR, for callers that need R but not Q — the
/// least-squares route solves with R alone (`FisherSystem.solveLeastSquares(.qr)`).
///
/// S (m × n, m ≥ n) is never passed as a matrix: a *row source* writes any range of its rows on
/// demand, so S can be a scaled, transposed or stacked view of data stored elsewhere. Two forms:
///
/// - **Whole:** the rows are written into one column-major m × n buffer and factorised by
///   `BlockedHouseholderQR` (LAPACK `geqrt`'s algorithm; m · n scalars of working memory).
/// - **Streaming** (a flat-tree TSQR, Demmel et al. 2012): rows are taken `chunkRows` at a time;
///   each chunk is stacked under the triangle so far and factorised,
///
///       R₁ = qr(S₁),   R_k = qr([R_{k−1} ; S_k]),
///
///   because [R_{k−1} ; S_k] = diag(Q_{k−1}, I)ᵀ [S_1 ; … ; S_k] has the same R up to the signs of
///   its rows. Only the (n + chunkRows) × n chunk buffer is held, and it stays in cache: on this
///   project's VM (32 MiB L3, one thread, float64) an 84 752 × 256 factor took 332 ms streaming
///   against 417 ms whole (63 % and 50 % of the gemm rate), 20 000 × 256 79 against 86 ms and
///   40 000 × 384 337 against 371 ms; whole won at 84 752 × 512 (1.38 s against 1.43 s) and tied
///   at 12 000 × 256 (all with `geqrt`). Where `BlockedHouseholderQR` uses its kernels (AVX-512,
///   one BLAS thread), each later chunk is folded in by `factorTriangleOverRows`, which skips the
///   triangle's zeros; otherwise the stack is factorised as a dense matrix, refactorising the
///   n × n triangle: 2n³ extra flops per chunk, n / chunkRows of the total (6 % at n = 256).
///
/// With the own kernels the streaming form is also faster where S fits in the last-level cache
/// (the cause was not isolated: every panel then re-reads a smaller trailing block; padding the
/// chunks' leading dimension by 8 rows changed nothing). In one run (float64, one thread, own
/// kernels, medians of 21, whole against 2048-row chunks): 5964 × 256 (W1's stacked system at
/// B = 256) 28.0 against 23.4 ms, 12 000 × 256 59.0 against 46.7 ms, 4200 × 256 18.9 against
/// 17.3 ms, 5964 × 192 13.9 against 12.3 ms, 6000 × 384 57.9 against 46.2 ms, 20 000 × 256 76.8
/// against 75.3 ms; in float32 5964 × 256 13.3 against 12.7 ms and 20 000 × 256 51.9 against
/// 39.2 ms. At 227 columns (4322 and 8418 rows) the two tied. Under 4 MiB it lost in float32
/// (4200 × 64 0.93 against 1.06 ms, 8000 × 32 0.43 against 0.47 ms) and gained little in float64
/// (4200 × 64 2.14 against 1.95 ms, 8000 × 32 a tie). Chunks of 256–768 rows were
/// slower (per-chunk panel work, and 4 KiB-aliased leading dimensions at 256 and 768 rows), 1024
/// about 2 % slower than 2048, and 2048, 3072 and 4096 tied at 84 752 × 256.
///
/// R is unique up to the signs of its rows, so both forms satisfy RᵀR = SᵀS to rounding.
enum HouseholderTriangle {
    /// Rows per chunk of the streaming form: 2048 with the own kernels (see above); 4096 with
    /// `geqrt` and the dense fold, where at n = 256 in float64 4096 and 6144 rows tied, 12 288 was
    /// 3 % slower and 512 30 % slower (the 2n³ per chunk dominates).
    static func defaultChunkRows(ownKernels: Bool) -> Int { ownKernels ? 2048 : 4096 }

    /// The widest S streamed by default (measured faster up to 384 columns, slower at 512).
    static let maximumStreamingColumns = 384

    /// The smallest S (in bytes) streamed by default with the own kernels.
    static let minimumStreamingBytes = 4 << 20

    /// Whether `factor` streams an m × n S by default: n ≤ 384, at least two chunks of
    /// `defaultChunkRows(ownKernels:)`, and S of at least 4 MiB with the own kernels or, with
    /// `geqrt`, larger than the last-level cache (32 MiB when sysfs does not say), where the whole
    /// form's passes over the trailing columns run at memory speed.
    static func streams(
        rows m: Int, columns n: Int, scalarSize: Int, ownKernels: Bool, lastLevelCacheBytes: Int? = LastLevelCache.bytes
    ) -> Bool {
        guard n <= maximumStreamingColumns, m >= 2 * defaultChunkRows(ownKernels: ownKernels) else { return false }
        let bytes = m * n * scalarSize
        return ownKernels ? bytes >= minimumStreamingBytes : bytes > (lastLevelCacheBytes ?? 32 << 20)
    }

    /// R of the m × n matrix S whose rows `writeRows(range, destination, leadingDimension)` writes:
    /// every element (i, j), i ∈ range, at `destination[j · leadingDimension + i − range.lowerBound]`
    /// (column-major).
    ///
    /// - Parameters:
    ///   - chunkRows: `nil` chooses by `streams(rows:columns:scalarSize:ownKernels:)` (streaming
    ///     with `defaultChunkRows(ownKernels:)`); a number ≥ n forces the streaming form with chunks
    ///     of that many rows.
    ///   - ownKernels: whether to use `BlockedHouseholderQR`'s own recursion and the structured fold
    ///     (by default `BlockedHouseholderQR.usesOwnKernels`: AVX-512 and one BLAS thread) or LAPACK
    ///     `geqrt` and the dense fold (tests check both).
    /// - Returns: R, n × n column-major with leading dimension n (equivalently the row-major lower
    ///   triangle Rᵀ), its strictly lower part zero. When m < n only the first m rows can be
    ///   nonzero.
    /// - Complexity: whole 2mn² − 2n³/3 flops and mn scalars; streaming about 2mn² (plus 2n³ per
    ///   chunk after the first without the own kernels) and (n + chunkRows) n scalars.
    static func factor<Scalar: NACScalar>(
        rows m: Int, columns n: Int, chunkRows: Int? = nil,
        ownKernels: Bool = BlockedHouseholderQR.usesOwnKernels(Scalar.self),
        writeRows: (Range<Int>, UnsafeMutablePointer<Scalar>, Int) -> Void
    ) -> [Scalar] {
        precondition(m >= 0 && n >= 0, "HouseholderTriangle.factor: S is \(m) × \(n)")
        var triangle = zeroedBuffer(Scalar.self, count: n * n)
        guard m > 0, n > 0 else { return triangle }
        let chunk = chunkRows ?? (streams(rows: m, columns: n, scalarSize: MemoryLayout<Scalar>.stride, ownKernels: ownKernels)
                                      ? defaultChunkRows(ownKernels: ownKernels) : m)
        precondition(chunk >= m || chunk >= n,
                     "HouseholderTriangle.factor: chunks of \(chunk) rows are fewer than the \(n) columns")
        if chunk >= m {
            // Whole: one QR of the m × n buffer.
            let stored = Block<Scalar>(uninitializedRows: n, columns: m)
            writeRows(0..<m, stored.base, m)
            householder(stored.base, rows: m, columns: n, leadingDimension: m, ownKernels: ownKernels)
            copyUpperTriangle(stored.base, rows: Swift.min(m, n), columns: n, leadingDimension: m, into: &triangle)
            withExtendedLifetime(stored) {}
            return triangle
        }
        // Streaming: rows 0..<n of the buffer hold R_{k−1}, rows n..<n + chunk the next chunk. The
        // first chunk starts at row 0 (no triangle yet).
        let leading = n + chunk
        let stored = Block<Scalar>(uninitializedRows: n, columns: leading)
        let a = stored.base
        // With the own QR kernels, each later chunk is folded in by the structured
        // `factorTriangleOverRows` (R's zeros not refactorised); otherwise the stack is factorised
        // as a dense matrix, R's lower part cleared first.
        let blockSize = blockSize(rows: n + chunk, columns: n)
        let factors = Block<Scalar>(uninitializedRows: n, columns: blockSize)
        defer { withExtendedLifetime(factors) {} }
        var start = 0
        while start < m {
            let end = Swift.min(m, start + chunk)
            let offset = start == 0 ? 0 : n
            writeRows(start..<end, a + offset, leading)
            if ownKernels && offset > 0 {
                BlockedHouseholderQR.factorTriangleOverRows(
                    columns: n, rows: end - start, blockSize: Swift.min(blockSize, n), top: a, ldTop: leading,
                    below: a + n, ldBelow: leading, t: factors.base, ldt: blockSize)
            } else {
                householder(a, rows: offset + end - start, columns: n, leadingDimension: leading, ownKernels: ownKernels)
                // Keep R (upper triangle) and clear the reflectors below it for the next stacking.
                for j in 0..<n { setToZero(a + j * leading + j + 1, count: n - j - 1) }
            }
            start = end
        }
        copyUpperTriangle(a, rows: n, columns: n, leadingDimension: leading, into: &triangle)
        withExtendedLifetime(stored) {}
        return triangle
    }

    /// The QR block size for an m × n matrix: 32, or 128 from 1024 columns, within 1…min(m, n).
    /// (At 5964 × 256, float64, `geqrt`: nb = 24–32 reached 70 % of the gemm rate, 16 66 %, 64 63 %,
    /// 128 57 %; `BlockedHouseholderQR` 17.9 ms at nb = 32 against 19.3 at 64. At 6732 × 1024 it
    /// took 295 ms at nb = 64 and 128 against 317 at 32.)
    static func blockSize(rows m: Int, columns n: Int) -> Int {
        Swift.max(1, Swift.min(m, n, n >= 1024 ? 128 : 32))
    }

    /// Householder QR (`BlockedHouseholderQR`, `geqrt`'s format) in place on the m × n column-major
    /// `a`; the block factors are discarded.
    private static func householder<Scalar: NACScalar>(
        _ a: UnsafeMutablePointer<Scalar>, rows m: Int, columns n: Int, leadingDimension: Int, ownKernels: Bool
    ) {
        let blockSize = blockSize(rows: m, columns: n)
        let factors = Block<Scalar>(uninitializedRows: n, columns: blockSize)
        BlockedHouseholderQR.factor(rows: m, columns: n, blockSize: blockSize, a, lda: leadingDimension,
                                    t: factors.base, ldt: blockSize, ownKernels: ownKernels)
        withExtendedLifetime(factors) {}
    }

    /// The upper triangle (rows 0..<rows) of the column-major `a` into the n × n `triangle`.
    private static func copyUpperTriangle<Scalar: NACScalar>(
        _ a: UnsafeMutablePointer<Scalar>, rows: Int, columns n: Int, leadingDimension: Int, into triangle: inout [Scalar]
    ) {
        triangle.withUnsafeMutableBufferPointer { r in
            for j in 0..<n {
                let count = Swift.min(j + 1, rows)
                (r.baseAddress! + j * n).update(from: a + j * leadingDimension, count: count)
            }
        }
    }
}
