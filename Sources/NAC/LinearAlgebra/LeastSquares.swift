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
    /// - Throws: `.rankDeficient` when A does not have full rank; `.nonFiniteInput`.
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
        return Matrix(columnMajor: x, rows: n, columns: k, leadingDimension: ldb)
    }

    /// Minimum-norm least squares by SVD (LAPACK `gelsd`): singular values σᵢ ≤ `relativeCutoff · σ₁`
    /// are treated as zero, so a rank-deficient A gives the minimum-norm minimiser (the
    /// pseudo-inverse solution). The default cut-off is max(m, n) · ε.
    /// - Throws: `.noConvergence` if the SVD fails; `.nonFiniteInput`.
    /// - Complexity: O(mn · min(m, n)) flops.
    public func leastSquaresSVD(
        _ b: Matrix, relativeCutoff: Scalar? = nil
    ) throws(LinearAlgebraError) -> LeastSquaresSolution<Scalar> {
        precondition(b.rows == rows, "leastSquaresSVD: A is \(rows) × \(columns) but B is \(b.rows) × \(b.columns)")
        try requireFinite("A")
        try b.requireFinite("B")
        let m = rows, n = columns, k = b.columns
        let cutoff = relativeCutoff ?? Scalar(Swift.max(m, n)) * Scalar.ulpOfOne
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
