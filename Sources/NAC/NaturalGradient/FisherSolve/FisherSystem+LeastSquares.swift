/// How `FisherSystem.solveLeastSquares(_:)` solves the compatible regression.
public enum LeastSquaresMethod<Scalar: NACScalar>: Sendable, Equatable {
    /// QR (or LQ when underdetermined) by LAPACK `gels`: fast and backward stable, but assumes
    /// the stacked system has full rank (always true when λ > 0).
    case qr
    /// SVD by LAPACK `gelsd`: minimum-norm and rank-revealing; singular values below
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
    /// Both need a column-major scaled copy of Ψ (LAPACK overwrites its operand): one buffer of
    /// (B′ + P) · P or B′ · (P + B′) scalars.
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
        let m = tall ? ba + (damping > 0 ? p : 0) : ba
        let n = tall ? p : p + (damping > 0 ? ba : 0)
        let ldb = Swift.max(m, n)

        // A (m × n, column-major, lda = m) and the right-hand side (ldb × 1).
        var a = zeroedBuffer(Scalar.self, count: m * n)
        var rhs = [Scalar](repeating: 0, count: ldb)
        scores.withUnsafeBufferPointer { ps in
            a.withUnsafeMutableBufferPointer { pa in
                scales.withUnsafeBufferPointer { pd in
                    if ba == sampleCount {
                        Scalar.transposeScalingRows(ps.baseAddress!, rows: ba, columns: p, sourceRowStride: p,
                                                    rowScales: pd.baseAddress!, into: pa.baseAddress!,
                                                    destinationRowStride: m)
                    } else {
                        for (k, row) in active.enumerated() {
                            Scalar.transposeScalingRows(ps.baseAddress! + row * p, rows: 1, columns: p,
                                                        sourceRowStride: p, rowScales: pd.baseAddress! + row,
                                                        into: pa.baseAddress! + k, destinationRowStride: m)
                        }
                    }
                }
                if damping > 0 {
                    if tall {
                        for j in 0..<p { pa[j * m + ba + j] = rootDamping }      // rows B′..<B′+P
                    } else {
                        for k in 0..<ba { pa[(p + k) * m + k] = rootDamping }    // columns P..<P+B′
                    }
                }
            }
        }
        for (k, row) in active.enumerated() { rhs[k] = scales[row] * advantages[row] }

        switch method {
        case .qr:
            let info = a.withUnsafeMutableBufferPointer { pa in
                rhs.withUnsafeMutableBufferPointer { pb in
                    Scalar.gels(m: m, n: n, nrhs: 1, a: pa.baseAddress!, lda: m, b: pb.baseAddress!, ldb: ldb)
                }
            }
            checkLapackArguments(info, "gels")
            if info > 0 { throw .rankDeficient(route: .leastSquaresQR, column: info) }
            return try finish(Array(rhs[0..<p]), gradient: gradient(), route: .leastSquaresQR)
        case .svd(let relativeCutoff):
            var singularValues = [Scalar](repeating: 0, count: Swift.min(m, n))
            var rank = 0
            let cutoff = relativeCutoff ?? Scalar(Swift.max(m, n)) * Scalar.ulpOfOne
            let info = a.withUnsafeMutableBufferPointer { pa in
                rhs.withUnsafeMutableBufferPointer { pb in
                    singularValues.withUnsafeMutableBufferPointer { psv in
                        Scalar.gelsd(m: m, n: n, nrhs: 1, a: pa.baseAddress!, lda: m, b: pb.baseAddress!, ldb: ldb,
                                     s: psv.baseAddress!, rcond: cutoff, rank: &rank)
                    }
                }
            }
            checkLapackArguments(info, "gelsd")
            if info > 0 { throw .noConvergence(routine: "gelsd", count: info) }
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
