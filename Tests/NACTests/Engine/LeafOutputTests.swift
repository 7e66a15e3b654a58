import Testing
@testable import NAC

/// Functions whose output is a leaf of the tape (a parameter slice, an input, a constant): the
/// reverse pass has no operation to start from, so the seed itself is the leaf's adjoint.
@Suite struct LeafOutputTests {
    /// out = θ[slice] (a row, and a matrix): ∇θ Σ ω ⊙ out is ω in the slice's columns, zero
    /// elsewhere; the JVP is θ̇[slice]; the Hessian is zero; ω̇ gives ω̇.
    @Test(arguments: [(1, 3), (2, 3)])
    func parameterSliceAsOutput(_ shape: (rows: Int, columns: Int)) {
        let slice = ParameterSlice(offset: 2, rows: shape.rows, columns: shape.columns)
        let p = 2 + slice.count + 1
        let f = DifferentiableFunction<Double>(parameterCount: p) { tape, _ in tape.parameter(slice) }
        var rng = Xoshiro256StarStar(seed: 1300)
        let theta = rng.normals(p), v = rng.normals(p)
        let x = rng.normalMatrix(4, 2)
        let omega = rng.normalMatrix(shape.rows, shape.columns), omegaDot = rng.normalMatrix(shape.rows, shape.columns)
        var expected = [Double](repeating: 0, count: p), expectedTangent = expected
        for k in 0..<slice.count {
            expected[slice.offset + k] = omega.elements[k]
            expectedTangent[slice.offset + k] = omegaDot.elements[k]
        }
        #expect(f.evaluate(at: theta, inputs: [x]).elements == Array(theta[slice.range]))
        #expect(f.gradient(at: theta, inputs: [x], outputWeights: omega).parameters == expected)
        #expect(f.jvp(at: theta, inputs: [x], parameterDirection: v).tangent.elements == Array(v[slice.range]))
        let g = f.gradientWithTangent(at: theta, inputs: [x], outputWeights: omega, outputWeightsTangent: omegaDot,
                                      parameterDirection: v)
        #expect(g.parameters == expected)
        #expect(g.parametersTangent == expectedTangent)
        #expect(f.hessianVectorProduct(at: theta, inputs: [x], outputWeights: omega, vector: v).hessianVector
                == [Double](repeating: 0, count: p))
        let c = EngineCase(name: "θ[\(slice)] as output", function: f, theta: theta, inputs: [x])
        EngineModes.check(c)
    }

    /// out = x (an input leaf): ∇x is ω, ∇θ is zero; the per-sample Jacobian is zero.
    @Test func inputAsOutput() throws {
        let f = DifferentiableFunction<Double>(parameterCount: 2) { _, x in x[0] }
        var rng = Xoshiro256StarStar(seed: 1310)
        let x = rng.normalMatrix(3, 1), omega = rng.normalMatrix(3, 1)
        let g = f.gradient(at: [1, 2], inputs: [x], outputWeights: omega, inputGradients: true)
        #expect(g.parameters == [0, 0] && g.inputs[0] == omega)
        var j = Matrix<Double>(rows: 3, columns: 2, repeating: .nan)
        try f.perSampleJacobian(at: [1, 2], inputs: [x], into: &j)
        #expect(j == .zeros(rows: 3, columns: 2))
        EngineModes.check(EngineCase(name: "input as output", function: f, theta: [1, 2], inputs: [x]))
    }

    /// out = a constant batch: every derivative is zero.
    @Test func constantAsOutput() {
        let c = Matrix<Double>.randomNormal(rows: 3, columns: 2, seed: 1320)
        let f = DifferentiableFunction<Double>(parameterCount: 2) { tape, _ in tape.constant(batch: c.rows(tape.rows)) }
        let x = Matrix<Double>.zeros(rows: 3, columns: 1)
        let g = f.gradientWithTangent(at: [1, 2], inputs: [x], parameterDirection: [1, 1], inputGradients: true)
        #expect(g.value == c && g.parameters == [0, 0] && g.parametersTangent == [0, 0] && g.inputs[0] == x)
        EngineModes.check(EngineCase(name: "constant as output", function: f, theta: [1, 2], inputs: [x]))
    }
}
