/// The damped, weighted Fisher system F w = g of a minibatch of score functions — the input of
/// every natural-gradient route.
///
/// Given the B × P score matrix Ψ (row b is ψ_b = ∇θ log π(a_b | s_b), rows are samples), the
/// advantages Â (length B) and per-sample weights ω ≥ 0 (default all 1):
///
///     F = Σ_b ω_b ψ_b ψ_bᵀ / Σ_b ω_b + λ I        (P × P)
///     g = Σ_b ω_b ψ_b Â_b / Σ_b ω_b               (P)
///     w = F⁻¹ g                                    (the natural gradient)
///
/// With all weights 1 this is the convention of `workloads.json`: F = ΨᵀΨ/B + λI, g = ΨᵀÂ/B.
/// The weights carry f(t) = γ^t for the unbiased estimators of Thomas (2014) (see
/// `TimeWeighting`); their overall scale does not matter, only ratios.
///
/// Writing d_b = √(ω_b / Σω), Ψ_ω = diag(d) Ψ and Â_ω = d ⊙ Â, the system is the normal equation
/// of the damped compatible regression
///
///     min_w Σ_b ω_b (ψ_bᵀ w − Â_b)² / Σω + λ ‖w‖²  =  min_w ‖Ψ_ω w − Â_ω‖² + λ ‖w‖²,
///
/// F = Ψ_ωᵀ Ψ_ω + λI and g = Ψ_ωᵀ Â_ω, which is what the least-squares and kernel routes use.
///
/// ```swift
/// let system = try FisherSystem(scores: psi, advantages: advantages, damping: 1e-3)
/// let solution = try system.solve()          // picks a route by shape, falls back safely
/// print(solution.w, solution.diagnostics.route, solution.diagnostics.relativeResidual)
/// ```
///
/// Routes: `solveExplicitFisher()`, `solveLeastSquares(_:)`, `solveKernel()`,
/// `solveConjugateGradient(options:)` and the automatic `solve(options:)`. Each returns a
/// `NaturalGradientSolution` with diagnostics, and none copies Ψ except the least-squares
/// routes (LAPACK overwrites its operand) and the weighted explicit route (one block of at most
/// 256 rows at a time).
public struct FisherSystem<Scalar: NACScalar>: Sendable {
    /// Ψ, B × P: row b is the score ψ_b.
    public let scores: Matrix<Scalar>
    /// Â, length B.
    public let advantages: [Scalar]
    /// ω, length B, or `nil` for uniform weights.
    public let weights: [Scalar]?
    /// The damping λ ≥ 0.
    public let damping: Scalar
    /// Σ_b ω_b (B for uniform weights).
    public let totalWeight: Scalar
    /// d_b = √(ω_b / Σω) for every sample, or `nil` when all weights are equal (then d_b = 1/√B).
    @usableFromInline let sampleScales: [Scalar]?

    /// Validates and stores the system.
    ///
    /// - Parameters:
    ///   - scores: Ψ, B × P, rows are samples.
    ///   - advantages: Â, length B.
    ///   - weights: ω ≥ 0, length B, not all zero; `nil` means all 1.
    ///   - damping: λ ≥ 0.
    /// - Throws: `.emptyBatch`; `.nonFiniteScore(sample:parameter:)`, `.nonFiniteAdvantage`,
    ///   `.nonFiniteWeight`, `.negativeWeight`, `.zeroTotalWeight`, `.invalidDamping`.
    /// - Precondition: `advantages.count == scores.rows` and `weights?.count == scores.rows`.
    /// - Complexity: one pass over Ψ (finiteness check).
    public init(
        scores: Matrix<Scalar>, advantages: [Scalar], weights: [Scalar]? = nil, damping: Scalar
    ) throws(NaturalGradientError) {
        precondition(advantages.count == scores.rows,
                     "FisherSystem: scores are \(scores.rows) × \(scores.columns) but advantages have \(advantages.count) elements")
        if let weights {
            precondition(weights.count == scores.rows,
                         "FisherSystem: scores are \(scores.rows) × \(scores.columns) but weights have \(weights.count) elements")
        }
        guard scores.rows > 0, scores.columns > 0 else { throw .emptyBatch }
        guard damping.isFinite, damping >= 0 else { throw .invalidDamping(Double(damping)) }
        let columns = scores.columns
        let badScore = scores.withUnsafeBufferPointer { Scalar.firstNonFinite($0.baseAddress!, count: $0.count) }
        if let i = badScore { throw .nonFiniteScore(sample: i / columns, parameter: i % columns) }
        let badAdvantage = advantages.withUnsafeBufferPointer {
            Scalar.firstNonFinite($0.baseAddress!, count: $0.count)
        }
        if let b = badAdvantage { throw .nonFiniteAdvantage(sample: b) }

        var scales: [Scalar]? = nil
        var total = Scalar(scores.rows)
        if let weights {
            let bad = weights.withUnsafeBufferPointer { Scalar.firstNonFinite($0.baseAddress!, count: $0.count) }
            if let b = bad { throw .nonFiniteWeight(sample: b) }
            let negative = weights.withUnsafeBufferPointer { Scalar.indexOfFirstNegative($0.baseAddress!, count: $0.count) }
            if let b = negative { throw .negativeWeight(sample: b, value: Double(weights[b])) }
            total = weights.reduce(0, +)
            guard total > 0 else { throw .zeroTotalWeight }
            guard total.isFinite else {
                throw .invalidHyperparameter(name: "Σ weights", value: Double(total), requirement: "must be finite")
            }
            let first = weights[0]
            if !weights.allSatisfy({ $0 == first }) {
                scales = weights.map { ($0 / total).squareRoot() }
            }
        }
        self.scores = scores
        self.advantages = advantages
        self.weights = weights
        self.damping = damping
        self.totalWeight = total
        self.sampleScales = scales
    }

    /// B, the number of samples.
    public var sampleCount: Int { scores.rows }

    /// P, the number of parameters (the order of F).
    public var parameterCount: Int { scores.columns }

    /// The same system with damping `newDamping` (validated by the caller).
    func withDamping(_ newDamping: Scalar) -> FisherSystem {
        FisherSystem(unchecked: self, damping: newDamping)
    }

    private init(unchecked other: FisherSystem, damping: Scalar) {
        scores = other.scores
        advantages = other.advantages
        weights = other.weights
        self.damping = damping
        totalWeight = other.totalWeight
        sampleScales = other.sampleScales
    }

    /// d_b = √(ω_b / Σω) for every sample (1/√B for uniform weights).
    var scalesOfSamples: [Scalar] {
        sampleScales ?? Array(repeating: (1 / Scalar(sampleCount)).squareRoot(), count: sampleCount)
    }

    /// Whether some sample has weight exactly zero.
    var hasInactiveSamples: Bool { sampleScales?.contains(0) ?? false }

    // MARK: Products

    /// The right-hand side g = Σ_b ω_b ψ_b Â_b / Σω = Ψ_ωᵀ Â_ω (the vanilla policy gradient).
    /// - Complexity: one gemv, 2BP flops.
    public func gradient() -> [Scalar] {
        let coefficients: [Scalar]
        if let s = sampleScales {
            // ω_b Â_b / Σω = d_b² Â_b
            coefficients = zip(s, advantages).map { $0 * $0 * $1 }
        } else {
            let inverse = 1 / Scalar(sampleCount)
            coefficients = advantages.map { $0 * inverse }
        }
        return scores.multiplied(by: coefficients, .transposed)
    }

    /// The Fisher-vector product F v = Ψᵀ(ω ⊙ (Ψ v))/Σω + λ v, matrix-free (two gemv); with
    /// `includingDamping == false` the λ v term is left out.
    /// - Precondition: `v.count == parameterCount`.
    /// - Complexity: 4BP flops.
    public func fisherVectorProduct(_ v: [Scalar], includingDamping: Bool = true) -> [Scalar] {
        precondition(v.count == parameterCount,
                     "FisherSystem.fisherVectorProduct: F is \(parameterCount) × \(parameterCount) but v has \(v.count) elements")
        var u = scores.multiplied(by: v)
        u.withUnsafeMutableBufferPointer { pu in
            if let s = sampleScales {
                s.withUnsafeBufferPointer { ps in
                    // ω_b/Σω = d_b²
                    Scalar.multiplyElementwise(pu.baseAddress!, ps.baseAddress!, count: pu.count, into: pu.baseAddress!)
                    Scalar.multiplyElementwise(pu.baseAddress!, ps.baseAddress!, count: pu.count, into: pu.baseAddress!)
                }
            } else {
                Scalar.scal(n: pu.count, alpha: 1 / Scalar(sampleCount), x: pu.baseAddress!, incx: 1)
            }
        }
        var y = includingDamping ? v : [Scalar](repeating: 0, count: v.count)
        if includingDamping && damping != 1 { scale(&y, by: damping) }
        let b = sampleCount, p = parameterCount
        scores.withUnsafeBufferPointer { a in
            u.withUnsafeBufferPointer { pu in
                y.withUnsafeMutableBufferPointer { py in
                    Scalar.gemv(.transposed, m: b, n: p, alpha: 1, a: a.baseAddress!, lda: p,
                                x: pu.baseAddress!, incx: 1, beta: 1, y: py.baseAddress!, incy: 1)
                }
            }
        }
        return y
    }

    /// ‖F w − g‖ / ‖g‖ (or ‖F w‖ when g = 0), by one matrix-free Fisher-vector product.
    /// - Complexity: 4BP flops.
    public func relativeResidual(of w: [Scalar], gradient g: [Scalar]) -> Scalar {
        var r = fisherVectorProduct(w)
        axpy(-1, g, &r)
        let gNorm = norm(g)
        return gNorm > 0 ? norm(r) / gNorm : norm(r)
    }

    /// F as an explicit, fully symmetric P × P matrix (for inspection and tests; the explicit
    /// route factorises the same buffer without symmetrising it).
    /// - Complexity: BP² flops (syrk) and P² memory.
    public func fisherMatrix() -> Matrix<Scalar> {
        let p = parameterCount
        var f = formFisherUpperRowMajor()
        f.withUnsafeMutableBufferPointer { Scalar.symmetrize(.upper, n: p, $0.baseAddress!, lda: p) }
        return Matrix(rows: p, columns: p, elements: f)
    }

    /// The P × P buffer whose row-major **upper** triangle (= column-major lower triangle) holds
    /// F, damping included; the other triangle is zero.
    ///
    /// Uniform weights: one syrk on Ψ itself (no copy). Weighted: rows with ω_b > 0 are copied
    /// in blocks of at most 256, each row scaled by d_b = √(ω_b/Σω) (a 256 × P scratch buffer,
    /// never a B × P copy), and each block is added by syrk.
    /// - Complexity: BP² flops; P² + min(B, 256)·P memory.
    func formFisherUpperRowMajor() -> [Scalar] {
        let b = sampleCount, p = parameterCount
        var f = zeroedBuffer(Scalar.self, count: p * p)
        scores.withUnsafeBufferPointer { a in
            f.withUnsafeMutableBufferPointer { pf in
                guard let scales = sampleScales else {
                    Scalar.syrk(.upper, .transposed, n: p, k: b, alpha: 1 / Scalar(b), a: a.baseAddress!, lda: p,
                                beta: 0, c: pf.baseAddress!, ldc: p)
                    return
                }
                let blockRows = Swift.min(b, 256)
                let block = UnsafeMutablePointer<Scalar>.allocate(capacity: blockRows * p)
                defer { block.deallocate() }
                var filled = 0
                func flush() {
                    guard filled > 0 else { return }
                    Scalar.syrk(.upper, .transposed, n: p, k: filled, alpha: 1, a: block, lda: p,
                                beta: 1, c: pf.baseAddress!, ldc: p)
                    filled = 0
                }
                for row in 0..<b where scales[row] > 0 {
                    let destination = block + filled * p
                    destination.initialize(from: a.baseAddress! + row * p, count: p)
                    Scalar.scal(n: p, alpha: scales[row], x: destination, incx: 1)
                    filled += 1
                    if filled == blockRows { flush() }
                }
                flush()
            }
        }
        addToDiagonal(&f, n: p, damping)
        return f
    }

    /// tr(F)/P: the mean eigenvalue of F, a natural scale for damping.
    /// - Complexity: one nrm2 per sample, 2BP flops.
    func meanFisherEigenvalue() -> Scalar {
        let b = sampleCount, p = parameterCount
        let scales = scalesOfSamples
        var trace: Scalar = 0
        scores.withUnsafeBufferPointer { a in
            for row in 0..<b {
                let n = Scalar.nrm2(n: p, x: a.baseAddress! + row * p, incx: 1)
                trace += scales[row] * scales[row] * n * n
            }
        }
        return trace / Scalar(p) + damping
    }

    /// Checks that `w` is finite and packages it with its diagnostics.
    func finish(
        _ w: [Scalar], gradient g: [Scalar], route: FisherSolveRoute, conditionEstimate: Scalar? = nil,
        effectiveRank: Int? = nil, singularValues: [Scalar] = [], relativeResidual knownResidual: Scalar? = nil
    ) throws(NaturalGradientError) -> NaturalGradientSolution<Scalar> {
        let bad = w.withUnsafeBufferPointer { Scalar.firstNonFinite($0.baseAddress!, count: $0.count) }
        guard bad == nil else { throw .nonFiniteSolution(route: route) }
        let diagnostics = FisherSolveDiagnostics(
            route: route, damping: damping, relativeResidual: knownResidual ?? relativeResidual(of: w, gradient: g),
            conditionEstimate: conditionEstimate, effectiveRank: effectiveRank, singularValues: singularValues)
        return NaturalGradientSolution(w: w, gradient: g, diagnostics: diagnostics)
    }
}

extension FisherSystem {
    /// The k × P product L Ψ for the row-major k × B `left` (k a handful), as k rows of P, in one
    /// pass over Ψ (`fewRowsProduct`; gemm would pack Ψ first, about 2.3 passes at W3's P).
    func scoreProducts(_ left: [Scalar], rows k: Int) -> [[Scalar]] {
        let b = sampleCount, p = parameterCount
        precondition(left.count == k * b, "FisherSystem.scoreProducts: \(left.count) coefficients for \(k) × \(b)")
        var products = zeroedBuffer(Scalar.self, count: k * p)
        scores.withUnsafeBufferPointer { a in
            left.withUnsafeBufferPointer { pl in
                products.withUnsafeMutableBufferPointer { pp in
                    Scalar.fewRowsProduct(pl.baseAddress!, rows: k, a.baseAddress!, rows: b, columns: p,
                                          aRowStride: p, into: pp.baseAddress!)
                }
            }
        }
        return (0..<k).map { Array(products[($0 * p)..<(($0 + 1) * p)]) }
    }
}

/// A `count`-element array of zeros, written by one raw memset (IEEE zero is all-zero bits) —
/// `Array(repeating:count:)` runs an unspecialised per-element loop in generic code.
func zeroedBuffer<Scalar: NACScalar>(_: Scalar.Type, count: Int) -> [Scalar] {
    Array(unsafeUninitializedCapacity: count) { buffer, initialized in
        if let base = buffer.baseAddress, count > 0 {
            UnsafeMutableRawPointer(base).initializeMemory(
                as: UInt8.self, repeating: 0, count: count * MemoryLayout<Scalar>.stride)
        }
        initialized = count
    }
}

/// Sets `count` scalars at `pointer` to zero by one raw memset. In unspecialised generic code
/// `update(repeating:count:)` assigns element by element through the witness table.
func setToZero<Scalar: NACScalar>(_ pointer: UnsafeMutablePointer<Scalar>, count: Int) {
    guard count > 0 else { return }
    UnsafeMutableRawPointer(pointer).initializeMemory(as: UInt8.self, repeating: 0, count: count * MemoryLayout<Scalar>.stride)
}

/// Adds `value` to the diagonal of the n × n buffer `a` (leading dimension n).
func addToDiagonal<Scalar: NACScalar>(_ a: inout [Scalar], n: Int, _ value: Scalar) {
    guard value != 0 else { return }
    a.withUnsafeMutableBufferPointer { p in for i in 0..<n { p[i * (n + 1)] += value } }
}
