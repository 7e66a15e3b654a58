import Testing
@testable import NAC

@Suite("Matrix construction and access") struct MatrixConstructionTests {
    @Test(arguments: scalarTypes) func initialisersAndElementAccess(_ type: any NACScalar.Type) {
        checkConstruction(type)
    }

    @Test(arguments: scalarTypes) func valueSemantics(_ type: any NACScalar.Type) {
        checkValueSemantics(type)
    }
}

private func checkConstruction<S: NACScalar>(_: S.Type) {
    let m = Matrix<S>([[1, 2, 3], [4, 5, 6]])
    #expect(m.rows == 2 && m.columns == 3 && m.count == 6 && m.shape == (2, 3))
    #expect(m.elements == [1, 2, 3, 4, 5, 6])
    #expect(m[1, 0] == 4 && m[0, 2] == 3)
    #expect(m == Matrix(rows: 2, columns: 3, elements: [1, 2, 3, 4, 5, 6]))
    #expect(Matrix<S>.zeros(rows: 2, columns: 2).elements == [0, 0, 0, 0])
    #expect(Matrix<S>(rows: 1, columns: 3, repeating: 7).elements == [7, 7, 7])
    #expect(Matrix<S>.identity(3).elements == [1, 0, 0, 0, 1, 0, 0, 0, 1])
    #expect(Matrix<S>.diagonal([2, 3]).elements == [2, 0, 0, 3])
    #expect(Matrix<S>(column: [1, 2]).shape == (2, 1))
    #expect(Matrix<S>(row: [1, 2]).shape == (1, 2))
    #expect(Matrix<S>([]).shape == (0, 0))
    #expect(m.reshaped(rows: 3, columns: 2) == Matrix([[1, 2], [3, 4], [5, 6]]))
    let built = Matrix<S>(rows: 2, columns: 2) { buffer in
        for i in 0..<4 { buffer[i] = S(i * i) }
    }
    #expect(built.elements == [0, 1, 4, 9])
    var n = m
    n[0, 1] = -2
    n.setRow(1, to: [7, 8, 9])
    #expect(n == Matrix([[1, -2, 3], [7, 8, 9]]))
    #expect(n.row(1) == [7, 8, 9] && n.column(1) == [-2, 8])
}

private func checkValueSemantics<S: NACScalar>(_: S.Type) {
    let a = Matrix<S>([[1, 2], [3, 4]])
    var b = a
    b[0, 0] = 10
    b.addToDiagonal(1)
    #expect(a == Matrix([[1, 2], [3, 4]]), "a copy's mutation must not reach the original")
    #expect(b == Matrix([[11, 2], [3, 5]]))
    var c = a
    c.withUnsafeMutableBufferPointer { $0[3] = 0 }
    #expect(a[1, 1] == 4 && c[1, 1] == 0)
}
