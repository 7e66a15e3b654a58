/// A multilayer perceptron: dense layers with an activation per layer, its parameters a
/// contiguous block of the flat vector θ in NAC's documented order.
///
/// Order (shared with `../shared/reference/workloads.json`): layer by layer from the input; in
/// each layer the weight W [out, in] row-major (W[o][i] at `offset + o · in + i`), then the
/// bias b [out]. The MLP is a value describing the architecture; θ is passed in, so a policy can
/// own one θ holding an MLP and further parameters (a log-std, a second head) after it.
///
/// ```swift
/// let mlp = MLP<Double>(layerSizes: [17, 64, 64, 6])         // tanh hidden, identity output
/// var rng = Xoshiro256StarStar(seed: 7)
/// var theta = [Double](repeating: 0, count: mlp.parameterCount)
/// mlp.initializeParameters(&theta, using: &rng)                // N(0, 1/fan_in) weights
/// let y = mlp.evaluate(x, parameters: theta)                   // B × 6
/// let f = DifferentiableFunction<Double>(parameterCount: mlp.parameterCount) { tape, inputs in
///     mlp.output(tape, inputs[0])                              // the same on the engine
/// }
/// ```
///
/// Shapes: inputs are B × `inputDimension` (rows are samples), outputs B × `outputDimension`.
public struct MLP<Scalar: NACScalar>: Sendable, Hashable {
    /// The layers from input to output; each one's `inputs` is the previous one's `outputs`.
    public let layers: [DenseLayer]

    /// An MLP with the given widths `[input, hidden…, output]` (at least two), `hiddenActivation`
    /// after every hidden layer and `outputActivation` after the last, its parameters starting
    /// at θ[`parameterOffset`].
    public init(
        layerSizes: [Int], hiddenActivation: Activation = .tanh, outputActivation: Activation = .identity,
        parameterOffset: Int = 0
    ) {
        precondition(layerSizes.count >= 2, "MLP: layer sizes \(layerSizes) need an input and an output width")
        let specs = (0..<(layerSizes.count - 1)).map { i in
            (inputs: layerSizes[i], outputs: layerSizes[i + 1],
             activation: i == layerSizes.count - 2 ? outputActivation : hiddenActivation)
        }
        self.init(layers: specs, parameterOffset: parameterOffset)
    }

    /// An MLP from per-layer (inputs, outputs, activation), which must chain.
    public init(layers specs: [(inputs: Int, outputs: Int, activation: Activation)], parameterOffset: Int = 0) {
        precondition(!specs.isEmpty, "MLP: no layers")
        var offset = parameterOffset
        var layers = [DenseLayer]()
        for (i, s) in specs.enumerated() {
            if i > 0 {
                precondition(s.inputs == specs[i - 1].outputs,
                             "MLP: layer \(i) has \(s.inputs) inputs but layer \(i - 1) has \(specs[i - 1].outputs) outputs")
            }
            let layer = DenseLayer(inputs: s.inputs, outputs: s.outputs, activation: s.activation, offset: offset)
            offset += layer.parameterCount
            layers.append(layer)
        }
        self.layers = layers
    }

    /// Width of the input.
    public var inputDimension: Int { layers[0].inputs }
    /// Width of the output.
    public var outputDimension: Int { layers[layers.count - 1].outputs }
    /// `[input, hidden…, output]`.
    public var layerSizes: [Int] { [inputDimension] + layers.map(\.outputs) }
    /// Σ (in · out + out) over the layers.
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }
    /// Where the MLP's parameters are in θ.
    public var parameterRange: Range<Int> { layers[0].weight.offset..<(layers[0].weight.offset + parameterCount) }

    /// The same architecture with its parameters starting at `offset`.
    public func movingParameters(to offset: Int) -> MLP {
        MLP(layers: layers.map { ($0.inputs, $0.outputs, $0.activation) }, parameterOffset: offset)
    }

    /// Records the MLP on the tape: x (B × in, or one unbatched row) to B × out.
    public func output(_ tape: Tape<Scalar>, _ x: Variable<Scalar>) -> Variable<Scalar> {
        var h = x
        for layer in layers { h = layer.output(tape, h) }
        return h
    }

    /// The output for a batch x (B × in) with parameters read from θ (plain evaluation, no tape).
    /// - Complexity: one gemm per layer.
    public func evaluate(_ x: Matrix<Scalar>, parameters theta: [Scalar]) -> Matrix<Scalar> {
        var h = x
        for layer in layers { h = layer.evaluate(h, parameters: theta) }
        return h
    }

    /// Writes freshly drawn parameters into θ[`parameterRange`] (see `MLPInitialization` for the
    /// distributions and the draw order).
    public func initializeParameters(
        _ theta: inout [Scalar], using generator: inout Xoshiro256StarStar,
        initialization: MLPInitialization = .default
    ) {
        precondition(theta.count >= parameterRange.upperBound,
                     "MLP.initializeParameters: θ has \(theta.count) parameters, the MLP needs θ[\(parameterRange)]")
        for (l, layer) in layers.enumerated() {
            let scale = l == layers.count - 1 ? initialization.outputLayerScale : 1
            let fanIn = Double(layer.inputs), fanOut = Double(layer.outputs)
            for p in layer.weight.range {
                let w: Double
                switch initialization.weights {
                case .scaledNormal: w = generator.normal(Double.self) / fanIn.squareRoot()
                case .xavierUniform:
                    let limit = (6 / (fanIn + fanOut)).squareRoot()
                    w = generator.uniform(in: -limit..<limit)
                case .zeros: w = 0
                }
                theta[p] = Scalar(w * scale)
            }
            let sd = initialization.biasStandardDeviation
            for p in layer.bias.range {
                theta[p] = sd > 0 ? Scalar(generator.normal(Double.self) * sd * scale) : 0
            }
        }
    }

    /// A fresh parameter vector of length `parameterRange.upperBound` (zeros before the MLP's
    /// own parameters when it does not start at 0), drawn from a generator seeded with `seed`.
    public func initialParameters(seed: UInt64, initialization: MLPInitialization = .default) -> [Scalar] {
        var generator = Xoshiro256StarStar(seed: seed)
        var theta = [Scalar](repeating: 0, count: parameterRange.upperBound)
        initializeParameters(&theta, using: &generator, initialization: initialization)
        return theta
    }

    /// Names and slices of the parameter tensors, `layer0.weight`, `layer0.bias`, … (the names of
    /// the shared reference files).
    public var namedParameterSlices: [NamedParameterSlice] {
        layers.enumerated().flatMap { i, layer in
            [NamedParameterSlice(name: "layer\(i).weight", slice: layer.weight),
             NamedParameterSlice(name: "layer\(i).bias", slice: layer.bias)]
        }
    }
}
