import Testing
@testable import NAC

@Suite("Symmetric eigen-decomposition") struct SymmetricEigendecompositionTests {
    @Test(arguments: scalarTypes) func closedForm(_ type: any NACScalar.Type) throws {
        try checkClosedForm(type)
    }

    @Test(arguments: scalarTypes) func reconstructsKnownSpectrum(_ type: any NACScalar.Type) throws {
        try checkReconstruction(type)
    }

    @Test(arguments: scalarTypes) func onlyUpperTriangleIsRead(_ type: any NACScalar.Type) throws {
        try checkUpperTriangleOnly(type)
    }

    @Test(arguments: scalarTypes) func nonFiniteInputNamesPosition(_ type: any NACScalar.Type) {
        checkNonFinite(type)
    }
}

private func checkNonFinite<S: NACScalar>(_: S.Type) {
    var a = Matrix<S>.identity(3)
    a[0, 2] = .infinity
    #expect(throws: LinearAlgebraError.nonFiniteInput(argument: "matrix", row: 0, column: 2)) {
        try a.symmetricEigendecomposition()
    }
}

private func checkClosedForm<S: NACScalar>(_: S.Type) throws {
    // [[2, 1], [1, 2]]: eigenvalues 1 and 3, eigenvectors (1, −1)/√2 and (1, 1)/√2 up to sign.
    let e = try Matrix<S>([[2, 1], [1, 2]]).symmetricEigendecomposition()
    let tolerance = 8 * S.machineEpsilon
    expectClose(Double(e.eigenvalues[0]), 1, tolerance: tolerance, "λ₁")
    expectClose(Double(e.eigenvalues[1]), 3, tolerance: tolerance, "λ₂")
    let h = 0.5.squareRoot()
    let v = e.eigenvectors.inDouble
    expectClose(abs(v[0, 0]), h, tolerance: tolerance, "v₁[0]")
    expectClose(v[1, 0], -v[0, 0], tolerance: tolerance, "v₁[1]")
    expectClose(abs(v[0, 1]), h, tolerance: tolerance, "v₂[0]")
    expectClose(v[1, 1], v[0, 1], tolerance: tolerance, "v₂[1]")
    let valuesOnly = try Matrix<S>([[2, 1], [1, 2]]).symmetricEigendecomposition(computeVectors: false)
    #expect(valuesOnly.eigenvalues == e.eigenvalues)
    #expect(valuesOnly.eigenvectors.shape == (0, 0))
    let empty = try Matrix<S>.zeros(rows: 0, columns: 0).symmetricEigendecomposition()
    #expect(empty.eigenvalues.isEmpty)
}

private func checkReconstruction<S: NACScalar>(_: S.Type) throws {
    // Q diag(λ) Qᵀ with known λ of both signs and a spread of 10⁴.
    let n = 40
    let q = Reference.orthonormalColumns(rows: n, columns: n, seed: 61)
    let lambda = Reference.logSpaced(count: n, conditionNumber: 1e4).enumerated().map { $0.offset % 3 == 0 ? -$0.element : $0.element }
    let a = Matrix<S>(converting: Reference.symmetrized(Reference.fromFactors(q, lambda, q)))
    let e = try a.symmetricEigendecomposition()
    let tolerance = 4 * Double(n) * S.machineEpsilon
    // Ascending, and equal to λ to within n ε ‖A‖ (Weyl: |Δλ| ≤ ‖ΔA‖₂).
    #expect(zip(e.eigenvalues, e.eigenvalues.dropFirst()).allSatisfy { $0 <= $1 }, "ascending")
    for (computed, exact) in zip(e.eigenvalues, lambda.sorted()) {
        expectClose(Double(computed), exact, tolerance: tolerance, "\(S.typeName) eigenvalue")
    }
    // V diag(λ) Vᵀ ≈ A and VᵀV ≈ I.
    let v = e.eigenvectors.inDouble
    expectClose(Matrix<S>(converting: Reference.fromFactors(v, e.eigenvalues.map(Double.init), v)), a.inDouble,
                relativeTolerance: tolerance, "V diag(λ) Vᵀ")
    let gram = Reference.product(Reference.transpose(v), v)
    expectBelow(Reference.frobeniusNorm(Reference.subtract(gram, .identity(n))), tolerance, "‖VᵀV − I‖_F")
    // A v = λ v column by column.
    let av = Reference.product(a.inDouble, v)
    for j in [0, n / 2, n - 1] {
        var worst = 0.0
        for i in 0..<n { worst = max(worst, abs(av[i, j] - Double(e.eigenvalues[j]) * v[i, j])) }
        expectBelow(worst, tolerance, "‖A v − λ v‖∞ for column \(j)")
    }
}

private func checkUpperTriangleOnly<S: NACScalar>(_: S.Type) throws {
    let n = 10
    let q = Reference.orthonormalColumns(rows: n, columns: n, seed: 62)
    let a = Matrix<S>(converting: Reference.symmetrized(Reference.fromFactors(q, (1...n).map(Double.init), q)))
    var scribbled = a
    for i in 0..<n { for j in 0..<i { scribbled[i, j] = -7 } }
    let clean = try a.symmetricEigendecomposition()
    let other = try scribbled.symmetricEigendecomposition()
    #expect(clean.eigenvalues == other.eigenvalues)
    #expect(clean.eigenvectors == other.eigenvectors)
}
