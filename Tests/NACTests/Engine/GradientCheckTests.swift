import Testing
@testable import NAC

/// GradientCheck flags wrong derivatives at the right place, passes right ones, and the engine's
/// check helpers catch a wrong custom rule.
@Suite struct GradientCheckTests {
    /// f: ℝ³ → ℝ²: f₀ = x₀ x₁ + sin x₂, f₁ = exp(x₀) − x₁ x₂².
    static func f(_ x: [Double]) -> [Double] {
        [x[0] * x[1] + Double.sin(x[2]), Double.exp(x[0]) - x[1] * x[2] * x[2]]
    }

    static func jacobian(_ x: [Double]) -> Matrix<Double> {
        Matrix([[x[1], x[0], Double.cos(x[2])],
                [Double.exp(x[0]), -x[2] * x[2], -2 * x[1] * x[2]]])
    }

    static let x = [0.3, -1.1, 0.8]

    @Test func passesACorrectJacobian() {
        let report = GradientCheck.compare(jacobian: Self.jacobian(Self.x), of: Self.f, at: Self.x)
        #expect(report.passes(tolerance: 1e-8), "\(report)")
        #expect(report.entriesCompared == 6)
        #expect(report.maximumAbsoluteError < 1e-9)
    }

    /// Each entry in turn made wrong by a relative 10⁻³: flagged, at that entry, with both values.
    @Test(arguments: 0..<2, 0..<3)
    func flagsAWrongEntryAtItsLocation(_ row: Int, _ column: Int) {
        var j = Self.jacobian(Self.x)
        let right = j[row, column]
        j[row, column] = right * (1 + 1e-3) + 1e-4
        let report = GradientCheck.compare(jacobian: j, of: Self.f, at: Self.x)
        #expect(!report.passes(tolerance: 1e-6), "\(report)")
        #expect(report.maximumRelativeError > 5e-5)
        #expect(report.worstOutput == row && report.worstInput == column, "\(report)")
        #expect(report.analyticAtWorst == j[row, column])
        #expect(abs(report.numericAtWorst - right) < 1e-8)
        #expect(report.description.contains("output \(row), input \(column)"))
    }

    /// A wrong sign in a gradient (scalar overload).
    @Test func flagsAWrongSignInAGradient() {
        let g: (([Double]) -> Double) = { x in x[0] * x[0] * x[1] + Double.exp(x[2]) }
        let x = [0.7, 1.3, -0.4]
        let right = [2 * x[0] * x[1], x[0] * x[0], Double.exp(x[2])]
        #expect(GradientCheck.compare(gradient: right, of: g, at: x).passes(tolerance: 1e-8))
        var wrong = right
        wrong[1] = -wrong[1]
        let report = GradientCheck.compare(gradient: wrong, of: g, at: x)
        #expect(!report.passes(tolerance: 1e-6))
        #expect(report.worstOutput == 0 && report.worstInput == 1)
        #expect(abs(report.maximumRelativeError - 2) < 1e-6, "|a − n| / max(|a|, |n|) = 2 for a sign error")
    }

    /// NaN or infinite analytic entries are flagged as infinitely wrong at their location.
    @Test func flagsNonFiniteEntries() {
        for bad in [Double.nan, .infinity] {
            var j = Self.jacobian(Self.x)
            j[1, 0] = bad
            let report = GradientCheck.compare(jacobian: j, of: Self.f, at: Self.x)
            #expect(report.maximumRelativeError == .infinity && !report.passes(tolerance: 1))
            #expect(report.worstOutput == 1 && report.worstInput == 0)
        }
    }

    /// The step taken: for x³ at x = 2 with relative step h, the numeric derivative is
    /// ((x + hx)³ − (x − hx)³) / 2hx = 3x² + (hx)², so the relative error is (hx)² / (3x² + (hx)²).
    @Test func usesTheStepScaledByTheArgument() {
        let h = 1e-2, x = 2.0
        let report = GradientCheck.compare(gradient: [3 * x * x], of: { $0[0] * $0[0] * $0[0] }, at: [x], step: h)
        let hx = h * x
        #expect(abs(report.numericAtWorst - (3 * x * x + hx * hx)) < 1e-10)
        #expect(abs(report.maximumRelativeError - hx * hx / (3 * x * x + hx * hx)) < 1e-10)
    }

    /// The default floor (10⁻³ × the largest numeric entry) keeps entries that are zero up to
    /// rounding from dominating; an explicit floor is used as given.
    @Test func floorOfTheRelativeError() {
        let analytic = Matrix<Double>([[1, 0]]), numeric = Matrix<Double>([[1, 1e-12]])
        let report = GradientCheck.report(analytic: analytic, numeric: numeric)
        #expect(report.floor == 1e-3)
        #expect(report.maximumRelativeError <= 1e-9)
        let strict = GradientCheck.report(analytic: analytic, numeric: numeric, floor: 1e-15)
        #expect(strict.maximumRelativeError == 1 && strict.worstInput == 1)
    }

    // MARK: The engine's check helpers on a wrong custom rule

    /// y = x³ with an adjoint that is wrong by a factor (2x² instead of 3x²) when `wrong`.
    static func cube(wrongAdjoint: Bool = false, wrongTangent: Bool = false) -> CustomOperation<Double> {
        CustomOperation(
            name: "cube",
            primal: { x in x[0].elementwiseMultiplied(by: x[0]).elementwiseMultiplied(by: x[0]) },
            tangent: { x, _, dx in x[0].elementwiseMultiplied(by: x[0]).elementwiseMultiplied(by: dx[0]!) * (wrongTangent ? 2.9 : 3) },
            adjoint: { x, _, ybar in [ybar * x[0] * x[0] * (wrongAdjoint ? 2 : 3)] })
    }

    struct Model {
        var first, cubed, last: ParameterSlice
        var theta: [Double]
        var count: Int
        init() {
            var p = ParameterBuilder(seed: 1100)
            first = p.matrix(rows: 3, columns: 2); cubed = p.vector(3); last = p.matrix(rows: 1, columns: 3)
            theta = p.theta; count = p.count
        }
        /// dense → tanh → (· + c) → cube → dense: only θ[cubed] and θ[first] pass through the cube.
        func function(_ op: CustomOperation<Double>) -> DifferentiableFunction<Double> {
            DifferentiableFunction(parameterCount: count) { tape, x in
                let h = tape.dense(x[0], weight: first).tanh() + tape.parameter(cubed)
                return tape.dense(tape.apply(op, [h]), weight: last)
            }
        }
    }

    @Test func engineCheckersFlagAWrongCustomAdjoint() throws {
        let m = Model()
        let x = Matrix<Double>.randomNormal(rows: 4, columns: 2, seed: 110)
        let right = m.function(Self.cube()), wrong = m.function(Self.cube(wrongAdjoint: true))
        #expect(right.checkGradient(at: m.theta, inputs: [x]).passes(tolerance: 1e-7))
        #expect(try right.checkPerSampleJacobian(at: m.theta, inputs: [x]).passes(tolerance: 1e-7))
        let omega = Matrix<Double>.randomNormal(rows: 4, columns: 1, seed: 111)
        #expect(right.checkGradient(at: m.theta, inputs: [x], outputWeights: omega).passes(tolerance: 1e-7))

        let reduced = wrong.checkGradient(at: m.theta, inputs: [x])
        #expect(!reduced.passes(tolerance: 1e-3), "\(reduced)")
        // The worst entry lies before the cube (θ[first] or θ[cubed]), never in the last layer.
        #expect(reduced.worstInput < m.last.offset, "\(reduced)")
        let perSample = try wrong.checkPerSampleJacobian(at: m.theta, inputs: [x])
        #expect(!perSample.passes(tolerance: 1e-3), "\(perSample)")
        #expect(perSample.worstInput < m.last.offset && perSample.worstOutput < 4, "\(perSample)")
        // The error is the factor 2/3 on every entry through the cube: relative error 1/3.
        #expect(abs(perSample.maximumRelativeError - 1.0 / 3) < 1e-4, "\(perSample)")
    }

    /// A wrong tangent rule shows in the JVP, checked as the Jacobian of ε ↦ out(θ + εv).
    @Test func gradientCheckFlagsAWrongTangentRule() {
        let m = Model()
        let x = Matrix<Double>.randomNormal(rows: 3, columns: 2, seed: 112)
        let v = Xoshiro256StarStar(seed: 113).withNormals(m.count)
        for (wrongTangent, shouldPass) in [(false, true), (true, false)] {
            let f = m.function(Self.cube(wrongTangent: wrongTangent))
            let jvp = f.jvp(at: m.theta, inputs: [x], parameterDirection: v).tangent   // B × 1: a Jacobian in ε
            let report = GradientCheck.compare(jacobian: jvp, of: { e in
                f.evaluate(at: zip(m.theta, v).map { $0 + e[0] * $1 }, inputs: [x]).elements
            }, at: [0])
            #expect(report.passes(tolerance: 1e-7) == shouldPass, "wrong tangent \(wrongTangent): \(report)")
        }
    }
}

extension Xoshiro256StarStar {
    func withNormals(_ n: Int) -> [Double] {
        var copy = self
        return copy.normals(n)
    }
}
