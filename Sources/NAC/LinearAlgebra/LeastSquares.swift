/// The result of a least-squares solve by SVD.
public struct LeastSquaresSolution<Scalar: NACScalar>: Sendable {
    /// The minimum-norm minimiser X of ‖A X − B‖_F (n × k).
    public var solution: Matrix<Scalar>
    /// A's singular values, largest first (min(m, n) of them).
    public var singularValues: [Scalar]
    /// The effective rank: the number of singular values above the cut-off.
    public var rank: Int
}

extension Matrix {
    /// Least squares min ‖A X − B‖ for a full-rank A (`self`, m × n) by QR (LAPACK `gels`); when
    /// m < n, the minimum-norm solution of the underdetermined system (by LQ).
    ///
    /// QR without pivoting is not rank revealing, so this is for problems known to have full rank;
    /// use `leastSquaresSVD` when A may be rank deficient or very ill-conditioned.
    /// - Throws: `.rankDeficient(column: i)` when A is rank deficient to working precision: the
    ///   i-th diagonal element of the triangular factor R (or L) is zero or negligible,
    ///   |rᵢᵢ| ≤ 10 · max(m, n) · ε · maxⱼ |rⱼⱼ|. Then σ_min(A) / σ_max(A) ≤ |rᵢᵢ| / maxⱼ |rⱼⱼ| is
    ///   within a factor 10 of the cut-off `leastSquaresSVD` uses by default. (The factor 10 covers
    ///   the rounding that leaves an exactly dependent column with a pivot of order max(m, n) ε ‖A‖
    ///   rather than 0; a dependent column can still, rarely, slip through with a larger one.)
    ///   `.nonFiniteInput(argument: "A" or "B", …)`.
    /// - Complexity: about 2mn² − 2n³/3 flops (m ≥ n).
    public func leastSquares(_ b: Matrix) throws(LinearAlgebraError) -> Matrix {
        precondition(b.rows == rows, "leastSquares: A is \(rows) × \(columns) but B is \(b.rows) × \(b.columns)")
        try requireFinite("A")
        try b.requireFinite("B")
        let m = rows, n = columns, k = b.columns
        guard n > 0, k > 0 else { return Matrix.zeros(rows: n, columns: k) }
        guard m > 0 else { return Matrix.zeros(rows: n, columns: k) }
        var a = columnMajorElements()
        let ldb = Swift.max(m, n)
        var x = b.columnMajorElements(leadingRows: ldb)
        let info = a.withUnsafeMutableBufferPointer { pa in
            x.withUnsafeMutableBufferPointer { px in
                Scalar.gels(m: m, n: n, nrhs: k, a: pa.baseAddress!, lda: m, b: px.baseAddress!, ldb: ldb)
            }
        }
        checkLapackArguments(info, "gels")
        if info > 0 { throw .rankDeficient(column: info) }
        // LAPACK only rejects an exactly zero diagonal element; a negligible one would give a
        // solution dominated by rounding errors. The factor's diagonal is a[i, i] (column-major).
        let diagonal = (0..<Swift.min(m, n)).map { Swift.abs(a[$0 * m + $0]) }
        let cutoff = 10 * Scalar(Swift.max(m, n)) * Scalar.ulpOfOne * (diagonal.max() ?? 0)
        if let i = diagonal.firstIndex(where: { $0 <= cutoff }) { throw .rankDeficient(column: i + 1) }
        return Matrix(columnMajor: x, rows: n, columns: k, leadingDimension: ldb)
    }

    /// Minimum-norm least squares by SVD (LAPACK `gelsd`): singular values σᵢ ≤ `relativeCutoff · σ₁`
    /// are treated as zero, so a rank-deficient A gives the minimum-norm minimiser (the
    /// pseudo-inverse solution). The default cut-off is max(m, n) · ε; it must lie in [0, 1)
    /// (LAPACK would read anything else as machine precision).
    /// - Throws: `.noConvergence` if the SVD fails; `.nonFiniteInput`; `.invalidArgument` for a
    ///   cut-off outside [0, 1).
    /// - Complexity: O(mn · min(m, n)) flops.
    public func leastSquaresSVD(
        _ b: Matrix, relativeCutoff: Scalar? = nil
    ) throws(LinearAlgebraError) -> LeastSquaresSolution<Scalar> {
        precondition(b.rows == rows, "leastSquaresSVD: A is \(rows) × \(columns) but B is \(b.rows) × \(b.columns)")
        try requireFinite("A")
        try b.requireFinite("B")
        let m = rows, n = columns, k = b.columns
        let cutoff = relativeCutoff ?? Scalar(Swift.max(m, n)) * Scalar.ulpOfOne
        guard cutoff >= 0, cutoff < 1 else {
            throw .invalidArgument(name: "relativeCutoff", value: Double(cutoff), requirement: "0 ≤ relativeCutoff < 1")
        }
        guard m > 0, n > 0, k > 0 else {
            return LeastSquaresSolution(solution: .zeros(rows: n, columns: k), singularValues: [], rank: 0)
        }
        var a = columnMajorElements()
        let ldb = Swift.max(m, n)
        var x = b.columnMajorElements(leadingRows: ldb)
        var s = [Scalar](repeating: 0, count: Swift.min(m, n))
        var rank = 0
        let info = a.withUnsafeMutableBufferPointer { pa in
            x.withUnsafeMutableBufferPointer { px in
                s.withUnsafeMutableBufferPointer { ps in
                    Scalar.gelsd(m: m, n: n, nrhs: k, a: pa.baseAddress!, lda: m, b: px.baseAddress!,
                                 ldb: ldb, s: ps.baseAddress!, rcond: cutoff, rank: &rank)
                }
            }
        }
        checkLapackArguments(info, "gelsd")
        if info > 0 { throw .noConvergence(routine: "gelsd", count: info) }
        return LeastSquaresSolution(
            solution: Matrix(columnMajor: x, rows: n, columns: k, leadingDimension: ldb),
            singularValues: s, rank: rank)
    }
}
