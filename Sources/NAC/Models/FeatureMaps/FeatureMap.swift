/// A fixed map from observations to features, φ: ℝᵈ → ℝᵏ, applied to a batch at once.
///
/// Linear-in-features policies and critics (`LinearSoftmaxPolicy`, `LinearGaussianPolicy`,
/// `LinearValueFunction`) use a feature map; it has no parameters of its own, so it contributes
/// nothing to θ and no derivative flows through it.
///
/// Shapes: `features(_:)` maps B × `inputDimension` (rows are samples) to B × `featureCount`.
/// A batch of the wrong width is a programmer error (precondition); policies check widths
/// before calling and throw `PolicyError` instead.
public protocol FeatureMap<Scalar>: Sendable, Equatable {
    associatedtype Scalar: NACScalar
    /// d, the observation width.
    var inputDimension: Int { get }
    /// k, the number of features.
    var featureCount: Int { get }
    /// φ of every row: B × d to B × k.
    func features(_ observations: Matrix<Scalar>) -> Matrix<Scalar>
}

extension FeatureMap {
    func checkInput(_ x: Matrix<Scalar>, _ name: String) {
        precondition(x.columns == inputDimension,
                     "\(name).features: observations have \(x.columns) columns, the map expects \(inputDimension)")
    }
}
