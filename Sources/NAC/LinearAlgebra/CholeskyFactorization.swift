/// The Cholesky factorisation A = LLᵀ of a symmetric positive-definite matrix (LAPACK `potrf`).
///
/// Only the **upper triangle** of A (row-major, diagonal included) is read, as by every symmetric
/// routine in NAC (`solvePositiveDefinite`, `SymmetricEigendecomposition`); the strictly lower
/// triangle may hold anything. (The row-major upper triangle is the column-major lower triangle
/// that LAPACK is asked to factor, with `uplo = "L"`.)
///
/// ```swift
/// let factor = try fisher.cholesky()      // throws .notPositiveDefinite(order:)
/// let w = factor.solve(g)                 // potrs
/// ```
/// - Complexity: factorisation n³/3 flops; each solve 2n² flops per right-hand side.
public struct CholeskyFactorization<Scalar: NACScalar>: Sendable {
    /// The order n.
    public let order: Int
    /// Column-major lower factor L (equivalently, row-major upper factor Lᵀ); the other
    /// triangle holds A's original entries.
    @usableFromInline let factor: [Scalar]
    /// The 1-norm of the symmetric A defined by its upper triangle, for condition estimates.
    public let oneNormOfMatrix: Scalar

    /// Factors the symmetric positive-definite `matrix`; only its upper triangle (row-major) is read.
    /// - Throws: `.notPositiveDefinite(order: k)` when the leading k × k minor is not positive
    ///   definite; `.nonFiniteInput(argument: "matrix", …)` when an element is NaN or infinite.
    public init(_ matrix: Matrix<Scalar>) throws(LinearAlgebraError) {
        precondition(matrix.rows == matrix.columns,
                     "Cholesky: matrix is \(matrix.rows) × \(matrix.columns), not square")
        try matrix.requireFinite("matrix")
        order = matrix.rows
        let n = order
        oneNormOfMatrix = n == 0 ? 0 : matrix.withUnsafeBufferPointer {
            Scalar.symmetricOneNorm(.upper, n: n, $0.baseAddress!, rowStride: n)
        }
        var a = matrix.elements   // the row-major upper triangle is the column-major lower one
        let info = n == 0 ? 0 : a.withUnsafeMutableBufferPointer {
            Scalar.potrf(.lower, n: n, a: $0.baseAddress!, lda: n)
        }
        checkLapackArguments(info, "potrf")
        if info > 0 { throw .notPositiveDefinite(order: info) }
        factor = a
    }

    /// Solves A X = B for an n × k right-hand side.
    public func solve(_ b: Matrix<Scalar>) -> Matrix<Scalar> {
        precondition(b.rows == order, "Cholesky solve: A is \(order) × \(order) but B is \(b.rows) × \(b.columns)")
        guard order > 0, b.columns > 0 else { return b }
        var x = b.columnMajorElements()
        let info = factor.withUnsafeBufferPointer { f in
            x.withUnsafeMutableBufferPointer { px in
                Scalar.potrs(.lower, n: order, nrhs: b.columns, a: f.baseAddress!, lda: order,
                             b: px.baseAddress!, ldb: order)
            }
        }
        checkLapackArguments(info, "potrs")
        return Matrix(columnMajor: x, rows: order, columns: b.columns, leadingDimension: order)
    }

    /// Solves A x = b for one right-hand side.
    public func solve(_ b: [Scalar]) -> [Scalar] {
        solve(Matrix(column: b)).elements
    }

    /// The lower-triangular factor L as a matrix (A = LLᵀ).
    public var lowerFactor: Matrix<Scalar> {
        let n = order
        return Matrix(rows: n, columns: n) { l in
            guard n > 0 else { return }
            factor.withUnsafeBufferPointer { f in
                // L(i, j) = factor[j · n + i]: the transpose of the buffer read row-major.
                Scalar.transpose(rows: n, columns: n, f.baseAddress!, lda: n, into: l.baseAddress!, ldb: n)
            }
            for i in 0..<(n - 1) { Scalar.fill(l.baseAddress! + i * n + i + 1, count: n - i - 1, with: 0) }
        }
    }

    /// LAPACK's estimate of 1 / κ₁(A) (`pocon`); near 0 means ill-conditioned.
    public var reciprocalConditionEstimate: Scalar {
        guard order > 0 else { return 1 }
        var rcond: Scalar = 0
        let info = factor.withUnsafeBufferPointer { f in
            Scalar.pocon(.lower, n: order, a: f.baseAddress!, lda: order, anorm: oneNormOfMatrix, rcond: &rcond)
        }
        checkLapackArguments(info, "pocon")
        return rcond
    }
}

extension Matrix {
    /// The Cholesky factorisation of this symmetric positive-definite matrix.
    public func cholesky() throws(LinearAlgebraError) -> CholeskyFactorization<Scalar> {
        try CholeskyFactorization(self)
    }

    /// Solves A X = B for symmetric positive-definite A (`self`, only its upper triangle is read)
    /// by LAPACK `posv`, for an n × k right-hand side B.
    /// - Throws: `.notPositiveDefinite(order: k)` when the leading k × k minor is not positive
    ///   definite; `.nonFiniteInput(argument: "A" or "B", …)`.
    /// - Complexity: n³/3 + 2n²k flops.
    public func solvePositiveDefinite(_ b: Matrix) throws(LinearAlgebraError) -> Matrix {
        precondition(rows == columns, "solvePositiveDefinite: A is \(rows) × \(columns), not square")
        precondition(b.rows == rows, "solvePositiveDefinite: A is \(rows) × \(columns) but B is \(b.rows) × \(b.columns)")
        try requireFinite("A")
        try b.requireFinite("B")
        guard rows > 0, b.columns > 0 else { return b }
        var a = elements
        var x = b.columnMajorElements()
        let n = rows
        let info = a.withUnsafeMutableBufferPointer { pa in
            x.withUnsafeMutableBufferPointer { px in
                Scalar.posv(.lower, n: n, nrhs: b.columns, a: pa.baseAddress!, lda: n, b: px.baseAddress!, ldb: n)
            }
        }
        checkLapackArguments(info, "posv")
        if info > 0 { throw .notPositiveDefinite(order: info) }
        return Matrix(columnMajor: x, rows: n, columns: b.columns, leadingDimension: n)
    }

    /// Solves A x = b for symmetric positive-definite A (`self`).
    public func solvePositiveDefinite(_ b: [Scalar]) throws(LinearAlgebraError) -> [Scalar] {
        try solvePositiveDefinite(Matrix(column: b)).elements
    }
}
