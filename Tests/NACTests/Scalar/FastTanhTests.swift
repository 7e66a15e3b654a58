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
