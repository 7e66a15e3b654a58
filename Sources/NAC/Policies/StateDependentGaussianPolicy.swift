/// A diagonal Gaussian policy whose log standard deviation depends on the state: one MLP with
/// 2A outputs, the first A the mean μ_θ(s) and the last A the log-std ℓ_θ(s).
///
/// θ is the MLP's parameters in the usual order. In the last layer (W [2A, h], b [2A]) rows
/// 0..<A of W and entries 0..<A of b produce the mean, rows A..<2A and entries A..<2A the
/// log-std; the hidden layers are shared. ℓ is not clamped: keep it in a sane range through
/// initialisation (`outputLayerScale`) and step sizes.
///
///     log π(a | s) = Σ_i [ −½ ((a_i − μ_i(s)) / e^{ℓ_i(s)})² − ℓ_i(s) − ½ log 2π ]
public struct StateDependentGaussianPolicy<Scalar: NACScalar>: Policy {
    /// s ↦ [μ(s), ℓ(s)]: observation width in, 2A out.
    public let network: MLP<Scalar>
    public let logProbability: DifferentiableFunction<Scalar>
    public var parameters: [Scalar] {
        didSet {
            precondition(parameters.count == parameterCount,
                         "StateDependentGaussianPolicy: \(parameters.count) parameters assigned, the policy has \(parameterCount)")
        }
    }

    public init(network: MLP<Scalar>, parameters: [Scalar]) {
        precondition(network.parameterRange.lowerBound == 0, "StateDependentGaussianPolicy: the network must start at θ[0]")
        precondition(network.outputDimension % 2 == 0,
                     "StateDependentGaussianPolicy: the network has \(network.outputDimension) outputs, not 2A")
        precondition(parameters.count == network.parameterCount,
                     "StateDependentGaussianPolicy: \(parameters.count) parameters for a network of \(network.parameterCount)")
        self.network = network
        self.parameters = parameters
        let a = network.outputDimension / 2
        logProbability = DifferentiableFunction(parameterCount: network.parameterCount) { tape, inputs in
            let out = network.output(tape, inputs[0])
            return DiagonalGaussian.logDensity(mean: out.columns(0..<a), logStandardDeviation: out.columns(a..<(2 * a)),
                                               actions: inputs[1])
        }
    }

    /// A fresh policy with hidden layers `hiddenLayers`; parameters drawn from `seed`, then the
    /// log-std head's bias set to `initialLogStandardDeviation` (and, by default, the output
    /// layer's weights scaled by 0.01, so that ℓ(s) starts near that value everywhere).
    public init(
        observationDimension: Int, hiddenLayers: [Int], actionDimension: Int,
        hiddenActivation: Activation = .tanh, initialLogStandardDeviation: Scalar = 0, seed: UInt64,
        initialization: MLPInitialization = MLPInitialization(outputLayerScale: 0.01)
    ) {
        let network = MLP<Scalar>(layerSizes: [observationDimension] + hiddenLayers + [2 * actionDimension],
                                  hiddenActivation: hiddenActivation)
        var theta = network.initialParameters(seed: seed, initialization: initialization)
        let bias = network.layers[network.layers.count - 1].bias
        for i in actionDimension..<(2 * actionDimension) { theta[bias.offset + i] = initialLogStandardDeviation }
        self.init(network: network, parameters: theta)
    }

    public var observationDimension: Int { network.inputDimension }
    public var actionDimension: Int { network.outputDimension / 2 }
    public var actionSpace: ActionSpace { .continuous(dimension: actionDimension) }
    public var parameterCount: Int { network.parameterCount }
    public var namedParameterSlices: [NamedParameterSlice] { network.namedParameterSlices }

    /// μ(s) and ℓ(s) for every row (each B × A).
    public func distribution(observations: Matrix<Scalar>) throws(PolicyError) -> (means: Matrix<Scalar>, logStandardDeviations: Matrix<Scalar>) {
        try validate(observations: observations)
        let out = network.evaluate(observations, parameters: parameters)
        let a = actionDimension
        return (out.columns(0..<a), out.columns(a..<(2 * a)))
    }

    public func sample(observations: Matrix<Scalar>, using generator: inout Xoshiro256StarStar) throws(PolicyError) -> Actions<Scalar> {
        let d = try distribution(observations: observations)
        return .continuous(DiagonalGaussian.sample(mean: d.means, logStd: d.logStandardDeviations, using: &generator))
    }

    public func entropy(observations: Matrix<Scalar>) throws(PolicyError) -> [Scalar] {
        let d = try distribution(observations: observations)
        if observations.rows == 0 { return [] }
        return DiagonalGaussian.entropy(logStd: d.logStandardDeviations, rows: observations.rows)
    }

    public func klDivergence(to other: StateDependentGaussianPolicy, observations: Matrix<Scalar>) throws(PolicyError) -> [Scalar] {
        guard other.network.layerSizes == network.layerSizes else {
            throw .architectureMismatch("networks \(network.layerSizes) and \(other.network.layerSizes)")
        }
        let p = try distribution(observations: observations), q = try other.distribution(observations: observations)
        return DiagonalGaussian.klDivergence(mean1: p.means, logStd1: p.logStandardDeviations,
                                             mean2: q.means, logStd2: q.logStandardDeviations)
    }
}
