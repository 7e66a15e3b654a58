/// Adam (Kingma & Ba 2015, "Adam: a method for stochastic optimization") on a flat parameter
/// vector: a value type holding its moment estimates, used to fit value baselines.
///
///     m ← β₁ m + (1 − β₁) g          v ← β₂ v + (1 − β₂) g²
///     θ ← θ − α · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
///
/// ```swift
/// var adam = AdamOptimizer<Double>(parameterCount: critic.parameterCount, learningRate: 1e-3)
/// adam.step(&critic.parameters, gradient: g)       // g = ∇θ loss (descent)
/// ```
public struct AdamOptimizer<Scalar: NACScalar>: Sendable {
    /// α.
    public var learningRate: Scalar
    /// β₁, β₂.
    public let firstMomentDecay: Scalar, secondMomentDecay: Scalar
    /// ε.
    public let epsilon: Scalar
    /// m and v (length P).
    public private(set) var firstMoment: [Scalar], secondMoment: [Scalar]
    /// t, the number of steps taken.
    public private(set) var stepCount: Int = 0

    public init(
        parameterCount: Int, learningRate: Scalar = 1e-3, firstMomentDecay: Scalar = 0.9,
        secondMomentDecay: Scalar = 0.999, epsilon: Scalar = 1e-8
    ) {
        precondition(parameterCount >= 0, "AdamOptimizer: \(parameterCount) parameters")
        self.learningRate = learningRate
        self.firstMomentDecay = firstMomentDecay
        self.secondMomentDecay = secondMomentDecay
        self.epsilon = epsilon
        firstMoment = [Scalar](repeating: 0, count: parameterCount)
        secondMoment = [Scalar](repeating: 0, count: parameterCount)
    }

    /// One descent step θ ← θ − α m̂ / (√v̂ + ε) with gradient `g` of the loss.
    /// - Precondition: `theta.count == g.count == P`.
    public mutating func step(_ theta: inout [Scalar], gradient g: [Scalar]) {
        precondition(theta.count == firstMoment.count && g.count == firstMoment.count,
                     "AdamOptimizer.step: θ has \(theta.count) and g \(g.count) elements for \(firstMoment.count) parameters")
        stepCount += 1
        let b1 = firstMomentDecay, b2 = secondMomentDecay
        let c1 = 1 - Scalar.pow(b1, stepCount), c2 = 1 - Scalar.pow(b2, stepCount)
        let alpha = learningRate * c2.squareRoot() / c1
        let eps = epsilon * c2.squareRoot()
        theta.withUnsafeMutableBufferPointer { t in
            g.withUnsafeBufferPointer { gp in
                firstMoment.withUnsafeMutableBufferPointer { m in
                    secondMoment.withUnsafeMutableBufferPointer { v in
                        for i in 0..<t.count {
                            let gi = gp[i]
                            m[i] = b1 * m[i] + (1 - b1) * gi
                            v[i] = b2 * v[i] + (1 - b2) * gi * gi
                            t[i] -= alpha * m[i] / (v[i].squareRoot() + eps)
                        }
                    }
                }
            }
        }
    }
}
