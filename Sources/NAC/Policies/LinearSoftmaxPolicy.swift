/// A linear-in-features Gibbs (softmax) policy over n discrete actions:
/// π(a | s) ∝ exp(θᵀ φ(s, a)) with φ(s, a) = one-hot(a) ⊗ φ(s) — the policy class of the natural
/// actor-critic literature (Sutton et al. 2000; Peters & Schaal 2008; Thomas 2014).
///
/// θ is an n × k matrix stored row-major: θ[a · k + j] weights feature φ_j(s) for action a,
/// which is exactly the order of φ(s, a) = one-hot(a) ⊗ φ(s) (P = n · k). The score has the
/// closed form ψ = φ(s, a) − Σ_a' π(a' | s) φ(s, a').
///
/// The features are computed from the observations outside the engine (they carry no
/// parameters); the engine records logits = φ(s) θᵀ and the log-softmax.
public struct LinearSoftmaxPolicy<Scalar: NACScalar>: Policy {
    /// φ: observations to k features.
    public let features: AnyFeatureMap<Scalar>
    /// n.
    public let actionCount: Int
    public let logProbability: DifferentiableFunction<Scalar>
    public var parameters: [Scalar] {
        didSet {
            precondition(parameters.count == parameterCount,
                         "LinearSoftmaxPolicy: \(parameters.count) parameters assigned, the policy has \(parameterCount)")
        }
    }

    /// A policy with θ (n · k, row-major [action, feature]); zeros (the uniform policy) by default.
    public init(features: AnyFeatureMap<Scalar>, actionCount: Int, parameters: [Scalar]? = nil) {
        precondition(actionCount >= 1, "LinearSoftmaxPolicy: \(actionCount) actions")
        let k = features.featureCount, p = actionCount * k
        let theta = parameters ?? [Scalar](repeating: 0, count: p)
        precondition(theta.count == p, "LinearSoftmaxPolicy: \(theta.count) parameters for \(actionCount) actions × \(k) features")
        self.features = features
        self.actionCount = actionCount
        self.parameters = theta
        let weight = ParameterSlice(offset: 0, rows: actionCount, columns: k)
        logProbability = DifferentiableFunction(parameterCount: p) { tape, inputs in
            let phi = tape.constant(batch: features.features(tape.value(of: inputs[0])))
            return SoftmaxDistribution.logProbability(logits: tape.dense(phi, weight: weight), actions: inputs[1])
        }
    }

    public var observationDimension: Int { features.inputDimension }
    public var actionSpace: ActionSpace { .discrete(count: actionCount) }
    public var parameterCount: Int { actionCount * features.featureCount }
    public var namedParameterSlices: [NamedParameterSlice] {
        [NamedParameterSlice(name: "weight", slice: ParameterSlice(offset: 0, rows: actionCount, columns: features.featureCount))]
    }

    public func validate(observations: Matrix<Scalar>) throws(PolicyError) {
        if let problem = features.problem(with: observations) { throw problem }
    }

    /// φ(s) θᵀ for every row (B × n).
    public func logits(observations: Matrix<Scalar>) throws(PolicyError) -> Matrix<Scalar> {
        try validate(observations: observations)
        let theta = Matrix(rows: actionCount, columns: features.featureCount, elements: parameters)
        return Matrix.product(features.features(observations), theta, transposeB: .transposed)
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

    public func klDivergence(to other: LinearSoftmaxPolicy, observations: Matrix<Scalar>) throws(PolicyError) -> [Scalar] {
        guard other.features == features, other.actionCount == actionCount else {
            throw .architectureMismatch("feature maps or action counts differ")
        }
        return SoftmaxDistribution.klDivergence(try actionLogProbabilities(observations: observations),
                                                try other.actionLogProbabilities(observations: observations))
    }
}
