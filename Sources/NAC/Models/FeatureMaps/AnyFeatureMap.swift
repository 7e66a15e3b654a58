/// One of NAC's feature maps, as a value: what linear policies and critics store, and what the
/// JSON format can save.
///
/// ```swift
/// let phi = AnyFeatureMap<Double>.fourier(FourierBasis(order: 3, lower: [-1, -2], upper: [1, 2]))
/// let features = phi.features(observations)     // B × 16
/// ```
public enum AnyFeatureMap<Scalar: NACScalar>: FeatureMap {
    case identity(IdentityFeatures<Scalar>)
    case polynomial(PolynomialBasis<Scalar>)
    case fourier(FourierBasis<Scalar>)
    case radialBasis(RadialBasis<Scalar>)
    case oneHot(OneHotEncoding<Scalar>)

    /// The wrapped map.
    public var base: any FeatureMap<Scalar> {
        switch self {
        case .identity(let m): m
        case .polynomial(let m): m
        case .fourier(let m): m
        case .radialBasis(let m): m
        case .oneHot(let m): m
        }
    }

    /// The name used in the JSON format: identity, polynomial, fourier, radial_basis, one_hot.
    public var kindName: String {
        switch self {
        case .identity: "identity"
        case .polynomial: "polynomial"
        case .fourier: "fourier"
        case .radialBasis: "radial_basis"
        case .oneHot: "one_hot"
        }
    }

    public var inputDimension: Int { base.inputDimension }
    public var featureCount: Int { base.featureCount }
    /// Switches on the case rather than calling through `base`: a call through the existential
    /// runs the map's generic code unspecialised (measured: a fifth of `nac-s` on CartPole went
    /// to runtime metadata lookups in `FourierBasis.features`).
    public func features(_ observations: Matrix<Scalar>) -> Matrix<Scalar> {
        switch self {
        case .identity(let m): m.features(observations)
        case .polynomial(let m): m.features(observations)
        case .fourier(let m): m.features(observations)
        case .radialBasis(let m): m.features(observations)
        case .oneHot(let m): m.features(observations)
        }
    }

    /// Why these observations cannot be mapped (wrong width, or a one-hot entry that is not a
    /// state index), or nil.
    func problem(with observations: Matrix<Scalar>) -> PolicyError? {
        if observations.columns != inputDimension {
            return .observationWidth(expected: inputDimension, actual: observations.columns)
        }
        if case .oneHot(let m) = self, let r = m.firstInvalidRow(observations) {
            return .invalidStateIndex(row: r, value: Double(observations.elements[r]), stateCount: m.stateCount)
        }
        return nil
    }
}
