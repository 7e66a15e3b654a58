import Testing
@testable import NAC

@Suite struct MatrixProductTests {
    @Test func smallProductClosedForm() {
        let a = Matrix<Double>([[1, 2], [3, 4]])
        let b = Matrix<Double>([[5, 6], [7, 8]])
        #expect(a * b == Matrix([[19, 22], [43, 50]]))
        #expect(Matrix.product(a, b, transposeA: .transposed) == Matrix([[26, 30], [38, 44]]))
        #expect(a.gram() == Matrix([[10, 14], [14, 20]]))
        #expect(a.outerGram() == Matrix([[5, 11], [11, 25]]))
    }
}
