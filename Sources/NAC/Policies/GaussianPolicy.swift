/// A diagonal Gaussian policy with an MLP mean and a state-independent log standard deviation:
/// π(a | s) = N(a; μ_θ(s), diag(e^{2ℓ})).
///
/// θ = [MLP parameters (layer by layer, W then b), ℓ (A)]: the layout of workloads W1 and W3 and
/// of the shared reference files, so `parameters` can be compared with their `params_flat`.
///
///     log π(a | s) = Σ_i [ −½ ((a_i − μ_i) / e^{ℓ_i})² − ℓ_i − ½ log 2π ]
///
/// ```swift
/// let policy = GaussianPolicy<Double>(observationDimension: 17, hiddenLayers: [64, 64],
///                                     actionDimension: 6, initialLogStandardDeviation: -0.5, seed: 1)
/// policy.parameterCount   // 5708
/// ```
public struct GaussianPolicy<Scalar: NACScalar>: Policy {
    /// μ_θ: observation width in, action dimension out.
    public let meanNetwork: MLP<Scalar>
    /// ℓ = θ[logStandardDeviationSlice], right after the MLP.
    public let logStandardDeviationSlice: ParameterSlice
    public let logProbability: DifferentiableFunction<Scalar>
    public var parameters: [Scalar] {
        didSet {
            precondition(parameters.count == parameterCount,
                         "GaussianPolicy: \(parameters.count) parameters assigned, the policy has \(parameterCount)")
        }
    }

    /// A policy with the given mean network (its parameters must start at θ[0]) and θ.
    public init(meanNetwork: MLP<Scalar>, parameters: [Scalar]) {
        precondition(meanNetwork.parameterRange.lowerBound == 0, "GaussianPolicy: the mean network must start at θ[0]")
        let a = meanNetwork.outputDimension
        let slice = ParameterSlice(offset: meanNetwork.parameterCount, count: a)
        precondition(parameters.count == slice.range.upperBound,
                     "GaussianPolicy: \(parameters.count) parameters for a policy of \(slice.range.upperBound)")
        self.meanNetwork = meanNetwork
        logStandardDeviationSlice = slice
        self.parameters = parameters
        logProbability = DifferentiableFunction(parameterCount: slice.range.upperBound) { tape, inputs in
            DiagonalGaussian.logDensity(mean: meanNetwork.output(tape, inputs[0]),
                                        logStandardDeviation: tape.parameter(slice), actions: inputs[1])
        }
    }

    /// A fresh policy: the mean network's parameters drawn from `seed` (see `MLPInitialization`),
    /// every ℓ_i equal to `initialLogStandardDeviation`.
    public init(
        meanNetwork: MLP<Scalar>, initialLogStandardDeviation: Scalar = 0, seed: UInt64,
        initialization: MLPInitialization = .default
    ) {
        var theta = meanNetwork.initialParameters(seed: seed, initialization: initialization)
        theta += Array(repeating: initialLogStandardDeviation, count: meanNetwork.outputDimension)
        self.init(meanNetwork: meanNetwork, parameters: theta)
    }

    /// A fresh policy with an MLP mean `[observationDimension, hiddenLayers…, actionDimension]`.
    public init(
        observationDimension: Int, hiddenLayers: [Int], actionDimension: Int,
        hiddenActivation: Activation = .tanh, initialLogStandardDeviation: Scalar = 0, seed: UInt64,
        initialization: MLPInitialization = .default
    ) {
        self.init(meanNetwork: MLP(layerSizes: [observationDimension] + hiddenLayers + [actionDimension],
                                   hiddenActivation: hiddenActivation),
                  initialLogStandardDeviation: initialLogStandardDeviation, seed: seed, initialization: initialization)
    }

    public var observationDimension: Int { meanNetwork.inputDimension }
    public var actionDimension: Int { meanNetwork.outputDimension }
    public var actionSpace: ActionSpace { .continuous(dimension: actionDimension) }
    public var parameterCount: Int { logStandardDeviationSlice.range.upperBound }
    public var namedParameterSlices: [NamedParameterSlice] {
        meanNetwork.namedParameterSlices + [NamedParameterSlice(name: "log_std", slice: logStandardDeviationSlice)]
    }

    /// ℓ (A).
    public var logStandardDeviations: [Scalar] { Array(parameters[logStandardDeviationSlice.range]) }

    /// μ_θ(s) for every row (B × A).
    public func means(observations: Matrix<Scalar>) throws(PolicyError) -> Matrix<Scalar> {
        try validate(observations: observations)
        return meanNetwork.evaluate(observations, parameters: parameters)
    }

    public func sample(observations: Matrix<Scalar>, using generator: inout Xoshiro256StarStar) throws(PolicyError) -> Actions<Scalar> {
        let mu = try means(observations: observations)
        return .continuous(DiagonalGaussian.sample(mean: mu, logStd: Matrix(row: logStandardDeviations), using: &generator))
    }

    /// Σ_i ℓ_i + (A/2)(1 + log 2π), the same for every row.
    public func entropy(observations: Matrix<Scalar>) throws(PolicyError) -> [Scalar] {
        try validate(observations: observations)
        return DiagonalGaussian.entropy(logStd: Matrix(row: logStandardDeviations), rows: observations.rows)
    }

    public func klDivergence(to other: GaussianPolicy, observations: Matrix<Scalar>) throws(PolicyError) -> [Scalar] {
        guard other.meanNetwork.layerSizes == meanNetwork.layerSizes else {
            throw .architectureMismatch("mean networks \(meanNetwork.layerSizes) and \(other.meanNetwork.layerSizes)")
        }
        return DiagonalGaussian.klDivergence(
            mean1: try means(observations: observations), logStd1: Matrix(row: logStandardDeviations),
            mean2: try other.means(observations: observations), logStd2: Matrix(row: other.logStandardDeviations))
    }
}
