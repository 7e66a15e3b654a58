import Foundation
import Testing
@testable import NAC

/// The vectorised C exp and log kernels (every instruction-set level this CPU has) against libm,
/// and the kernels built on them: the engine's exp, log, sigmoid and softplus, and the row-wise
/// logsumexp / softmax on tiles of narrow rows and on rows wider than a tile.
@Suite struct ExpLogKernelTests {
    static let levelNames = ["baseline", "AVX2+FMA", "AVX-512"]

    /// Ordinary inputs over the whole fast range plus every edge: the ends of the vector path
    /// (±708 in double, ±87 in float), finite results whose 2ⁿ would overflow (709.5, 88.5),
    /// overflow, gradual underflow, ±∞, NaN, ±0.
    static func expInputs<S: NACScalar>(_: S.Type) -> [S] {
        let limit = S.self == Float.self ? 87.0 : 708.0, overflow = S.self == Float.self ? 88.8 : 709.9
        var x: [Double] = [0, -0.0, 1e-300, -1e-12, 0.3465, -0.3466, 0.5, 1, -1, limit, -limit, limit + 0.5,
                           -limit - 0.5, limit + 1.5, limit + 1.7, overflow, -overflow, -(limit + 14), -(limit + 40), -2000, 2000]
        var rng = Xoshiro256StarStar(seed: 41)
        for _ in 0..<12000 { x.append(rng.uniform(in: -limit..<limit)) }
        for _ in 0..<4000 { x.append(rng.normal(Double.self) * pow(10, rng.uniform(in: -10.0..<0.5))) }
        var values = x.map { S($0) }
        values += [.infinity, -.infinity, .nan, S.greatestFiniteMagnitude, -S.greatestFiniteMagnitude]
        return values
    }

    /// Positive normals from the least to the greatest, values near 1 (where log is small),
    /// around √½ and √2 (where the reduction switches), and 0, −0, negatives, subnormals, ±∞, NaN.
    static func logInputs<S: NACScalar>(_: S.Type) -> [S] {
        let maxExponent = S.self == Float.self ? 127.0 : 1023.0
        var x: [Double] = [1, 2, 0.5, 0.7071067811865475, 0.7071067811865476, 1.4142135623730951, 1.4142135623730950,
                           1 + 1e-7, 1 - 1e-7, 1 + 1e-15, 1 - 1e-15, 3, 10]
        var rng = Xoshiro256StarStar(seed: 42)
        for _ in 0..<8000 { x.append(pow(2, rng.uniform(in: -(maxExponent - 1)..<maxExponent))) }
        for _ in 0..<6000 { x.append(rng.uniform(in: 0.5..<2)) }
        var values = x.map { S($0) }
        values += [S.leastNormalMagnitude, S.greatestFiniteMagnitude, S.leastNonzeroMagnitude, S.leastNormalMagnitude / 3,
                   0, -0.0, -1, -S.leastNormalMagnitude, .infinity, -.infinity, .nan]
        return values
    }

    /// Runs `variant` on `inputs` (several counts, to leave tails after 4-, 8- and 16-lane blocks,
    /// and once in place) and compares with `reference` (libm in the element type): special results
    /// (0, subnormal, ±∞, NaN) must be libm's exactly, others within `ulps`.
    static func check<S: NACScalar>(
        _ inputs: [S], ulps: Double, label: String,
        variant: (UnsafePointer<S>, Int, UnsafeMutablePointer<S>) -> Void, reference: (S) -> S
    ) {
        for count in [inputs.count, 1, 3, 7, 13, 17, 31] {
            let x = Array(inputs.prefix(count))
            var y = [S](repeating: 42, count: count)
            x.withUnsafeBufferPointer { px in y.withUnsafeMutableBufferPointer { py in variant(px.baseAddress!, count, py.baseAddress!) } }
            var worst = 0.0, worstAt = S.zero
            for i in 0..<count {
                let expected = reference(x[i])
                if expected.isNaN || expected.isInfinite || expected == 0 || expected.isSubnormal {
                    #expect(y[i] == expected || (y[i].isNaN && expected.isNaN), "\(label): f(\(x[i])) = \(y[i]), libm \(expected)")
                    continue
                }
                let error = Double(abs(y[i] - expected) / expected.ulp)
                if !(error <= worst) { worst = error.isNaN ? .infinity : error; worstAt = x[i] }   // NaN counts
            }
            #expect(worst <= ulps, "\(label), \(count) elements: worst \(worst) ulp at \(worstAt)")
        }
        var inPlace = inputs
        inPlace.withUnsafeMutableBufferPointer { p in variant(UnsafePointer(p.baseAddress!), p.count, p.baseAddress!) }
        var separate = [S](repeating: 0, count: inputs.count)
        variant(inputs, inputs.count, &separate)
        #expect(zip(inPlace, separate).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) }, "\(label): in place")
    }

    // Each kernel is within 1 ulp of the exact value in this file's own sweep (measured with
    // 2²⁰ points per level); libm's double exp/log are themselves within 1 ulp, so 2 ulp apart.
    @Test(arguments: [0, 1, 2])
    func doubleExpAgreesWithLibm(level: Int) {
        Self.check(Self.expInputs(Double.self), ulps: 2, label: "exp float64 \(Self.levelNames[min(level, Double.hyperbolicTangentLevel)])",
                   variant: { Double.exponential(level: level, $0, count: $1, value: $2) }, reference: { Foundation.exp($0) })
    }

    @Test(arguments: [0, 1, 2])
    func doubleLogAgreesWithLibm(level: Int) {
        Self.check(Self.logInputs(Double.self), ulps: 2, label: "log float64 \(Self.levelNames[min(level, Double.hyperbolicTangentLevel)])",
                   variant: { Double.logarithm(level: level, $0, count: $1, value: $2) }, reference: { Foundation.log($0) })
    }

    // Float: against the double result rounded to float (at most half an ulp from exact) where
    // the result is normal; libm's float functions for the special lanes.
    @Test(arguments: [0, 1, 2])
    func floatExpAgreesWithLibm(level: Int) {
        Self.check(Self.expInputs(Float.self), ulps: 2, label: "exp float32 \(Self.levelNames[min(level, Float.hyperbolicTangentLevel)])",
                   variant: { Float.exponential(level: level, $0, count: $1, value: $2) },
                   reference: { x in
                       let rounded = Float(Foundation.exp(Double(x)))
                       return rounded.isNormal ? rounded : Foundation.exp(x)
                   })
    }

    @Test(arguments: [0, 1, 2])
    func floatLogAgreesWithLibm(level: Int) {
        Self.check(Self.logInputs(Float.self), ulps: 2, label: "log float32 \(Self.levelNames[min(level, Float.hyperbolicTangentLevel)])",
                   variant: { Float.logarithm(level: level, $0, count: $1, value: $2) },
                   reference: { x in x.isNormal && x > 0 ? Float(Foundation.log(Double(x))) : Foundation.log(x) })
    }

    /// The entry points the engine calls run this CPU's level, bit for bit.
    @Test func dispatchUsesTheCPUsVersion() {
        let x = Self.expInputs(Double.self), l = Self.logInputs(Double.self)
        var a = [Double](repeating: 0, count: x.count), b = a
        Double.exponential(x, count: x.count, value: &a)
        Double.exponential(level: Double.hyperbolicTangentLevel, x, count: x.count, value: &b)
        #expect(a.elementsEqual(b) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        var c = [Double](repeating: 0, count: l.count), d = c
        Double.logarithm(l, count: l.count, value: &c)
        Double.logarithm(level: Double.hyperbolicTangentLevel, l, count: l.count, value: &d)
        #expect(c.elementsEqual(d) { $0 == $1 || ($0.isNaN && $1.isNaN) })
        let xf = Self.expInputs(Float.self)
        var e = [Float](repeating: 0, count: xf.count), f = e
        Float.exponential(xf, count: xf.count, value: &e)
        Float.exponential(level: Float.hyperbolicTangentLevel, xf, count: xf.count, value: &f)
        #expect(e.elementsEqual(f) { $0 == $1 || ($0.isNaN && $1.isNaN) })
    }

    /// σ and softplus (built on e^(−|x|) from the kernel) and their derivatives against closed forms
    /// in Double, over the whole range, in chunks past the 256-element stack buffer, in place too.
    @Test func sigmoidAndSoftplusAgreeWithClosedForms() {
        var rng = Xoshiro256StarStar(seed: 43)
        var x: [Double] = [0, -0.0, 1e-20, -1e-20, 36, -36, 40, -40, 710, -710, 800, -800, .infinity, -.infinity]
        for _ in 0..<1000 { x.append(rng.normal(Double.self) * pow(10, rng.uniform(in: -3.0..<2.0))) }
        func sigmoid(_ v: Double) -> Double { v >= 0 ? 1 / (1 + Foundation.exp(-v)) : Foundation.exp(v) / (1 + Foundation.exp(v)) }
        func softplus(_ v: Double) -> Double { Swift.max(v, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(v))) }
        for function in [UnaryFunction.sigmoid, .softplus] {
            var y = [Double](repeating: .nan, count: x.count), d1 = y, d2 = y
            Double.evaluate(function, x: x, count: x.count, value: &y, firstDerivative: &d1, secondDerivative: &d2)
            for i in x.indices {
                let s = sigmoid(x[i])
                let expected = function == .sigmoid ? s : softplus(x[i])
                #expect(y[i] == expected || abs(y[i] - expected) <= 4 * expected.ulp, "\(function)(\(x[i])) = \(y[i]), expected \(expected)")
                let (e1, e2) = function == .sigmoid ? (s * (1 - s), s * (1 - s) * (1 - 2 * s)) : (s, s * (1 - s))
                #expect(abs(d1[i] - e1) <= 4 * Swift.max(e1.ulp, Double.leastNormalMagnitude), "\(function)′(\(x[i]))")
                #expect(abs(d2[i] - e2) <= 8 * Swift.max(Swift.abs(e1).ulp, Double.leastNormalMagnitude), "\(function)″(\(x[i]))")
            }
            var inPlace = x
            inPlace.withUnsafeMutableBufferPointer { p in
                Double.evaluate(function, x: UnsafePointer(p.baseAddress!), count: p.count, value: p.baseAddress!,
                                firstDerivative: nil, secondDerivative: nil)
            }
            #expect(inPlace == y, "\(function) in place")
        }
    }

    /// logsumexp and softmax per row against a direct Double computation: narrow rows in tiles
    /// (3000 × 2, more rows than one tile holds), rows wider than a tile (3 × 5000), with and without
    /// softmax, a row stride larger than the width, logits of ±1e4, a row of −∞ but one, and a row
    /// of −∞ only (−∞, softmax NaN as 0 · ∞). Widths from 16 on take the four-chain maximum and
    /// sum, with 0–3 columns left over.
    @Test(arguments: [(3000, 2), (700, 3), (5, 1), (40, 19), (33, 16), (3, 5000), (2, 2049)])
    func logSumExpRowsAgreeWithADirectComputation(shape: (Int, Int)) {
        let (rows, columns) = shape, stride = columns + 3
        var rng = Xoshiro256StarStar(seed: 44)
        var a = (0..<(rows * stride)).map { _ in rng.normal(Double.self) * 5 }
        for c in 0..<columns { a[c] += 1e4; a[stride + c] = c == columns - 1 ? 2 : -.infinity }
        if rows > 2 { for c in 0..<columns { a[2 * stride + c] = -.infinity } }
        func run<S: NACScalar>(_: S.Type) {
                let input = a.map { S($0) }
                var lse = [S](repeating: .nan, count: rows), lseOnly = lse
                var softmax = [S](repeating: .nan, count: rows * columns)
                S.logSumExpRows(input, rows: rows, columns: columns, rowStride: stride, into: &lse, softmax: &softmax)
                S.logSumExpRows(input, rows: rows, columns: columns, rowStride: stride, into: &lseOnly, softmax: nil)
                #expect(lse == lseOnly || zip(lse, lseOnly).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
                for r in 0..<rows {
                    let row = (0..<columns).map { Double(input[r * stride + $0]) }
                    let m = row.max()!
                    if m == -.infinity {
                        #expect(lse[r] == -.infinity)
                        #expect(softmax[(r * columns)..<((r + 1) * columns)].allSatisfy { $0.isNaN })
                        continue
                    }
                    let s = row.reduce(0) { $0 + Foundation.exp($1 - m) }
                    let expected = m + Foundation.log(s)
                    // The row sum is accumulated in S, one term after another: a relative error up
                    // to (columns − 1) ε, which passes into log s and every softmax entry.
                    let eps = Double(S.ulpOfOne), sumError = Double(columns) * eps
                    let tolerance = 8 * eps * (Swift.abs(m) + Swift.abs(Foundation.log(s)) + 1) + sumError
                    #expect(Swift.abs(Double(lse[r]) - expected) <= tolerance, "\(S.self) row \(r): \(lse[r]) vs \(expected)")
                    for c in 0..<columns {
                        // a − m is rounded in S: a relative error up to |a − m| ε/2 in e^(a − m).
                        let p = Foundation.exp(row[c] - m) / s
                        let tolerance = (p == 0 ? 0 : p * (8 * eps * (1 + Swift.abs(row[c] - m)) + sumError)) + Double(S.leastNormalMagnitude)
                        #expect(Swift.abs(Double(softmax[r * columns + c]) - p) <= tolerance, "\(S.self) softmax[\(r), \(c)]")
                    }
                }
        }
        run(Double.self)
        run(Float.self)
        // The maximum found wherever it is (each of the four chains, and the leftovers): a logit of
        // 1000 among zeros would overflow e^(a − m) with any smaller m.
        for width in [2, 19] {
            let x = (0..<(width * width)).map { $0 % (width + 1) == 0 ? 1000.0 : 0 }   // row k: 1000 at column k
            var lse = [Double](repeating: 0, count: width)
            Double.logSumExpRows(x, rows: width, columns: width, rowStride: width, into: &lse, softmax: nil)
            let expected = 1000 + Foundation.log(1 + Double(width - 1) * Foundation.exp(-1000.0))
            #expect(lse.allSatisfy { $0 == expected }, "width \(width): \(lse)")
        }
        // A NaN anywhere in a row makes its logsumexp NaN, in the short and the long loops.
        for width in [2, 19] {
            var x = (0..<(2 * width)).map { Double($0) / 7 }
            x[width + width / 2] = .nan
            var lse = [Double](repeating: 0, count: 2)
            Double.logSumExpRows(x, rows: 2, columns: width, rowStride: width, into: &lse, softmax: nil)
            #expect(lse[0].isFinite && lse[1].isNaN, "width \(width): \(lse)")
        }
    }
}
