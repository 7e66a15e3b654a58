/// The state features φ(s) of the compatible critic's baseline block v (spec §1.3): a bounded
/// map of length m. They do not change the natural-gradient estimate w in expectation (Σ_a π ψ = 0),
/// only its variance. φ of a terminal state is taken as 0 by the algorithms (spec §1.1).
public struct BaselineFeatures<Scalar: NACScalar>: Sendable {
    /// m.
    public let featureCount: Int
    private let map: @Sendable ([Scalar]) -> [Scalar]

    /// Features from a closure returning m values for an observation.
    public init(featureCount: Int, _ map: @escaping @Sendable ([Scalar]) -> [Scalar]) {
        precondition(featureCount >= 0, "BaselineFeatures: negative feature count \(featureCount)")
        self.featureCount = featureCount
        self.map = map
    }

    /// No baseline (m = 0).
    public static var none: BaselineFeatures { BaselineFeatures(featureCount: 0) { _ in [] } }

    /// φ(s) = [1]: a constant baseline.
    public static var constant: BaselineFeatures { BaselineFeatures(featureCount: 1) { _ in [1] } }

    /// φ from one of NAC's feature maps (applied to a 1-row batch).
    public static func map(_ features: AnyFeatureMap<Scalar>) -> BaselineFeatures {
        BaselineFeatures(featureCount: features.featureCount) { observation in
            features.features(Matrix(row: observation)).elements
        }
    }

    /// φ(observation).
    /// - Precondition: the map returns m values.
    public func callAsFunction(_ observation: [Scalar]) -> [Scalar] {
        let phi = map(observation)
        precondition(phi.count == featureCount, "BaselineFeatures: \(phi.count) features, expected \(featureCount)")
        return phi
    }
}
