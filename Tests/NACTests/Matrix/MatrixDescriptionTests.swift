import Testing
@testable import NAC

@Suite("Matrix description") struct MatrixDescriptionTests {
    @Test(arguments: scalarTypes) func smallMatrixShowsEveryElement(_ type: any NACScalar.Type) {
        checkSmall(type)
    }

    @Test(arguments: scalarTypes) func largeMatrixShowsCorners(_ type: any NACScalar.Type) {
        checkLarge(type)
    }
}

private func checkSmall<S: NACScalar>(_: S.Type) {
    let m = Matrix<S>([[1, -2.5], [S(1) / 3, 1000]])
    #expect(m.description == """
        Matrix<\(S.typeName)> 2 × 2
          [       1      -2.5]
          [0.333333      1000]
        """)
    #expect(Matrix<S>([[1.5e-7, -123456.789]]).description == """
        Matrix<\(S.typeName)> 1 × 2
          [   1.5e-7  -123457.0]
        """)
    #expect(Matrix<S>.zeros(rows: 0, columns: 3).description == "Matrix<\(S.typeName)> 0 × 3")
    #expect(Matrix<S>([[.nan, .infinity]]).description == "Matrix<\(S.typeName)> 1 × 2\n  [nan  inf]")
}

private func checkLarge<S: NACScalar>(_: S.Type) {
    // 20 × 30 with a(r, c) = 30 r + c: the 5 × 5 corners, with … between them.
    let m = Matrix<S>(rows: 20, columns: 30, elements: (0..<600).map { S($0) })
    let lines = m.description.split(separator: "\n").map(String.init)
    #expect(lines.count == 12)
    #expect(lines.first == "Matrix<\(S.typeName)> 20 × 30")
    #expect(lines[1] == "  [  0    1    2    3    4    …   25   26   27   28   29]")
    #expect(lines[6] == "  [  …    …    …    …    …    …    …    …    …    …    …]")
    #expect(lines[11] == "  [570  571  572  573  574    …  595  596  597  598  599]")
}
