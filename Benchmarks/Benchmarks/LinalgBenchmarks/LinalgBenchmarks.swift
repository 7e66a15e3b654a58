import Benchmark
import NAC

// BLAS/LAPACK through NAC's public API, for Float and Double at n = 64, 256, 1024.
//
// Each name ends with the operation's flop count, so GFLOP/s = flop / (p50 wall clock in ns):
//   gemm           C = A · B, A and B n × n                         2n³
//   syrk           AᵀA of an n × n A (`gram()`)                      n³  (n²k with k = n)
//   posv           A x = b, SPD n × n, one right-hand side           n³/3 + 2n²
//                  (`solvePositiveDefinite`, factor and solve)
//   potrf          Cholesky factor alone (`cholesky()`)              n³/3
//   gelsd          min ‖A x − b‖ by SVD, A 2n × n, one rhs           ≈ 6n³, rough: QR of A
//                  (`leastSquaresSVD`)                               (2mn² − 2n³/3 = 10n³/3) plus
//                                                                    bidiagonalisation of R (8n³/3)
// Every timing includes what the NAC call does around LAPACK: copying the inputs (LAPACK
// overwrites them), row-/column-major conversion where needed, and allocating the result.
//
// Run with `OPENBLAS_NUM_THREADS=1 swift package benchmark` (or =2) from this folder.

let benchmarks: @Sendable () -> Void = {
    // Never ARC metrics (.retainCount, .arc, .all): they crash on Swift 6.3 Linux (BUILD-NOTES §1.8).
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .peakMemoryResident],
        timeUnits: .microseconds,
        warmupIterations: 2,
        maxDuration: .seconds(2),
        maxIterations: 1_000)

    for n in [64, 256, 1024] {
        registerBenchmarks(Float.self, n: n)
        registerBenchmarks(Double.self, n: n)
    }
}

/// Inputs built by a benchmark's `setup` hook (outside the measurement) and dropped by `teardown`.
final class Inputs<Scalar: NACScalar>: @unchecked Sendable {
    var a = Matrix<Scalar>.zeros(rows: 0, columns: 0)
    var b = Matrix<Scalar>.zeros(rows: 0, columns: 0)
}

func flopText(_ flop: Double) -> String {
    let mega = flop / 1e6
    let rounded = (mega * 100).rounded() / 100
    return "\(rounded) Mflop"
}

func registerBenchmarks<Scalar: NACScalar>(_: Scalar.Type, n: Int) {
    let type = Scalar.typeName
    let cube = Double(n) * Double(n) * Double(n)
    // Fewer iterations for the slow large cases keep the whole suite to a few minutes.
    let configuration = Benchmark.Configuration(maxIterations: n >= 1024 ? 20 : 1_000)

    do {
        let inputs = Inputs<Scalar>()
        Benchmark("gemm \(type) n=\(n), \(flopText(2 * cube))", configuration: configuration) { benchmark in
            let a = inputs.a, b = inputs.b
            for _ in benchmark.scaledIterations { blackHole(a * b) }
        } setup: {
            inputs.a = .randomNormal(rows: n, columns: n, seed: 1)
            inputs.b = .randomNormal(rows: n, columns: n, seed: 2)
        } teardown: {
            inputs.a = .zeros(rows: 0, columns: 0); inputs.b = .zeros(rows: 0, columns: 0)
        }
    }
    do {
        let inputs = Inputs<Scalar>()
        Benchmark("syrk \(type) n=\(n), \(flopText(cube))", configuration: configuration) { benchmark in
            let a = inputs.a
            for _ in benchmark.scaledIterations { blackHole(a.gram()) }
        } setup: {
            inputs.a = .randomNormal(rows: n, columns: n, seed: 3)
        } teardown: {
            inputs.a = .zeros(rows: 0, columns: 0)
        }
    }
    do {
        let inputs = Inputs<Scalar>()
        let setup: Benchmark.BenchmarkSetupHook = {
            // A well-conditioned SPD matrix: GᵀG/n + I.
            var spd = Matrix<Scalar>.randomNormal(rows: n, columns: n, seed: 4).gram() / Scalar(n)
            spd.addToDiagonal(1)
            inputs.a = spd
            inputs.b = .randomNormal(rows: n, columns: 1, seed: 5)
        }
        let teardown: Benchmark.BenchmarkTeardownHook = {
            inputs.a = .zeros(rows: 0, columns: 0); inputs.b = .zeros(rows: 0, columns: 0)
        }
        Benchmark("posv \(type) n=\(n), \(flopText(cube / 3 + 2 * Double(n * n)))",
                  configuration: configuration) { benchmark in
            let a = inputs.a, b = inputs.b
            for _ in benchmark.scaledIterations { blackHole(try a.solvePositiveDefinite(b)) }
        } setup: { try await setup() } teardown: { try await teardown() }
        Benchmark("potrf \(type) n=\(n), \(flopText(cube / 3))", configuration: configuration) { benchmark in
            let a = inputs.a
            for _ in benchmark.scaledIterations { blackHole(try a.cholesky()) }
        } setup: { try await setup() } teardown: { try await teardown() }
    }
    do {
        let inputs = Inputs<Scalar>()
        Benchmark("gelsd \(type) n=\(n) (A 2n × n), ~\(flopText(6 * cube))",
                  configuration: Benchmark.Configuration(maxIterations: n >= 1024 ? 5 : 1_000)) { benchmark in
            let a = inputs.a, b = inputs.b
            for _ in benchmark.scaledIterations { blackHole(try a.leastSquaresSVD(b)) }
        } setup: {
            inputs.a = .randomNormal(rows: 2 * n, columns: n, seed: 6)
            inputs.b = .randomNormal(rows: 2 * n, columns: 1, seed: 7)
        } teardown: {
            inputs.a = .zeros(rows: 0, columns: 0); inputs.b = .zeros(rows: 0, columns: 0)
        }
    }
}
