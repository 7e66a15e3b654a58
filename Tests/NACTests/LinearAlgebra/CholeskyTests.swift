import Testing
@testable import NAC

@Suite("Cholesky factorisation and positive-definite solves") struct CholeskyTests {
    @Test(arguments: scalarTypes) func closedForm(_ type: any NACScalar.Type) throws {
        try checkClosedForm(type)
    }

    @Test(arguments: scalarTypes) func factorReconstructsMatrix(_ type: any NACScalar.Type) throws {
        try checkReconstruction(type)
    }

    @Test(arguments: scalarTypes) func residualsWellAndIllConditioned(_ type: any NACScalar.Type) throws {
        try checkResiduals(type)
    }

    @Test(arguments: scalarTypes) func conditionEstimateNearReciprocalOfKappa(_ type: any NACScalar.Type) throws {
        try checkConditionEstimate(type)
    }

    @Test(arguments: scalarTypes) func onlyUpperTriangleIsRead(_ type: any NACScalar.Type) throws {
        try checkUpperTriangleOnly(type)
    }

    @Test(arguments: scalarTypes) func indefiniteMatrixNamesFailingMinor(_ type: any NACScalar.Type) {
        checkIndefinite(type)
    }

    @Test(arguments: scalarTypes) func nonFiniteInputNamesArgumentAndPosition(_ type: any NACScalar.Type) {
        checkNonFinite(type)
    }
}

private func checkClosedForm<S: NACScalar>(_: S.Type) throws {
    // [[4, 2], [2, 3]] = L Lᵀ with L = [[2, 0], [1, √2]]; A [1, −1] = [2, −1].
    let a = Matrix<S>([[4, 2], [2, 3]])
    let factor = try a.cholesky()
    #expect(factor.order == 2)
    #expect(factor.lowerFactor == Matrix([[2, 0], [1, S(2).squareRoot()]]))
    let tolerance = 8 * S.machineEpsilon
    expectClose(factor.solve(Matrix(column: [2, -1])), Matrix(column: [1, -1]), relativeTolerance: tolerance, "potrs")
    expectClose(Matrix(column: factor.solve([2, -1])), Matrix(column: [1, -1]), relativeTolerance: tolerance, "potrs vector")
    expectClose(try a.solvePositiveDefinite(Matrix(column: [2, -1])), Matrix(column: [1, -1]),
                relativeTolerance: tolerance, "posv")
    expectClose(Matrix(column: try a.solvePositiveDefinite([2, -1])), Matrix(column: [1, -1]),
                relativeTolerance: tolerance, "posv vector")
    // Two right-hand sides at once: columns [1, −1] and [0, 2].
    let b = Matrix<S>([[2, 4], [-1, 6]])
    let expected = Matrix<Double>([[1, 0], [-1, 2]])
    expectClose(factor.solve(b), expected, relativeTolerance: tolerance, "potrs, 2 columns")
    expectClose(try a.solvePositiveDefinite(b), expected, relativeTolerance: tolerance, "posv, 2 columns")
    // The empty system.
    let empty = try Matrix<S>.zeros(rows: 0, columns: 0).cholesky()
    #expect(empty.solve(Matrix<S>.zeros(rows: 0, columns: 2)).shape == (0, 2))
    #expect(empty.reciprocalConditionEstimate == 1)
}

private func checkReconstruction<S: NACScalar>(_: S.Type) throws {
    let n = 40
    let reference = Reference.positiveDefinite(order: n, conditionNumber: 100, seed: 21)
    let a = Matrix<S>(converting: reference.matrix)
    let l = try a.cholesky().lowerFactor
    // L is lower triangular with a positive diagonal …
    #expect((0..<n).allSatisfy { i in l[i, i] > 0 && (i + 1..<n).allSatisfy { l[i, $0] == 0 } })
    // … and L Lᵀ reproduces A to a backward error of order n ε.
    let ld = l.inDouble
    expectClose(Matrix<S>(converting: Reference.product(ld, Reference.transpose(ld))), a.inDouble,
                relativeTolerance: 4 * Double(n) * S.machineEpsilon, "L Lᵀ")
}

private func checkResiduals<S: NACScalar>(_: S.Type) throws {
    let n = 40, k = 3
    for kappa in [10, S.largeConditionNumber] {
        let reference = Reference.positiveDefinite(order: n, conditionNumber: kappa, seed: 22)
        let a = Matrix<S>(converting: reference.matrix)
        let xTrue = Matrix<Double>.randomNormal(rows: n, columns: k, seed: 23)
        let b = Matrix<S>(converting: Reference.product(a.inDouble, xTrue))
        for (name, x) in [("posv", try a.solvePositiveDefinite(b)), ("potrs", try a.cholesky().solve(b))] {
            let label = "\(S.typeName) \(name), κ = \(kappa)"
            // Backward stability: the residual does not grow with κ …
            expectBelow(relativeResidual(a, x, b), 4 * Double(n) * S.machineEpsilon, "\(label): ‖Ax − b‖ / (‖A‖‖x‖)")
            // … the forward error does, by at most κ.
            expectBelow(relativeError(x, xTrue), 4 * Double(n) * kappa * S.machineEpsilon, "\(label): forward error")
        }
    }
}

private func checkConditionEstimate<S: NACScalar>(_: S.Type) throws {
    for kappa in [10, 1e3, S.largeConditionNumber / 10] {
        let reference = Reference.positiveDefinite(order: 30, conditionNumber: kappa, seed: 24)
        let kappaOne = Reference.oneNormConditionNumber(reference.matrix, inverse: reference.inverse)
        let estimate = Double(try Matrix<S>(converting: reference.matrix).cholesky().reciprocalConditionEstimate)
        #expect(estimate >= 0.1 / kappaOne && estimate <= 10 / kappaOne,
                "\(S.typeName): rcond estimate \(estimate) against 1/κ₁ = \(1 / kappaOne)")
    }
}

private func checkUpperTriangleOnly<S: NACScalar>(_: S.Type) throws {
    let n = 12
    let a = Matrix<S>(converting: Reference.positiveDefinite(order: n, conditionNumber: 50, seed: 25).matrix)
    var scribbled = a
    for i in 0..<n { for j in 0..<i { scribbled[i, j] = 1e6 } }
    let b = Matrix<S>.randomNormal(rows: n, columns: 2, seed: 26)
    #expect(try scribbled.cholesky().lowerFactor == a.cholesky().lowerFactor)
    #expect(try scribbled.cholesky().reciprocalConditionEstimate == a.cholesky().reciprocalConditionEstimate)
    #expect(try scribbled.solvePositiveDefinite(b) == a.solvePositiveDefinite(b))
}

/// L diag(d) Lᵀ with unit lower-triangular L: its leading minor of order j has determinant
/// d₁ ⋯ d_j, so the first non-positive d_k makes order k the failing minor.
private func indefinite<S: NACScalar>(_: S.Type, order n: Int, negativeAt k: Int) -> Matrix<S> {
    var l = Matrix<Double>.randomNormal(rows: n, columns: n, standardDeviation: 0.5, seed: UInt64(30 + k))
    for i in 0..<n { for j in i..<n { l[i, j] = i == j ? 1 : 0 } }
    let d = (1...n).map { $0 == k ? -1.0 : 1 + Double($0 % 3) }
    var ld = l
    for i in 0..<n { for j in 0..<n { ld[i, j] *= d[j] } }
    return Matrix(converting: Reference.symmetrized(Reference.product(ld, Reference.transpose(l))))
}

private func checkIndefinite<S: NACScalar>(_: S.Type) {
    let n = 8
    for k in [1, 4, n] {
        let a = indefinite(S.self, order: n, negativeAt: k)
        #expect(throws: LinearAlgebraError.notPositiveDefinite(order: k)) { try a.cholesky() }
        #expect(throws: LinearAlgebraError.notPositiveDefinite(order: k)) {
            try a.solvePositiveDefinite(Matrix<S>(column: [S](repeating: 1, count: n)))
        }
    }
    #expect(throws: LinearAlgebraError.notPositiveDefinite(order: 2)) { try Matrix<S>([[1, 2], [2, 1]]).cholesky() }
}

private func checkNonFinite<S: NACScalar>(_: S.Type) {
    var a = Matrix<S>([[4, 2, 0], [2, 3, 0], [0, 0, 1]])
    let b = Matrix<S>(column: [1, 2, 3])
    var badB = b
    badB[2, 0] = .infinity
    #expect(throws: LinearAlgebraError.nonFiniteInput(argument: "B", row: 2, column: 0)) {
        try a.solvePositiveDefinite(badB)
    }
    a[1, 2] = .nan
    #expect(throws: LinearAlgebraError.nonFiniteInput(argument: "matrix", row: 1, column: 2)) { try a.cholesky() }
    #expect(throws: LinearAlgebraError.nonFiniteInput(argument: "A", row: 1, column: 2)) {
        try a.solvePositiveDefinite(b)
    }
}
