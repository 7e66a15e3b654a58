@testable import NAC

/// Small seeded instances of every policy kind, with non-trivial parameters, for tests.
enum PolicyFixtures {
    static func randomParameters<S: NACScalar>(_ count: Int, seed: UInt64, scale: Double = 0.5) -> [S] {
        var g = Xoshiro256StarStar(seed: seed)
        return (0..<count).map { _ in S(g.normal(Double.self) * scale) }
    }

    static func observations<S: NACScalar>(rows: Int, columns: Int, seed: UInt64) -> Matrix<S> {
        Matrix<Double>.randomNormal(rows: rows, columns: columns, seed: seed).converted(to: S.self)
    }

    static func gaussian<S: NACScalar>(_: S.Type = S.self, seed: UInt64 = 1) -> GaussianPolicy<S> {
        var p = GaussianPolicy<S>(observationDimension: 3, hiddenLayers: [5], actionDimension: 2,
                                  initialLogStandardDeviation: -0.3, seed: seed)
        p.parameters = randomParameters(p.parameterCount, seed: seed &+ 100)
        return p
    }

    static func stateDependentGaussian<S: NACScalar>(_: S.Type = S.self, seed: UInt64 = 2) -> StateDependentGaussianPolicy<S> {
        var p = StateDependentGaussianPolicy<S>(observationDimension: 3, hiddenLayers: [4], actionDimension: 2, seed: seed)
        p.parameters = randomParameters(p.parameterCount, seed: seed &+ 100, scale: 0.3)
        return p
    }

    static func categorical<S: NACScalar>(_: S.Type = S.self, seed: UInt64 = 3) -> CategoricalPolicy<S> {
        var p = CategoricalPolicy<S>(observationDimension: 3, hiddenLayers: [5], actionCount: 4, seed: seed)
        p.parameters = randomParameters(p.parameterCount, seed: seed &+ 100)
        return p
    }

    static func linearSoftmax<S: NACScalar>(_: S.Type = S.self, seed: UInt64 = 4) -> LinearSoftmaxPolicy<S> {
        let features = AnyFeatureMap<S>.fourier(FourierBasis(order: 2, lower: [-2, -2, -2], upper: [2, 2, 2]))
        let k = features.featureCount
        return LinearSoftmaxPolicy(features: features, actionCount: 3, parameters: randomParameters(3 * k, seed: seed))
    }

    static func linearGaussian<S: NACScalar>(_: S.Type = S.self, seed: UInt64 = 5) -> LinearGaussianPolicy<S> {
        let features = AnyFeatureMap<S>.polynomial(PolynomialBasis(inputDimension: 3, degree: 2))
        let k = features.featureCount
        return LinearGaussianPolicy(features: features, actionDimension: 2, parameters: randomParameters(2 * k + 2, seed: seed))
    }

    /// Every kind, as existentials, with a name.
    static func all<S: NACScalar>(_: S.Type) -> [(String, any Policy<S>)] {
        [("gaussian", gaussian(S.self)), ("stateDependentGaussian", stateDependentGaussian(S.self)),
         ("categorical", categorical(S.self)), ("linearSoftmax", linearSoftmax(S.self)),
         ("linearGaussian", linearGaussian(S.self))]
    }
}
