import Foundation
import Testing
@testable import NAC

/// Feature maps against values computed by hand.
@Suite struct FeatureMapTests {
    @Test func polynomialBasis() {
        let p = PolynomialBasis<Double>(inputDimension: 2, degree: 2)
        #expect(p.exponents == [[0, 0], [1, 0], [0, 1], [2, 0], [1, 1], [0, 2]])
        let f = p.features(Matrix([[2, 3], [-1, 0.5]]))
        #expect(f.row(0) == [1, 2, 3, 4, 6, 9])
        #expect(f.row(1) == [1, -1, 0.5, 1, -0.5, 0.25])
        #expect(PolynomialBasis<Double>(inputDimension: 3, degree: 3).featureCount == 20)   // C(6, 3)
    }

    @Test func fourierBasis() {
        let f = FourierBasis<Double>(order: 1, lower: [0, -1], upper: [2, 1])
        #expect(f.coefficients == Matrix([[0, 0], [0, 1], [1, 0], [1, 1]]))
        // s = (0.5, 0): s̃ = (0.25, 0.5).
        let v = f.features(Matrix([[0.5, 0]]))
        let expected = [1, cos(Double.pi * 0.5), cos(Double.pi * 0.25), cos(Double.pi * 0.75)]
        for (a, e) in zip(v.row(0), expected) { #expect(abs(a - e) <= 1e-15) }
        #expect(FourierBasis<Double>(order: 3, inputDimension: 2).featureCount == 16)
    }

    @Test func radialBasis() {
        let r = RadialBasis<Double>(centers: Matrix([[0, 0], [1, 2]]), widths: [1, 0.5])
        let v = r.features(Matrix([[1, 1]]))
        #expect(abs(v[0, 0] - exp(-2.0 / 2)) <= 1e-15)          // ‖(1,1)‖² = 2, σ = 1
        #expect(abs(v[0, 1] - exp(-1.0 / (2 * 0.25))) <= 1e-15)   // ‖(0,−1)‖² = 1, σ = 0.5
        let grid = RadialBasis<Double>.grid(lower: [0, 0], upper: [1, 2], pointsPerDimension: 3, width: 0.3)
        #expect(grid.featureCount == 9)
        #expect(grid.centers.row(0) == [0, 0] && grid.centers.row(1) == [0, 1] && grid.centers.row(8) == [1, 2])
    }

    @Test func oneHotAndIdentity() {
        let o = OneHotEncoding<Double>(stateCount: 3)
        #expect(o.features(Matrix(column: [2, 0])) == Matrix([[0, 0, 1], [1, 0, 0]]))
        #expect(o.firstInvalidRow(Matrix(column: [1, 1.5])) == 1)
        let i = IdentityFeatures<Double>(inputDimension: 2, appendsConstant: true)
        #expect(i.features(Matrix([[3, 4]])) == Matrix([[3, 4, 1]]))
        let any = AnyFeatureMap<Double>.oneHot(o)
        #expect(any.featureCount == 3 && any.inputDimension == 1 && any.kindName == "one_hot")
    }
}
