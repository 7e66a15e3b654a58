/// How `FisherSystem.solveLeastSquares(_:)` solves the compatible regression.
public enum LeastSquaresMethod<Scalar: NACScalar>: Sendable, Equatable {
    /// Householder QR (LAPACK `geqrt`, its triangle only): fast and accurate (error of order κ ε,
    /// not the normal equations' κ² ε), but assumes the stacked system has full rank (always
    /// true when λ > 0).
    case qr
    /// SVD of the QR's triangle: minimum-norm and rank-revealing; singular values below
    /// `relativeCutoff · σ₁` (default max(m, n) · ε; it must lie in [0, 1)) are dropped, which
    /// makes it the pseudo-inverse solution when λ = 0 and Ψ_ω is rank deficient. The singular
    /// values come first (`HouseholderBidiagonalization`, without vectors); only when one is
    /// dropped are the SVD's vectors needed (`gelsd`, or `gesdd` when the system streams or its
    /// damping rows are folded).
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
    /// Both are factorised as a tall S = QR (column-major LAPACK reads a tall matrix down its
    /// columns): tall S = [Ψ_ω ; √λ I], wide S = Mᵀ, whose column k = [d_k ψ_k ; √λ e_k] is a scaled
    /// copy of a row of Ψ.
    ///
    /// **QR** needs R only (`HouseholderTriangle`), never Q:
    /// - tall: R and c = (Qᵀ b)[0..<P] from the QR of the augmented [S  b], then w = R⁻¹c — the
    ///   standard backward-stable solve (Björck, *Numerical Methods for Least Squares Problems*, 1996, ch. 2);
    /// - wide: the seminormal equations, RᵀR z = Â_ω (two triangular solves), w = Ψ_ωᵀ z. For the
    ///   minimum-norm problem these are forward stable — error of order κ₂(S) ε, like applying Q
    ///   (Paige 1973; Higham, *Accuracy and Stability of Numerical Algorithms*, ch. 21) — whereas the
    ///   normal equations (the kernel route) give κ₂(S)² ε.
    ///
    /// So S need not be kept: when it has at most 384 columns and (with `BlockedHouseholderQR`'s
    /// own kernels) at least 4 MiB and 4096 rows, it is streamed through a buffer of 2048-row
    /// chunks, without ever being stored (`HouseholderTriangle`; in one run, float64, one thread:
    /// W1 at B = 256 28.6 against 32.2 ms by QR, W3 at B = 256 416 against 541 ms, with
    /// (P + B) · B scalars fewer). Otherwise one column-major copy of S (or [S b]) is factorised
    /// by blocked Householder QR with recursive panels (`BlockedHouseholderQR`: `geqrt`'s algorithm,
    /// 1.3–2× faster than `geqrf` here, with its long inner products in a C kernel under AVX-512).
    /// From 512 columns on, the last n rows √λ [I 0] are left out of that factorisation and folded
    /// under its triangle by `tpqrt`, which keeps their zeros (`stackedTriangle`: about 2n³/3 flops
    /// instead of 2n³; W1 at B = 1024 took 151–158 against 166–170 ms by QR in float32).
    ///
    /// **SVD**: the singular values of S are those of the n × n triangle R, and the cut-off
    /// (pseudo-inverse) solution follows from R⁺: tall w = R⁺c (c from the augmented column as for
    /// QR); wide, when S streams or its damping rows are folded, w = Ψ_ωᵀ z with z = (RᵀR)⁺Â_ω;
    /// wide otherwise, through Q from a copy of S: w = (Q[(Rᵀ)⁺Â_ω ; 0])[0..<P]. R's singular
    /// values are computed alone first (`HouseholderBidiagonalization`: our bidiagonalisation,
    /// 8n³/3 flops in one pass over the trailing matrix per step where LAPACK `gebrd` makes two,
    /// then dqds; on random triangles 2.3 ms at n = 256 and 124 ms at 1024 in float64, against 4.2
    /// and 186 ms for `gesdd` without vectors). When none is below the cut-off, R⁺ = R⁻¹ and these
    /// are triangular solves with R, as in the QR route; otherwise R⁺ comes from the SVD with
    /// vectors (`gelsd`, or `gesdd` in the form from R alone), which computes the values again.
    ///
    /// - Returns: w; with `.svd`, `effectiveRank` (of the stacked system: of Ψ_ω itself when
    ///   λ = 0), the singular values and `conditionEstimate` = (σ₁/σ_r)², κ₂ of the system's
    ///   normal matrix (F when tall, Ψ_ωΨ_ωᵀ + λI when wide).
    /// - Throws: `.rankDeficient(route: .leastSquaresQR, column:)` when QR meets an exactly zero
    ///   pivot; `.noConvergence` if the SVD fails; `.nonFiniteSolution`; `.invalidHyperparameter`
    ///   unless 0 ≤ `relativeCutoff` < 1.
    /// - Complexity: QR about 2(B′ + P)P² flops (tall) or 2B′²(P + B′) (wide); SVD that plus
    ///   8n³/3 for the singular values of the n × n triangle, and the SVD's vectors (a few n³
    ///   more) only when a singular value is cut off.
    public func solveLeastSquares(
        _ method: LeastSquaresMethod<Scalar> = .qr
    ) throws(NaturalGradientError) -> NaturalGradientSolution<Scalar> {
        switch method {
        case .qr: return try solveLeastSquaresByQR(chunkRows: nil)
        case .svd(let relativeCutoff): return try solveLeastSquaresBySVD(relativeCutoff: relativeCutoff, chunkRows: nil)
        }
    }

    /// The stacked system of `solveLeastSquares`: its shape and right-hand side (`writeStackedRows`
    /// writes any range of its rows).
    struct StackedLeastSquares {
        /// The samples with ω_b > 0, in order.
        var active: [Int]
        /// B′ ≥ P: S = [Ψ_ω ; √λ I_P]; otherwise S = [Ψ_ω  √λ I_B′]ᵀ.
        var tall: Bool
        /// S is m × n (without the right-hand-side column).
        var m: Int, n: Int
        /// Â_ω on the active samples (the wide system's right-hand side, the tall one's first B′ rows).
        var rightHandSide: [Scalar]
    }

    func stackedLeastSquares() -> StackedLeastSquares {
        let p = parameterCount, scales = scalesOfSamples
        let active = hasInactiveSamples ? (0..<sampleCount).filter { scales[$0] > 0 } : Array(0..<sampleCount)
        let ba = active.count
        let tall = ba >= p
        let m = tall ? ba + (damping > 0 ? p : 0) : p + (damping > 0 ? ba : 0)
        return StackedLeastSquares(active: active, tall: tall, m: m, n: tall ? p : ba,
                                   rightHandSide: active.map { scales[$0] * advantages[$0] })
    }

    /// Writes rows `range` of S (`augmented`: of the tall [S  b]) column-major into `destination`
    /// with leading dimension `leading`, every element of those rows.
    func writeStackedRows(
        _ system: StackedLeastSquares, augmented: Bool, _ range: Range<Int>,
        into destination: UnsafeMutablePointer<Scalar>, leadingDimension leading: Int
    ) {
        let p = parameterCount, scales = scalesOfSamples, rootDamping = damping.squareRoot()
        let first = range.lowerBound
        let columns = system.n + (augmented ? 1 : 0)
        scores.withUnsafeBufferPointer { ps in
            if system.tall {
                // Rows 0..<B′: d_b ψ_bᵀ (and d_b Â_b); rows B′ + j: √λ e_jᵀ (and 0).
                let ba = system.active.count
                let sampleEnd = Swift.min(range.upperBound, ba)
                if first < sampleEnd {
                    scales.withUnsafeBufferPointer { pd in
                        if system.active.count == sampleCount {
                            Scalar.transposeScalingRows(ps.baseAddress! + first * p, rows: sampleEnd - first, columns: p,
                                                        sourceRowStride: p, rowScales: pd.baseAddress! + first,
                                                        into: destination, destinationRowStride: leading)
                        } else {
                            for k in first..<sampleEnd {
                                let row = system.active[k]
                                Scalar.transposeScalingRows(ps.baseAddress! + row * p, rows: 1, columns: p,
                                                            sourceRowStride: p, rowScales: pd.baseAddress! + row,
                                                            into: destination + (k - first), destinationRowStride: leading)
                            }
                        }
                    }
                    if augmented {
                        for k in first..<sampleEnd { destination[p * leading + k - first] = system.rightHandSide[k] }
                    }
                }
                let dampingStart = Swift.max(first, ba)
                if dampingStart < range.upperBound {
                    for j in 0..<columns {
                        setToZero(destination + j * leading + dampingStart - first, count: range.upperBound - dampingStart)
                    }
                    for i in dampingStart..<range.upperBound { destination[(i - ba) * leading + i - first] = rootDamping }
                }
            } else {
                // Column k: d_k ψ_k on rows 0..<P (a contiguous run of a row of Ψ), √λ at row P + k.
                let scoreEnd = Swift.min(range.upperBound, p)
                if first < scoreEnd {
                    system.active.withUnsafeBufferPointer { rows in
                        scales.withUnsafeBufferPointer { pd in
                            Scalar.copyScaledRowSegments(ps.baseAddress! + first, rows: rows.baseAddress!, rowCount: rows.count,
                                                         sourceRowStride: p, count: scoreEnd - first,
                                                         scales: pd.baseAddress!, into: destination,
                                                         destinationStride: leading)
                        }
                    }
                }
                let dampingStart = Swift.max(first, p)
                if dampingStart < range.upperBound {
                    for k in system.active.indices {
                        let column = destination + k * leading
                        setToZero(column + dampingStart - first, count: range.upperBound - dampingStart)
                        if range.contains(p + k) { column[p + k - first] = rootDamping }
                    }
                }
            }
        }
    }

    /// The fewest columns from which `stackedTriangle` folds the damping rows in by default:
    /// measured on W1's scores (5708 rows, float64, one thread), factorising the √λ I rows with the
    /// scores against folding them: 40.1 against 38.8 + 1.6 ms at 384 columns (a tie), 76.0 against
    /// 68.4 + 3.6 ms at 512, 330 against 277 + 24 ms at 1024.
    static var dampingFoldMinimumColumns: Int { 512 }

    /// Whether `stackedTriangle` folds the damping rows of a system with `columns` columns: only
    /// with λ > 0 (no damping rows otherwise), as `requested`, or by default from
    /// `dampingFoldMinimumColumns` on.
    func foldsDampingRows(columns: Int, requested: Bool?) -> Bool {
        damping > 0 && (requested ?? (columns >= Self.dampingFoldMinimumColumns))
    }

    /// R of the stacked system S (of [S  b] when `augmented`): columns × columns, column-major with
    /// leading dimension `columns`, zero below the diagonal (as `HouseholderTriangle.factor`).
    ///
    /// With λ > 0 the last n rows of S are √λ [I 0], a triangle. When `foldsDamping` (by default
    /// from `dampingFoldMinimumColumns` columns on), only the score rows are factorised, giving
    /// R₀, and [R₀ ; √λ [I 0]] is then reduced by `tpqrt`, which keeps the triangle's zeros: about
    /// 2n³/3 flops where n more dense rows cost 2n³. Both give the R of the same S (unique up to
    /// the signs of its rows).
    func stackedTriangle(
        _ system: StackedLeastSquares, augmented: Bool, chunkRows: Int?, foldsDamping: Bool? = nil
    ) -> [Scalar] {
        let n = system.n, columns = n + (augmented ? 1 : 0)
        let scoreRows = system.tall ? system.active.count : parameterCount
        let dampingRows = system.m - scoreRows
        let folds = foldsDampingRows(columns: columns, requested: foldsDamping)
        var triangle: [Scalar] = HouseholderTriangle.factor(rows: folds ? scoreRows : system.m, columns: columns,
                                                            chunkRows: chunkRows) {
            range, destination, leading in
            writeStackedRows(system, augmented: augmented, range, into: destination, leadingDimension: leading)
        }
        guard folds else { return triangle }
        // B = √λ [I_n 0] (n × columns, column-major), upper trapezoidal: l = n.
        let b = Block<Scalar>(zerosRows: columns, columns: dampingRows)
        let rootDamping = damping.squareRoot()
        for i in 0..<dampingRows { b.base[i * dampingRows + i] = rootDamping }
        let blockSize = Swift.min(32, columns)
        let factors = Block<Scalar>(uninitializedRows: columns, columns: blockSize)
        let info = triangle.withUnsafeMutableBufferPointer { pa in
            Scalar.tpqrt(m: dampingRows, n: columns, l: dampingRows, nb: blockSize, a: pa.baseAddress!, lda: columns,
                         b: b.base, ldb: dampingRows, t: factors.base, ldt: blockSize)
        }
        checkLapackArguments(info, "tpqrt")
        return triangle
    }

    /// The QR form of `solveLeastSquares`; `chunkRows` as in `HouseholderTriangle.factor` (tests
    /// force the streaming form on small systems with it).
    func solveLeastSquaresByQR(
        chunkRows: Int?, foldsDamping: Bool? = nil
    ) throws(NaturalGradientError) -> NaturalGradientSolution<Scalar> {
        let system = stackedLeastSquares()
        let n = system.n
        let columns = system.tall ? n + 1 : n
        let triangle = stackedTriangle(system, augmented: system.tall, chunkRows: chunkRows, foldsDamping: foldsDamping)
        // An exactly zero pivot: the stacked system is rank deficient (as LAPACK's gels).
        if let zero = (0..<n).first(where: { triangle[$0 * columns + $0] == 0 }) {
            throw .rankDeficient(route: .leastSquaresQR, column: zero + 1)
        }
        func solveTriangular(_ trans: Transpose, _ x: inout [Scalar]) {
            triangle.withUnsafeBufferPointer { Self.solveWithTriangle($0.baseAddress!, n: n, lda: columns, trans, &x) }
        }
        if system.tall {
            var w = Array(triangle[(n * columns)..<(n * columns + n)])   // c = (Qᵀb)[0..<P]
            solveTriangular(.transposed, &w)                                // R w = c
            return try finish(w, gradient: gradient(), route: .leastSquaresQR)
        }
        // Wide: RᵀR z = Â_ω (the seminormal equations), then w = Ψ_ωᵀ z.
        var z = system.rightHandSide
        solveTriangular(.none, &z)
        solveTriangular(.transposed, &z)
        let (w, g) = productsWithScores(system, z)
        return try finish(w, gradient: g, route: .leastSquaresQR)
    }

    /// The SVD form of `solveLeastSquares`; `chunkRows` as in `solveLeastSquaresByQR`.
    func solveLeastSquaresBySVD(
        relativeCutoff: Scalar?, chunkRows: Int?, foldsDamping: Bool? = nil
    ) throws(NaturalGradientError) -> NaturalGradientSolution<Scalar> {
        let system = stackedLeastSquares()
        let m = system.m, n = system.n
        let cutoff = relativeCutoff ?? Scalar(Swift.max(m, n)) * Scalar.ulpOfOne
        try Self.validateRelativeCutoff(cutoff)
        if system.tall {
            return try solveTallBySVD(system, cutoff: cutoff, chunkRows: chunkRows, foldsDamping: foldsDamping)
        }
        // The form through Q needs the reflectors of the whole stacked system; the form from R alone
        // is taken when S streams and when the damping rows are folded in (`stackedTriangle`).
        let fromTriangle = chunkRows != nil
            || HouseholderTriangle.streams(rows: m, columns: n, scalarSize: MemoryLayout<Scalar>.stride,
                                           ownKernels: BlockedHouseholderQR.usesOwnKernels(Scalar.self))
            || foldsDampingRows(columns: n, requested: foldsDamping)
        return fromTriangle
            ? try solveWideBySVDOfTriangle(system, cutoff: cutoff, chunkRows: chunkRows, foldsDamping: foldsDamping)
            : try solveWideBySVDThroughQ(system, cutoff: cutoff)
    }

    /// Tall: R and c = (Qᵀb)[0..<P] from the QR of [S  b] (streamed or whole), R's singular values,
    /// then w = R⁻¹c when none is cut off, or w = R⁺c by `gelsd` on the P × P triangle.
    private func solveTallBySVD(
        _ system: StackedLeastSquares, cutoff: Scalar, chunkRows: Int?, foldsDamping: Bool?
    ) throws(NaturalGradientError) -> NaturalGradientSolution<Scalar> {
        let n = system.n, columns = n + 1
        let augmented = stackedTriangle(system, augmented: true, chunkRows: chunkRows, foldsDamping: foldsDamping)
        // R (n × n, column-major, zero below the diagonal) from the first n columns of the factor.
        func writeTriangle(into pt: UnsafeMutablePointer<Scalar>) {
            augmented.withUnsafeBufferPointer { pa in
                for j in 0..<n {
                    UnsafeMutableRawPointer(pt + j * n)
                        .copyMemory(from: pa.baseAddress! + j * columns, byteCount: (j + 1) * MemoryLayout<Scalar>.stride)
                    setToZero(pt + j * n + j + 1, count: n - j - 1)
                }
            }
        }
        let scratch = Block<Scalar>(uninitializedRows: n, columns: n)
        writeTriangle(into: scratch.base)
        let (values, fullRank) = try Self.singularValuesAndRank(destroying: scratch.base, n: n, cutoff: cutoff)
        var rhs = Array(augmented[(n * columns)..<(n * columns + n)])
        if fullRank == n {
            // Nothing is cut off: R⁺ = R⁻¹, and w = R⁻¹c as in the QR route.
            augmented.withUnsafeBufferPointer { Self.solveWithTriangle($0.baseAddress!, n: n, lda: columns, .transposed, &rhs) }
            return try finish(rhs, gradient: gradient(), route: .leastSquaresSVD,
                              conditionEstimate: Self.squaredConditionNumber(values, rank: n),
                              effectiveRank: n, singularValues: values)
        }
        var triangle = zeroedBuffer(Scalar.self, count: n * n)
        triangle.withUnsafeMutableBufferPointer { writeTriangle(into: $0.baseAddress!) }
        let (singularValues, rank) = try Self.pseudoInverseSolve(destroying: &triangle, n: n, rhs: &rhs, ldb: n, cutoff: cutoff)
        return try finish(rhs, gradient: gradient(), route: .leastSquaresSVD,
                          conditionEstimate: Self.squaredConditionNumber(singularValues, rank: rank),
                          effectiveRank: rank, singularValues: singularValues)
    }

    /// Wide, from R alone (when S streams or its damping rows are folded in): with R = U Σ Vᵀ,
    /// SᵀS = V Σ² Vᵀ and the minimum-norm solution of Sᵀx = Â_ω is x = S (SᵀS)⁺ Â_ω (A⁺ = Aᵀ(AAᵀ)⁺ for any A), so
    /// z = V_r Σ_r⁻² V_rᵀ Â_ω over the r singular values above the cut-off and w = Ψ_ωᵀ z: the
    /// seminormal equations of the QR route with the pseudo-inverse. To first order the error is
    /// ε ‖S‖ ‖z‖ ≈ κ_r ε ‖w‖, κ_r = σ₁/σ_r, as for applying Q. With nothing cut off that is
    /// z = R⁻¹R⁻ᵀÂ_ω (two triangular solves); otherwise V and Σ come from `gesdd`.
    private func solveWideBySVDOfTriangle(
        _ system: StackedLeastSquares, cutoff: Scalar, chunkRows: Int?, foldsDamping: Bool?
    ) throws(NaturalGradientError) -> NaturalGradientSolution<Scalar> {
        let n = system.n
        var triangle = stackedTriangle(system, augmented: false, chunkRows: chunkRows, foldsDamping: foldsDamping)
        let scratch = Block<Scalar>(uninitializedRows: n, columns: n)
        triangle.withUnsafeBufferPointer {
            UnsafeMutableRawPointer(scratch.base).copyMemory(from: $0.baseAddress!, byteCount: n * n * MemoryLayout<Scalar>.stride)
        }
        let (values, fullRank) = try Self.singularValuesAndRank(destroying: scratch.base, n: n, cutoff: cutoff)
        if fullRank == n {
            // Nothing is cut off: (RᵀR)⁺ = R⁻¹R⁻ᵀ, the QR route's seminormal equations.
            var z = system.rightHandSide
            triangle.withUnsafeBufferPointer { pr in
                Self.solveWithTriangle(pr.baseAddress!, n: n, lda: n, .none, &z)
                Self.solveWithTriangle(pr.baseAddress!, n: n, lda: n, .transposed, &z)
            }
            let (w, g) = productsWithScores(system, z)
            return try finish(w, gradient: g, route: .leastSquaresSVD,
                              conditionEstimate: Self.squaredConditionNumber(values, rank: n),
                              effectiveRank: n, singularValues: values)
        }
        var singularValues = [Scalar](repeating: 0, count: n)
        var left = [Scalar](repeating: 0, count: n * n), rightTransposed = left
        do {
            let info = triangle.withUnsafeMutableBufferPointer { pa in
                singularValues.withUnsafeMutableBufferPointer { ps in
                    left.withUnsafeMutableBufferPointer { pu in
                        rightTransposed.withUnsafeMutableBufferPointer { pv in
                            Scalar.gesdd(m: n, n: n, a: pa.baseAddress!, lda: n, s: ps.baseAddress!, u: pu.baseAddress!,
                                         ldu: n, vt: pv.baseAddress!, ldvt: n)
                        }
                    }
                }
            }
            checkLapackArguments(info, "gesdd")
            if info > 0 { throw .noConvergence(routine: "gesdd", count: info) }
        }
        let rank = Self.rank(of: singularValues, cutoff: cutoff)
        // t = Σ_r⁻² V_rᵀ Â_ω, z = V_r t by two gemv: column-major Vᵀ read row-major is V (n × n),
        // and V_r its first `rank` columns.
        var t = [Scalar](repeating: 0, count: Swift.max(rank, 1)), z = [Scalar](repeating: 0, count: n)
        if rank > 0 {
            rightTransposed.withUnsafeBufferPointer { pv in
                system.rightHandSide.withUnsafeBufferPointer { pb in
                    t.withUnsafeMutableBufferPointer { pt in
                        Scalar.gemv(.transposed, m: n, n: rank, alpha: 1, a: pv.baseAddress!, lda: n, x: pb.baseAddress!,
                                    incx: 1, beta: 0, y: pt.baseAddress!, incy: 1)
                        for i in 0..<rank { pt[i] /= singularValues[i] * singularValues[i] }
                        z.withUnsafeMutableBufferPointer { pz in
                            Scalar.gemv(.none, m: n, n: rank, alpha: 1, a: pv.baseAddress!, lda: n, x: pt.baseAddress!,
                                        incx: 1, beta: 0, y: pz.baseAddress!, incy: 1)
                        }
                    }
                }
            }
        }
        let (w, g) = productsWithScores(system, z)
        return try finish(w, gradient: g, route: .leastSquaresSVD,
                          conditionEstimate: Self.squaredConditionNumber(singularValues, rank: rank),
                          effectiveRank: rank, singularValues: singularValues)
    }

    /// w = Ψ_ωᵀ z (z on the active samples) and g = Ψ_ωᵀ Â_ω from one 2 × B by B × P product (one
    /// pass over Ψ).
    func productsWithScores(_ system: StackedLeastSquares, _ z: [Scalar]) -> (w: [Scalar], g: [Scalar]) {
        let scales = scalesOfSamples, b = sampleCount
        var left = zeroedBuffer(Scalar.self, count: 2 * b)
        for (k, row) in system.active.enumerated() { left[row] = scales[row] * z[k] }
        for row in 0..<b { left[b + row] = scales[row] * scales[row] * advantages[row] }
        let products = scoreProducts(left, rows: 2)
        return (products[0], products[1])
    }

    /// Throws `.invalidHyperparameter` unless 0 ≤ `cutoff` < 1: NaN would cut nothing in one form
    /// and everything in another, a negative value means machine precision to LAPACK, and 1 or
    /// more drops every singular value (w = 0).
    static func validateRelativeCutoff(_ cutoff: Scalar) throws(NaturalGradientError) {
        guard cutoff >= 0, cutoff < 1 else {
            throw .invalidHyperparameter(name: "relativeCutoff", value: Double(cutoff), requirement: "0 ≤ relativeCutoff < 1")
        }
    }

    /// The singular values of the n × n column-major `matrix` (destroyed; callers pass a pooled
    /// `Block`, whose pages are reused between solves), descending, by `HouseholderBidiagonalization`
    /// (values only), and the rank: how many exceed `cutoff` · σ₁.
    /// A non-finite triangle (overflow in the QR) is `.nonFiniteSolution`.
    /// - Complexity: 8n³/3 flops (the bidiagonalisation), then O(n²).
    static func singularValuesAndRank(
        destroying matrix: UnsafeMutablePointer<Scalar>, n: Int, cutoff: Scalar
    ) throws(NaturalGradientError) -> (values: [Scalar], rank: Int) {
        var values = [Scalar](repeating: 0, count: n)
        guard n > 0 else { return (values, 0) }
        let outcome = values.withUnsafeMutableBufferPointer { ps in
            Result { () throws(LinearAlgebraError) in
                try HouseholderBidiagonalization.singularValues(destroying: matrix, rows: n, columns: n,
                                                                leadingDimension: n, into: ps.baseAddress!)
            }
        }
        switch outcome {
        case .success: return (values, rank(of: values, cutoff: cutoff))
        case .failure(.noConvergence(let routine, let count)): throw .noConvergence(routine: routine, count: count)
        default: throw .nonFiniteSolution(route: .leastSquaresSVD)
        }
    }

    /// How many of the descending `values` exceed `cutoff` · σ₁ (`gelsd`'s rule).
    static func rank(of values: [Scalar], cutoff: Scalar) -> Int {
        guard let largest = values.first else { return 0 }
        return values.prefix { $0 > cutoff * largest }.count
    }

    /// x = R⁺ b by `gelsd` on the n × n column-major `matrix` (destroyed): b in `rhs[0..<n]`
    /// (leading dimension `ldb` ≥ n), overwritten by x; returns the singular values and the rank
    /// over `cutoff` · σ₁.
    static func pseudoInverseSolve(
        destroying matrix: inout [Scalar], n: Int, rhs: inout [Scalar], ldb: Int, cutoff: Scalar
    ) throws(NaturalGradientError) -> (values: [Scalar], rank: Int) {
        var values = [Scalar](repeating: 0, count: n)
        var rank = 0
        let info = matrix.withUnsafeMutableBufferPointer { pa in
            rhs.withUnsafeMutableBufferPointer { pb in
                values.withUnsafeMutableBufferPointer { ps in
                    Scalar.gelsd(m: n, n: n, nrhs: 1, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: ldb,
                                 s: ps.baseAddress!, rcond: cutoff, rank: &rank)
                }
            }
        }
        checkLapackArguments(info, "gelsd")
        if info > 0 { throw .noConvergence(routine: "gelsd", count: info) }
        return (values, rank)
    }

    /// x[0..<n] ← op(R)⁻¹ x[0..<n] for the upper triangle R of the column-major `triangle` (leading
    /// dimension `lda`; nothing below its diagonal is read). Read row-major that is the lower Rᵀ:
    /// `.transposed` solves R x = y, `.none` Rᵀ x = y.
    /// - Complexity: n² flops.
    static func solveWithTriangle(
        _ triangle: UnsafePointer<Scalar>, n: Int, lda: Int, _ trans: Transpose, _ x: inout [Scalar]
    ) {
        guard n > 0 else { return }
        x.withUnsafeMutableBufferPointer { px in
            Scalar.trsm(.left, .lower, trans, unitDiagonal: false, m: n, n: 1, alpha: 1, a: triangle, lda: lda,
                        b: px.baseAddress!, ldb: 1)
        }
    }

    /// (σ₁/σ_r)², κ₂ of the normal matrix; ∞ when the rank is 0.
    static func squaredConditionNumber(_ singularValues: [Scalar], rank: Int) -> Scalar {
        guard rank > 0, let largest = singularValues.first else { return .infinity }
        let ratio = largest / singularValues[rank - 1]
        return ratio * ratio
    }

    /// Wide, through Q (S neither streams nor has its damping rows folded in): a copy of S = QR
    /// keeps its Householder vectors; y = (Rᵀ)⁺Â_ω (R⁻ᵀÂ_ω when nothing is cut off, else by
    /// `gelsd` on Rᵀ), then x = Q [y ; 0].
    private func solveWideBySVDThroughQ(
        _ system: StackedLeastSquares, cutoff: Scalar
    ) throws(NaturalGradientError) -> NaturalGradientSolution<Scalar> {
        let m = system.m, n = system.n

        // The stored matrix S (m × n, column-major), from the engine's buffer pool: repeated
        // solves reuse its pages instead of faulting in fresh ones (≈ 2 µs per 4 KiB).
        let stored = Block<Scalar>(uninitializedRows: n, columns: m)
        let a = stored.base
        writeStackedRows(system, augmented: false, 0..<m, into: a, leadingDimension: m)
        var rhs = [Scalar](repeating: 0, count: m)
        for k in system.rightHandSide.indices { rhs[k] = system.rightHandSide[k] }

        // S = Q R by blocked Householder QR with recursive panels (geqrt's format).
        let blockSize = HouseholderTriangle.blockSize(rows: m, columns: n)
        let factors = Block<Scalar>(uninitializedRows: n, columns: blockSize)
        defer { withExtendedLifetime((stored, factors)) {} }   // `a` points into `stored`
        if n > 0 {
            BlockedHouseholderQR.factor(rows: m, columns: n, blockSize: blockSize, a, lda: m, t: factors.base, ldt: blockSize)
        }
        // The SVD of the n × n triangle Rᵀ: the singular values of S, and y = (Rᵀ)⁺Â_ω.
        // Rᵀ column-major is R row-major: the transpose of a's leading n × n block read row-major
        // (row stride m), with the reflectors below R's diagonal cleared.
        func writeTransposedTriangle(into pt: UnsafeMutablePointer<Scalar>) {
            Scalar.transpose(rows: n, columns: n, a, lda: m, into: pt, ldb: n)
            for i in 0..<n { setToZero(pt + i * n, count: i) }
        }
        let scratch = Block<Scalar>(uninitializedRows: n, columns: n)
        if n > 0 { writeTransposedTriangle(into: scratch.base) }
        var (singularValues, rank) = try Self.singularValuesAndRank(destroying: scratch.base, n: n, cutoff: cutoff)
        if n > 0 {
            if rank == n {
                // Nothing is cut off: (Rᵀ)⁺ = R⁻ᵀ, from the factor's R in place (leading dimension m).
                Self.solveWithTriangle(a, n: n, lda: m, .none, &rhs)
            } else {
                var triangle = zeroedBuffer(Scalar.self, count: n * n)
                triangle.withUnsafeMutableBufferPointer { writeTransposedTriangle(into: $0.baseAddress!) }
                (singularValues, rank) = try Self.pseudoInverseSolve(destroying: &triangle, n: n, rhs: &rhs, ldb: m,
                                                                     cutoff: cutoff)
            }
            for i in n..<m { rhs[i] = 0 }
            let applied = rhs.withUnsafeMutableBufferPointer { pb in     // x = Q [y ; 0]
                Scalar.gemqrt(.left, .none, m: m, n: 1, k: n, nb: blockSize, v: a, ldv: m, t: factors.base,
                              ldt: blockSize, c: pb.baseAddress!, ldc: m)
            }
            checkLapackArguments(applied, "gemqrt")
        }
        return try finish(Array(rhs[0..<parameterCount]), gradient: gradient(), route: .leastSquaresSVD,
                          conditionEstimate: Self.squaredConditionNumber(singularValues, rank: rank),
                          effectiveRank: rank, singularValues: singularValues)
    }
}
