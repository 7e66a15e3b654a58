/// A categorical policy over n discrete actions with MLP logits: π(a | s) = softmax(f_θ(s))_a.
///
/// θ is the MLP's parameters (layer by layer, W then b): the layout of workloads W2 and W4 and
/// of the shared reference files. Actions are indices 0..<n.
///
///     log π(a | s) = f_θ(s)_a − log Σ_c e^{f_θ(s)_c}
public struct CategoricalPolicy<Scalar: NACScalar>: Policy {
    /// f_θ: observation width in, n logits out.
    public let logitNetwork: MLP<Scalar>
    public let logProbability: DifferentiableFunction<Scalar>
    public var parameters: [Scalar] {
        didSet {
            precondition(parameters.count == parameterCount,
                         "CategoricalPolicy: \(parameters.count) parameters assigned, the policy has \(parameterCount)")
        }
    }

    public init(logitNetwork: MLP<Scalar>, parameters: [Scalar]) {
        precondition(logitNetwork.parameterRange.lowerBound == 0, "CategoricalPolicy: the network must start at θ[0]")
        precondition(parameters.count == logitNetwork.parameterCount,
                     "CategoricalPolicy: \(parameters.count) parameters for a network of \(logitNetwork.parameterCount)")
        self.logitNetwork = logitNetwork
        self.parameters = parameters
        logProbability = DifferentiableFunction(parameterCount: logitNetwork.parameterCount) { tape, inputs in
            SoftmaxDistribution.logProbability(logits: logitNetwork.output(tape, inputs[0]), actions: inputs[1])
        }
    }

    /// A fresh policy with logits `[observationDimension, hiddenLayers…, actionCount]`.
    public init(
        observationDimension: Int, hiddenLayers: [Int], actionCount: Int, hiddenActivation: Activation = .tanh,
        seed: UInt64, initialization: MLPInitialization = .default
    ) {
        let network = MLP<Scalar>(layerSizes: [observationDimension] + hiddenLayers + [actionCount],
                                  hiddenActivation: hiddenActivation)
        self.init(logitNetwork: network, parameters: network.initialParameters(seed: seed, initialization: initialization))
    }

    public var observationDimension: Int { logitNetwork.inputDimension }
    /// n.
    public var actionCount: Int { logitNetwork.outputDimension }
    public var actionSpace: ActionSpace { .discrete(count: actionCount) }
    public var parameterCount: Int { logitNetwork.parameterCount }
    public var namedParameterSlices: [NamedParameterSlice] { logitNetwork.namedParameterSlices }

    /// f_θ(s) for every row (B × n).
    public func logits(observations: Matrix<Scalar>) throws(PolicyError) -> Matrix<Scalar> {
        try validate(observations: observations)
        return logitNetwork.evaluate(observations, parameters: parameters)
    }

    /// log π(a | s) of every action for every row (B × n).
    public func actionLogProbabilities(observations: Matrix<Scalar>) throws(PolicyError) -> Matrix<Scalar> {
        SoftmaxDistribution.logProbabilities(logits: try logits(observations: observations))
    }

    public func sample(observations: Matrix<Scalar>, using generator: inout Xoshiro256StarStar) throws(PolicyError) -> Actions<Scalar> {
        .discrete(SoftmaxDistribution.sample(logProbabilities: try actionLogProbabilities(observations: observations), using: &generator))
    }

    public func entropy(observations: Matrix<Scalar>) throws(PolicyError) -> [Scalar] {
        SoftmaxDistribution.entropy(logProbabilities: try actionLogProbabilities(observations: observations))
    }

    public func klDivergence(to other: CategoricalPolicy, observations: Matrix<Scalar>) throws(PolicyError) -> [Scalar] {
        guard other.logitNetwork.layerSizes == logitNetwork.layerSizes else {
            throw .architectureMismatch("logit networks \(logitNetwork.layerSizes) and \(other.logitNetwork.layerSizes)")
        }
        return SoftmaxDistribution.klDivergence(try actionLogProbabilities(observations: observations),
                                                try other.actionLogProbabilities(observations: observations))
    }
}
