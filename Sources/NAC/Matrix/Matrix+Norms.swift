import RealModule

extension Matrix {
    /// The Frobenius norm √(Σ a²), computed by BLAS nrm2 (no overflow).
    public var frobeniusNorm: Scalar {
        withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return 0 }
            return Scalar.nrm2(n: p.count, x: base, incx: 1)
        }
    }

    /// The largest |aᵢⱼ| (NaN if any element is NaN).
    public var maximumMagnitude: Scalar {
        withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return 0 }
            return Scalar.maximumMagnitude(base, count: p.count)
        }
    }

    /// The 1-norm: the largest column sum of |aᵢⱼ| (NaN if any element is NaN).
    public var oneNorm: Scalar {
        withUnsafeBufferPointer { p in
            guard let base = p.baseAddress, count > 0 else { return 0 }
            return Scalar.oneNorm(rows: rows, columns: columns, base, rowStride: columns)
        }
    }

    /// The ∞-norm: the largest row sum of |aᵢⱼ| (NaN if any element is NaN).
    public var infinityNorm: Scalar {
        withUnsafeBufferPointer { p in
            guard let base = p.baseAddress, count > 0 else { return 0 }
            return Scalar.infinityNorm(rows: rows, columns: columns, base, rowStride: columns)
        }
    }

    /// Whether every element is finite.
    public var isFinite: Bool { firstNonFiniteIndex == nil }

    /// The (row, column) of the first NaN or infinite element, if any.
    public var firstNonFiniteIndex: (row: Int, column: Int)? {
        withUnsafeBufferPointer { p -> (row: Int, column: Int)? in
            guard let base = p.baseAddress, let i = Scalar.firstNonFinite(base, count: p.count) else { return nil }
            return (i / columns, i % columns)
        }
    }

    /// Whether `self` and `other` have the same shape and agree elementwise within
    /// `absoluteTolerance + relativeTolerance · |other|`.
    public func isApproximatelyEqual(
        to other: Matrix, absoluteTolerance: Scalar = 0, relativeTolerance: Scalar = Scalar.ulpOfOne.squareRoot()
    ) -> Bool {
        guard rows == other.rows, columns == other.columns else { return false }
        for (a, b) in zip(elements, other.elements) {
            if !(abs(a - b) <= absoluteTolerance + relativeTolerance * abs(b)) { return false }
        }
        return true
    }
}
