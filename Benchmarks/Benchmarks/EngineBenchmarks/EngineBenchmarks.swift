import Benchmark
import NAC

// The engine on the workloads of ../shared/reference/workloads.json (W1, W2, W3 at
// B = 32, 256, 1024, 4096, Float and Double; W3 at B = 4096 Double is skipped by the 2 GiB rule),
// the same cases as `nac bench scores`:
//   scores reused   per-sample Jacobian (B × P) into a buffer reused between calls
//   scores fresh    the same into a freshly allocated matrix (first-touch page faults included)
//   batch gradient  one reduced reverse pass (∇θ Σ_b log π(a_b|s_b))
//   fill floor      writing every element of an already mapped B × P buffer once
//   loop of 32      32 one-sample reverse passes (the per-sample loop; scale by B/32)
// and, for W1 at B = 1024, one Fisher-vector product and one Hessian-vector product.
//
// Run with `OPENBLAS_NUM_THREADS=1 swift package benchmark --target EngineBenchmarks` from this
// folder. Ratios are only meaningful within one run (the machine is shared and noisy).

let benchmarks: @Sendable () -> Void = {
    // Never ARC metrics (.retainCount, .arc, .all): they crash on Swift 6.3 Linux (BUILD-NOTES §1.8).
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .microseconds,
        warmupIterations: 2,
        maxDuration: .seconds(1),
        maxIterations: 200)

    for workload in ScoreWorkload.standard {
        for batch in ScoreWorkload.batchSizes {
            register(Float.self, workload: workload, batch: batch)
            register(Double.self, workload: workload, batch: batch)
        }
    }
    registerSecondOrder(Double.self)
}

/// Inputs built in `setup` (outside the measurement) and dropped in `teardown`.
final class Prepared<Scalar: NACScalar>: @unchecked Sendable {
    var benchmarkCase: ScoreBenchmarkCase<Scalar>?
    var buffer = Matrix<Scalar>.zeros(rows: 0, columns: 0)
    var loopInputs: [[Matrix<Scalar>]] = []
}

func register<Scalar: NACScalar>(_: Scalar.Type, workload: ScoreWorkload, batch: Int) {
    let bytes = batch * workload.parameterCount * MemoryLayout<Scalar>.stride
    guard bytes <= ScoreWorkload.jacobianLimitBytes else { return }
    let label = "\(workload.id) B=\(batch) \(Scalar.typeName)"
    let big = bytes > 256 << 20
    let configuration = Benchmark.Configuration(maxDuration: .seconds(big ? 3 : 1), maxIterations: big ? 5 : 200)
    let prepared = Prepared<Scalar>()
    let setup: @Sendable () -> Void = {
        let c = ScoreBenchmarkCase<Scalar>(workload: workload, batchSize: batch)
        prepared.benchmarkCase = c
        prepared.buffer = c.makeScoreBuffer()
        prepared.loopInputs = c.perSampleInputs(0..<Swift.min(32, batch))
    }
    let teardown: @Sendable () -> Void = {
        prepared.benchmarkCase = nil
        prepared.buffer = .zeros(rows: 0, columns: 0)
        prepared.loopInputs = []
    }
    Benchmark("scores reused \(label)", configuration: configuration) { benchmark in
        guard let c = prepared.benchmarkCase else { return }
        for _ in benchmark.scaledIterations { c.batchedScores(into: &prepared.buffer) }
    } setup: { setup() } teardown: { teardown() }
    let threads = Swift.min(EngineThreads.maximum, batch)
    if threads > 1 {
        Benchmark("scores reused \(threads) threads \(label)", configuration: configuration) { benchmark in
            guard let c = prepared.benchmarkCase else { return }
            for _ in benchmark.scaledIterations { c.batchedScores(into: &prepared.buffer, threadCount: threads) }
        } setup: { setup() } teardown: { teardown() }
        Benchmark("fill floor \(threads) threads \(label)", configuration: configuration) { benchmark in
            guard let c = prepared.benchmarkCase else { return }
            for _ in benchmark.scaledIterations { c.fill(&prepared.buffer, with: 1.5, threadCount: threads) }
        } setup: { setup() } teardown: { teardown() }
    }
    Benchmark("scores fresh \(label)", configuration: configuration) { benchmark in
        guard let c = prepared.benchmarkCase else { return }
        for _ in benchmark.scaledIterations { blackHole(c.batchedScoresIntoFreshBuffer()) }
    } setup: { setup() } teardown: { teardown() }
    Benchmark("batch gradient \(label)", configuration: configuration) { benchmark in
        guard let c = prepared.benchmarkCase else { return }
        let f = c.policy.logProbability, theta = c.policy.parameters
        let inputs = [c.observations, c.actions.engineInput]
        for _ in benchmark.scaledIterations { blackHole(f.gradient(at: theta, inputs: inputs)) }
    } setup: { setup() } teardown: { teardown() }
    Benchmark("fill floor \(label)", configuration: configuration) { benchmark in
        guard let c = prepared.benchmarkCase else { return }
        for _ in benchmark.scaledIterations { c.fill(&prepared.buffer, with: 1.5) }
    } setup: { setup() } teardown: { teardown() }
    Benchmark("loop of 32 \(label)", configuration: configuration) { benchmark in
        guard let c = prepared.benchmarkCase else { return }
        let rows = 0..<Swift.min(32, batch)
        for _ in benchmark.scaledIterations { c.perSampleLoop(prepared.loopInputs, rows: rows, into: &prepared.buffer) }
    } setup: { setup() } teardown: { teardown() }
}

func registerSecondOrder<Scalar: NACScalar>(_: Scalar.Type) {
    let prepared = Prepared<Scalar>()
    let label = "W1 B=1024 \(Scalar.typeName)"
    let setup: @Sendable () -> Void = { prepared.benchmarkCase = ScoreBenchmarkCase<Scalar>(workload: .w1, batchSize: 1024) }
    let teardown: @Sendable () -> Void = { prepared.benchmarkCase = nil }
    Benchmark("fisher-vector product \(label)") { benchmark in
        guard let c = prepared.benchmarkCase else { return }
        let f = c.policy.logProbability, theta = c.policy.parameters
        let inputs = [c.observations, c.actions.engineInput]
        let v = [Scalar](repeating: 0.01, count: theta.count)
        for _ in benchmark.scaledIterations {
            blackHole(f.fisherVectorProduct(at: theta, inputs: inputs, vector: v, damping: 1e-3))
        }
    } setup: { setup() } teardown: { teardown() }
    Benchmark("hessian-vector product \(label)") { benchmark in
        guard let c = prepared.benchmarkCase else { return }
        let f = c.policy.logProbability, theta = c.policy.parameters
        let inputs = [c.observations, c.actions.engineInput]
        let v = [Scalar](repeating: 0.01, count: theta.count)
        for _ in benchmark.scaledIterations {
            blackHole(f.hessianVectorProduct(at: theta, inputs: inputs, vector: v))
        }
    } setup: { setup() } teardown: { teardown() }
    Benchmark("CG natural gradient 10 iterations \(label)") { benchmark in
        guard let c = prepared.benchmarkCase else { return }
        let f = c.policy.logProbability, theta = c.policy.parameters
        let inputs = [c.observations, c.actions.engineInput]
        let advantages = (0..<1024).map { Scalar($0 % 7) - 3 }
        for _ in benchmark.scaledIterations {
            blackHole(try? f.naturalGradientByConjugateGradient(
                at: theta, inputs: inputs, advantages: advantages, damping: 1e-3,
                options: ConjugateGradientOptions(maximumIterations: 10, relativeTolerance: 0, verifyResidual: false)))
        }
    } setup: { setup() } teardown: { teardown() }
}
