/// A Gaussian policy with a mean linear in features and a state-independent log standard
/// deviation: π(a | s) = N(a; W φ(s), diag(e^{2ℓ})).
///
/// θ = [W (A × k, row-major: W[i · k + j] weights φ_j(s) in μ_i), ℓ (A)]; P = A · k + A. The
/// scores have the closed forms ψ_W[i, ·] = (a_i − μ_i) / σ_i² · φ(s) and
/// ψ_ℓ_i = (a_i − μ_i)² / σ_i² − 1.
public struct LinearGaussianPolicy<Scalar: NACScalar>: Policy {
    /// φ: observations to k features.
    public let features: AnyFeatureMap<Scalar>
    /// A.
    public let actionDimension: Int
    public let logProbability: DifferentiableFunction<Scalar>
    public var parameters: [Scalar] {
        didSet {
            precondition(parameters.count == parameterCount,
                         "LinearGaussianPolicy: \(parameters.count) parameters assigned, the policy has \(parameterCount)")
        }
    }

    /// A policy with θ = [W, ℓ]; by default W = 0 and ℓ = `initialLogStandardDeviation`.
    public init(
        features: AnyFeatureMap<Scalar>, actionDimension: Int, parameters: [Scalar]? = nil,
        initialLogStandardDeviation: Scalar = 0
    ) {
        precondition(actionDimension >= 1, "LinearGaussianPolicy: action dimension \(actionDimension)")
        let k = features.featureCount, a = actionDimension
        let weight = ParameterSlice(offset: 0, rows: a, columns: k)
        let logStd = ParameterSlice(offset: a * k, count: a)
        let theta = parameters ?? ([Scalar](repeating: 0, count: a * k) + [Scalar](repeating: initialLogStandardDeviation, count: a))
        precondition(theta.count == a * k + a, "LinearGaussianPolicy: \(theta.count) parameters for A = \(a), k = \(k)")
        self.features = features
        self.actionDimension = a
        self.parameters = theta
        logProbability = DifferentiableFunction(parameterCount: a * k + a) { tape, inputs in
            let phi = tape.constant(batch: features.features(tape.value(of: inputs[0])))
            return DiagonalGaussian.logDensity(mean: tape.dense(phi, weight: weight),
                                               logStandardDeviation: tape.parameter(logStd), actions: inputs[1])
        }
    }

    public var observationDimension: Int { features.inputDimension }
    public var actionSpace: ActionSpace { .continuous(dimension: actionDimension) }
    public var parameterCount: Int { actionDimension * features.featureCount + actionDimension }
    /// W = θ[weightSlice] (A × k).
    public var weightSlice: ParameterSlice { ParameterSlice(offset: 0, rows: actionDimension, columns: features.featureCount) }
    /// ℓ = θ[logStandardDeviationSlice] (A).
    public var logStandardDeviationSlice: ParameterSlice {
        ParameterSlice(offset: actionDimension * features.featureCount, count: actionDimension)
    }
    public var namedParameterSlices: [NamedParameterSlice] {
        [NamedParameterSlice(name: "weight", slice: weightSlice),
         NamedParameterSlice(name: "log_std", slice: logStandardDeviationSlice)]
    }

    /// ℓ (A).
    public var logStandardDeviations: [Scalar] { Array(parameters[logStandardDeviationSlice.range]) }

    public func validate(observations: Matrix<Scalar>) throws(PolicyError) {
        if let problem = features.problem(with: observations) { throw problem }
    }

    /// μ(s) = W φ(s) for every row (B × A).
    public func means(observations: Matrix<Scalar>) throws(PolicyError) -> Matrix<Scalar> {
        try validate(observations: observations)
        let w = Matrix(rows: actionDimension, columns: features.featureCount,
                       elements: Array(parameters[weightSlice.range]))
        return Matrix.product(features.features(observations), w, transposeB: .transposed)
    }

    public func sample(observations: Matrix<Scalar>, using generator: inout Xoshiro256StarStar) throws(PolicyError) -> Actions<Scalar> {
        let mu = try means(observations: observations)
        return .continuous(DiagonalGaussian.sample(mean: mu, logStd: Matrix(row: logStandardDeviations), using: &generator))
    }

    public func entropy(observations: Matrix<Scalar>) throws(PolicyError) -> [Scalar] {
        try validate(observations: observations)
        return DiagonalGaussian.entropy(logStd: Matrix(row: logStandardDeviations), rows: observations.rows)
    }

    public func klDivergence(to other: LinearGaussianPolicy, observations: Matrix<Scalar>) throws(PolicyError) -> [Scalar] {
        guard other.features == features, other.actionDimension == actionDimension else {
            throw .architectureMismatch("feature maps or action dimensions differ")
        }
        return DiagonalGaussian.klDivergence(
            mean1: try means(observations: observations), logStd1: Matrix(row: logStandardDeviations),
            mean2: try other.means(observations: observations), logStd2: Matrix(row: other.logStandardDeviations))
    }
}
