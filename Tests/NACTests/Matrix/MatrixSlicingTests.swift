import Testing
@testable import NAC

@Suite("Matrix slicing, transpose and concatenation") struct MatrixSlicingTests {
    @Test(arguments: scalarTypes) func slicesAndTranspose(_ type: any NACScalar.Type) {
        checkSlices(type)
    }

    @Test(arguments: scalarTypes) func concatenation(_ type: any NACScalar.Type) {
        checkConcatenation(type)
    }
}

private func checkSlices<S: NACScalar>(_: S.Type) {
    let m = Matrix<S>([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])
    #expect(m.rows(1..<3) == Matrix([[5, 6, 7, 8], [9, 10, 11, 12]]))
    #expect(m.rows(1..<1).shape == (0, 4))
    #expect(m.columns(1..<3) == Matrix([[2, 3], [6, 7], [10, 11]]))
    #expect(m.columns(3..<4) == Matrix(column: [4, 8, 12]))
    #expect(m.columns(2..<2).shape == (3, 0))
    #expect(m.transposed() == Matrix([[1, 5, 9], [2, 6, 10], [3, 7, 11], [4, 8, 12]]))
    #expect(m.transposed().transposed() == m)
    #expect(Matrix<S>(row: [1, 2]).transposed() == Matrix(column: [1, 2]))
    #expect(Matrix<S>.zeros(rows: 0, columns: 3).transposed().shape == (3, 0))
    // A transpose larger than one 32 × 32 tile.
    let big = Matrix<S>(rows: 40, columns: 50, elements: (0..<2000).map { S($0) })
    let t = big.transposed()
    #expect(t.shape == (50, 40))
    #expect((0..<40).allSatisfy { r in (0..<50).allSatisfy { c in t[c, r] == big[r, c] } })
}

private func checkConcatenation<S: NACScalar>(_: S.Type) {
    let a = Matrix<S>([[1, 2], [3, 4]])
    let b = Matrix<S>(column: [5, 6])
    #expect(Matrix.concatenatingColumns([a, b]) == Matrix([[1, 2, 5], [3, 4, 6]]))
    #expect(Matrix.concatenatingColumns([b, Matrix.zeros(rows: 2, columns: 0), a]) == Matrix([[5, 1, 2], [6, 3, 4]]))
    #expect(Matrix.concatenatingRows([a, Matrix(row: [7, 8])]) == Matrix([[1, 2], [3, 4], [7, 8]]))
    #expect(Matrix<S>.concatenatingRows([]).shape == (0, 0))
    #expect(Matrix<S>.concatenatingColumns([]).shape == (0, 0))
}
