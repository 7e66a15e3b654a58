/// A learned state-value baseline V_φ(s) (an `MLPValueFunction`) fitted by Adam to regression
/// targets — the critic of the minibatch natural policy gradients.
///
/// `fit` minimises the mean squared error ½ · mean_b (V_φ(s_b) − y_b)² for `epochs` passes over
/// the data in shuffled minibatches, one Adam step per minibatch. The gradient of a minibatch M
/// is (1/|M|) Σ_b (V_φ(s_b) − y_b) ∇φ V_φ(s_b): one evaluation and one reduced reverse pass.
///
/// Targets are used in a scaled form: V_φ is trained on y / `targetScale`, where the scale is the
/// running root-mean-square of all targets seen so far (at least 1), and read back multiplied by
/// it. This keeps the network's outputs near unit size whatever the return scale (CartPole's
/// discounted returns reach ~100) without changing what V estimates.
public struct ValueBaseline<Scalar: NACScalar>: Sendable {
    /// The network (trained on scaled targets).
    public private(set) var critic: MLPValueFunction<Scalar>
    /// The optimiser state.
    public private(set) var optimizer: AdamOptimizer<Scalar>
    /// Passes over the data per `fit`.
    public var epochs: Int
    /// Samples per Adam step.
    public var minibatchSize: Int
    /// The divisor of the targets (running RMS of targets, ≥ 1).
    public private(set) var targetScale: Scalar = 1
    private var targetSquareSum: Double = 0
    private var targetCount: Double = 0
    private var generator: Xoshiro256StarStar

    public init(critic: MLPValueFunction<Scalar>, learningRate: Scalar, epochs: Int, minibatchSize: Int, seed: UInt64) {
        self.critic = critic
        optimizer = AdamOptimizer(parameterCount: critic.parameterCount, learningRate: learningRate)
        self.epochs = epochs
        self.minibatchSize = minibatchSize
        generator = Xoshiro256StarStar(seed: seed)
    }

    /// V(s_b) for every row of `observations` (B × d).
    public func values(_ observations: Matrix<Scalar>) -> [Scalar] {
        if observations.rows == 0 { return [] }
        var v = critic.values(observations: observations)
        if targetScale != 1 { scale(&v, by: targetScale) }
        return v
    }

    /// Fits V to `targets` (one per row of `observations`).
    /// - Returns: the mean squared error ½ mean (V − y)² (unscaled) before the fit.
    @discardableResult
    public mutating func fit(observations: Matrix<Scalar>, targets: [Scalar]) -> Scalar {
        precondition(observations.rows == targets.count,
                     "ValueBaseline.fit: \(observations.rows) observations for \(targets.count) targets")
        let b = targets.count
        guard b > 0 else { return 0 }
        let before = values(observations)
        var loss: Scalar = 0
        for i in 0..<b { let e = before[i] - targets[i]; loss += e * e }
        loss /= 2 * Scalar(b)
        for y in targets { targetSquareSum += Double(y) * Double(y) }
        targetCount += Double(b)
        targetScale = Scalar(max(1, (targetSquareSum / targetCount).squareRoot()))
        let scaled = targets.map { $0 / targetScale }
        let m = min(minibatchSize, b)
        var order = Array(0..<b)
        let d = observations.columns
        for _ in 0..<epochs {
            order.shuffle(using: &generator)
            var start = 0
            while start < b {
                let end = min(start + m, b)
                let count = end - start
                var x = [Scalar](repeating: 0, count: count * d)
                var y = [Scalar](repeating: 0, count: count)
                observations.withUnsafeBufferPointer { src in
                    for r in 0..<count {
                        let s = order[start + r]
                        for j in 0..<d { x[r * d + j] = src[s * d + j] }
                        y[r] = scaled[s]
                    }
                }
                let batch = Matrix(rows: count, columns: d, elements: x)
                // ½ Σ (V − y)² / count: one forward and one reverse pass.
                let g = critic.valuesAndGradient(observations: batch) { v in
                    (0..<count).map { (v[$0] - y[$0]) / Scalar(count) }
                }.gradient
                var theta = critic.parameters
                optimizer.step(&theta, gradient: g)
                critic.parameters = theta
                start = end
            }
        }
        return loss
    }
}

/// GAE(γ, λ) advantages and λ-returns of a rollout under a value baseline: V(s_t) for every
/// stored step and V(s_{t+1}) for the bootstrap observations in one batched evaluation each,
/// then `generalizedAdvantageEstimate` over each copy's run of the copy-major buffer.
func estimateAdvantages<Scalar: NACScalar>(
    _ rollout: Rollout<Scalar>, baseline: ValueBaseline<Scalar>, discount: Scalar, lambda: Scalar, iteration: Int
) throws(TrainingError) -> GeneralizedAdvantageEstimate<Scalar> {
    let values = baseline.values(rollout.observations)
    try requireTrainingFinite("value estimates", values, iteration: iteration)
    let bootstrapValues = baseline.values(rollout.bootstrapObservations)
    try requireTrainingFinite("value estimates", bootstrapValues, iteration: iteration)
    let next = rollout.nextValues(values: values, bootstrapValues: bootstrapValues)
    // One GAE pass per copy: a copy's last step is `.continuing` (its episode goes on into the
    // next rollout), which GAE bootstraps only on a buffer's last step — so each copy's run is
    // its own buffer, and no advantage leaks from one copy into the previous one.
    var estimate = GeneralizedAdvantageEstimate<Scalar>(temporalDifferences: [], advantages: [], lambdaReturns: [])
    let t = rollout.stepsPerCopy
    for copy in 0..<rollout.copies {
        let range = (copy * t)..<((copy + 1) * t)
        do {
            let part = try generalizedAdvantageEstimate(
                rewards: Array(rollout.rewards[range]), values: Array(values[range]), nextValues: Array(next[range]),
                ends: Array(rollout.ends[range]), discount: discount, lambda: lambda)
            estimate.temporalDifferences += part.temporalDifferences
            estimate.advantages += part.advantages
            estimate.lambdaReturns += part.lambdaReturns
        } catch {
            if case .nonFiniteInput(let argument, _) = error { throw .nonFinite(quantity: argument, iteration: iteration) }
            throw .naturalGradient(error)
        }
    }
    try requireTrainingFinite("advantages", estimate.advantages, iteration: iteration)
    return estimate
}

/// (x − mean x) / (std x + 1e-8): advantages normalised to mean 0 and standard deviation 1.
func normalized<Scalar: NACScalar>(_ x: [Scalar]) -> [Scalar] {
    guard x.count > 1 else { return x.map { _ in 0 } }
    let n = Scalar(x.count)
    let mean = x.reduce(0, +) / n
    var variance: Scalar = 0
    for v in x { variance += (v - mean) * (v - mean) }
    let std = (variance / n).squareRoot()
    let inverse = 1 / (std + Scalar(1e-8))
    return x.map { ($0 - mean) * inverse }
}
