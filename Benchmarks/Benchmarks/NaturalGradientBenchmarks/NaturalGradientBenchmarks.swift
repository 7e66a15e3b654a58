import Benchmark
import NAC

// The natural-gradient benchmarks of issue 5 at W1, B = 1024, Double (the cases of
// `nac bench natural-gradient`, which prints the full table with rates and ratios):
//   dgemm 1024                      the reference rate: 2·1024³ flops
//   explicit Fisher / kernel / automatic
//                                   FisherSystem.solveExplicitFisher(), solveKernel(), solve() on a
//                                   seeded random 1024 × 5708 Ψ, λ = 1e-3 (FisherRouteBenchmarkCase);
//                                   nominal flops in FisherSolveRoute.nominalFlopCount
//   batch gradient / CG natural gradient 10 iterations
//                                   the W1 policy on the same batch: one reverse pass, and the
//                                   matrix-free 10-iteration CG natural gradient (target ≤ 12×)
//   exact natural gradient, factored kernel
//                                   naturalGradientByKernel on the same batch (Ψ never formed), at
//                                   W1 B = 1024 and, with a batch gradient for scale, W3 B = 256
//   LSTD-Q observe ×1000            1000 LSTDQAccumulator.observe steps from a fresh accumulator,
//                                   N = 500 (n = 400, m = 100), γ = 0.99, λ = 0.9, statistics only
//                                   and with the tracked inverse (target ≥ 20,000 steps/s, i.e.
//                                   ≤ 50 ms per iteration)
//   LSTD-Q solve tracked inverse ×100
//                                   100 × solve(.trackedInverse) after 1000 steps
//
// Run with `OPENBLAS_NUM_THREADS=1 swift package benchmark --target NaturalGradientBenchmarks`
// from this folder. Ratios are only meaningful within one run (the machine is shared and noisy).

let benchmarks: @Sendable () -> Void = {
    // Never ARC metrics (.retainCount, .arc, .all): they crash on Swift 6.3 Linux (BUILD-NOTES §1.8).
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        maxDuration: .seconds(3),
        maxIterations: 50)

    registerReference()
    registerRoutes()
    registerConjugateGradient()
    registerLSTD()
}

/// Inputs built in `setup` (outside the measurement) and dropped in `teardown`.
final class Prepared<Value: Sendable>: @unchecked Sendable {
    var value: Value?
}

let w1 = ScoreWorkload.w1
let batchSize = 1024
let label = "W1 B=\(batchSize) float64"

func registerReference() {
    let prepared = Prepared<GEMMReferenceBenchmarkCase<Double>>()
    Benchmark("dgemm 1024") { benchmark in
        guard let c = prepared.value else { return }
        var product = c.makeProductBuffer()
        for _ in benchmark.scaledIterations { c.multiply(into: &product) }
        blackHole(product)
    } setup: {
        prepared.value = GEMMReferenceBenchmarkCase<Double>()
    } teardown: {
        prepared.value = nil
    }
}

func registerRoutes() {
    let prepared = Prepared<FisherRouteBenchmarkCase<Double>>()
    let setup: @Sendable () -> Void = {
        prepared.value = FisherRouteBenchmarkCase<Double>(batchSize: batchSize, parameterCount: w1.parameterCount, damping: 1e-3)
    }
    let teardown: @Sendable () -> Void = { prepared.value = nil }
    // The explicit route factorises a 5708 × 5708 matrix (seconds per call): few iterations.
    let slow = Benchmark.Configuration(maxDuration: .seconds(10), maxIterations: 5)
    Benchmark("explicit Fisher \(label)", configuration: slow) { benchmark in
        guard let c = prepared.value else { return }
        for _ in benchmark.scaledIterations { blackHole(try? c.solve(by: .explicitFisher)) }
    } setup: { setup() } teardown: { teardown() }
    Benchmark("kernel \(label)") { benchmark in
        guard let c = prepared.value else { return }
        for _ in benchmark.scaledIterations { blackHole(try? c.solve(by: .kernel)) }
    } setup: { setup() } teardown: { teardown() }
    Benchmark("automatic \(label)") { benchmark in
        guard let c = prepared.value else { return }
        for _ in benchmark.scaledIterations { blackHole(try? c.solveAutomatically()) }
    } setup: { setup() } teardown: { teardown() }
}

func registerConjugateGradient() {
    let prepared = Prepared<(ScoreBenchmarkCase<Double>, [Double])>()
    let setup: @Sendable () -> Void = {
        let c = ScoreBenchmarkCase<Double>(workload: w1, batchSize: batchSize)
        prepared.value = (c, c.randomAdvantages())
    }
    let teardown: @Sendable () -> Void = { prepared.value = nil }
    Benchmark("batch gradient \(label)") { benchmark in
        guard let (c, _) = prepared.value else { return }
        for _ in benchmark.scaledIterations { blackHole(c.batchGradient()) }
    } setup: { setup() } teardown: { teardown() }
    Benchmark("CG natural gradient 10 iterations \(label)") { benchmark in
        guard let (c, advantages) = prepared.value else { return }
        for _ in benchmark.scaledIterations {
            blackHole(try? c.conjugateGradientNaturalGradient(advantages: advantages, damping: 1e-3, iterations: 10))
        }
    } setup: { setup() } teardown: { teardown() }
    Benchmark("exact natural gradient, factored kernel \(label)") { benchmark in
        guard let (c, advantages) = prepared.value else { return }
        for _ in benchmark.scaledIterations {
            blackHole(try? c.factoredKernelNaturalGradient(advantages: advantages, damping: 1e-3))
        }
    } setup: { setup() } teardown: { teardown() }
    // W3 at B = 256, where the factored kernel route pays most (Ψ would be 173 MB).
    let preparedW3 = Prepared<(ScoreBenchmarkCase<Double>, [Double])>()
    Benchmark("exact natural gradient, factored kernel W3 B=256 float64") { benchmark in
        guard let (c, advantages) = preparedW3.value else { return }
        for _ in benchmark.scaledIterations {
            blackHole(try? c.factoredKernelNaturalGradient(advantages: advantages, damping: 1e-3))
        }
    } setup: {
        let c = ScoreBenchmarkCase<Double>(workload: .w3, batchSize: 256)
        preparedW3.value = (c, c.randomAdvantages())
    } teardown: { preparedW3.value = nil }
    Benchmark("batch gradient W3 B=256 float64") { benchmark in
        guard let (c, _) = preparedW3.value else { return }
        for _ in benchmark.scaledIterations { blackHole(c.batchGradient()) }
    } setup: {
        let c = ScoreBenchmarkCase<Double>(workload: .w3, batchSize: 256)
        preparedW3.value = (c, c.randomAdvantages())
    } teardown: { preparedW3.value = nil }
}

func registerLSTD() {
    let prepared = Prepared<LSTDQBenchmarkCase<Double>>()
    let setup: @Sendable () -> Void = { prepared.value = LSTDQBenchmarkCase<Double>() }
    let teardown: @Sendable () -> Void = { prepared.value = nil }
    let steps = 1000
    Benchmark("LSTD-Q observe ×\(steps) N=500 statistics only float64") { benchmark in
        guard let c = prepared.value else { return }
        for _ in benchmark.scaledIterations {
            var accumulator = c.makeAccumulator()
            c.observe(steps: steps, into: &accumulator)
            blackHole(accumulator)
        }
    } setup: { setup() } teardown: { teardown() }
    Benchmark("LSTD-Q observe ×\(steps) N=500 tracked inverse float64") { benchmark in
        guard let c = prepared.value else { return }
        for _ in benchmark.scaledIterations {
            var accumulator = c.makeAccumulator(trackedInverseRidge: 1e-3)
            c.observe(steps: steps, into: &accumulator)
            blackHole(accumulator)
        }
    } setup: { setup() } teardown: { teardown() }
    // A solve takes a fraction of a millisecond, below the per-sample cost of reading the
    // metrics: 100 solves per sample.
    let solves = 100
    Benchmark("LSTD-Q solve tracked inverse ×\(solves) after \(steps) steps N=500 float64") { benchmark in
        guard let c = prepared.value else { return }
        var accumulator = c.makeAccumulator(trackedInverseRidge: 1e-3)
        c.observe(steps: steps, into: &accumulator)
        benchmark.startMeasurement()    // the observations above are set-up, not measured
        for _ in benchmark.scaledIterations {
            for _ in 0..<solves { blackHole(try? accumulator.solve(.trackedInverse)) }
        }
    } setup: { setup() } teardown: { teardown() }
}
