#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import NAC

// `NACScalar.evaluate` against the closed forms of every `UnaryFunction` case, for both types,
// and its f′ and f″ against central finite differences in Double. The references use the C
// library's functions in Double.

/// One function with sample points (away from kinks and domain edges) and its closed forms.
struct UnaryFunctionCase: Sendable, CustomTestStringConvertible {
    var function: UnaryFunction
    var points: [Double]
    var value: @Sendable (Double) -> Double
    var first: @Sendable (Double) -> Double
    var second: @Sendable (Double) -> Double
    var testDescription: String { function.description }
}

private func logistic(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

let unaryFunctionCases: [UnaryFunctionCase] = [
    .init(function: .negate, points: [-2, -0.5, 0.3, 1.7], value: { -$0 }, first: { _ in -1 }, second: { _ in 0 }),
    .init(function: .exp, points: [-3, -0.2, 0.5, 2], value: { exp($0) }, first: { exp($0) }, second: { exp($0) }),
    .init(function: .log, points: [0.1, 0.7, 1.5, 10],
          value: { log($0) }, first: { 1 / $0 }, second: { -1 / ($0 * $0) }),
    .init(function: .log1p, points: [-0.5, 1e-9, 0.3, 4],
          value: { log1p($0) }, first: { 1 / (1 + $0) }, second: { -1 / ((1 + $0) * (1 + $0)) }),
    .init(function: .sqrt, points: [0.04, 1, 2.5, 9],
          value: { $0.squareRoot() }, first: { 0.5 / $0.squareRoot() }, second: { -0.25 / ($0 * $0.squareRoot()) }),
    .init(function: .square, points: [-3, -0.5, 0.25, 2], value: { $0 * $0 }, first: { 2 * $0 }, second: { _ in 2 }),
    .init(function: .power(2.5), points: [0.3, 1, 2],
          value: { pow($0, 2.5) }, first: { 2.5 * pow($0, 1.5) }, second: { 3.75 * pow($0, 0.5) }),
    .init(function: .power(3), points: [-2, -0.5, 1.5],
          value: { $0 * $0 * $0 }, first: { 3 * $0 * $0 }, second: { 6 * $0 }),
    .init(function: .power(-1), points: [-3, 0.5, 2],
          value: { 1 / $0 }, first: { -1 / ($0 * $0) }, second: { 2 / ($0 * $0 * $0) }),
    .init(function: .power(0), points: [-2, 0.5, 3], value: { _ in 1 }, first: { _ in 0 }, second: { _ in 0 }),
    .init(function: .tanh, points: [-3, -0.4, 0.1, 2],
          value: { tanh($0) }, first: { 1 - tanh($0) * tanh($0) },
          second: { -2 * tanh($0) * (1 - tanh($0) * tanh($0)) }),
    .init(function: .sigmoid, points: [-30, -2, 0, 0.7, 5, 40],
          value: { logistic($0) }, first: { logistic($0) * logistic(-$0) },
          second: { logistic($0) * logistic(-$0) * (logistic(-$0) - logistic($0)) }),
    .init(function: .relu, points: [-2, -0.1, 0.3, 4],
          value: { max($0, 0) }, first: { $0 > 0 ? 1 : 0 }, second: { _ in 0 }),
    .init(function: .softplus, points: [-40, -3, 0, 1.5, 40],
          value: { $0 > 0 ? $0 + log1p(exp(-$0)) : log1p(exp($0)) },
          first: { logistic($0) }, second: { logistic($0) * logistic(-$0) }),
    .init(function: .sin, points: [-2, 0.3, 1, 3], value: { sin($0) }, first: { cos($0) }, second: { -sin($0) }),
    .init(function: .cos, points: [-2, 0.3, 1, 3], value: { cos($0) }, first: { -sin($0) }, second: { -cos($0) }),
    .init(function: .reciprocal, points: [-4, -0.5, 0.25, 3],
          value: { 1 / $0 }, first: { -1 / ($0 * $0) }, second: { 2 / ($0 * $0 * $0) }),
]

/// y, f′, f″ from `evaluate` for the points, converted to Double.
private func evaluated<S: NACScalar>(_: S.Type, _ function: UnaryFunction, _ points: [Double])
    -> (value: [Double], first: [Double], second: [Double]) {
    let x = points.map { S($0) }
    var y = [S](repeating: .nan, count: x.count)
    var d1 = y, d2 = y
    S.evaluate(function, x: x, count: x.count, value: &y, firstDerivative: &d1, secondDerivative: &d2)
    return (y.map(Double.init), d1.map(Double.init), d2.map(Double.init))
}

@Suite("Unary functions") struct UnaryFunctionTests {
    @Test("every case matches its closed form", arguments: unaryFunctionCases)
    func closedForms(_ testCase: UnaryFunctionCase) {
        checkClosedForms(Float.self, testCase)
        checkClosedForms(Double.self, testCase)
    }

    @Test("f′ and f″ match central differences (Double)", arguments: unaryFunctionCases)
    func finiteDifferences(_ testCase: UnaryFunctionCase) {
        for x in testCase.points {
            let h = 1e-5 * max(1, abs(x))
            let at = evaluated(Double.self, testCase.function, [x - h, x, x + h])
            let slope = (at.value[2] - at.value[0]) / (2 * h)
            let curvature = (at.first[2] - at.first[0]) / (2 * h)
            // Truncation error h² f‴ / 6 plus rounding ε |f| / h: below 1e-6 at these points.
            expectClose(at.first[1], slope, tolerance: 1e-6 * (1 + abs(slope)), "\(testCase.function)′(\(x))")
            expectClose(at.second[1], curvature, tolerance: 1e-6 * (1 + abs(curvature)), "\(testCase.function)″(\(x))")
        }
    }

    @Test(arguments: scalarTypes) func evaluatesInPlaceAndThroughMatrix(_ type: any NACScalar.Type) {
        checkInPlaceAndMatrix(type)
    }

    @Test(arguments: scalarTypes) func reluDerivativeAtZeroIsZero(_ type: any NACScalar.Type) {
        let (y, d1, d2) = evaluated(type, .relu, [0])
        #expect(y == [0] && d1 == [0] && d2 == [0])
    }

    @Test(arguments: scalarTypes) func stableAtExtremeArguments(_ type: any NACScalar.Type) {
        checkExtremes(type)
    }

    @Test func descriptions() {
        #expect(UnaryFunction.power(2.5).description == "power(2.5)")
        #expect(UnaryFunction.softplus.description == "softplus")
        #expect(unaryFunctionCases.map(\.function.description).contains("log1p"))
    }
}

private func checkClosedForms<S: NACScalar>(_: S.Type, _ testCase: UnaryFunctionCase) {
    let eps = S.machineEpsilon
    let (y, d1, d2) = evaluated(S.self, testCase.function, testCase.points)
    for (i, x0) in testCase.points.enumerated() {
        let x = Double(S(x0))   // the point as the type stores it
        let name = "\(S.typeName) \(testCase.function)(\(x))"
        // Values to a few ulps (relative, with the type's smallest normal as floor).
        let v = testCase.value(x)
        expectClose(y[i], v, tolerance: 8 * eps * abs(v) + Double(S.leastNormalMagnitude), name)
        // Derivatives are formed from y (1 − y², s(1 − s), …), which may cancel: allow O(ε) absolutely.
        expectClose(d1[i], testCase.first(x), tolerance: 64 * eps * (1 + abs(testCase.first(x))), name + "′")
        expectClose(d2[i], testCase.second(x), tolerance: 64 * eps * (1 + abs(testCase.second(x))), name + "″")
    }
}

private func checkInPlaceAndMatrix<S: NACScalar>(_: S.Type) {
    let points: [S] = [0.25, 0.5, 2, 4]
    var buffer = points
    S.evaluate(.sqrt, x: buffer, count: buffer.count, value: &buffer)
    #expect(buffer == [0.5, S(0.5).squareRoot(), S(2).squareRoot(), 2])
    var d1 = [S](repeating: 0, count: 4)
    var y = [S](repeating: 0, count: 4)
    S.evaluate(.square, x: points, count: 4, value: &y, firstDerivative: &d1)
    #expect(y == [0.0625, 0.25, 4, 16] && d1 == [0.5, 1, 4, 8])

    let m = Matrix<S>(rows: 2, columns: 2, elements: points)
    for testCase in unaryFunctionCases where testCase.points.allSatisfy({ $0 > 0 }) || testCase.function == .negate {
        let applied = m.applying(testCase.function)
        var expected = [S](repeating: 0, count: 4)
        S.evaluate(testCase.function, x: points, count: 4, value: &expected)
        #expect(applied == Matrix(rows: 2, columns: 2, elements: expected), "\(testCase.function)")
    }
    #expect(Matrix<S>(rows: 0, columns: 3, elements: []).applying(.exp).shape == (0, 3))
}

private func checkExtremes<S: NACScalar>(_: S.Type) {
    #expect(S.sigmoid(-1000) == 0)
    #expect(S.sigmoid(1000) == 1)
    #expect(S.softplus(1000) == 1000)
    #expect(S.softplus(-1000) == 0)
    #expect(S.softplus(0) == S.log(2))
    let (y, d1, _) = evaluated(S.self, .softplus, [-200, 200])
    #expect(y[1] == 200 && d1[1] == 1 && d1[0] >= 0 && y[0] >= 0 && y[0].isFinite)
}
