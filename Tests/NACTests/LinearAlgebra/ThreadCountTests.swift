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
        // The QR's own single-threaded kernels are chosen only on one BLAS thread.
        for count in [other, old] {
            LinearAlgebra.threadCount = count
            #expect(BlockedHouseholderQR.usesOwnKernels(Double.self) == (Double.householderKernelsUseVectorExtensions && count == 1))
            #expect(BlockedHouseholderQR.usesOwnKernels(Float.self) == (Float.householderKernelsUseVectorExtensions && count == 1))
        }
    }
}
