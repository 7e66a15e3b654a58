import Testing
@testable import NAC

@Suite("Matrix products") struct MatrixProductTests {
    @Test(arguments: scalarTypes) func gemmEveryTransposeCombination(_ type: any NACScalar.Type) {
        checkProducts(type)
    }

    @Test(arguments: scalarTypes) func gemvBothWays(_ type: any NACScalar.Type) {
        checkMatrixVector(type)
    }

    @Test(arguments: scalarTypes) func gramAndOuterGramClosedForms(_ type: any NACScalar.Type) {
        checkGramClosedForm(type)
    }

    @Test(arguments: scalarTypes) func randomProductsAgainstPlainLoops(_ type: any NACScalar.Type) {
        checkRandomProducts(type)
    }
}

private func checkProducts<S: NACScalar>(_: S.Type) {
    let a = Matrix<S>([[1, 2, 3], [4, 5, 6]])          // 2 × 3
    let b = Matrix<S>([[7, 8], [9, 10], [11, 12]])     // 3 × 2
    let ab = Matrix<S>([[58, 64], [139, 154]])
    #expect(a * b == ab)
    #expect(Matrix.product(a.transposed(), b, transposeA: .transposed) == ab)
    #expect(Matrix.product(a, b.transposed(), transposeB: .transposed) == ab)
    #expect(Matrix.product(a.transposed(), b.transposed(), transposeA: .transposed, transposeB: .transposed) == ab)
    #expect(b * a == Matrix([[39, 54, 69], [49, 68, 87], [59, 82, 105]]))
    #expect(Matrix.product(a, a, transposeA: .transposed) == Matrix([[17, 22, 27], [22, 29, 36], [27, 36, 45]]))
    // Inner dimension 0 gives zeros; empty outer dimensions give empty results.
    #expect(Matrix<S>.zeros(rows: 2, columns: 0) * Matrix<S>.zeros(rows: 0, columns: 3) == .zeros(rows: 2, columns: 3))
    #expect((Matrix<S>.zeros(rows: 0, columns: 2) * b.transposed()).shape == (0, 3))
}

private func checkMatrixVector<S: NACScalar>(_: S.Type) {
    let a = Matrix<S>([[1, 2, 3], [4, 5, 6]])
    #expect(a * [1, 0, -1] == [-2, -2])
    #expect(a.multiplied(by: [1, 0, -1]) == [-2, -2])
    #expect(a.multiplied(by: [1, 2], .transposed) == [9, 12, 15])
    #expect(Matrix<S>.zeros(rows: 2, columns: 0).multiplied(by: []) == [0, 0])
}

private func checkGramClosedForm<S: NACScalar>(_: S.Type) {
    let a = Matrix<S>([[1, 2], [3, 4], [5, 6]])
    #expect(a.gram() == Matrix([[35, 44], [44, 56]]))
    #expect(a.outerGram() == Matrix([[5, 11, 17], [11, 25, 39], [17, 39, 61]]))
    let square = Matrix<S>([[1, 2], [3, 4]])
    #expect(square.gram() == Matrix([[10, 14], [14, 20]]))
    #expect(square.outerGram() == Matrix([[5, 11], [11, 25]]))
    #expect(Matrix<S>.zeros(rows: 0, columns: 3).gram() == .zeros(rows: 3, columns: 3))
}

private func checkRandomProducts<S: NACScalar>(_: S.Type) {
    // 70 × 45 crosses the 32-element tiles of `symmetrize` and `transpose`.
    let a = Matrix<S>.randomNormal(rows: 70, columns: 45, seed: 11)
    let b = Matrix<S>.randomNormal(rows: 45, columns: 33, seed: 12)
    let ad = a.inDouble, bd = b.inDouble
    // Each element is a k-term dot product: relative error ≲ k ε in the Frobenius norm.
    let tolerance = 4 * 70 * S.machineEpsilon
    expectClose(a * b, Reference.product(ad, bd), relativeTolerance: tolerance, "A B")
    expectClose(a.gram(), Reference.product(Reference.transpose(ad), ad), relativeTolerance: tolerance, "AᵀA")
    expectClose(a.outerGram(), Reference.product(ad, Reference.transpose(ad)), relativeTolerance: tolerance, "AAᵀ")
    let g = a.gram(), o = a.outerGram()
    #expect(g == g.transposed() && o == o.transposed(), "syrk results are symmetrised exactly")
    let x = (0..<45).map { S($0 % 5) - 2 }
    let y = a * x
    expectClose(Matrix(column: y), Reference.product(ad, Matrix<Double>(column: x.map(Double.init))),
                relativeTolerance: tolerance, "A x")
}
