/// A critic linear in features: V_θ(s) = θᵀ φ(s), θ of length k.
public struct LinearValueFunction<Scalar: NACScalar>: ValueFunction {
    public let features: AnyFeatureMap<Scalar>
    public let value: DifferentiableFunction<Scalar>
    public var parameters: [Scalar] {
        didSet {
            precondition(parameters.count == parameterCount,
                         "LinearValueFunction: \(parameters.count) parameters assigned, the critic has \(parameterCount)")
        }
    }

    /// A critic with weights θ (k); zeros by default.
    public init(features: AnyFeatureMap<Scalar>, parameters: [Scalar]? = nil) {
        let k = features.featureCount
        let theta = parameters ?? [Scalar](repeating: 0, count: k)
        precondition(theta.count == k, "LinearValueFunction: \(theta.count) parameters for \(k) features")
        self.features = features
        self.parameters = theta
        let weight = ParameterSlice(offset: 0, rows: 1, columns: k)
        value = DifferentiableFunction(parameterCount: k) { tape, inputs in
            tape.dense(tape.constant(batch: features.features(tape.value(of: inputs[0]))), weight: weight)
        }
    }

    public var observationDimension: Int { features.inputDimension }
    public var parameterCount: Int { features.featureCount }
}
