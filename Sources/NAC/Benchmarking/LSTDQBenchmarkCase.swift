/// The inputs of the LSTD-Q(λ) timing of `nac bench natural-gradient`: a pool of seeded random
/// transitions cycled through by `LSTDQAccumulator.observe`, and the accumulators that are timed.
///
/// Defaults (issue 5): n = 400 policy parameters and m = 100 baseline features, so N = 500
/// features; γ = 0.99, λ = 0.9 (the default γλ trace, unbiased f(t) = γ^t); 64 transitions, each
/// with ψ, φ(s), φ(s′) ~ N(0, 1) entries, r ~ N(0, 1) and no episode end (the trace never
/// restarts). An observation costs O(N²) — one rank-one update of the N × N statistics A, and
/// with a tracked inverse two gemv and another rank-one update — whatever the values.
public struct LSTDQBenchmarkCase<Scalar: NACScalar>: Sendable {
    /// n, the length of ψ.
    public let parameterCount: Int
    /// m, the length of φ.
    public let featureCount: Int
    /// γ.
    public let discount: Scalar
    /// λ.
    public let traceDecay: Scalar
    /// The transitions, observed in turn (transition i mod count at step i).
    public let transitions: [CompatibleTransition<Scalar>]

    /// The seed used by `nac bench natural-gradient`.
    public static var defaultSeed: UInt64 { 20240607 }

    /// - Precondition: n, m ≥ 1 and at least one transition; γ, λ ∈ [0, 1].
    public init(
        parameterCount: Int = 400, featureCount: Int = 100, discount: Scalar = 0.99, traceDecay: Scalar = 0.9,
        transitionCount: Int = 64, seed: UInt64 = defaultSeed
    ) {
        precondition(parameterCount >= 1 && featureCount >= 1 && transitionCount >= 1,
                     "LSTDQBenchmarkCase: n = \(parameterCount), m = \(featureCount), \(transitionCount) transitions")
        var g = Xoshiro256StarStar(seed: seed)
        func draw(_ count: Int) -> [Scalar] { (0..<count).map { _ in g.normal(Scalar.self) } }
        var pool = [CompatibleTransition<Scalar>]()
        for _ in 0..<transitionCount {
            let score = draw(parameterCount), features = draw(featureCount)
            let reward = g.normal(Scalar.self)
            pool.append(CompatibleTransition(score: score, features: features, reward: reward,
                                             nextFeatures: draw(featureCount), end: .continuing))
        }
        self.parameterCount = parameterCount
        self.featureCount = featureCount
        self.discount = discount
        self.traceDecay = traceDecay
        transitions = pool
    }

    /// N = n + m.
    public var size: Int { parameterCount + featureCount }

    /// A fresh accumulator: statistics only (`trackedInverseRidge == nil`), or also keeping the
    /// Sherman–Morrison inverse (A + εI)⁻¹ with ε = `trackedInverseRidge`.
    /// - Precondition: the ridge, if any, is finite and > 0.
    public func makeAccumulator(trackedInverseRidge: Scalar? = nil) -> LSTDQAccumulator<Scalar> {
        do {
            return try LSTDQAccumulator<Scalar>(parameterCount: parameterCount, featureCount: featureCount,
                                                discount: discount, traceDecay: traceDecay,
                                                trackedInverseRidge: trackedInverseRidge)
        } catch {
            preconditionFailure("LSTDQBenchmarkCase: \(error)")
        }
    }

    /// `steps` observations, step i observing transition i mod (pool size).
    public func observe(steps: Int, into accumulator: inout LSTDQAccumulator<Scalar>) {
        let count = transitions.count
        for i in 0..<steps {
            do {
                try accumulator.observe(transitions[i % count])
            } catch {
                preconditionFailure("LSTDQBenchmarkCase: finite transition refused: \(error)")
            }
        }
    }
}
