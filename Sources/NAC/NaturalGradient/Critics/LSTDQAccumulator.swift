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
/// ```swift
/// var lstd = try LSTDQAccumulator<Double>(parameterCount: n, featureCount: m, discount: 0.99,
///                                         traceDecay: 1, timeWeighting: .unbiased)
/// for transition in episode { try lstd.observe(transition) }
/// let estimate = try lstd.solve()          // estimate.w is the natural-gradient estimate
/// ```
/// - Complexity: O(N²) per transition (ger; plus 2 gemv when tracking the inverse), memory N².
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
    /// A, N × N.
    public private(set) var statistics: Matrix<Scalar>
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
    /// - Throws: `.invalidHyperparameter` for any value outside its domain.
    public init(
        parameterCount: Int, featureCount: Int, discount: Scalar, traceDecay: Scalar,
        timeWeighting: TimeWeighting = .unbiased, literalTrace: Bool = false, forgetting: Scalar = 0,
        trackedInverseRidge: Scalar? = nil
    ) throws(NaturalGradientError) {
        precondition(parameterCount >= 0 && featureCount >= 0,
                     "LSTDQAccumulator: negative sizes n = \(parameterCount), m = \(featureCount)")
        try requireHyperparameter("discount", discount, in: 0...1)
        try requireHyperparameter("traceDecay", traceDecay, in: 0...1)
        try requireHyperparameter("forgetting", forgetting, in: 0...1)
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
        statistics = .zeros(rows: size, columns: size)
        target = Array(repeating: 0, count: size)
        trace = Array(repeating: 0, count: size)
    }

    /// N = n + m.
    public var size: Int { parameterCount + featureCount }

    /// The trace decay c: γλ, or λ with `literalTrace`.
    public var traceCoefficient: Scalar { literalTrace ? traceDecay : discount * traceDecay }

    /// Adds one transition to the statistics (and to the tracked inverse).
    ///
    /// - Throws: `.nonFiniteInput` naming the offending field (the statistics are unchanged).
    ///   A Sherman–Morrison breakdown does not throw here; it makes `.trackedInverse` solves throw.
    /// - Precondition: the transition's sizes are n and m.
    /// - Complexity: O(N²).
    public mutating func observe(_ transition: CompatibleTransition<Scalar>) throws(NaturalGradientError) {
        precondition(transition.score.count == parameterCount && transition.features.count == featureCount,
                     "LSTDQAccumulator: expected n = \(parameterCount) scores and m = \(featureCount) features, got \(transition.score.count) and \(transition.features.count)")
        try transition.validate()
        let n = parameterCount, size = self.size
        let phiHat = transition.score + transition.features
        var difference = phiHat                                   // φ̂ − γ φ̃
        if let next = transition.nextFeatures, featureCount > 0 {
            difference.withUnsafeMutableBufferPointer { pd in
                next.withUnsafeBufferPointer { pn in
                    Scalar.axpy(n: featureCount, alpha: -discount, x: pn.baseAddress!, incx: 1,
                                y: pd.baseAddress! + n, incy: 1)
                }
            }
        }
        scale(&trace, by: traceCoefficient)
        axpy(currentWeight, phiHat, &trace)
        if size > 0 {
            statistics.withUnsafeMutableBufferPointer { pa in
                trace.withUnsafeBufferPointer { pz in
                    difference.withUnsafeBufferPointer { pd in
                        Scalar.ger(m: size, n: size, alpha: 1, x: pz.baseAddress!, incx: 1,
                                   y: pd.baseAddress!, incy: 1, a: pa.baseAddress!, lda: size)
                    }
                }
            }
        }
        axpy(transition.reward, trace, &target)
        if inverse != nil && inverseBreakdown == nil {
            do throws(NaturalGradientError) {
                try inverse!.rankOneUpdate(u: trace, v: difference)
            } catch {
                if case .trackedInverseUnavailable(let d) = error { inverseBreakdown = Scalar(d ?? .nan) }
            }
        }
        transitionCount += 1
        timeStep += 1
        currentWeight = timeWeighting == .unbiased ? currentWeight * discount : 1
        if transition.end.endsEpisode { resetEpisode() }
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
        statistics = statistics * beta
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
    /// tracking after a breakdown, or to remove accumulated round-off.
    /// - Throws: `.trackedInverseUnavailable(nil)` when not tracking; `.singularCriticStatistics`.
    public mutating func refreshTrackedInverse() throws(NaturalGradientError) {
        guard let ridge = trackedInverseRidge else { throw .trackedInverseUnavailable(denominator: nil) }
        var shifted = statistics
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
    ///   `.nonFiniteInput` if the statistics overflowed, `.invalidHyperparameter` for ε ≤ 0.
    /// - Complexity: O(N³) (`.leastSquares`, `.ridge`) or O(N²) (`.trackedInverse`).
    public func solve(
        _ method: LSTDSolveMethod<Scalar> = .leastSquares()
    ) throws(NaturalGradientError) -> CompatibleCriticSolution<Scalar> {
        let varpi: [Scalar]
        var rank: Int? = nil
        var system = statistics
        switch method {
        case .leastSquares(let cutoff):
            do {
                let solution = try statistics.leastSquaresSVD(Matrix(column: target), relativeCutoff: cutoff)
                varpi = solution.solution.elements
                rank = solution.rank
            } catch {
                throw Self.map(error)
            }
        case .ridge(let epsilon):
            try requirePositive("ridge", epsilon)
            system.addToDiagonal(epsilon)
            do {
                varpi = try system.leastSquares(Matrix(column: target)).elements
            } catch {
                throw Self.map(error)
            }
        case .trackedInverse:
            guard let inverse, inverseBreakdown == nil, let ridge = trackedInverseRidge else {
                throw .trackedInverseUnavailable(denominator: inverseBreakdown.map { Double($0) })
            }
            varpi = inverse.solve(target)
            system.addToDiagonal(ridge)
        }
        try requireFinite("LSTD solution", varpi)
        var residual = system.multiplied(by: varpi)
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
        copy.statistics = statistics
        copy.target = target
        if copy.inverse != nil { copy.inverseBreakdown = .nan }
        return copy
    }

    /// The tracked inverse M ≈ (A + ε_k I)⁻¹, if tracking and not broken down.
    public var trackedInverse: Matrix<Scalar>? {
        inverseBreakdown == nil ? inverse?.inverse : nil
    }

    private static func map(_ error: LinearAlgebraError) -> NaturalGradientError {
        switch error {
        case .rankDeficient(let column), .notPositiveDefinite(let column):
            .singularCriticStatistics(column: column)
        case .noConvergence(let routine, let count):
            .noConvergence(routine: routine, count: count)
        case .nonFiniteInput(let argument, let row, _):
            .nonFiniteInput(argument: "LSTD statistics (\(argument))", index: row)
        }
    }
}
