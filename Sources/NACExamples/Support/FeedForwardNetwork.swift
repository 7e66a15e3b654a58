import NAC

/// A small fully connected network recorded on the engine: dense layers with one hidden
/// activation and a linear output layer, its parameters taken from a `ParameterLayout` in NAC's
/// documented order (layer by layer: weight [out, in] row-major, then bias).
///
/// The examples keep their own network rather than the Models layer so that each one reads
/// top to bottom with nothing hidden: `network(x)` is `dense → activation → … → dense`.
///
/// ```swift
/// var layout = ParameterLayout()
/// let net = FeedForwardNetwork(layerSizes: [2, 16, 1], activation: .tanh, layout: &layout)
/// let f = DifferentiableFunction<Double>(parameterCount: layout.count) { _, x in net(x[0]) }
/// ```
public struct FeedForwardNetwork: Sendable {
    /// The hidden layers' elementwise function.
    public enum Activation: String, Sendable, CaseIterable {
        case tanh
        /// h = z²: a one-hidden-layer network with this activation represents every quadratic
        /// polynomial of its input exactly (e.g. (x + 1)² − (x − 1)² = 4x), which suits the
        /// value and Q functions of linear-quadratic problems.
        case square
        case softplus
    }

    /// One dense layer's parameter slices.
    public struct Layer: Sendable {
        public var weight: ParameterSlice
        public var bias: ParameterSlice
    }

    /// Widths from input to output, e.g. [2, 16, 16, 1].
    public let layerSizes: [Int]
    public let activation: Activation
    public let layers: [Layer]

    public init(layerSizes: [Int], activation: Activation, layout: inout ParameterLayout) {
        precondition(layerSizes.count >= 2 && layerSizes.allSatisfy { $0 > 0 },
                     "FeedForwardNetwork: layer sizes \(layerSizes)")
        self.layerSizes = layerSizes
        self.activation = activation
        var layers = [Layer]()
        for (inputs, outputs) in zip(layerSizes, layerSizes.dropFirst()) {
            let w = layout.matrix(rows: outputs, columns: inputs)
            layers.append(Layer(weight: w, bias: layout.vector(outputs)))
        }
        self.layers = layers
    }

    /// The network's output for a batch x (B × layerSizes.first) on x's tape.
    public func callAsFunction<Scalar: NACScalar>(_ x: Variable<Scalar>) -> Variable<Scalar> {
        var h = x
        for (i, layer) in layers.enumerated() {
            h = x.tape.dense(h, weight: layer.weight, bias: layer.bias)
            if i < layers.count - 1 {
                switch activation {
                case .tanh: h = h.tanh()
                case .square: h = h.squared()
                case .softplus: h = h.softplus()
                }
            }
        }
        return h
    }

    /// Writes a seeded initialisation into θ: weights N(0, 1/fan-in) (the output layer's scaled
    /// by `outputScale`), biases zero.
    public func initialize<Scalar: NACScalar>(
        _ theta: inout [Scalar], using generator: inout Xoshiro256StarStar, outputScale: Scalar = 1
    ) {
        for (i, layer) in layers.enumerated() {
            var sd = 1 / Scalar(layer.weight.columns).squareRoot()
            if i == layers.count - 1 { sd *= outputScale }
            for p in layer.weight.range { theta[p] = generator.normal(mean: 0, standardDeviation: sd) }
            for p in layer.bias.range { theta[p] = 0 }
        }
    }

    /// The same network evaluated outside the engine, in plain matrix code (rows are samples):
    /// the pre-activations z and activations h of every layer, for hand-written backprop.
    /// `activations[0]` is x, `activations.last` the output.
    public func forwardPass<Scalar: NACScalar>(
        _ theta: [Scalar], _ x: Matrix<Scalar>
    ) -> (preActivations: [Matrix<Scalar>], activations: [Matrix<Scalar>]) {
        var zs = [Matrix<Scalar>](), hs = [x]
        for (i, layer) in layers.enumerated() {
            let w = Matrix(rows: layer.weight.rows, columns: layer.weight.columns,
                           elements: Array(theta[layer.weight.range]))
            let b = Matrix(row: Array(theta[layer.bias.range]))
            let z = Matrix.product(hs[i], w, transposeB: .transposed) + b
            zs.append(z)
            if i < layers.count - 1 {
                switch activation {
                case .tanh: hs.append(z.applying(.tanh))
                case .square: hs.append(z.applying(.square))
                case .softplus: hs.append(z.applying(.softplus))
                }
            } else {
                hs.append(z)
            }
        }
        return (zs, hs)
    }

    /// Hand-written reverse pass: given ∂L/∂output (B × outputs) for the activations of
    /// `forwardPass`, the gradient ∂L/∂θ summed over the batch, written into θ's layout
    /// (other entries of the returned vector are zero).
    ///
    ///     δ_L = ∂L/∂z_L;   ∂L/∂W_l = δ_lᵀ h_{l−1};   ∂L/∂b_l = Σ_rows δ_l;
    ///     δ_{l−1} = (δ_l W_l) ⊙ σ′(z_{l−1}),   σ′ = 1 − tanh², 2z, or sigmoid.
    public func backwardPass<Scalar: NACScalar>(
        _ theta: [Scalar], preActivations zs: [Matrix<Scalar>], activations hs: [Matrix<Scalar>],
        outputGradient: Matrix<Scalar>, parameterCount: Int
    ) -> [Scalar] {
        var gradient = [Scalar](repeating: 0, count: parameterCount)
        var delta = outputGradient
        for i in stride(from: layers.count - 1, through: 0, by: -1) {
            let layer = layers[i]
            let w = Matrix(rows: layer.weight.rows, columns: layer.weight.columns,
                           elements: Array(theta[layer.weight.range]))
            let gw = Matrix.product(delta, hs[i], transposeA: .transposed)
            for (k, p) in layer.weight.range.enumerated() { gradient[p] += gw.elements[k] }
            let gb = delta.sumOfColumns()
            for (k, p) in layer.bias.range.enumerated() { gradient[p] += gb.elements[k] }
            guard i > 0 else { break }
            let z = zs[i - 1]
            let derivative: Matrix<Scalar>
            switch activation {
            case .tanh:
                derivative = Matrix(rows: z.rows, columns: z.columns, repeating: 1) - hs[i].applying(.square)
            case .square:
                derivative = z * 2
            case .softplus:
                derivative = z.applying(.sigmoid)
            }
            delta = (delta * w).elementwiseMultiplied(by: derivative)
        }
        return gradient
    }
}
