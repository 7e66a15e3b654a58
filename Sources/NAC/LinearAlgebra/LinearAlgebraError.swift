/// A failure of a linear-algebra routine that the caller can react to (for example by adding
/// damping and retrying). LAPACK's `info < 0` (an illegal argument) is a bug in NAC's wrapper and
/// traps instead.
public enum LinearAlgebraError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Cholesky (`potrf`/`posv`, `info > 0`): the leading minor of this order (1-based) is not
    /// positive definite, so the matrix is not positive definite.
    case notPositiveDefinite(order: Int)
    /// QR least squares (`gels`): diagonal element `column` (1-based) of the triangular factor is
    /// zero (`info > 0`) or negligible (see `Matrix.leastSquares`), so the matrix does not have
    /// full rank to working precision.
    case rankDeficient(column: Int)
    /// An iterative decomposition (`gelsd`'s SVD, `syevd`) did not converge; `count` is LAPACK's
    /// `info` (the number of off-diagonal elements that did not converge).
    case noConvergence(routine: String, count: Int)
    /// An input contains NaN or ±∞ at (row, column), 0-based.
    case nonFiniteInput(argument: String, row: Int, column: Int)
    /// A scalar option is outside its valid range (for example a relative cut-off outside [0, 1)).
    case invalidArgument(name: String, value: Double, requirement: String)

    public var description: String {
        switch self {
        case .notPositiveDefinite(let order):
            "matrix is not positive definite: the leading minor of order \(order) is not positive"
        case .rankDeficient(let column):
            "matrix is rank deficient: diagonal element \(column) of the triangular factor is zero or negligible"
        case .noConvergence(let routine, let count):
            "\(routine) did not converge (\(count) elements did not converge)"
        case .nonFiniteInput(let argument, let row, let column):
            "\(argument) has a non-finite element at (\(row), \(column))"
        case .invalidArgument(let name, let value, let requirement):
            "\(name) = \(value) is invalid: \(requirement)"
        }
    }
}

/// Traps for LAPACK's `info < 0`: argument −info of `routine` was illegal, a bug in NAC.
@usableFromInline
func checkLapackArguments(_ info: Int, _ routine: StaticString) {
    precondition(info >= 0, "\(routine): LAPACK reports illegal argument \(-info) (a bug in NAC's wrapper)")
}

extension Matrix {
    /// Throws `nonFiniteInput` naming `argument` if any element is NaN or infinite.
    func requireFinite(_ argument: String) throws(LinearAlgebraError) {
        if let (r, c) = firstNonFiniteIndex {
            throw .nonFiniteInput(argument: argument, row: r, column: c)
        }
    }

    /// The column-major copy of `self` (the row-major storage of the transpose), optionally
    /// padded to `leadingRows ≥ rows` rows with zeros.
    func columnMajorElements(leadingRows: Int? = nil) -> [Scalar] {
        let ld = leadingRows ?? rows
        if ld == rows && (columns == 1 || rows == 1) { return elements }
        return [Scalar](unsafeUninitializedCapacity: ld * columns) { o, initialized in
            initialized = ld * columns
            guard initialized > 0 else { return }
            if ld > rows { Scalar.fill(o.baseAddress!, count: ld * columns, with: 0) }
            withUnsafeBufferPointer { a in
                guard let base = a.baseAddress, count > 0 else { return }
                Scalar.transpose(rows: rows, columns: columns, base, lda: columns, into: o.baseAddress!, ldb: ld)
            }
        }
    }

    /// A rows × columns matrix from a column-major buffer with leading dimension `ld`.
    init(columnMajor buffer: [Scalar], rows: Int, columns: Int, leadingDimension ld: Int) {
        self.init(rows: rows, columns: columns) { out in
            buffer.withUnsafeBufferPointer { b in
                guard rows * columns > 0 else { return }
                Scalar.transpose(rows: columns, columns: rows, b.baseAddress!, lda: ld,
                                 into: out.baseAddress!, ldb: columns)
            }
        }
    }
}
