import Testing
@testable import NAC

@Suite("LinearAlgebraError") struct LinearAlgebraErrorTests {
    @Test func descriptionsNameWhatFailed() {
        #expect(LinearAlgebraError.notPositiveDefinite(order: 3).description
                == "matrix is not positive definite: the leading minor of order 3 is not positive")
        #expect(LinearAlgebraError.rankDeficient(column: 2).description
                == "matrix is rank deficient: diagonal element 2 of the triangular factor is zero or negligible")
        #expect(LinearAlgebraError.noConvergence(routine: "syevd", count: 4).description
                == "syevd did not converge (4 elements did not converge)")
        #expect(LinearAlgebraError.nonFiniteInput(argument: "B", row: 1, column: 0).description
                == "B has a non-finite element at (1, 0)")
        #expect(LinearAlgebraError.invalidArgument(name: "relativeCutoff", value: 2, requirement: "0 ≤ relativeCutoff < 1")
                .description == "relativeCutoff = 2.0 is invalid: 0 ≤ relativeCutoff < 1")
    }

    @Test func equalityComparesPayloads() {
        #expect(LinearAlgebraError.notPositiveDefinite(order: 3) != .notPositiveDefinite(order: 4))
        #expect(LinearAlgebraError.nonFiniteInput(argument: "A", row: 1, column: 0)
                != .nonFiniteInput(argument: "B", row: 1, column: 0))
    }
}
