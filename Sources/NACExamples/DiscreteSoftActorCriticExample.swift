import NAC

/// Example 4 — checking gradients you derived by hand: the two losses of discrete soft
/// actor-critic (Christodoulou 2019, "Soft Actor-Critic for Discrete Action Settings",
/// https://arxiv.org/abs/1910.07207), differentiated three ways — by the engine, by the
/// hand-derived formulas below in plain matrix code, and by central finite differences — and
/// compared with `GradientCheck`, for whatever weights you supply.
///
/// Policy π(·|s) = softmax(z(s)), z = MLP_φ(s) (one logit per action); critic Q_ψ(s, ·) = MLP_ψ(s)
/// (one value per action); target critic Q̄ with its own weights; temperature α; discount γ.
///
/// **Policy loss** (the critic is held fixed):
///
///     J_π(φ) = (1/B) Σ_b Σ_a π_ab (α log π_ab − Q_ab)
///
/// Per state, with g_a = α log π_a − Q_a and ∂π_a/∂z_k = π_a(δ_ak − π_k), ∂log π_a/∂z_k = δ_ak − π_k:
///
///     ∂J/∂z_k = (1/B) [ Σ_a π_a(δ_ak − π_k) g_a + α Σ_a π_a(δ_ak − π_k) ]
///             = (1/B) π_k (g_k − Σ_a π_a g_a)          (the α term sums to α(π_k − π_k) = 0)
///
/// **Soft Bellman critic loss** (the target y is held fixed):
///
///     V̄(s′) = Σ_a′ π(a′|s′) (Q̄(s′, a′) − α log π(a′|s′))
///     y_b   = r_b + γ (1 − d_b) V̄(s′_b)
///     J_Q(ψ) = (1/B) Σ_b (Q_ψ(s_b, a_b) − y_b)²,      ∂J_Q/∂Q_ψ(s_b, a) = (2/B)(Q_ψ(s_b, a_b) − y_b) [a = a_b]
///
/// Both output gradients are chained through their MLP by hand-written backprop
/// (`FeedForwardNetwork.backwardPass`: δ_l = (δ_{l+1} W_{l+1}) ⊙ σ′(z_l), ∂W_l = δ_lᵀ h_{l−1}).
public enum DiscreteSoftActorCriticExample {
    /// The two networks' shapes (hidden layers of the given widths, tanh).
    public struct Architecture: Sendable {
        public var stateDimension: Int
        public var actionCount: Int
        public var hiddenLayers: [Int]
        public var activation: FeedForwardNetwork.Activation

        public init(stateDimension: Int, actionCount: Int, hiddenLayers: [Int] = [16],
                    activation: FeedForwardNetwork.Activation = .tanh) {
            self.stateDimension = stateDimension
            self.actionCount = actionCount
            self.hiddenLayers = hiddenLayers
            self.activation = activation
        }

        /// The policy or critic network and its parameter count (same shape for both).
        public var network: (network: FeedForwardNetwork, parameterCount: Int) {
            var layout = ParameterLayout()
            let n = FeedForwardNetwork(layerSizes: [stateDimension] + hiddenLayers + [actionCount],
                                       activation: activation, layout: &layout)
            return (n, layout.count)
        }
    }

    /// A minibatch of transitions (s, a, r, s′, done).
    public struct Batch: Sendable {
        public var states: Matrix<Double>
        public var actions: [Int]
        public var rewards: [Double]
        public var nextStates: Matrix<Double>
        public var terminal: [Bool]

        public init(states: Matrix<Double>, actions: [Int], rewards: [Double], nextStates: Matrix<Double>,
                    terminal: [Bool]) {
            precondition(actions.count == states.rows && rewards.count == states.rows
                         && nextStates.rows == states.rows && terminal.count == states.rows
                         && nextStates.columns == states.columns,
                         "SAC batch: \(states.rows) states, \(actions.count) actions, \(rewards.count) rewards, \(nextStates.rows) next states, \(terminal.count) flags")
            self.states = states; self.actions = actions; self.rewards = rewards
            self.nextStates = nextStates; self.terminal = terminal
        }

        /// A seeded random batch.
        public static func random(_ architecture: Architecture, size: Int, seed: UInt64) -> Batch {
            var g = Xoshiro256StarStar(seed: seed)
            let n = architecture.stateDimension
            return Batch(states: .randomNormal(rows: size, columns: n, using: &g),
                         actions: (0..<size).map { _ in Int(g.next() % UInt64(architecture.actionCount)) },
                         rewards: (0..<size).map { _ in g.normal(Double.self) },
                         nextStates: .randomNormal(rows: size, columns: n, using: &g),
                         terminal: (0..<size).map { _ in g.next() % 5 == 0 })
        }
    }

    public struct Weights: Sendable {
        public var policy: [Double]
        public var critic: [Double]
        public var targetCritic: [Double]

        public init(policy: [Double], critic: [Double], targetCritic: [Double]) {
            self.policy = policy; self.critic = critic; self.targetCritic = targetCritic
        }

        /// Seeded random weights, N(0, 1/fan-in) with random biases too (so no term is trivially zero).
        public static func random(_ architecture: Architecture, seed: UInt64) -> Weights {
            var g = Xoshiro256StarStar(seed: seed)
            let (network, p) = architecture.network
            func draw() -> [Double] {
                var theta = [Double](repeating: 0, count: p)
                network.initialize(&theta, using: &g)
                for layer in network.layers { for i in layer.bias.range { theta[i] = 0.3 * g.normal(Double.self) } }
                return theta
            }
            return Weights(policy: draw(), critic: draw(), targetCritic: draw())
        }
    }

    // MARK: The losses on the engine

    /// [s, Q(s, ·)] ↦ Σ_a π(a|s)(α log π(a|s) − Q(s, a)) per state; mean with output weights 1/B.
    public static func policyObjective(_ architecture: Architecture, temperature alpha: Double)
        -> DifferentiableFunction<Double> {
        let (network, p) = architecture.network
        return DifferentiableFunction(parameterCount: p) { _, i in
            let logPi = network(i[0]).logSoftmax()
            return (logPi.exp() * (logPi * alpha - i[1])).sumAlongFeatures()
        }
    }

    /// [s, y] ↦ (Q_ψ(s, a) − y)² per sample (actions captured, sliced by `tape.rows`).
    public static func criticObjective(_ architecture: Architecture, actions: [Int]) -> DifferentiableFunction<Double> {
        let (network, p) = architecture.network
        return DifferentiableFunction(parameterCount: p) { tape, i in
            (network(i[0]).gather(columns: Array(actions[tape.rows])) - i[1]).squared()
        }
    }

    // MARK: Plain matrix code: values and hand-derived gradients

    static func softmaxRows(_ z: Matrix<Double>) -> (pi: Matrix<Double>, logPi: Matrix<Double>) {
        var logPi = z
        for b in 0..<z.rows {
            let row = z.row(b), m = row.max()!
            let lse = m + Double.log(row.reduce(0) { $0 + Double.exp($1 - m) })
            logPi.setRow(b, to: row.map { $0 - lse })
        }
        return (logPi.applying(.exp), logPi)
    }

    /// Q_ψ(s, ·) (B × actions) in plain matrix code.
    public static func criticValues(_ architecture: Architecture, _ psi: [Double], _ s: Matrix<Double>) -> Matrix<Double> {
        architecture.network.network.forwardPass(psi, s).activations.last!
    }

    /// y_b = r_b + γ (1 − d_b) Σ_a′ π(a′|s′)(Q̄(s′, a′) − α log π(a′|s′)).
    public static func softBellmanTargets(
        _ architecture: Architecture, weights: Weights, batch: Batch, temperature alpha: Double, discount gamma: Double
    ) -> [Double] {
        let network = architecture.network.network
        let (pi, logPi) = softmaxRows(network.forwardPass(weights.policy, batch.nextStates).activations.last!)
        let qBar = network.forwardPass(weights.targetCritic, batch.nextStates).activations.last!
        let softValue = pi.elementwiseMultiplied(by: qBar - logPi * alpha).sumOfRows()
        return (0..<batch.states.rows).map { b in
            batch.rewards[b] + (batch.terminal[b] ? 0 : gamma * softValue[b, 0])
        }
    }

    /// J_π(φ) in plain matrix code.
    public static func policyLoss(
        _ architecture: Architecture, weights: Weights, batch: Batch, temperature alpha: Double
    ) -> Double {
        let network = architecture.network.network
        let (pi, logPi) = softmaxRows(network.forwardPass(weights.policy, batch.states).activations.last!)
        let q = criticValues(architecture, weights.critic, batch.states)
        return pi.elementwiseMultiplied(by: logPi * alpha - q).elements.reduce(0, +) / Double(batch.states.rows)
    }

    /// ∇φ J_π by hand: ∂J/∂z = (1/B) π ⊙ (g − Σ_a π_a g_a), g = α log π − Q, then backprop.
    public static func handPolicyGradient(
        _ architecture: Architecture, weights: Weights, batch: Batch, temperature alpha: Double
    ) -> [Double] {
        let (network, p) = architecture.network
        let pass = network.forwardPass(weights.policy, batch.states)
        let (pi, logPi) = softmaxRows(pass.activations.last!)
        let g = logPi * alpha - criticValues(architecture, weights.critic, batch.states)
        let mean = pi.elementwiseMultiplied(by: g).sumOfRows()            // B × 1, broadcast over actions
        let dz = pi.elementwiseMultiplied(by: g - mean) / Double(batch.states.rows)
        return network.backwardPass(weights.policy, preActivations: pass.preActivations,
                                    activations: pass.activations, outputGradient: dz, parameterCount: p)
    }

    /// J_Q(ψ) in plain matrix code.
    public static func criticLoss(
        _ architecture: Architecture, weights: Weights, batch: Batch, temperature alpha: Double, discount gamma: Double
    ) -> Double {
        let y = softBellmanTargets(architecture, weights: weights, batch: batch, temperature: alpha, discount: gamma)
        let q = criticValues(architecture, weights.critic, batch.states)
        let squares = (0..<y.count).map { b in (q[b, batch.actions[b]] - y[b]) * (q[b, batch.actions[b]] - y[b]) }
        return squares.reduce(0, +) / Double(y.count)
    }

    /// ∇ψ J_Q by hand: ∂J/∂Q(s_b, a) = (2/B)(Q(s_b, a_b) − y_b) at a = a_b, zero elsewhere; then backprop.
    public static func handCriticGradient(
        _ architecture: Architecture, weights: Weights, batch: Batch, temperature alpha: Double, discount gamma: Double
    ) -> [Double] {
        let (network, p) = architecture.network
        let y = softBellmanTargets(architecture, weights: weights, batch: batch, temperature: alpha, discount: gamma)
        let pass = network.forwardPass(weights.critic, batch.states)
        let q = pass.activations.last!
        var dq = Matrix<Double>.zeros(rows: q.rows, columns: q.columns)
        for b in 0..<q.rows { dq[b, batch.actions[b]] = 2 * (q[b, batch.actions[b]] - y[b]) / Double(q.rows) }
        return network.backwardPass(weights.critic, preActivations: pass.preActivations,
                                    activations: pass.activations, outputGradient: dq, parameterCount: p)
    }

    // MARK: The check

    /// Engine, hand and finite-difference gradients of both losses, compared pairwise.
    public struct Reports: Sendable, CustomStringConvertible {
        public var policyLoss: Double
        public var criticLoss: Double
        /// Engine against the hand-derived formula.
        public var policyEngineVersusHand: GradientCheckReport<Double>
        /// Engine against central differences of the plain-code loss.
        public var policyEngineVersusFiniteDifferences: GradientCheckReport<Double>
        /// Hand-derived formula against central differences.
        public var policyHandVersusFiniteDifferences: GradientCheckReport<Double>
        public var criticEngineVersusHand: GradientCheckReport<Double>
        public var criticEngineVersusFiniteDifferences: GradientCheckReport<Double>
        public var criticHandVersusFiniteDifferences: GradientCheckReport<Double>

        public var description: String {
            """
            policy loss J_π = \(policyLoss)
              engine vs hand:               \(policyEngineVersusHand)
              engine vs finite differences: \(policyEngineVersusFiniteDifferences)
              hand vs finite differences:   \(policyHandVersusFiniteDifferences)
            critic loss J_Q = \(criticLoss)
              engine vs hand:               \(criticEngineVersusHand)
              engine vs finite differences: \(criticEngineVersusFiniteDifferences)
              hand vs finite differences:   \(criticHandVersusFiniteDifferences)
            """
        }
    }

    /// Checks the engine's gradients of both SAC losses against the hand-derived ones and both
    /// against finite differences, at the weights supplied (θ in the `FeedForwardNetwork` layout
    /// of `architecture`: layer by layer, weight [out, in] row-major, then bias).
    public static func check(
        _ architecture: Architecture, weights: Weights, batch: Batch, temperature alpha: Double = 0.2,
        discount gamma: Double = 0.99
    ) -> Reports {
        let p = architecture.network.parameterCount
        precondition(weights.policy.count == p && weights.critic.count == p && weights.targetCritic.count == p,
                     "SAC check: the architecture has \(p) parameters per network; got \(weights.policy.count), \(weights.critic.count), \(weights.targetCritic.count)")
        let b = batch.states.rows
        let meanWeights = Matrix<Double>(rows: b, columns: 1, repeating: 1 / Double(b))

        // Policy: the engine differentiates Σ_a π(α log π − Q) with Q an input (held fixed).
        let q = criticValues(architecture, weights.critic, batch.states)
        let enginePolicy = policyObjective(architecture, temperature: alpha)
            .gradient(at: weights.policy, inputs: [batch.states, q], outputWeights: meanWeights).parameters
        let handPolicy = handPolicyGradient(architecture, weights: weights, batch: batch, temperature: alpha)
        let policyNumeric = GradientCheck.compare(gradient: handPolicy, of: { phi in
            var w = weights; w.policy = phi
            return policyLoss(architecture, weights: w, batch: batch, temperature: alpha)
        }, at: weights.policy)

        // Critic: the engine differentiates (Q(s, a) − y)² with y an input (held fixed).
        let y = softBellmanTargets(architecture, weights: weights, batch: batch, temperature: alpha, discount: gamma)
        let engineCritic = criticObjective(architecture, actions: batch.actions)
            .gradient(at: weights.critic, inputs: [batch.states, Matrix(column: y)], outputWeights: meanWeights).parameters
        let handCritic = handCriticGradient(architecture, weights: weights, batch: batch, temperature: alpha, discount: gamma)
        let criticNumeric = GradientCheck.compare(gradient: handCritic, of: { psi in
            var w = weights; w.critic = psi
            return criticLoss(architecture, weights: w, batch: batch, temperature: alpha, discount: gamma)
        }, at: weights.critic)

        return Reports(
            policyLoss: policyLoss(architecture, weights: weights, batch: batch, temperature: alpha),
            criticLoss: criticLoss(architecture, weights: weights, batch: batch, temperature: alpha, discount: gamma),
            policyEngineVersusHand: GradientCheck.report(analytic: Matrix(row: enginePolicy), numeric: Matrix(row: handPolicy)),
            policyEngineVersusFiniteDifferences: GradientCheck.compare(gradient: enginePolicy, of: { phi in
                var w = weights; w.policy = phi
                return policyLoss(architecture, weights: w, batch: batch, temperature: alpha)
            }, at: weights.policy),
            policyHandVersusFiniteDifferences: policyNumeric,
            criticEngineVersusHand: GradientCheck.report(analytic: Matrix(row: engineCritic), numeric: Matrix(row: handCritic)),
            criticEngineVersusFiniteDifferences: GradientCheck.compare(gradient: engineCritic, of: { psi in
                var w = weights; w.critic = psi
                return criticLoss(architecture, weights: w, batch: batch, temperature: alpha, discount: gamma)
            }, at: weights.critic),
            criticHandVersusFiniteDifferences: criticNumeric)
    }
}
