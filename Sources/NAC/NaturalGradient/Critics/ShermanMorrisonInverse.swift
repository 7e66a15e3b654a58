/// The inverse M = A⁻¹ of a square (not necessarily symmetric) matrix A, kept up to date under
/// rank-one updates A ← A + u vᵀ by the Sherman–Morrison formula in O(n²) per update:
///
///     (A + u vᵀ)⁻¹ = A⁻¹ − (A⁻¹u)(vᵀA⁻¹) / (1 + vᵀA⁻¹u).
///
/// **Validity.** The formula is exact whenever A and A + u vᵀ are both invertible, which is
/// the case exactly when 1 + vᵀA⁻¹u ≠ 0; symmetry or definiteness are not needed, so it applies to
/// LSTD's A = Σ z (φ̂ − γφ̃)ᵀ. But nothing keeps a non-symmetric A away from singular
/// intermediate states, and near one the update divides by a tiny number and loses all digits
/// from then on (errors are carried, not corrected). `rankOneUpdate` therefore refuses an
/// update whose denominator is below √ε · max(1, |vᵀA⁻¹u|) in magnitude, and callers should
/// re-invert directly (O(n³)) once in a while, or whenever that happens.
///
/// **Initialisation.** Starting from A₀ = εI (M₀ = I/ε) instead of 0, which has no inverse,
/// means the tracked matrix is always A + ε I: the implied ridge ε. `scale(by:)` scales the
/// ridge too.
public struct ShermanMorrisonInverse<Scalar: NACScalar>: Sendable {
    /// M ≈ A⁻¹, n × n, row-major.
    public internal(set) var inverse: Matrix<Scalar>

    /// The order n.
    public var order: Int { inverse.rows }

    /// M = I/ε, the inverse of A₀ = εI.
    /// - Throws: `.invalidHyperparameter` unless ε > 0 and finite.
    public init(order: Int, ridge: Scalar) throws(NaturalGradientError) {
        precondition(order >= 0, "ShermanMorrisonInverse: negative order \(order)")
        try requirePositive("ridge", ridge)
        var m = Matrix<Scalar>.zeros(rows: order, columns: order)
        m.addToDiagonal(1 / ridge)
        inverse = m
    }

    /// Tracks the inverse of a matrix whose inverse is already known.
    public init(inverse: Matrix<Scalar>) {
        precondition(inverse.rows == inverse.columns,
                     "ShermanMorrisonInverse: the inverse is \(inverse.rows) × \(inverse.columns), not square")
        self.inverse = inverse
    }

    /// A ← A + u vᵀ, i.e. M ← M − (M u)(vᵀ M) / (1 + vᵀ M u).
    ///
    /// - Throws: `.trackedInverseUnavailable(denominator:)` if |1 + vᵀMu| is below
    ///   √ε · max(1, |vᵀMu|); M is then left unchanged (and no longer the inverse of the updated
    ///   A).
    /// - Precondition: `u` and `v` have n elements.
    /// - Complexity: two gemv and one ger, 6n² flops.
    public mutating func rankOneUpdate(u: [Scalar], v: [Scalar]) throws(NaturalGradientError) {
        let n = order
        precondition(u.count == n && v.count == n,
                     "ShermanMorrisonInverse: the inverse is \(n) × \(n) but u has \(u.count) and v \(v.count) elements")
        guard n > 0 else { return }
        let mu = inverse.multiplied(by: u)                 // M u
        let vm = inverse.multiplied(by: v, .transposed)    // Mᵀ v = (vᵀ M)ᵀ
        let vmu = dot(v, mu)
        let denominator = 1 + vmu
        guard denominator.isFinite,
              abs(denominator) >= Scalar.ulpOfOne.squareRoot() * Swift.max(1, abs(vmu)) else {
            throw .trackedInverseUnavailable(denominator: Double(denominator))
        }
        inverse.withUnsafeMutableBufferPointer { pm in
            mu.withUnsafeBufferPointer { px in
                vm.withUnsafeBufferPointer { py in
                    Scalar.ger(m: n, n: n, alpha: -1 / denominator, x: px.baseAddress!, incx: 1,
                               y: py.baseAddress!, incy: 1, a: pm.baseAddress!, lda: n)
                }
            }
        }
    }

    /// A ← β A, i.e. M ← M / β.
    /// - Precondition: β > 0.
    public mutating func scale(by beta: Scalar) {
        precondition(beta > 0, "ShermanMorrisonInverse.scale: factor \(beta) must be > 0")
        inverse = inverse * (1 / beta)
    }

    /// M b ≈ A⁻¹ b.
    /// - Complexity: 2n² flops.
    public func solve(_ b: [Scalar]) -> [Scalar] {
        inverse.multiplied(by: b)
    }
}
