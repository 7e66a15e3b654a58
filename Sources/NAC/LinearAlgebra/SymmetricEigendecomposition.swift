/// Eigenvalues and eigenvectors of a symmetric matrix: A = V diag(λ) Vᵀ (LAPACK `syevd`).
public struct SymmetricEigendecomposition<Scalar: NACScalar>: Sendable {
    /// Eigenvalues in ascending order.
    public var eigenvalues: [Scalar]
    /// Orthonormal eigenvectors as columns, in the order of `eigenvalues` (empty when only
    /// values were requested).
    public var eigenvectors: Matrix<Scalar>

    /// Decomposes the symmetric `matrix`; only its upper triangle (row-major) is read, as in
    /// `CholeskyFactorization`.
    /// - Throws: `.noConvergence`; `.nonFiniteInput`.
    /// - Complexity: O(n³) flops.
    public init(_ matrix: Matrix<Scalar>, computeVectors: Bool = true) throws(LinearAlgebraError) {
        precondition(matrix.rows == matrix.columns,
                     "SymmetricEigendecomposition: matrix is \(matrix.rows) × \(matrix.columns), not square")
        try matrix.requireFinite("matrix")
        let n = matrix.rows
        var a = matrix.elements   // the row-major upper triangle is the column-major lower one
        var w = [Scalar](repeating: 0, count: n)
        if n > 0 {
            let info = a.withUnsafeMutableBufferPointer { pa in
                w.withUnsafeMutableBufferPointer { pw in
                    Scalar.syevd(vectors: computeVectors, .lower, n: n, a: pa.baseAddress!, lda: n, w: pw.baseAddress!)
                }
            }
            checkLapackArguments(info, "syevd")
            if info > 0 { throw .noConvergence(routine: "syevd", count: info) }
        }
        eigenvalues = w
        eigenvectors = computeVectors
            ? Matrix(columnMajor: a, rows: n, columns: n, leadingDimension: n)
            : Matrix(rows: 0, columns: 0, elements: [])
    }
}

extension Matrix {
    /// The eigen-decomposition of this symmetric matrix.
    public func symmetricEigendecomposition(computeVectors: Bool = true) throws(LinearAlgebraError)
        -> SymmetricEigendecomposition<Scalar> {
        try SymmetricEigendecomposition(self, computeVectors: computeVectors)
    }
}
