extension FisherSolveRoute {
    /// The nominal floating-point operation count of one `FisherSystem` solve by this route, for
    /// a B × P score matrix with uniform weights and damping λ > 0, counted from what the
    /// implementation computes — the numerator of the rates `nac bench natural-gradient` reports.
    ///
    /// Conventions: a multiply–add is 2 flops; gemv of an m × n matrix 2mn; syrk of an n × n
    /// result with inner dimension k n²k (half of gemm's 2n²k); Cholesky (potrf) of order n n³/3;
    /// a Cholesky solve (potrs, one right-hand side) 2n²; Householder QR (`BlockedHouseholderQR`,
    /// geqrt's algorithm) of an l × k or k × l matrix, k ≤ l, 2k²l − 2k³/3. O(n) vector work,
    /// LAPACK `pocon`'s condition estimate (a few triangular solves, O(n²)) and the one-norm of
    /// the factorised matrix (O(n²) additions) are not counted. Every direct route ends in `FisherSystem.finish`,
    /// which forms g = ΨᵀÂ/B (one gemv, 2BP) and checks ‖F w − g‖ by one matrix-free
    /// Fisher-vector product (two gemv, 4BP) — 6BP counted as "products" below.
    ///
    /// | route | counted |
    /// |---|---|
    /// | `explicitFisher` | BP² (syrk F = ΨᵀΨ/B + λI) + P³/3 (potrf) + 2P² (potrs) + 6BP (products) |
    /// | `kernel` | B²P (syrk K = ΨΨᵀ/B + λI) + B³/3 (potrf) + 2B² (potrs) + 2B² (K₀u for the residual) + 6BP (w, g and the residual Ψᵀs in one 3-row product; the route does not call `finish`'s products) |
    /// | `leastSquaresQR` | on the stacked k × l system (B < P: [Ψ/√B  √λ I_B], k = B, l = P + B; B ≥ P: [Ψ/√B ; √λ I_P], k = P, l = B + P): 2k²l − 2k³/3 (QR of the tall l × k form); B ≥ P: + (4kl − 2k²) (the right-hand side as an extra column of the QR) + k² (triangular solve) + 6BP (products); B < P: + 2k² (two triangular solves, the seminormal equations) + 2BP (w = Ψᵀz, in one pass with g) + 6BP (products). Without AVX-512 or on several BLAS threads the streaming form refactorises the triangle in each 4096-row chunk (2k³ per chunk, not counted); otherwise `BlockedHouseholderQR.factorTriangleOverRows` skips the triangle's zeros |
    /// | `leastSquaresSVD` | a **lower bound**: the same QR of the stacked system + 8k³/3 (bidiagonalising its k × k triangle for the singular values, `HouseholderBidiagonalization`) + 6BP (products); the dqds iterations, the triangular solves and, when a singular value is cut off, the SVD with vectors are not counted |
    /// | `conjugateGradient` | 2BP (g) + iterations · 4BP (one Fisher-vector product of two gemv each), without the residual check (`verifyResidual: false`) |
    ///
    /// Example: B = 10, P = 20 gives explicit 4000 + 8000/3 + 800 + 1200 ≈ 8666.7 and kernel
    /// 2000 + 1000/3 + 200 + 200 + 1200 ≈ 3933.3.
    public func nominalFlopCount(sampleCount: Int, parameterCount: Int, conjugateGradientIterations: Int = 10) -> Double {
        let b = Double(sampleCount), p = Double(parameterCount)
        let products = 6 * b * p
        switch self {
        case .explicitFisher:
            return b * p * p + p * p * p / 3 + 2 * p * p + products
        case .kernel:
            return b * b * p + b * b * b / 3 + 2 * b * b + 2 * b * b + 6 * b * p
        case .leastSquaresQR:
            let (k, l) = Self.stackedShape(sampleCount: sampleCount, parameterCount: parameterCount)
            let solve = sampleCount < parameterCount ? 2 * k * k + 2 * b * p : (4 * k * l - 2 * k * k) + k * k
            return 2 * k * k * l - 2 * k * k * k / 3 + solve + products
        case .leastSquaresSVD:
            let (k, l) = Self.stackedShape(sampleCount: sampleCount, parameterCount: parameterCount)
            return 2 * k * k * l - 2 * k * k * k / 3 + 8 * k * k * k / 3 + products
        case .conjugateGradient:
            return 2 * b * p + Double(conjugateGradientIterations) * 4 * b * p
        }
    }

    /// The scalars one solve by this route allocates besides Ψ itself (λ > 0, uniform weights):
    /// explicit P² (F); kernel 2B² (K and the copy K₀ kept for the residual); QR the column-major
    /// copy of the stacked k × l system (kl; with the right-hand-side column when B ≥ P), or, when
    /// `HouseholderTriangle` streams it, one chunk of (k + c) k (c = 2048 rows with `BlockedHouseholderQR`'s
    /// own kernels, else 4096); SVD the copy (kl) plus an
    /// estimate 3k² of the SVD's workspace; CG a few vectors of P. `scalarByteCount` (4 or 8)
    /// decides whether QR streams.
    /// O(B + P) vectors are not counted.
    public func workingScalarCount(sampleCount: Int, parameterCount: Int, scalarByteCount: Int = 8) -> Int {
        let ownKernels = scalarByteCount == 4
            ? BlockedHouseholderQR.usesOwnKernels(Float.self) : BlockedHouseholderQR.usesOwnKernels(Double.self)
        return workingScalarCount(sampleCount: sampleCount, parameterCount: parameterCount, scalarByteCount: scalarByteCount,
                                  ownKernels: ownKernels)
    }

    /// `workingScalarCount(sampleCount:parameterCount:scalarByteCount:)` with the QR's kernels given
    /// (`BlockedHouseholderQR.usesOwnKernels`), which decide how QR streams.
    func workingScalarCount(sampleCount: Int, parameterCount: Int, scalarByteCount: Int, ownKernels: Bool) -> Int {
        let b = sampleCount, p = parameterCount
        switch self {
        case .explicitFisher: return p * p
        case .kernel: return 2 * b * b
        case .leastSquaresQR:
            let (k, l) = Self.stackedShape(sampleCount: b, parameterCount: p)
            let columns = Int(k) + (b >= p ? 1 : 0)
            if HouseholderTriangle.streams(rows: Int(l), columns: columns, scalarSize: scalarByteCount, ownKernels: ownKernels) {
                return (columns + HouseholderTriangle.defaultChunkRows(ownKernels: ownKernels)) * columns
            }
            return Int(l) * columns
        case .leastSquaresSVD:
            let (k, l) = Self.stackedShape(sampleCount: b, parameterCount: p)
            return Int(k * l + 3 * k * k)
        case .conjugateGradient: return 4 * p
        }
    }

    /// (k, l), k ≤ l: the sides of the damped least-squares system `solveLeastSquares` builds
    /// (B × (P + B) when B < P, (B + P) × P otherwise).
    static func stackedShape(sampleCount: Int, parameterCount: Int) -> (Double, Double) {
        let b = Double(sampleCount), p = Double(parameterCount)
        return sampleCount < parameterCount ? (b, p + b) : (p, b + p)
    }
}
