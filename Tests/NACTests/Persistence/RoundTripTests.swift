import Foundation
import Testing
@testable import NAC

/// Save → load reproduces every model bit for bit, for Float and Double.
@Suite struct RoundTripTests {
    /// Parameters that stress number printing: tiny, huge, subnormal, −0, 1/3-like values.
    static func awkward<S: NACScalar>(_ count: Int, seed: UInt64) -> [S] {
        var g = Xoshiro256StarStar(seed: seed)
        let specials: [S] = [0, -0.0, 1, -1, S.leastNonzeroMagnitude, S.leastNormalMagnitude, S.greatestFiniteMagnitude,
                             -S.greatestFiniteMagnitude, 1 / 3, S(0.1), S.ulpOfOne, 1 + S.ulpOfOne]
        return (0..<count).map { i in
            if i < specials.count { return specials[i] }
            let e = Int(g.next() % 40) - 20
            return S(g.normal(Double.self)) * S.pow(10, e)
        }
    }

    /// Sign, exponent and significand bits of each element (distinguishes −0 from 0, every NaN payload…).
    func bits<S: NACScalar>(_ x: [S]) -> [String] {
        x.map { "\($0.sign == .minus ? 1 : 0):\($0.exponentBitPattern):\($0.significandBitPattern)" }
    }

    func roundTrip<S: NACScalar>(_ model: SavedModel<S>) throws -> SavedModel<S> {
        let text = try model.jsonText()
        let back = try SavedModel<S>(jsonText: text)
        #expect(back.kindName == model.kindName)
        #expect(bits(back.parameters) == bits(model.parameters), "\(model.kindName) \(S.self)")
        #expect(try back.jsonText() == text)
        return back
    }

    func checkAllKinds<S: NACScalar>(_: S.Type) throws {
        var g = PolicyFixtures.gaussian(S.self)
        g.parameters = Self.awkward(g.parameterCount, seed: 1)
        let gb = try GaussianPolicy<S>(jsonText: try g.jsonText())
        #expect(gb.meanNetwork == g.meanNetwork && bits(gb.parameters) == bits(g.parameters))

        var sd = PolicyFixtures.stateDependentGaussian(S.self)
        sd.parameters = Self.awkward(sd.parameterCount, seed: 2)
        guard case .stateDependentGaussianPolicy(let sdb) = try roundTrip(sd.savedModel) else { Issue.record("kind"); return }
        #expect(sdb.network == sd.network)

        var c = PolicyFixtures.categorical(S.self)
        c.parameters = Self.awkward(c.parameterCount, seed: 3)
        guard case .categoricalPolicy(let cb) = try roundTrip(c.savedModel) else { Issue.record("kind"); return }
        #expect(cb.logitNetwork == c.logitNetwork)

        for features in [AnyFeatureMap<S>.fourier(FourierBasis(order: 2, lower: [-1, 0.1], upper: [S(1) / 3, 7])),
                         .radialBasis(.grid(lower: [0, 0], upper: [1, S(0.3)], pointsPerDimension: 2, width: S(0.1))),
                         .polynomial(PolynomialBasis(inputDimension: 2, degree: 3)),
                         .identity(IdentityFeatures(inputDimension: 2, appendsConstant: true))] {
            let ls = LinearSoftmaxPolicy(features: features, actionCount: 3,
                                         parameters: Self.awkward(3 * features.featureCount, seed: 4))
            guard case .linearSoftmaxPolicy(let lsb) = try roundTrip(ls.savedModel) else { Issue.record("kind"); return }
            #expect(lsb.features == features && lsb.actionCount == 3)
            let lg = LinearGaussianPolicy(features: features, actionDimension: 2,
                                          parameters: Self.awkward(2 * features.featureCount + 2, seed: 5))
            guard case .linearGaussianPolicy(let lgb) = try roundTrip(lg.savedModel) else { Issue.record("kind"); return }
            #expect(lgb.features == features)
            let lv = LinearValueFunction(features: features, parameters: Self.awkward(features.featureCount, seed: 6))
            guard case .linearValueFunction(let lvb) = try roundTrip(lv.savedModel) else { Issue.record("kind"); return }
            #expect(lvb.features == features)
        }
        let tabular = LinearValueFunction<S>(features: .oneHot(OneHotEncoding(stateCount: 4)), parameters: Self.awkward(4, seed: 7))
        _ = try roundTrip(tabular.savedModel)
        var mv = MLPValueFunction<S>(observationDimension: 3, hiddenLayers: [4, 2], hiddenActivation: .softplus, seed: 8)
        mv.parameters = Self.awkward(mv.parameterCount, seed: 9)
        guard case .mlpValueFunction(let mvb) = try roundTrip(mv.savedModel) else { Issue.record("kind"); return }
        #expect(mvb.network == mv.network)
    }

    @Test func everyKindRoundTripsBitExactlyInDouble() throws { try checkAllKinds(Double.self) }
    @Test func everyKindRoundTripsBitExactlyInFloat() throws { try checkAllKinds(Float.self) }

    @Test func manyRandomDoublesAndFloatsRoundTrip() throws {
        var g = Xoshiro256StarStar(seed: 77)
        // Random bit patterns cover every exponent; non-finite ones are skipped.
        let doubles = (0..<3000).map { _ in Double(bitPattern: g.next()) }.filter(\.isFinite)
        let floats = (0..<3000).map { _ in Float(bitPattern: UInt32(truncatingIfNeeded: g.next())) }.filter(\.isFinite)
        let v = LinearValueFunction<Double>(features: .identity(IdentityFeatures(inputDimension: doubles.count)), parameters: doubles)
        let vb = try LinearValueFunction<Double>(jsonText: try v.jsonText())
        #expect(bits(vb.parameters) == bits(doubles))
        let f = LinearValueFunction<Float>(features: .identity(IdentityFeatures(inputDimension: floats.count)), parameters: floats)
        let fb = try LinearValueFunction<Float>(jsonText: try f.jsonText())
        #expect(bits(fb.parameters) == bits(floats))
        // A float32 file read as Double holds exactly the Float values.
        let fd = try LinearValueFunction<Double>(jsonText: try f.jsonText())
        #expect(fd.parameters == floats.map { Double($0) })
    }

    @Test func saveAndLoadThroughFiles() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nac-roundtrip-\(UInt32.random(in: 0...UInt32.max)).json")
        defer { try? FileManager.default.removeItem(at: url) }
        let p = PolicyFixtures.categorical(Double.self)
        try p.save(to: url)
        let q = try CategoricalPolicy<Double>(contentsOf: url)
        #expect(bits(q.parameters) == bits(p.parameters))
        #expect(throws: PersistenceError.unexpectedKind(expected: "gaussian_policy", found: "categorical_policy")) {
            try GaussianPolicy<Double>(contentsOf: url)
        }
        #expect(SavedModel<Double>.supportedVersions.contains(SavedModel<Double>.currentVersion))
    }
}
