import NAC

/// Example 5 — per-sample scores in an actor-critic loop: a replay-buffer natural actor-critic
/// on CartPole, with every minibatch's score matrix computed twice, by one batched engine call
/// and by a loop of one-sample calls (what frameworks without batched per-sample gradients do),
/// both timed; the two matrices are compared and the speed-up reported.
///
/// Each iteration:
/// 1. acts for `stepsPerIteration` steps with π_θ (softmax over MLP logits) and stores every
///    finished episode's transitions (s_t, a_t, G_t), G_t = Σ_k γ^k r_{t+k}, in a FIFO buffer;
/// 2. draws a minibatch of B stored transitions and sets Â = (G − mean G)/std G (a minibatch
///    baseline; the buffer spans a few policies, used without importance correction);
/// 3. computes Ψ (B × P, ψ_b = ∇θ log π(a_b | s_b)) — batched and looped;
/// 4. solves the compatible regression (ΨᵀΨ/B + λI) w = ΨᵀÂ/B (`FisherSystem`) and steps
///    θ ← θ + η w with η = √(2δ / wᵀFw), a KL trust region of size δ.
///
/// Kept minimal on purpose (no importance weights, no value network, a fixed δ), it learns —
/// mean returns of several hundred within 10–20 iterations — but oscillates afterwards;
/// `nac train cartpole --algorithm npg-replay` is the complete variant.
public enum ReplayNaturalActorCriticExample {
    public struct Configuration: Sendable {
        public var iterations = 40
        public var stepsPerIteration = 512
        public var minibatchSize = 512
        public var bufferCapacity = 2048
        public var discount = 0.99
        public var trustRegion = 0.01
        public var damping = 1e-3
        public var hiddenLayers = [32]
        public var seed: UInt64 = 0
        public init() {}
    }

    public struct Result: Sendable {
        /// Mean undiscounted return of the episodes finished in each iteration.
        public var meanReturns: [Double]
        /// Total time spent computing minibatch scores by one batched call per minibatch.
        public var batchedScoringSeconds: Double
        /// Total time spent computing the same scores by one engine call per sample.
        public var perSampleScoringSeconds: Double
        /// The largest |Ψ_batched − Ψ_looped| over all minibatches.
        public var largestScoreDifference: Double
        public var environmentSteps: Int
        public var speedUp: Double { perSampleScoringSeconds / batchedScoringSeconds }
    }

    public static func run(_ c: Configuration = .init()) throws -> Result {
        var environment = try EnvironmentRegistry.make("cartpole", as: Double.self)
        var policy = CategoricalPolicy<Double>(observationDimension: 4, hiddenLayers: c.hiddenLayers, actionCount: 2,
                                               seed: c.seed)
        var rng = Xoshiro256StarStar(seed: c.seed &+ 1)
        var buffer: [(state: [Double], action: Int, target: Double)] = []
        var next = 0   // FIFO write position once full
        var observation = environment.reset(seed: c.seed)
        var episode: [(state: [Double], action: Int, reward: Double)] = []
        var psi = Matrix<Double>.zeros(rows: c.minibatchSize, columns: policy.parameterCount)
        var result = Result(meanReturns: [], batchedScoringSeconds: 0, perSampleScoringSeconds: 0,
                            largestScoreDifference: 0, environmentSteps: 0)
        let clock = ContinuousClock()

        for _ in 0..<c.iterations {
            // 1. Experience.
            var finished: [Double] = []
            for _ in 0..<c.stepsPerIteration {
                let action = try policy.sample(observations: Matrix(row: observation), using: &rng).indices![0]
                let step = try environment.step(.discrete(action))
                episode.append((observation, action, step.reward))
                observation = step.observation
                result.environmentSteps += 1
                guard step.isDone else { continue }
                var g = 0.0
                for t in stride(from: episode.count - 1, through: 0, by: -1) {
                    g = episode[t].reward + c.discount * g
                    let item = (episode[t].state, episode[t].action, g)
                    if buffer.count < c.bufferCapacity { buffer.append(item) } else {
                        buffer[next] = item
                        next = (next + 1) % c.bufferCapacity
                    }
                }
                finished.append(episode.reduce(0) { $0 + $1.reward })
                episode.removeAll(keepingCapacity: true)
                observation = environment.reset()
            }
            result.meanReturns.append(finished.isEmpty ? (result.meanReturns.last ?? 0)
                                      : finished.reduce(0, +) / Double(finished.count))
            guard buffer.count >= c.minibatchSize else { continue }

            // 2. A minibatch and its advantages.
            let picks = (0..<c.minibatchSize).map { _ in Int(rng.next() % UInt64(buffer.count)) }
            let states = Matrix(picks.map { buffer[$0].state })
            let actionIndices = picks.map { buffer[$0].action }
            let actions = Actions<Double>.discrete(actionIndices)
            let targets = picks.map { buffer[$0].target }
            let mean = targets.reduce(0, +) / Double(targets.count)
            let spread = (targets.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(targets.count)).squareRoot()
            let advantages = targets.map { ($0 - mean) / Swift.max(spread, 1e-8) }

            // 3. Scores, batched and looped.
            let t0 = clock.now
            _ = try policy.scores(observations: states, actions: actions, into: &psi)
            let t1 = clock.now
            var looped = Matrix<Double>.zeros(rows: c.minibatchSize, columns: policy.parameterCount)
            for b in 0..<c.minibatchSize {
                let row = try policy.scores(observations: states.rows(b..<(b + 1)),
                                            actions: .discrete([actionIndices[b]]))
                looped.setRow(b, to: row.elements)
            }
            let t2 = clock.now
            result.batchedScoringSeconds += (t1 - t0).inSeconds
            result.perSampleScoringSeconds += (t2 - t1).inSeconds
            result.largestScoreDifference = Swift.max(result.largestScoreDifference, (psi - looped).maximumMagnitude)

            // 4. Natural gradient and a KL-sized step.
            let system = try FisherSystem(scores: psi, advantages: advantages, damping: c.damping)
            let w = try system.solve().w
            let curvature = dot(w, system.fisherVectorProduct(w, includingDamping: false))
            guard curvature > 0 else { continue }
            var theta = policy.parameters
            axpy((2 * c.trustRegion / curvature).squareRoot(), w, &theta)
            policy.parameters = theta
        }
        return result
    }
}
