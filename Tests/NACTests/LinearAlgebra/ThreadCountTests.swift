import Testing
@testable import NAC

@Suite("BLAS thread count") struct ThreadCountTests {
    @Test func setAndGetRoundTrip() {
        let old = LinearAlgebra.threadCount
        #expect(old >= 1)
        defer {
            LinearAlgebra.threadCount = old
            #expect(LinearAlgebra.threadCount == old, "the old value is restored")
        }
        // A value different from the current one, so that the round trip is observable.
        let other = old == 1 ? 2 : 1
        LinearAlgebra.threadCount = other
        #expect(LinearAlgebra.threadCount == other)
    }
}
