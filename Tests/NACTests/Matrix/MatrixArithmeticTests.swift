import Testing
@testable import NAC

@Suite("Matrix elementwise arithmetic") struct MatrixArithmeticTests {
    @Test(arguments: scalarTypes) func sameShapeOperators(_ type: any NACScalar.Type) {
        checkSameShape(type)
    }

    @Test(arguments: scalarTypes) func broadcastingRowColumnAndScalar(_ type: any NACScalar.Type) {
        checkBroadcasting(type)
    }

    @Test(arguments: scalarTypes) func scalarOperatorsAndSums(_ type: any NACScalar.Type) {
        checkScalarsAndSums(type)
    }
}

private func checkSameShape<S: NACScalar>(_: S.Type) {
    let a = Matrix<S>([[1, 2], [3, 4]])
    let b = Matrix<S>([[8, 6], [4, 2]])
    #expect(a + b == Matrix([[9, 8], [7, 6]]))
    #expect(a - b == Matrix([[-7, -4], [-1, 2]]))
    #expect(a.elementwiseMultiplied(by: b) == Matrix([[8, 12], [12, 8]]))
    #expect(b.elementwiseDivided(by: a) == Matrix([[8, 3], [S(4) / 3, S(2) / 4]]))
    #expect(-a == Matrix([[-1, -2], [-3, -4]]))
    var c = a
    c += b
    #expect(c == Matrix([[9, 8], [7, 6]]))
    c -= a
    #expect(c == b)
}

private func checkBroadcasting<S: NACScalar>(_: S.Type) {
    let a = Matrix<S>([[1, 2, 3], [4, 5, 6]])          // 2 × 3
    let row = Matrix<S>(row: [10, 20, 30])             // 1 × 3
    let column = Matrix<S>(column: [100, 200])         // 2 × 1
    let scalar = Matrix<S>(row: [2])                   // 1 × 1
    #expect(a + row == Matrix([[11, 22, 33], [14, 25, 36]]))
    #expect(row + a == a + row)
    #expect(a - column == Matrix([[-99, -98, -97], [-196, -195, -194]]))
    #expect(column - a == Matrix([[99, 98, 97], [196, 195, 194]]))
    #expect(a.elementwiseMultiplied(by: scalar) == Matrix([[2, 4, 6], [8, 10, 12]]))
    #expect(scalar.elementwiseDivided(by: a) == Matrix([[2, 1, S(2) / 3], [S(2) / 4, S(2) / 5, S(2) / 6]]))
    let hundred: S = 100, twoHundred: S = 200
    let quotients: [[S]] = [[1 / hundred, 2 / hundred, 3 / hundred], [4 / twoHundred, 5 / twoHundred, 6 / twoHundred]]
    #expect(a.elementwiseDivided(by: column) == Matrix(quotients))
    // A column against a row makes the outer combination.
    #expect(column + row == Matrix([[110, 120, 130], [210, 220, 230]]))
    // An extent of 1 broadcasts to 0.
    #expect((Matrix<S>.zeros(rows: 0, columns: 3) + row).shape == (0, 3))
}

private func checkScalarsAndSums<S: NACScalar>(_: S.Type) {
    let a = Matrix<S>([[1, 2, 3], [4, 5, 6]])
    #expect(a * 2 == Matrix([[2, 4, 6], [8, 10, 12]]))
    #expect(2 * a == a * 2)
    // `/` divides (1 / 3 · 3 would not always round back): every element is the quotient.
    #expect((a / 3).elements == a.elements.map { $0 / 3 })
    // IEEE semantics for a zero factor: NaN · 0 and ∞ · 0 are NaN.
    let special = Matrix<S>(row: [.nan, .infinity, 1]) * 0
    #expect(special[0, 0].isNaN && special[0, 1].isNaN && special[0, 2] == 0)
    var vector: [S] = [.nan, 2]
    scale(&vector, by: 0)
    #expect(vector[0].isNaN && vector[1] == 0)
    #expect(a.sumOfRows() == Matrix(column: [6, 15]))
    #expect(a.sumOfColumns() == Matrix(row: [5, 7, 9]))
    #expect(Matrix<S>.zeros(rows: 2, columns: 0).sumOfRows() == Matrix(column: [0, 0]))
    #expect(Matrix<S>.zeros(rows: 0, columns: 2).sumOfColumns() == Matrix(row: [0, 0]))
    var b = Matrix<S>.zeros(rows: 2, columns: 3)
    b.addToDiagonal(5)
    #expect(b == Matrix([[5, 0, 0], [0, 5, 0]]))
}
