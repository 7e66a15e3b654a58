/// A state-value function V_θ(s) with parameters θ (one flat vector), recorded on the engine.
///
/// Shapes: observations B × d in, one value per row out.
public protocol ValueFunction<Scalar>: Sendable {
    associatedtype Scalar: NACScalar
    /// d.
    var observationDimension: Int { get }
    /// P.
    var parameterCount: Int { get }
    /// θ (its length never changes).
    var parameters: [Scalar] { get set }
    /// V_θ(s_b) on the engine: inputs [observations], output B × 1.
    var value: DifferentiableFunction<Scalar> { get }
}

extension ValueFunction {
    /// V(s_b) for every row.
    public func values(observations: Matrix<Scalar>) -> [Scalar] {
        precondition(observations.columns == observationDimension,
                     "ValueFunction.values: observations have \(observations.columns) columns, expected \(observationDimension)")
        if observations.rows == 0 { return [] }
        return value.evaluate(at: parameters, inputs: [observations]).elements
    }

    /// Σ_b w_b ∇θ V(s_b) (w = 1 by default) by one reverse pass: for example the semi-gradient
    /// of a squared TD error with w_b = δ_b.
    public func gradient(observations: Matrix<Scalar>, weights: [Scalar]? = nil) -> [Scalar] {
        precondition(observations.columns == observationDimension,
                     "ValueFunction.gradient: observations have \(observations.columns) columns, expected \(observationDimension)")
        if let weights {
            precondition(weights.count == observations.rows, "ValueFunction.gradient: \(weights.count) weights for \(observations.rows) rows")
        }
        if observations.rows == 0 { return [Scalar](repeating: 0, count: parameterCount) }
        return value.gradient(at: parameters, inputs: [observations],
                              outputWeights: weights.map { Matrix(column: $0) }).parameters
    }

    /// The values V(s_b) and Σ_b w_b ∇θ V(s_b) with weights computed from the values by
    /// `weights` (given B values, returning B weights), at one forward and one reverse pass: for
    /// example the gradient of ½ Σ_b (V(s_b) − y_b)² / B, with w_b = (V(s_b) − y_b) / B.
    public func valuesAndGradient(
        observations: Matrix<Scalar>, weights: ([Scalar]) -> [Scalar]
    ) -> (values: [Scalar], gradient: [Scalar]) {
        precondition(observations.columns == observationDimension,
                     "ValueFunction.valuesAndGradient: observations have \(observations.columns) columns, expected \(observationDimension)")
        if observations.rows == 0 { return ([], [Scalar](repeating: 0, count: parameterCount)) }
        let rows = observations.rows
        let g = value.gradient(at: parameters, inputs: [observations]) { output in
            let w = weights(output.elements)
            precondition(w.count == rows, "ValueFunction.valuesAndGradient: \(w.count) weights for \(rows) rows")
            return Matrix(column: w)
        }
        return (g.value.elements, g.parameters)
    }

    /// ∇θ V(s_b) for every row: the B × P per-sample Jacobian, in one engine call.
    public func perSampleGradients(observations: Matrix<Scalar>) -> Matrix<Scalar> {
        precondition(observations.columns == observationDimension,
                     "ValueFunction.perSampleGradients: observations have \(observations.columns) columns, expected \(observationDimension)")
        // The value functions record no batch-mixing operation, so the engine cannot refuse.
        return try! value.perSampleJacobian(at: parameters, inputs: [observations]).jacobian
    }
}
