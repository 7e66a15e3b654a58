extension Matrix {
    /// The matrix product op(a) · op(b) by BLAS gemm.
    /// - Complexity: 2mnk flops for an m × k by k × n product.
    public static func product(
        _ a: Matrix, _ b: Matrix, transposeA transA: Transpose = .none, transposeB transB: Transpose = .none
    ) -> Matrix {
        let (m, ka) = transA == .none ? (a.rows, a.columns) : (a.columns, a.rows)
        let (kb, n) = transB == .none ? (b.rows, b.columns) : (b.columns, b.rows)
        precondition(ka == kb, "Matrix product: op(a) is \(m) × \(ka) but op(b) is \(kb) × \(n)")
        return Matrix(rows: m, columns: n) { c in
            guard m > 0 && n > 0 else { return }
            if ka == 0 { if let o = c.baseAddress { Scalar.fill(o, count: c.count, with: 0) }; return }
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    Scalar.gemm(transA, transB, m: m, n: n, k: ka, alpha: 1,
                                a: pa.baseAddress!, lda: Swift.max(a.columns, 1),
                                b: pb.baseAddress!, ldb: Swift.max(b.columns, 1),
                                beta: 0, c: c.baseAddress!, ldc: n)
                }
            }
        }
    }

    /// Matrix product.
    public static func * (lhs: Matrix, rhs: Matrix) -> Matrix { product(lhs, rhs) }

    /// Matrix–vector product A x by BLAS gemv.
    public static func * (lhs: Matrix, rhs: [Scalar]) -> [Scalar] {
        lhs.multiplied(by: rhs)
    }

    /// op(A) x by BLAS gemv.
    /// - Complexity: 2 · rows · columns flops.
    public func multiplied(by x: [Scalar], _ trans: Transpose = .none) -> [Scalar] {
        let (m, n) = trans == .none ? (rows, columns) : (columns, rows)
        precondition(x.count == n, "Matrix–vector product: op(A) is \(m) × \(n) but x has \(x.count) elements")
        guard m > 0 else { return [] }
        guard n > 0 else { return Array(repeating: 0, count: m) }
        return Array(unsafeUninitializedCapacity: m) { y, initialized in
            withUnsafeBufferPointer { a in
                x.withUnsafeBufferPointer { px in
                    Scalar.gemv(trans, m: rows, n: columns, alpha: 1, a: a.baseAddress!, lda: columns,
                                x: px.baseAddress!, incx: 1, beta: 0, y: y.baseAddress!, incy: 1)
                }
            }
            initialized = m
        }
    }

    /// AᵀA (columns × columns) by BLAS syrk, symmetrised.
    /// - Complexity: rows · columns² flops.
    public func gram() -> Matrix { symmetricProduct(.transposed) }

    /// AAᵀ (rows × rows) by BLAS syrk, symmetrised.
    /// - Complexity: rows² · columns flops.
    public func outerGram() -> Matrix { symmetricProduct(.none) }

    private func symmetricProduct(_ trans: Transpose) -> Matrix {
        let n = trans == .none ? rows : columns
        let k = trans == .none ? columns : rows
        // syrk (β = 0, so C is not read) writes the upper triangle, symmetrize the lower one.
        return Matrix(rows: n, columns: n) { pc in
            guard n > 0 else { return }
            guard k > 0 else { Scalar.fill(pc.baseAddress!, count: n * n, with: 0); return }
            withUnsafeBufferPointer { pa in
                Scalar.syrk(.upper, trans, n: n, k: k, alpha: 1, a: pa.baseAddress!, lda: columns,
                            beta: 0, c: pc.baseAddress!, ldc: n)
            }
            Scalar.symmetrize(.upper, n: n, pc.baseAddress!, lda: n)
        }
    }
}

/// xᵀy by BLAS dot.
public func dot<Scalar: NACScalar>(_ x: [Scalar], _ y: [Scalar]) -> Scalar {
    precondition(x.count == y.count, "dot: \(x.count) elements against \(y.count)")
    guard !x.isEmpty else { return 0 }
    return x.withUnsafeBufferPointer { px in
        y.withUnsafeBufferPointer { py in
            Scalar.dot(n: x.count, x: px.baseAddress!, incx: 1, y: py.baseAddress!, incy: 1)
        }
    }
}

/// ‖x‖₂ by BLAS nrm2.
public func norm<Scalar: NACScalar>(_ x: [Scalar]) -> Scalar {
    guard !x.isEmpty else { return 0 }
    return x.withUnsafeBufferPointer { Scalar.nrm2(n: x.count, x: $0.baseAddress!, incx: 1) }
}

/// y ← αx + y by BLAS axpy.
public func axpy<Scalar: NACScalar>(_ alpha: Scalar, _ x: [Scalar], _ y: inout [Scalar]) {
    precondition(x.count == y.count, "axpy: \(x.count) elements against \(y.count)")
    guard !x.isEmpty else { return }
    x.withUnsafeBufferPointer { px in
        y.withUnsafeMutableBufferPointer { py in
            Scalar.axpy(n: x.count, alpha: alpha, x: px.baseAddress!, incx: 1, y: py.baseAddress!, incy: 1)
        }
    }
}

/// x ← αx by BLAS scal, with IEEE semantics for α = 0 (NaN · 0 stays NaN, which OpenBLAS's
/// `scal` does not honour).
public func scale<Scalar: NACScalar>(_ x: inout [Scalar], by alpha: Scalar) {
    guard !x.isEmpty else { return }
    x.withUnsafeMutableBufferPointer { p in
        let base = p.baseAddress!
        if alpha != 0 {
            Scalar.scal(n: p.count, alpha: alpha, x: base, incx: 1)
        } else {
            withUnsafePointer(to: alpha) { a in
                Scalar.broadcast(.multiply, StridedOperand(UnsafePointer(base), rowStride: 0),
                                 StridedOperand(a, rowStride: 0, columnStride: 0),
                                 rows: 1, columns: p.count, accumulate: false, into: base, outRowStride: 0)
            }
        }
    }
}
