import Foundation
import Testing
@testable import NAC

/// The branch-free tanh used by the engine against libm's tanh over the whole range.
@Suite struct FastTanhTests {
    @Test func agreesWithLibmToAFewUlp() {
        var worst = 0.0
        var x = -30.0
        var rng = Xoshiro256StarStar(seed: 9)
        var samples = [0.0, -0.0, 1e-300, -1e-300, 1e-12, 0.3465, 0.3466, 20, 21, -20, 700, -700, .infinity, -.infinity]
        while x < 30 { samples.append(x); x += 0.0137 }
        for _ in 0..<20000 { samples.append(rng.normal(Double.self) * pow(10, rng.uniform(in: -8.0..<1.5))) }
        for s in samples {
            let a = Double.fastTanh(s), b = Foundation.tanh(s)
            let ulps = abs(a - b) / max(b.ulp, Double.leastNormalMagnitude)
            worst = max(worst, ulps)
            #expect(a.sign == b.sign || b == 0, "sign differs at \(s)")
        }
        // Degree-13 Taylor truncation < 1e-17 and a few rounded operations: a handful of ulp.
        #expect(worst <= 4, "worst error \(worst) ulp")
        #expect(Double.fastTanh(Double.nan).isNaN)
    }
}

/// The single-precision branch-free tanh against libm's tanh in Double, rounded to Float.
@Suite struct FastTanhFloatTests {
    @Test func agreesWithCorrectlyRoundedTanhToAFewUlp() {
        var worst: Float = 0
        var samples: [Float] = [0, -0, 1e-30, -1e-30, 1e-6, 0.3465, 0.3466, 9, 10, -9, 88, -88, .infinity, -.infinity]
        var x: Float = -12
        while x < 12 { samples.append(x); x += 0.00731 }
        var rng = Xoshiro256StarStar(seed: 10)
        for _ in 0..<20000 { samples.append(Float(rng.normal(Double.self) * pow(10, rng.uniform(in: -6.0..<1.2)))) }
        for s in samples {
            let a = Float.fastTanh(s), b = Float(Foundation.tanh(Double(s)))
            worst = max(worst, abs(a - b) / max(b.ulp, Float.leastNormalMagnitude))
        }
        // Degree-8 truncation < 1e-9 and a handful of rounded Float operations.
        #expect(worst <= 4, "worst error \(worst) ulp")
        #expect(Float.fastTanh(Float.nan).isNaN)
    }
}

/// The vectorised C tanh kernel behind `UnaryFunction.tanh` (both its baseline SSE2 version and,
/// when this CPU has them, the AVX2 + FMA one) against libm, with the derivative 1 − y², counts
/// that leave a tail after the last full block, and x and y in the same buffer.
@Suite struct TanhKernelTests {
    static func samples<S: NACScalar>(_: S.Type, limit: Double) -> [Double] {
        var samples = [0.0, -0.0, 1e-300, -1e-300, 1e-12, 0.3465, 0.3466, limit, limit + 1, -limit, 700, -700,
                       .infinity, -.infinity, 8.999, 19.999]
        var x = -30.0
        while x < 30 { samples.append(x); x += 0.0137 }
        var rng = Xoshiro256StarStar(seed: 11)
        for _ in 0..<20000 { samples.append(rng.normal(Double.self) * pow(10, rng.uniform(in: -8.0..<1.5))) }
        return samples
    }

    static func check<S: NACScalar>(_: S.Type, variant: (UnsafePointer<S>, Int, UnsafeMutablePointer<S>, UnsafeMutablePointer<S>?) -> Void, label: String) {
        let inputs = samples(S.self, limit: S.self == Float.self ? 9 : 20).map { S($0) }
        for count in [inputs.count, 1, 3, 7, 13] {   // 7 and 13: tails after blocks of 4 and 8
            let x = Array(inputs.prefix(count))
            var y = [S](repeating: .nan, count: count), d = y
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    d.withUnsafeMutableBufferPointer { pd in variant(px.baseAddress!, count, py.baseAddress!, pd.baseAddress!) }
                }
            }
            var worst = 0.0
            for i in 0..<count {
                let exact = Foundation.tanh(Double(x[i]))
                let rounded = S(exact)
                let ulps = Double(abs(y[i] - rounded) / max(rounded.ulp, S.leastNormalMagnitude))
                worst = max(worst, ulps)
                #expect(y[i].sign == rounded.sign || rounded == 0, "\(label): sign differs at \(x[i])")
                #expect(abs(Double(d[i]) - (1 - Double(y[i]) * Double(y[i]))) <= 2 * Double(S.ulpOfOne), "\(label): derivative at \(x[i])")
            }
            #expect(worst <= 4, "\(label), \(count) elements: worst error \(worst) ulp")
        }
        // NaN passes through; x and y may be the same buffer; no derivative requested.
        var inPlace: [S] = [.nan, 0.5, -0.5, 3, -.nan, 1e-3, 25, -25, 0.25]
        let expected = inPlace.map { S(Foundation.tanh(Double($0))) }
        inPlace.withUnsafeMutableBufferPointer { p in variant(UnsafePointer(p.baseAddress!), p.count, p.baseAddress!, nil) }
        #expect(inPlace[0].isNaN && inPlace[4].isNaN, "\(label): NaN")
        for i in [1, 2, 3, 5, 6, 7, 8] {
            #expect(abs(inPlace[i] - expected[i]) <= 4 * expected[i].ulp, "\(label): in place at \(i)")
        }
    }

    static let levelNames = ["baseline", "AVX2+FMA", "AVX-512"]

    @Test(arguments: [0, 1, 2])
    func doubleKernelAgreesWithLibm(level: Int) {
        Self.check(Double.self, variant: { Double.hyperbolicTangent(level: level, $0, count: $1, value: $2, derivative: $3) },
                   label: "float64 \(Self.levelNames[min(level, Double.hyperbolicTangentLevel)])")
    }

    @Test(arguments: [0, 1, 2])
    func floatKernelAgreesWithLibm(level: Int) {
        Self.check(Float.self, variant: { Float.hyperbolicTangent(level: level, $0, count: $1, value: $2, derivative: $3) },
                   label: "float32 \(Self.levelNames[min(level, Float.hyperbolicTangentLevel)])")
    }

    /// The dispatching entry point the engine uses is the version of this CPU's level, bit for
    /// bit; the AVX-512 and AVX2 versions compute the same operations lane by lane, so they agree
    /// bit for bit too (on a CPU with AVX-512; elsewhere both run AVX2 or the baseline).
    @Test func dispatchUsesTheCPUsVersion() {
        let x = Self.samples(Double.self, limit: 20), xf = Self.samples(Float.self, limit: 9).map { Float($0) }
        var viaDispatch = [Double](repeating: 0, count: x.count), viaVariant = viaDispatch, viaAVX2 = viaDispatch
        Double.hyperbolicTangent(x, count: x.count, value: &viaDispatch, derivative: nil)
        Double.hyperbolicTangent(level: Double.hyperbolicTangentLevel, x, count: x.count, value: &viaVariant, derivative: nil)
        Double.hyperbolicTangent(level: 1, x, count: x.count, value: &viaAVX2, derivative: nil)
        #expect(viaDispatch == viaVariant)
        #expect(viaDispatch == viaAVX2)
        var floatDispatch = [Float](repeating: 0, count: xf.count), floatAVX2 = floatDispatch
        Float.hyperbolicTangent(xf, count: xf.count, value: &floatDispatch, derivative: nil)
        Float.hyperbolicTangent(level: 1, xf, count: xf.count, value: &floatAVX2, derivative: nil)
        #expect(floatDispatch == floatAVX2)
    }
}
