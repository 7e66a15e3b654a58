/// How `LSTDQAccumulator.solve(_:)` solves A ϖ = b.
public enum LSTDSolveMethod<Scalar: NACScalar>: Sendable, Equatable {
    /// Minimum-norm least squares by SVD (LAPACK `gelsd`, the pseudo-inverse): singular values
    /// below `relativeCutoff · σ₁` (default N · ε) are dropped. Works from the first transition.
    case leastSquares(relativeCutoff: Scalar? = nil)
    /// (A + ε I) ϖ = b by QR, the "tiny ridge" of practical NAC-LSTD implementations.
    case ridge(Scalar)
    /// ϖ = M b with the Sherman–Morrison inverse M = (A + ε_k I)⁻¹ kept since construction
    /// (requires `trackedInverseRidge`); O(N²).
    case trackedInverse
}

/// The LSTD-Q(λ) statistics of NAC-LSTD (Peters & Schaal 2008; spec §2.2), biased or unbiased
/// (Thomas 2014), accumulated one transition at a time.
///
/// With φ̂_t = [ψ_θ(s_t, a_t) ; φ(s_t)] and φ̃_t = [0 ; φ(s_{t+1})] (0 if s_{t+1} is terminal),
/// N = n + m features ordered **[ψ ; φ]** (w first, then v; P&S put the value features first —
/// the order does not change the solution):
///
///     z ← c · z + f(t) · φ̂_t          c = γλ (default) or λ (`literalTrace`, as printed by P&S/T14)
///     A ← A + z (φ̂_t − γ φ̃_t)ᵀ
///     b ← b + z r_t
///
/// and [w ; v] solves A ϖ = b. f(t) is 1 (biased) or γ^t (unbiased) with t counted from the
/// episode start. Spec PITFALL 2: with λ = 1, γ < 1 the literal c = λ trace does *not* reach the
/// Monte Carlo compatible regression; c = γλ does. z and t restart at every episode end
/// (`end.endsEpisode`, or `resetEpisode()`).
///
/// `forget()` applies the forgetting factor β after an actor update: A ← βA, b ← βb, z ← βz
/// (β = 0 starts afresh).
///
/// With `trackedInverseRidge: ε` the accumulator also keeps M = (A + ε_k I)⁻¹ by Sherman–Morrison
/// (O(N²) per step instead of an O(N³) re-solve): see `ShermanMorrisonInverse` for when that is
/// valid. The implied ridge ε_k starts at ε, is multiplied by β at each `forget()` (M ← M/β) and
/// returns to ε when β = 0 (M ← I/ε).
///
/// **Blocked updates.** Each transition adds the rank-one term z (φ̂ − γφ̃)ᵀ to A (and updates M).
/// Applied one at a time these are memory-bound BLAS-2 passes over N × N matrices; instead the
/// accumulator buffers `blockSize` transitions and applies them together — A ← A + Uᵀ V by one
/// gemm, M by one Woodbury update (`ShermanMorrisonInverse.rankUpdate(u:v:)`, exactly the
/// sequential Sherman–Morrison updates, with the same breakdown test). Nothing observable depends
/// on the buffering: `statistics`, `solve(_:)` and `trackedInverse` include the buffered
/// transitions (at the cost of one N × N × k product when some are pending).
///
/// ```swift
/// var lstd = try LSTDQAccumulator<Double>(parameterCount: n, featureCount: m, discount: 0.99,
///                                         traceDecay: 1, timeWeighting: .unbiased)
/// for transition in episode { try lstd.observe(transition) }
/// let estimate = try lstd.solve()          // estimate.w is the natural-gradient estimate
/// ```
/// - Complexity: amortised 2N² flops per transition for A (6N² more when tracking the inverse),
///   at gemm speed; memory N² (2N² when tracking) plus 2·`blockSize`·N for the buffer.
public struct LSTDQAccumulator<Scalar: NACScalar>: Sendable {
    /// n, the length of ψ_θ.
    public let parameterCount: Int
    /// m, the length of φ.
    public let featureCount: Int
    /// γ ∈ [0, 1].
    public let discount: Scalar
    /// λ ∈ [0, 1].
    public let traceDecay: Scalar
    /// f(t).
    public let timeWeighting: TimeWeighting
    /// Decay the trace by λ (P&S and T14 as printed) instead of γλ.
    public let literalTrace: Bool
    /// β ∈ [0, 1], applied by `forget()`.
    public let forgetting: Scalar
    /// Transitions buffered before they are applied to A (and M) as one block.
    public let blockSize: Int
    /// A, N × N, without the buffered transitions.
    private var appliedStatistics: Matrix<Scalar>
    /// The buffered rows z_j (U) and φ̂_j − γφ̃_j (V), `blockSize` × N each, row-major.
    private var pendingTraces: [Scalar]
    private var pendingDifferences: [Scalar]
    /// How many rows of the buffer are in use.
    private var pendingCount = 0
    /// b, length N.
    public private(set) var target: [Scalar]
    /// z, length N.
    public private(set) var trace: [Scalar]
    /// t, the step index inside the current episode.
    public private(set) var timeStep: Int = 0
    /// Transitions observed since construction.
    public private(set) var transitionCount: Int = 0
    /// The ridge ε_k of the tracked inverse M = (A + ε_k I)⁻¹, or `nil` when not tracking.
    public private(set) var trackedInverseRidge: Scalar?
    private let initialRidge: Scalar?
    private var inverse: ShermanMorrisonInverse<Scalar>?
    private var inverseBreakdown: Scalar?
    private var currentWeight: Scalar = 1

    /// - Parameters:
    ///   - parameterCount: n ≥ 0.
    ///   - featureCount: m ≥ 0.
    ///   - discount: γ ∈ [0, 1].
    ///   - traceDecay: λ ∈ [0, 1].
    ///   - timeWeighting: f(t), default unbiased (γ^t).
    ///   - literalTrace: c = λ instead of γλ.
    ///   - forgetting: β ∈ [0, 1] (default 0: `forget()` resets).
    ///   - trackedInverseRidge: ε > 0 to keep a Sherman–Morrison inverse, `nil` not to.
    ///   - blockSize: transitions buffered per BLAS-3 update, ≥ 1 (1: every transition applied
    ///     at once by ger / Sherman–Morrison). The default, 32, is the measured sweet spot at
    ///     N = 500 (see the natural-gradient benchmark); the results do not depend on it.
    /// - Throws: `.invalidHyperparameter` for any value outside its domain.
    public init(
        parameterCount: Int, featureCount: Int, discount: Scalar, traceDecay: Scalar,
        timeWeighting: TimeWeighting = .unbiased, literalTrace: Bool = false, forgetting: Scalar = 0,
        trackedInverseRidge: Scalar? = nil, blockSize: Int = 32
    ) throws(NaturalGradientError) {
        precondition(parameterCount >= 0 && featureCount >= 0,
                     "LSTDQAccumulator: negative sizes n = \(parameterCount), m = \(featureCount)")
        try requireHyperparameter("discount", discount, in: 0...1)
        try requireHyperparameter("traceDecay", traceDecay, in: 0...1)
        try requireHyperparameter("forgetting", forgetting, in: 0...1)
        guard blockSize >= 1 else { throw .invalidHyperparameter(name: "blockSize", value: Double(blockSize), requirement: "≥ 1") }
        let size = parameterCount + featureCount
        if let trackedInverseRidge {
            inverse = try ShermanMorrisonInverse(order: size, ridge: trackedInverseRidge)
        }
        self.parameterCount = parameterCount
        self.featureCount = featureCount
        self.discount = discount
        self.traceDecay = traceDecay
        self.timeWeighting = timeWeighting
        self.literalTrace = literalTrace
        self.forgetting = forgetting
        self.initialRidge = trackedInverseRidge
        self.trackedInverseRidge = trackedInverseRidge
        self.blockSize = blockSize
        appliedStatistics = .zeros(rows: size, columns: size)
        pendingTraces = Array(repeating: 0, count: blockSize * size)
        pendingDifferences = Array(repeating: 0, count: blockSize * size)
        target = Array(repeating: 0, count: size)
        trace = Array(repeating: 0, count: size)
    }

    /// N = n + m.
    public var size: Int { parameterCount + featureCount }

    /// The trace decay c: γλ, or λ with `literalTrace`.
    public var traceCoefficient: Scalar { literalTrace ? traceDecay : discount * traceDecay }

    /// A, N × N, including the buffered transitions.
    /// - Complexity: O(N²) to copy, plus one N × N × k product when k transitions are buffered.
    public var statistics: Matrix<Scalar> {
        var a = appliedStatistics
        if pendingCount > 0 { Self.addPending(count: pendingCount, traces: pendingTraces, differences: pendingDifferences, to: &a) }
        return a
    }

    /// A x with A including the buffered transitions, U and V their k rows:
    /// A_applied x + Uᵀ (V x), without forming A.
    /// - Precondition: `x.count == size`.
    /// - Complexity: 2N² + 4Nk flops (three gemv); no N × N copy.
    func statisticsProduct(_ x: [Scalar]) -> [Scalar] {
        precondition(x.count == size, "LSTDQAccumulator.statisticsProduct: A is \(size) × \(size) but x has \(x.count) elements")
        var y = appliedStatistics.multiplied(by: x)
        let k = pendingCount, n = size
        guard k > 0, n > 0 else { return y }
        var coefficients = [Scalar](repeating: 0, count: k)
        pendingTraces.withUnsafeBufferPointer { pu in
            pendingDifferences.withUnsafeBufferPointer { pv in
                x.withUnsafeBufferPointer { px in
                    coefficients.withUnsafeMutableBufferPointer { pc in
                        y.withUnsafeMutableBufferPointer { py in
                            Scalar.gemv(.none, m: k, n: n, alpha: 1, a: pv.baseAddress!, lda: n, x: px.baseAddress!,
                                        incx: 1, beta: 0, y: pc.baseAddress!, incy: 1)
                            Scalar.gemv(.transposed, m: k, n: n, alpha: 1, a: pu.baseAddress!, lda: n,
                                        x: pc.baseAddress!, incx: 1, beta: 1, y: py.baseAddress!, incy: 1)
                        }
                    }
                }
            }
        }
        return y
    }

    /// Adds one transition to the statistics (and to the tracked inverse).
    ///
    /// - Throws: `.nonFiniteInput` naming the offending field (the statistics are unchanged).
    ///   A Sherman–Morrison breakdown does not throw here; it makes `.trackedInverse` solves throw.
    /// - Precondition: the transition's sizes are n and m.
    /// - Complexity: O(N) to buffer; every `blockSize` transitions, one N × N × k gemm on A (and
    ///   a Woodbury update of M): amortised 2N² (8N² when tracking) flops per transition.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public mutating func observe(_ transition: CompatibleTransition<Scalar>) throws(NaturalGradientError) {
        precondition(transition.score.count == parameterCount && transition.features.count == featureCount,
                     "LSTDQAccumulator: expected n = \(parameterCount) scores and m = \(featureCount) features, got \(transition.score.count) and \(transition.features.count)")
        try transition.validate()
        let n = parameterCount, m = featureCount, size = self.size
        if size > 0 {
            let row = pendingCount * size
            let c = traceCoefficient, weight = currentWeight, discount = self.discount
            trace.withUnsafeMutableBufferPointer { pz in
                pendingTraces.withUnsafeMutableBufferPointer { pu in
                    pendingDifferences.withUnsafeMutableBufferPointer { pv in
                        let z = pz.baseAddress!, u = pu.baseAddress! + row, d = pv.baseAddress! + row
                        // d = φ̂ − γ φ̃ with φ̂ = [ψ ; φ]; z ← c z + f(t) φ̂.
                        transition.score.withUnsafeBufferPointer { ps in
                            for i in 0..<n { d[i] = ps[i]; z[i] = c * z[i] + weight * ps[i] }
                        }
                        transition.features.withUnsafeBufferPointer { pf in
                            for i in 0..<m { d[n + i] = pf[i]; z[n + i] = c * z[n + i] + weight * pf[i] }
                        }
                        if let next = transition.nextFeatures {
                            next.withUnsafeBufferPointer { pn in
                                for i in 0..<m { d[n + i] -= discount * pn[i] }
                            }
                        }
                        u.update(from: z, count: size)
                    }
                }
            }
            axpy(transition.reward, trace, &target)
            pendingCount += 1
            if pendingCount == blockSize { applyPending() }
        }
        transitionCount += 1
        timeStep += 1
        currentWeight = timeWeighting == .unbiased ? currentWeight * discount : 1
        if transition.end.endsEpisode { resetEpisode() }
    }

    /// Applies the buffered transitions: A ← A + Uᵀ V, and M by one Woodbury update (a breakdown
    /// marks the tracked inverse unavailable).
    private mutating func applyPending() {
        guard pendingCount > 0 else { return }
        Self.addPending(count: pendingCount, traces: pendingTraces, differences: pendingDifferences, to: &appliedStatistics)
        if inverse != nil && inverseBreakdown == nil {
            do throws(NaturalGradientError) {
                try pendingTraces.withUnsafeBufferPointer { (pu) throws(NaturalGradientError) in
                    try pendingDifferences.withUnsafeBufferPointer { (pv) throws(NaturalGradientError) in
                        try inverse!.rankUpdate(count: pendingCount, u: pu.baseAddress, v: pv.baseAddress)
                    }
                }
            } catch {
                if case .trackedInverseUnavailable(let d) = error { inverseBreakdown = Scalar(d ?? .nan) }
            }
        }
        pendingCount = 0
    }

    /// a ← a + Uᵀ V for the first `count` rows of the buffers (one gemm; ger for a single row).
    private static func addPending(count k: Int, traces: [Scalar], differences: [Scalar], to a: inout Matrix<Scalar>) {
        let size = a.rows
        a.withUnsafeMutableBufferPointer { pa in
            traces.withUnsafeBufferPointer { pu in
                differences.withUnsafeBufferPointer { pv in
                    if k == 1 {
                        Scalar.ger(m: size, n: size, alpha: 1, x: pu.baseAddress!, incx: 1,
                                   y: pv.baseAddress!, incy: 1, a: pa.baseAddress!, lda: size)
                    } else {
                        Scalar.gemm(.transposed, .none, m: size, n: size, k: k, alpha: 1,
                                    a: pu.baseAddress!, lda: size, b: pv.baseAddress!, ldb: size,
                                    beta: 1, c: pa.baseAddress!, ldc: size)
                    }
                }
            }
        }
    }

    /// Starts a new episode: z ← 0, t ← 0. Called automatically after a transition whose `end`
    /// finishes the episode.
    public mutating func resetEpisode() {
        trace = Array(repeating: 0, count: size)
        timeStep = 0
        currentWeight = 1
    }

    /// Forgets after an actor update: A ← βA, b ← βb, z ← βz; the tracked inverse follows
    /// (M ← M/β, ridge ← β·ridge; for β = 0, M ← I/ε and the ridge returns to ε).
    public mutating func forget() {
        let beta = forgetting
        if beta > 0 { applyPending() } else { pendingCount = 0 }
        appliedStatistics = appliedStatistics * beta
        scale(&target, by: beta)
        scale(&trace, by: beta)
        guard let initialRidge else { return }
        if beta > 0 {
            inverse?.scale(by: beta)
            trackedInverseRidge = trackedInverseRidge.map { $0 * beta }
        } else {
            inverse = try? ShermanMorrisonInverse(order: size, ridge: initialRidge)
            trackedInverseRidge = initialRidge
            inverseBreakdown = nil
        }
    }

    /// Re-inverts A + ε_k I directly (O(N³), by QR on the identity) to restart Sherman–Morrison
    /// tracking after a breakdown, or to remove accumulated round-off; with `ridge`, ε_k becomes
    /// that value first (for example the initial ε again after forgetting has scaled it by β).
    /// - Throws: `.trackedInverseUnavailable(nil)` when not tracking; `.singularCriticStatistics`;
    ///   `.invalidHyperparameter` unless `ridge` is finite and > 0.
    public mutating func refreshTrackedInverse(ridge newRidge: Scalar? = nil) throws(NaturalGradientError) {
        guard trackedInverseRidge != nil else { throw .trackedInverseUnavailable(denominator: nil) }
        if let newRidge {
            try requirePositive("ridge", newRidge)
            trackedInverseRidge = newRidge
        }
        let ridge = trackedInverseRidge!
        applyPending()
        var shifted = appliedStatistics
        shifted.addToDiagonal(ridge)
        let identity = Matrix<Scalar>.identity(size)
        let inverted: Matrix<Scalar>
        do {
            inverted = try shifted.leastSquares(identity)
        } catch {
            throw Self.map(error)
        }
        inverse = ShermanMorrisonInverse(inverse: inverted)
        inverseBreakdown = nil
    }

    /// Solves A ϖ = b and splits ϖ into [w ; v].
    ///
    /// - Throws: `.singularCriticStatistics` (ridge solve with exactly singular A + εI),
    ///   `.noConvergence` (SVD), `.trackedInverseUnavailable` (not tracking, or broken down),
    ///   `.nonFiniteInput` if the statistics overflowed, `.invalidHyperparameter` for ε ≤ 0 or a
    ///   relative cut-off outside [0, 1).
    /// - Complexity: O(N³) (`.leastSquares`, `.ridge`) or O(N²) (`.trackedInverse`; O(N²k) with k
    ///   transitions buffered, for the Woodbury coupling; A itself is never copied, its residual
    ///   comes from `statisticsProduct`).
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public func solve(
        _ method: LSTDSolveMethod<Scalar> = .leastSquares()
    ) throws(NaturalGradientError) -> CompatibleCriticSolution<Scalar> {
        let varpi: [Scalar]
        var rank: Int? = nil
        // A ϖ for the residual of the system solved (with its ridge).
        let product: ([Scalar]) -> [Scalar]
        switch method {
        case .leastSquares(let cutoff):
            let system = statistics
            do {
                let solution = try system.leastSquaresSVD(Matrix(column: target), relativeCutoff: cutoff)
                varpi = solution.solution.elements
                rank = solution.rank
            } catch {
                throw Self.map(error)
            }
            product = { system.multiplied(by: $0) }
        case .ridge(let epsilon):
            try requirePositive("ridge", epsilon)
            var system = statistics
            system.addToDiagonal(epsilon)
            do {
                varpi = try system.leastSquares(Matrix(column: target)).elements
            } catch {
                throw Self.map(error)
            }
            product = { [system] in system.multiplied(by: $0) }
        case .trackedInverse:
            guard let inverse, inverseBreakdown == nil, let ridge = trackedInverseRidge else {
                throw .trackedInverseUnavailable(denominator: inverseBreakdown.map { Double($0) })
            }
            if pendingCount > 0 {
                varpi = try pendingTraces.withUnsafeBufferPointer { (pu) throws(NaturalGradientError) in
                    try pendingDifferences.withUnsafeBufferPointer { (pv) throws(NaturalGradientError) in
                        try inverse.solve(target, afterUpdating: pendingCount, u: pu.baseAddress, v: pv.baseAddress)
                    }
                }
            } else {
                varpi = inverse.solve(target)
            }
            // (A + εI) ϖ without forming A with its buffered transitions (an N × N copy: it cost
            // more than the solve itself).
            product = { x in
                var y = statisticsProduct(x)
                axpy(ridge, x, &y)
                return y
            }
        }
        try requireFinite("LSTD solution", varpi)
        var residual = product(varpi)
        axpy(-1, target, &residual)
        let bNorm = norm(target)
        return CompatibleCriticSolution(
            w: Array(varpi[0..<parameterCount]), v: Array(varpi[parameterCount...]),
            relativeResidual: bNorm > 0 ? norm(residual) / bNorm : norm(residual), effectiveRank: rank)
    }

    /// A copy whose statistics A and b are replaced by `statistics` and `target` — for example
    /// their sums over the processes of a data-parallel run, so that `solve(_:)` on the copy
    /// solves the pooled system. The trace, time step and counters are kept; a tracked inverse
    /// no longer matches A, so `.trackedInverse` solves on the copy throw
    /// `.trackedInverseUnavailable` until `refreshTrackedInverse()` is called.
    ///
    /// - Precondition: `statistics` is N × N and `target` has N elements.
    /// - Complexity: O(N²) (copies).
    public func replacingStatistics(_ statistics: Matrix<Scalar>, target: [Scalar]) -> LSTDQAccumulator {
        precondition(statistics.rows == size && statistics.columns == size && target.count == size,
                     "LSTDQAccumulator.replacingStatistics: expected A \(size) × \(size) and b \(size), got \(statistics.rows) × \(statistics.columns) and \(target.count)")
        var copy = self
        copy.appliedStatistics = statistics
        copy.pendingCount = 0
        copy.target = target
        if copy.inverse != nil { copy.inverseBreakdown = .nan }
        return copy
    }

    /// The tracked inverse M ≈ (A + ε_k I)⁻¹ (buffered transitions included), if tracking and not
    /// broken down.
    public var trackedInverse: Matrix<Scalar>? {
        guard inverseBreakdown == nil, var inverse else { return nil }
        do {
            try pendingTraces.withUnsafeBufferPointer { (pu) throws(NaturalGradientError) in
                try pendingDifferences.withUnsafeBufferPointer { (pv) throws(NaturalGradientError) in
                    try inverse.rankUpdate(count: pendingCount, u: pu.baseAddress, v: pv.baseAddress)
                }
            }
        } catch {
            return nil
        }
        return inverse.inverse
    }

    /// A linear-algebra failure of a critic's solve as the critic error that says what happened
    /// (`statistics` names the matrix in a non-finite report).
    static func map(_ error: LinearAlgebraError, statistics: String = "LSTD statistics") -> NaturalGradientError {
        switch error {
        case .rankDeficient(let column), .notPositiveDefinite(let column):
            .singularCriticStatistics(column: column)
        case .noConvergence(let routine, let count):
            .noConvergence(routine: routine, count: count)
        case .nonFiniteInput(let argument, let row, _):
            .nonFiniteInput(argument: "\(statistics) (\(argument))", index: row)
        case .invalidArgument(let name, let value, let requirement):
            .invalidHyperparameter(name: name, value: value, requirement: requirement)
        }
    }
}
