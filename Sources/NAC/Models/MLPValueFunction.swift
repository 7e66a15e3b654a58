/// A critic V_θ(s) given by an MLP with one output; θ is the MLP's parameters.
public struct MLPValueFunction<Scalar: NACScalar>: ValueFunction {
    public let network: MLP<Scalar>
    public let value: DifferentiableFunction<Scalar>
    public var parameters: [Scalar] {
        didSet {
            precondition(parameters.count == parameterCount,
                         "MLPValueFunction: \(parameters.count) parameters assigned, the critic has \(parameterCount)")
        }
    }

    public init(network: MLP<Scalar>, parameters: [Scalar]) {
        precondition(network.outputDimension == 1 && network.parameterRange.lowerBound == 0,
                     "MLPValueFunction: the network must start at θ[0] and have one output")
        precondition(parameters.count == network.parameterCount,
                     "MLPValueFunction: \(parameters.count) parameters for a network of \(network.parameterCount)")
        self.network = network
        self.parameters = parameters
        value = DifferentiableFunction(parameterCount: network.parameterCount) { tape, inputs in
            network.output(tape, inputs[0])
        }
    }

    /// A fresh critic `[observationDimension, hiddenLayers…, 1]` drawn from `seed`.
    public init(
        observationDimension: Int, hiddenLayers: [Int], hiddenActivation: Activation = .tanh, seed: UInt64,
        initialization: MLPInitialization = .default
    ) {
        let network = MLP<Scalar>(layerSizes: [observationDimension] + hiddenLayers + [1], hiddenActivation: hiddenActivation)
        self.init(network: network, parameters: network.initialParameters(seed: seed, initialization: initialization))
    }

    public var observationDimension: Int { network.inputDimension }
    public var parameterCount: Int { network.parameterCount }
}
