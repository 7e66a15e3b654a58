/// One block of every per-sample Jacobian row that `NACScalar.writeJacobianRows` writes: columns
/// `offset ..< offset + m · n` of row b hold the outer product u_b ⊗ v_b (a dense layer's weight
/// adjoint, out × in, row-major), or, with `n == 0`, columns `offset ..< offset + m` hold u_b
/// (a bias's or any other parameter's per-sample adjoints).
///
/// u_b starts at `u + b · uRowStride`, v_b at `v + b · vRowStride` (0 repeats one row for every
/// sample). The pointers must stay valid while the rows are written.
public struct JacobianRowSegment<Scalar: NACScalar> {
    /// The first column of the block in each row.
    public var offset: Int
    /// Rows of the outer product (length of u_b), or the length of the copied run when `n == 0`.
    public var m: Int
    /// Columns of the outer product (length of v_b); 0 for a copy of u_b.
    public var n: Int
    public var u: UnsafePointer<Scalar>
    public var uRowStride: Int
    /// Unused when `n == 0`.
    public var v: UnsafePointer<Scalar>
    public var vRowStride: Int

    /// The columns the block occupies in each row: m · n, or m for a copy.
    public var width: Int { n == 0 ? m : m * n }

    /// u_b ⊗ v_b into columns `offset ..< offset + m · n` (n ≥ 1).
    public init(offset: Int, outer u: UnsafePointer<Scalar>, rows m: Int, uRowStride: Int,
                _ v: UnsafePointer<Scalar>, columns n: Int, vRowStride: Int) {
        precondition(m >= 0 && n >= 1, "JacobianRowSegment: an outer product of \(m) × \(n)")
        self.offset = offset; self.m = m; self.n = n
        self.u = u; self.uRowStride = uRowStride; self.v = v; self.vRowStride = vRowStride
    }

    /// u_b (`count` elements) into columns `offset ..< offset + count`.
    public init(offset: Int, copy u: UnsafePointer<Scalar>, count: Int, rowStride: Int) {
        precondition(count >= 0, "JacobianRowSegment: a copy of \(count) elements")
        self.offset = offset; self.m = count; self.n = 0
        self.u = u; self.uRowStride = rowStride; self.v = u; self.vRowStride = 0
    }
}
