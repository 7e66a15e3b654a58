/// The Fourier basis of Konidaris, Osentoski & Thomas (2011), "Value Function Approximation in
/// Reinforcement Learning using the Fourier Basis" (AAAI): φ_j(s) = cos(π c_j · s̃) with
/// s̃ = (s − lower) / (upper − lower) the observation normalised to [0, 1]ᵈ.
///
/// The full order-n basis uses every coefficient vector c ∈ {0, …, n}ᵈ: k = (n + 1)ᵈ features,
/// ordered as base-(n + 1) numbers with c_1 the most significant digit (so φ_0 = 1, and for
/// d = 2, n = 1: 1, cos π s̃₂, cos π s̃₁, cos π(s̃₁ + s̃₂)). Observations outside the bounds are
/// not clamped (cos is defined everywhere; the basis simply loses its [0, 1] interpretation).
/// The full basis grows exponentially with d: it suits low-dimensional states.
public struct FourierBasis<Scalar: NACScalar>: FeatureMap {
    /// n, the largest coefficient.
    public let order: Int
    /// The lower corner of the observation box (d).
    public let lower: [Scalar]
    /// The upper corner of the observation box (d); every upper_i > lower_i.
    public let upper: [Scalar]
    /// The coefficient vectors c_j (k × d, row-major), in feature order.
    public let coefficients: Matrix<Scalar>

    public init(order: Int, lower: [Scalar], upper: [Scalar]) {
        precondition(order >= 0 && !lower.isEmpty && lower.count == upper.count,
                     "FourierBasis: order \(order), bounds of \(lower.count) and \(upper.count) entries")
        for i in lower.indices {
            precondition(lower[i].isFinite && upper[i].isFinite && upper[i] > lower[i],
                         "FourierBasis: bounds [\(lower[i]), \(upper[i])] for input \(i)")
        }
        self.order = order
        self.lower = lower
        self.upper = upper
        let d = lower.count
        var k = 1
        for _ in 0..<d {
            let (product, overflow) = k.multipliedReportingOverflow(by: order + 1)
            precondition(!overflow && product <= 1 << 20, "FourierBasis: (\(order) + 1)^\(d) features is too many")
            k = product
        }
        var c = [Scalar](repeating: 0, count: k * d)
        for j in 0..<k {
            var rest = j
            for i in stride(from: d - 1, through: 0, by: -1) {
                c[j * d + i] = Scalar(rest % (order + 1))
                rest /= order + 1
            }
        }
        coefficients = Matrix(rows: k, columns: d, elements: c)
    }

    /// The basis on the box [0, 1]ᵈ.
    public init(order: Int, inputDimension: Int) {
        self.init(order: order, lower: Array(repeating: 0, count: inputDimension),
                  upper: Array(repeating: 1, count: inputDimension))
    }

    public var inputDimension: Int { lower.count }
    public var featureCount: Int { coefficients.rows }

    public func features(_ observations: Matrix<Scalar>) -> Matrix<Scalar> {
        checkInput(observations, "FourierBasis")
        let d = inputDimension
        var normalised = observations
        normalised.withUnsafeMutableBufferPointer { x in
            for r in 0..<observations.rows {
                for i in 0..<d { x[r * d + i] = (x[r * d + i] - lower[i]) / (upper[i] - lower[i]) }
            }
        }
        // π s̃ Cᵀ by one gemm, then cos.
        let z = Matrix.product(normalised, coefficients, transposeB: .transposed)
        return (z * Scalar.pi).applying(.cos)
    }
}
