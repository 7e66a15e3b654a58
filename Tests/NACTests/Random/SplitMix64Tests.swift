import Testing
@testable import NAC

@Suite("SplitMix64") struct SplitMix64Tests {
    /// The first outputs for seed 0, computed independently with a short Python transcription of
    /// the reference C code (prng.di.unimi.it/splitmix64.c):
    ///
    ///     M = 2**64 - 1; x = 0
    ///     def next():
    ///         global x; x = (x + 0x9E3779B97F4A7C15) & M; z = x
    ///         z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
    ///         z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
    ///         return z ^ (z >> 31)
    @Test func referenceOutputsForSeedZero() {
        var g = SplitMix64(seed: 0)
        #expect((0..<4).map { _ in g.next() }
                == [0xE220_A839_7B1D_CDAF, 0x6E78_9E6A_A1B9_65F4, 0x06C4_5D18_8009_454F, 0xF88B_B8A8_724C_81EC])
    }
}
