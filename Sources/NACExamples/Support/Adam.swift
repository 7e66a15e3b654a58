import NAC

/// The Adam optimiser (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization",
/// https://arxiv.org/abs/1412.6980) on a flat parameter vector, as a value type.
///
///     m ← β₁ m + (1 − β₁) g          v ← β₂ v + (1 − β₂) g²
///     θ ← θ − η · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
struct Adam<Scalar: NACScalar>: Sendable {
    var learningRate: Scalar
    var beta1: Scalar = 0.9
    var beta2: Scalar = 0.999
    var epsilon: Scalar = 1e-8
    private(set) var stepCount = 0
    private var m: [Scalar]
    private var v: [Scalar]

    init(parameterCount: Int, learningRate: Scalar) {
        precondition(learningRate > 0, "Adam: learning rate \(learningRate)")
        self.learningRate = learningRate
        m = Array(repeating: 0, count: parameterCount)
        v = Array(repeating: 0, count: parameterCount)
    }

    /// One step against `gradient` (the direction of increase).
    mutating func step(_ theta: inout [Scalar], gradient g: [Scalar]) {
        precondition(g.count == theta.count && g.count == m.count,
                     "Adam: θ has \(theta.count) entries, the gradient \(g.count), the state \(m.count)")
        stepCount += 1
        let c1 = 1 - Scalar.pow(beta1, Scalar(stepCount))
        let c2 = 1 - Scalar.pow(beta2, Scalar(stepCount))
        for i in theta.indices {
            m[i] = beta1 * m[i] + (1 - beta1) * g[i]
            v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i]
            theta[i] -= learningRate * (m[i] / c1) / ((v[i] / c2).squareRoot() + epsilon)
        }
    }
}
