import Testing
@testable import NAC

// Reproducibility, cross-type consistency and distributional checks of NAC's generator.
//
// Statistical bounds: every moment is checked to within 6 standard errors of its exact value
// under the hypothesised distribution. For a correct generator the chance of exceeding that is
// about 2 · 10⁻⁹ per check; and since the seeds are fixed, each check's outcome is deterministic.

@Suite("xoshiro256**") struct Xoshiro256StarStarTests {
    /// Expected values computed independently with a Python transcription of the reference C code
    /// (prng.di.unimi.it/xoshiro256starstar.c), state seeded by four SplitMix64 outputs:
    ///
    ///     def rotl(x, k): return ((x << k) | (x >> (64 - k))) & M
    ///     s = [splitmix.next() for _ in range(4)]          # see SplitMix64Tests
    ///     def next():
    ///         result = (rotl((s[1] * 5) & M, 7) * 9) & M
    ///         t = (s[1] << 17) & M
    ///         s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]
    ///         s[2] ^= t; s[3] = rotl(s[3], 45)
    ///         return result
    ///
    /// and, for `uniform()`, (next() >> 11) * 2**-53 in Python floats (IEEE double).
    @Test func referenceOutputs() {
        var g = Xoshiro256StarStar(seed: 0)
        #expect((0..<6).map { _ in g.next() } == [
            0x99EC_5F36_CB75_F2B4, 0xBF6E_1F78_4956_452A, 0x1A5F_849D_4933_E6E0,
            0x6AA5_94F1_262D_2D2C, 0xBBA5_AD4A_1F84_2E59, 0xFFEF_8375_D9EB_CACA,
        ])
        var h = Xoshiro256StarStar(seed: 42)
        #expect((0..<3).map { _ in h.next() } == [0x1578_0B2E_0C2E_C716, 0x6104_D986_6D11_3A7E, 0xAE17_5332_39E4_99A1])
        var u = Xoshiro256StarStar(seed: 0)
        #expect((0..<3).map { _ in u.uniform(Double.self) } == [0.6012629994179048, 0.7477740925472398, 0.10301998939503632])
    }

    @Test func sameSeedSameStreamDifferentSeedDifferentStream() {
        var a = Xoshiro256StarStar(seed: 7), b = Xoshiro256StarStar(seed: 7), c = Xoshiro256StarStar(seed: 8)
        let sa = (0..<100).map { _ in a.next() }
        #expect(sa == (0..<100).map { _ in b.next() })
        #expect(zip(sa, (0..<100).map { _ in c.next() }).allSatisfy { $0 != $1 })
        var n1 = Xoshiro256StarStar(seed: 9), n2 = Xoshiro256StarStar(seed: 9)
        #expect((0..<11).map { _ in n1.normal(Double.self) } == (0..<11).map { _ in n2.normal(Double.self) })
    }

    @Test func floatStreamIsDoubleStreamRounded() {
        var f = Xoshiro256StarStar(seed: 3), d = Xoshiro256StarStar(seed: 3)
        for i in 0..<2_000 {
            // Interleave the kinds of draw; both generators see the same sequence of calls.
            switch i % 5 {
            case 0:
                let x: Float = f.uniform(), y: Double = d.uniform()
                #expect(x == Float(y) || (Float(y) == 1 && x == Float(1).nextDown))
            case 1:
                #expect(f.uniform(in: Float(-2)..<Float(5)) == Float(d.uniform(in: -2.0..<5.0)))
            case 2, 3:
                #expect(f.normal(Float.self) == Float(d.normal(Double.self)))
            default:
                #expect(f.normal(mean: Float(1.5), standardDeviation: 0.25)
                        == Float(d.normal(mean: 1.5, standardDeviation: 0.25)))
            }
        }
        let mf = Matrix<Float>.randomNormal(rows: 7, columns: 9, mean: 1.5, standardDeviation: 0.25, seed: 4)
        let md = Matrix<Double>.randomNormal(rows: 7, columns: 9, mean: 1.5, standardDeviation: 0.25, seed: 4)
        #expect(mf == Matrix<Float>(converting: md))
    }

    @Test(arguments: scalarTypes) func uniformMoments(_ type: any NACScalar.Type) {
        checkUniform(type)
    }

    @Test(arguments: scalarTypes) func normalMoments(_ type: any NACScalar.Type) {
        checkNormal(type)
    }

    @Test(arguments: scalarTypes) func categoricalFrequencies(_ type: any NACScalar.Type) {
        checkCategorical(type)
    }

    @Test func childSeedsAreReproducibleDistinctAndIndependent() {
        var parent = Xoshiro256StarStar(seed: 5), again = Xoshiro256StarStar(seed: 5)
        let seeds = (0..<8).map { _ in parent.childSeed() }
        #expect(seeds == (0..<8).map { _ in again.childSeed() })
        #expect(Set(seeds).count == seeds.count)
        // Two children's uniform streams, and a child's against the parent's continuation, are
        // uncorrelated: the sample correlation of n independent pairs has standard error 1/√n.
        let n = 20_000
        var c0 = Xoshiro256StarStar(seed: seeds[0]), c1 = Xoshiro256StarStar(seed: seeds[1])
        let x = (0..<n).map { _ in c0.uniform(Double.self) }
        let y = (0..<n).map { _ in c1.uniform(Double.self) }
        let z = (0..<n).map { _ in parent.uniform(Double.self) }
        let bound = 6 / Double(n).squareRoot()
        expectBelow(abs(correlation(x, y)), bound, "|corr(child 0, child 1)|")
        expectBelow(abs(correlation(x, z)), bound, "|corr(child 0, parent)|")
        expectBelow(abs(correlation(Array(x.dropFirst()), Array(x.dropLast()))), bound, "|lag-1 autocorrelation|")
    }

    @Test func normalUsesBothBoxMullerVariates() {
        // Two normals consume two outputs: the third raw output is next in line afterwards.
        var g = Xoshiro256StarStar(seed: 12), raw = Xoshiro256StarStar(seed: 12)
        _ = g.normal(Double.self); _ = g.normal(Double.self)
        _ = raw.next(); _ = raw.next()
        #expect(g.next() == raw.next())
    }
}

private func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(x.count) }

/// The k-th central sample moment.
private func centralMoment(_ x: [Double], _ k: Int) -> Double {
    let m = mean(x)
    return x.reduce(0) { acc, v in
        var p = 1.0
        for _ in 0..<k { p *= v - m }
        return acc + p
    } / Double(x.count)
}

private func correlation(_ x: [Double], _ y: [Double]) -> Double {
    let mx = mean(x), my = mean(y)
    var sxy = 0.0, sxx = 0.0, syy = 0.0
    for (a, b) in zip(x, y) { sxy += (a - mx) * (b - my); sxx += (a - mx) * (a - mx); syy += (b - my) * (b - my) }
    return sxy / (sxx * syy).squareRoot()
}

private func checkUniform<S: NACScalar>(_: S.Type) {
    let n = 100_000
    var g = Xoshiro256StarStar(seed: 101)
    let x = (0..<n).map { _ in Double(g.uniform(S.self)) }
    #expect(x.allSatisfy { $0 >= 0 && $0 < 1 })
    // U(0, 1): mean 1/2 (SE √(1/12n)); variance 1/12 (SE √((μ₄ − σ⁴)/n), μ₄ = 1/80).
    let root = Double(n).squareRoot()
    expectClose(mean(x), 0.5, tolerance: 6 * (1.0 / 12).squareRoot() / root, "\(S.typeName) uniform mean")
    expectClose(centralMoment(x, 2), 1.0 / 12, tolerance: 6 * (1.0 / 80 - 1.0 / 144).squareRoot() / root,
                "\(S.typeName) uniform variance")
    // Every tenth of [0, 1) gets its share: binomial SE √(p(1 − p)/n) with p = 0.1.
    var bins = [Int](repeating: 0, count: 10)
    for v in x { bins[Int(v * 10)] += 1 }
    for (i, count) in bins.enumerated() {
        expectClose(Double(count) / Double(n), 0.1, tolerance: 6 * (0.09).squareRoot() / root, "bin \(i)")
    }
    // On a range: U(−3, 5) has mean 1 and variance 64/12.
    let y = (0..<n).map { _ in Double(g.uniform(in: S(-3)..<S(5))) }
    #expect(y.allSatisfy { $0 >= -3 && $0 < 5 })
    expectClose(mean(y), 1, tolerance: 6 * (64.0 / 12).squareRoot() / root, "\(S.typeName) uniform(in:) mean")
}

private func checkNormal<S: NACScalar>(_: S.Type) {
    let n = 100_000
    var g = Xoshiro256StarStar(seed: 202)
    let x = (0..<n).map { _ in Double(g.normal(S.self)) }
    let root = Double(n).squareRoot()
    // N(0, 1): mean SE 1/√n; variance SE √(2/n); skewness SE √(6/n); excess kurtosis SE √(24/n).
    let variance = centralMoment(x, 2)
    expectClose(mean(x), 0, tolerance: 6 / root, "\(S.typeName) normal mean")
    expectClose(variance, 1, tolerance: 6 * 2.0.squareRoot() / root, "\(S.typeName) normal variance")
    expectClose(centralMoment(x, 3) / (variance * variance.squareRoot()), 0, tolerance: 6 * 6.0.squareRoot() / root,
                "\(S.typeName) normal skewness")
    expectClose(centralMoment(x, 4) / (variance * variance) - 3, 0, tolerance: 6 * 24.0.squareRoot() / root,
                "\(S.typeName) normal excess kurtosis")
    // P(|z| < 1) = 0.682689492…, binomial SE.
    let p = 0.6826894921370859
    let inside = Double(x.filter { abs($0) < 1 }.count) / Double(n)
    expectClose(inside, p, tolerance: 6 * (p * (1 - p)).squareRoot() / root, "\(S.typeName) P(|z| < 1)")
    // With parameters: N(3, 0.5²).
    let y = (0..<n).map { _ in Double(g.normal(mean: S(3), standardDeviation: S(0.5))) }
    expectClose(mean(y), 3, tolerance: 6 * 0.5 / root, "\(S.typeName) N(3, 0.25) mean")
    expectClose(centralMoment(y, 2), 0.25, tolerance: 6 * 0.25 * 2.0.squareRoot() / root, "\(S.typeName) N(3, 0.25) variance")
}

private func checkCategorical<S: NACScalar>(_: S.Type) {
    let n = 100_000
    let weights: [S] = [1, 2, 0, 7]     // probabilities 0.1, 0.2, 0, 0.7
    var g = Xoshiro256StarStar(seed: 303)
    var counts = [Int](repeating: 0, count: weights.count)
    for _ in 0..<n { counts[g.categorical(weights)] += 1 }
    #expect(counts[2] == 0, "a zero weight is never drawn")
    let root = Double(n).squareRoot()
    for (i, p) in [0.1, 0.2, 0, 0.7].enumerated() where p > 0 {
        expectClose(Double(counts[i]) / Double(n), p, tolerance: 6 * (p * (1 - p)).squareRoot() / root,
                    "\(S.typeName) frequency of \(i)")
    }
    // Float and Double weights give the same draws (sampling is done in Double).
    var f = Xoshiro256StarStar(seed: 304), d = Xoshiro256StarStar(seed: 304)
    let fw: [Float] = [0.25, 0.5, 0.25], dw: [Double] = [0.25, 0.5, 0.25]
    #expect((0..<500).map { _ in f.categorical(fw) } == (0..<500).map { _ in d.categorical(dw) })
    // A single positive weight is always drawn.
    #expect((0..<50).allSatisfy { _ in g.categorical([0, 0, S(3)]) == 2 })
}
