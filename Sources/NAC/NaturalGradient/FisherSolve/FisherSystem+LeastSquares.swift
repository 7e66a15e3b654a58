/// How `FisherSystem.solveLeastSquares(_:)` solves the compatible regression.
public enum LeastSquaresMethod<Scalar: NACScalar>: Sendable, Equatable {
    /// Householder QR (LAPACK `geqrt`): fast and backward stable, but assumes the stacked system
    /// has full rank (always true when λ > 0).
    case qr
    /// SVD (LAPACK `gelsd` on the QR's triangle): minimum-norm and rank-revealing; singular values below
    /// `relativeCutoff · σ₁` (default max(m, n) · ε) are dropped, which makes it the
    /// pseudo-inverse solution when λ = 0 and Ψ_ω is rank deficient.
    case svd(relativeCutoff: Scalar? = nil)
}

extension FisherSystem {
    /// Route 2: the compatible regression solved as a least-squares problem on the weighted score
    /// matrix itself, never forming F:
    ///
    ///     min_w Σ_b ω_b (ψ_bᵀ w − Â_b)² / Σω + λ ‖w‖²  =  min_w ‖Ψ_ω w − Â_ω‖² + λ ‖w‖²
    ///
    /// whose normal equation is F w = g. Two equivalent stacked systems, chosen by shape
    /// (B′ = number of samples with ω_b > 0):
    ///
    /// - **B′ ≥ P (tall):** min ‖[Ψ_ω ; √λ I_P] w − [Â_ω ; 0]‖, a (B′ + P) × P problem (B′ × P when
    ///   λ = 0).
    /// - **B′ < P (wide):** the minimum-norm solution of [Ψ_ω  √λ I_B′] [w ; r] = Â_ω, a
    ///   B′ × (P + B′) problem (B′ × P when λ = 0). Its solution is [w ; r] = Mᵀ(MMᵀ)⁻¹Â_ω with
    ///   MMᵀ = Ψ_ωΨ_ωᵀ + λI, so w = Ψ_ωᵀ(Ψ_ωΨ_ωᵀ + λI)⁻¹Â_ω — the kernel-form solution — at
    ///   O(B′²P) instead of O(P³) cost.
    ///
    /// Both store a column-major scaled copy S of the tall system (LAPACK overwrites its operand),
    /// (B′ + P) · P or (P + B′) · B′ scalars from the engine's buffer pool. The wide system M is
    /// stored as its tall transpose S = Mᵀ (column k = [d_k ψ_k ; √λ e_k], a plain copy of Ψ's
    /// rows): column-major LAPACK reads a tall matrix down its columns, whereas the LQ of the short,
    /// wide M reads along rows. S = QR by blocked Householder QR with recursive panels (`geqrt`,
    /// BLAS-3 panels, 1.3–2× faster than `geqrf` here). QR: tall x = R⁻¹(Qᵀb), wide
    /// x = Q[R⁻ᵀb ; 0]. SVD: the SVD of the n × n triangle (R, or Rᵀ when wide: the singular
    /// values of S) gives the minimum-norm solution, mapped back through Q in the same way.
    ///
    /// - Returns: w; with `.svd`, `effectiveRank` (of the stacked system: of Ψ_ω itself when
    ///   λ = 0), the singular values and `conditionEstimate` = (σ₁/σ_r)², κ₂ of the system's
    ///   normal matrix (F when tall, Ψ_ωΨ_ωᵀ + λI when wide).
    /// - Throws: `.rankDeficient(route: .leastSquaresQR, column:)` when QR meets an exactly zero
    ///   pivot; `.noConvergence` if the SVD fails; `.nonFiniteSolution`.
    /// - Complexity: QR about 2(B′ + P)P² flops (tall) or 2B′²(P + B′) (wide); SVD a small
    ///   multiple of that.
    public func solveLeastSquares(
        _ method: LeastSquaresMethod<Scalar> = .qr
    ) throws(NaturalGradientError) -> NaturalGradientSolution<Scalar> {
        let p = parameterCount
        let scales = scalesOfSamples
        let active = hasInactiveSamples ? (0..<sampleCount).filter { scales[$0] > 0 } : Array(0..<sampleCount)
        let ba = active.count
        let rootDamping = damping.squareRoot()
        let tall = ba >= p
        // The stored (column-major) matrix: tall: [Ψ_ω ; √λ I] (m × n); wide: the transpose
        // [Ψ_ω  √λ I]ᵀ, also tall (m × n = (P + B′) × B′).
        let m = tall ? ba + (damping > 0 ? p : 0) : p + (damping > 0 ? ba : 0)
        let n = tall ? p : ba

        // The stored matrix S (m × n, column-major), from the engine's buffer pool: repeated
        // solves reuse its pages instead of faulting in fresh ones (≈ 2 µs per 4 KiB).
        let stored = Block<Scalar>(zerosRows: n, columns: m)
        let a = stored.base
        var rhs = [Scalar](repeating: 0, count: m)
        scores.withUnsafeBufferPointer { ps in
            scales.withUnsafeBufferPointer { pd in
                if tall {
                    if ba == sampleCount {
                        Scalar.transposeScalingRows(ps.baseAddress!, rows: ba, columns: p, sourceRowStride: p,
                                                    rowScales: pd.baseAddress!, into: a, destinationRowStride: m)
                    } else {
                        for (k, row) in active.enumerated() {
                            Scalar.transposeScalingRows(ps.baseAddress! + row * p, rows: 1, columns: p,
                                                        sourceRowStride: p, rowScales: pd.baseAddress! + row,
                                                        into: a + k, destinationRowStride: m)
                        }
                    }
                    if damping > 0 { for j in 0..<p { a[j * m + ba + j] = rootDamping } }   // rows B′..<B′+P
                } else {
                    // Column k = d_k ψ_k (a row of Ψ, contiguous), then √λ at row P + k.
                    for (k, row) in active.enumerated() {
                        let column = a + k * m
                        column.update(from: ps.baseAddress! + row * p, count: p)
                        Scalar.scal(n: p, alpha: pd[row], x: column, incx: 1)
                        if damping > 0 { column[p + k] = rootDamping }
                    }
                }
            }
        }
        for (k, row) in active.enumerated() { rhs[k] = scales[row] * advantages[row] }

        // S = Q R by blocked Householder QR with recursive panels (geqrt).
        let blockSize = Swift.max(1, Swift.min(n, n >= 1024 ? 128 : 32))
        // Zeroed: geqrt writes only the triangles of T, and LAPACKE's NaN check of `gemqrt` reads
        // all of it (a recycled buffer may hold NaN bit patterns).
        let factors = Block<Scalar>(zerosRows: n, columns: blockSize)
        defer { withExtendedLifetime((stored, factors)) {} }   // `a` points into `stored`
        if n > 0 {
            let info = Scalar.geqrt(m: m, n: n, nb: blockSize, a: a, lda: m, t: factors.base, ldt: blockSize)
            checkLapackArguments(info, "geqrt")
        }
        func applyQ(_ trans: Transpose) {
            guard n > 0 else { return }
            let info = rhs.withUnsafeMutableBufferPointer { pb in
                Scalar.gemqrt(.left, trans, m: m, n: 1, k: n, nb: blockSize, v: a, ldv: m, t: factors.base,
                              ldt: blockSize, c: pb.baseAddress!, ldc: m)
            }
            checkLapackArguments(info, "gemqrt")
        }
        // R is column-major upper with leading dimension m, i.e. the row-major lower Rᵀ.
        func solveTriangular(_ trans: Transpose) {
            guard n > 0 else { return }
            rhs.withUnsafeMutableBufferPointer { pb in
                Scalar.trsm(.left, .lower, trans, unitDiagonal: false, m: n, n: 1, alpha: 1, a: a, lda: m,
                            b: pb.baseAddress!, ldb: 1)
            }
        }
        switch method {
        case .qr:
            // An exactly zero pivot: the stacked system is rank deficient (as LAPACK's gels).
            if let zero = (0..<n).first(where: { a[$0 * m + $0] == 0 }) {
                throw .rankDeficient(route: .leastSquaresQR, column: zero + 1)
            }
            if tall {
                applyQ(.transposed)             // c = Qᵀ b
                solveTriangular(.transposed)    // R x = c[0..<n]
            } else {
                solveTriangular(.none)          // Rᵀ y = b
                applyQ(.none)                   // x = Q [y ; 0]
            }
            return try finish(Array(rhs[0..<p]), gradient: gradient(), route: .leastSquaresQR)
        case .svd(let relativeCutoff):
            // The SVD of the n × n triangle (R for the tall system, Rᵀ for the wide one): the same
            // singular values as S, and the same minimum-norm solution once mapped through Q.
            var singularValues = [Scalar](repeating: 0, count: n)
            var rank = 0
            let cutoff = relativeCutoff ?? Scalar(Swift.max(m, n)) * Scalar.ulpOfOne
            var triangle = zeroedBuffer(Scalar.self, count: n * n)
            for j in 0..<n {
                for i in 0...j {
                    if tall { triangle[j * n + i] = a[j * m + i] }      // R[i, j]
                    else { triangle[i * n + j] = a[j * m + i] }         // Rᵀ[j, i] = R[i, j]
                }
            }
            if tall { applyQ(.transposed) }     // c = Qᵀ b; the solution uses c[0..<n]
            let info = triangle.withUnsafeMutableBufferPointer { pa in
                rhs.withUnsafeMutableBufferPointer { pb in
                    singularValues.withUnsafeMutableBufferPointer { psv in
                        Scalar.gelsd(m: n, n: n, nrhs: 1, a: pa.baseAddress!, lda: Swift.max(1, n), b: pb.baseAddress!,
                                     ldb: m, s: psv.baseAddress!, rcond: cutoff, rank: &rank)
                    }
                }
            }
            checkLapackArguments(info, "gelsd")
            if info > 0 { throw .noConvergence(routine: "gelsd", count: info) }
            if !tall {
                for i in n..<m { rhs[i] = 0 }
                applyQ(.none)                   // x = Q [y ; 0]
            }
            var condition: Scalar = .infinity
            if rank > 0, let largest = singularValues.first {
                let ratio = largest / singularValues[rank - 1]
                condition = ratio * ratio
            }
            return try finish(Array(rhs[0..<p]), gradient: gradient(), route: .leastSquaresSVD,
                              conditionEstimate: condition, effectiveRank: rank, singularValues: singularValues)
        }
    }
}
