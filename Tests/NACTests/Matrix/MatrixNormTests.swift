import Testing
@testable import NAC

@Suite("Matrix norms and finiteness") struct MatrixNormTests {
    @Test(arguments: scalarTypes) func normsClosedForm(_ type: any NACScalar.Type) {
        checkNorms(type)
    }

    @Test(arguments: scalarTypes) func finitenessAndApproximateEquality(_ type: any NACScalar.Type) {
        checkFiniteness(type)
    }
}

private func checkNorms<S: NACScalar>(_: S.Type) {
    let a = Matrix<S>([[1, -2], [3, 4], [-5, 0]])
    #expect(a.oneNorm == 9)            // column sums 9, 6
    #expect(a.infinityNorm == 7)       // row sums 3, 7, 5
    #expect(a.maximumMagnitude == 5)
    expectClose(Double(a.frobeniusNorm), 55.0.squareRoot(), tolerance: 4 * S.machineEpsilon * 8, "‖A‖_F")
    #expect(Matrix<S>([[3, 4]]).frobeniusNorm == 5)
    let empty = Matrix<S>.zeros(rows: 0, columns: 4)
    #expect(empty.oneNorm == 0 && empty.infinityNorm == 0 && empty.frobeniusNorm == 0 && empty.maximumMagnitude == 0)
    let withNaN = Matrix<S>([[1, .nan], [0, 2]])
    #expect(withNaN.oneNorm.isNaN && withNaN.infinityNorm.isNaN && withNaN.maximumMagnitude.isNaN)
}

private func checkFiniteness<S: NACScalar>(_: S.Type) {
    var m = Matrix<S>([[1, 2, 3], [4, 5, 6]])
    #expect(m.isFinite && m.firstNonFiniteIndex == nil)
    m[1, 2] = .infinity
    #expect(!m.isFinite)
    #expect(m.firstNonFiniteIndex! == (1, 2))
    m[0, 1] = .nan
    #expect(m.firstNonFiniteIndex! == (0, 1))

    let a = Matrix<S>([[1, 2], [3, 4]])
    let b = Matrix<S>([[1, 2], [3, 4 + 4 * S.ulpOfOne * 4]])
    #expect(a.isApproximatelyEqual(to: b))
    #expect(!a.isApproximatelyEqual(to: b, relativeTolerance: 0))
    #expect(a.isApproximatelyEqual(to: b, absoluteTolerance: 1, relativeTolerance: 0))
    #expect(!a.isApproximatelyEqual(to: Matrix([[1, 2, 3]])))
    #expect(!a.isApproximatelyEqual(to: Matrix([[1, 2], [3, 4.5]])))
}
