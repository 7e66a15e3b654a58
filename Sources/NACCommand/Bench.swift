import ArgumentParser
import Foundation
import NAC

/// `nac bench …`: speed tables.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print speed tables (run in release: swift run -c release nac bench scores).",
        subcommands: [BenchScores.self, BenchNaturalGradient.self, BenchEnvironments.self])
}

/// `nac bench scores`: the per-sample score benchmark of workloads.json.
struct BenchScores: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scores",
        abstract: "Time per-sample score matrices (B × P) for the workloads W1–W3: per-sample loop vs one batched engine call.",
        discussion: """
        For each workload, batch size B and scalar type: the per-sample loop (B separate reverse \
        passes of one sample; for B above --loop-samples the first --loop-samples samples are timed \
        and scaled to B, marked *), the batched time (one per-sample Jacobian call into a reused \
        buffer), the same into a freshly allocated buffer, the speed-up (loop / batched), and \
        the batched time over the bandwidth floor (filling an already mapped B × P buffer, measured \
        in the same run), and one plain batch gradient (one reduced reverse pass) with the batched \
        time over it. With --engine-threads N > 1 (default: every core), the batched time and \
        the floor are also measured on N threads that split the rows (two cores write memory faster \
        than one). Times are medians of --repetitions runs (at most 3 for Jacobians over \
        256 MiB, 2 over 1 GiB). Cases whose Jacobian exceeds 2 GiB are skipped (W3, B = 4096, float64). \
        Progress goes to stderr, the table to stdout. Workloads (built in, as in workloads.json): \
        W1 Gaussian 17→64→64→6 (P = 5708), W2 categorical 4→32→2 (P = 226), \
        W3 Gaussian 64→256→256→8 (P = 84496), W4 categorical 8→64→64→4 (P = 4996, not run by default). \
        A summary closes the output: the engine issue's targets (≥ 100× the loop at B = 1024 on W1, \
        ≤ 3× a batch gradient, ≤ 2× the floor for B ≥ 1024 and ≤ 3× at B = 256), each with its \
        bound where it is missed (the loop over the floor; the floor over the gradient; the forward \
        pass alone over the floor).
        """)

    @Option(help: "Comma-separated workload ids (W1…W4).") var workloads: String = "W1,W2,W3"
    @Option(name: .customLong("batch-sizes"), help: "Comma-separated batch sizes.") var batchSizes: String = "32,256,1024,4096"
    @Option(help: "Comma-separated scalar types (float32, float64).") var dtypes: String = "float32,float64"
    @Option(help: "Timed runs per measurement (the median is reported).") var repetitions: Int = 5
    @Option(name: .customLong("loop-samples"), help: "Samples timed in the per-sample loop before extrapolating to B.") var loopSamples: Int = 32
    @Option(help: "BLAS threads (LinearAlgebra.threadCount); default: OPENBLAS_NUM_THREADS or OpenBLAS's choice.") var threads: Int?
    @Option(name: .customLong("engine-threads"), help: "Threads of the threaded columns (default: every core; 1 leaves them out).") var engineThreads: Int?

    func parsedConfiguration() throws -> ScoreBenchmark.Configuration {
        let selected: [ScoreWorkload], sizes: [Int], types: [ScalarType]
        do {
            selected = try BenchmarkOptionParsing.workloads(workloads, option: "--workloads")
            sizes = try BenchmarkOptionParsing.batchSizes(batchSizes)
            types = try BenchmarkOptionParsing.scalarTypes(dtypes)
        } catch {
            throw ValidationError(error.description)
        }
        guard repetitions >= 1 else { throw ValidationError("--repetitions must be at least 1") }
        guard loopSamples >= 1 else { throw ValidationError("--loop-samples must be at least 1") }
        if let engineThreads, engineThreads < 1 { throw ValidationError("--engine-threads must be at least 1, got \(engineThreads)") }
        return ScoreBenchmark.Configuration(workloads: selected, batchSizes: sizes, scalarTypes: types,
                                            repetitions: repetitions, loopSampleLimit: loopSamples,
                                            engineThreads: engineThreads ?? EngineThreads.maximum)
    }

    func validate() throws {
        _ = try parsedConfiguration()
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    static func time(_ s: Double) -> String {
        if s < 1e-3 { return String(format: "%.1f µs", s * 1e6) }
        if s < 1 { return String(format: "%.2f ms", s * 1e3) }
        return String(format: "%.3f s", s)
    }

    func run() throws {
        let stderr = FileHandle.standardError
        func note(_ s: String) { stderr.write(Data((s + "\n").utf8)) }
        #if DEBUG
        note("warning: nac was built in debug mode; timings are meaningless. Run: swift run -c release nac bench scores")
        #endif
        if let threads { LinearAlgebra.threadCount = threads }
        let configuration = try parsedConfiguration()
        for c in configuration.cases where c.skipped {
            note("skipping \(c.workload.id) B=\(c.batchSize) \(c.scalarType): the Jacobian would be \(c.workload.jacobianBytes(batchSize: c.batchSize, scalarType: c.scalarType) >> 20) MiB (> 2 GiB)")
        }
        let start = Date()
        let results = ScoreBenchmark.run(configuration) { i, n, what in
            note("[\(i)/\(n)] \(what) (" + String(format: "%.0f", Date().timeIntervalSince(start)) + " s elapsed)")
        }
        let n = configuration.engineThreads
        var header = ["workload", "B", "dtype", "P", "per-sample loop", "batched", "batched (fresh)", "speed-up", "floor", "batched/floor",
                      "batch grad", "batched/grad"]
        if n > 1 { header += ["batched, \(n) thr", "fresh, \(n) thr", "floor, \(n) thr", "ratio, \(n) thr"] }
        var rows = [header]
        for r in results {
            var row = [r.workload.id, String(r.batchSize), r.scalarType.rawValue, String(r.parameterCount),
                       Self.time(r.loopSeconds) + (r.isLoopExtrapolated ? "*" : ""),
                       Self.time(r.batchedSeconds), Self.time(r.batchedFreshSeconds),
                       String(format: "%.1f×", r.speedUp), Self.time(r.floorSeconds), String(format: "%.2f×", r.overFloor),
                       Self.time(r.batchGradientSeconds), String(format: "%.2f×", r.overBatchGradient)]
            if n > 1 {
                if let t = r.threadedBatchedSeconds, let fresh = r.threadedFreshSeconds, let f = r.threadedFloorSeconds,
                   let q = r.threadedOverFloor {
                    row += [Self.time(t), Self.time(fresh), Self.time(f), String(format: "%.2f×", q)]
                } else {
                    row += ["–", "–", "–", "–"]
                }
            }
            rows.append(row)
        }
        let widths = (0..<header.count).map { c in rows.map { $0[c].count }.max()! }
        for (i, row) in rows.enumerated() {
            print(row.enumerated().map { c, cell in
                c < 4 ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                      : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  "))
            if i == 0 { print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        print("")
        print("* per-sample loop timed on the first \(configuration.loopSampleLimit) samples and scaled to B.")
        print("batched: one per-sample Jacobian call into a reused B × P buffer, 1 thread; fresh: into a new buffer; floor: filling the reused buffer, 1 thread; batch grad: one plain batch gradient (one reduced reverse pass), 1 thread.")
        if n > 1 {
            print("\(n) thr: the same batched calls and floor with the rows split over \(n) threads (the engine uses threads by default from "
                  + "\(EngineThreads.minimumParallelBytes >> 20) MiB of Jacobian or \(EngineThreads.minimumParallelRows) rows).")
        }
        print("")
        print("Targets (issue 3):")
        for line in ScoreBenchmark.targetSummary(results) { print("  " + line) }
        print("")
        print("Medians of \(configuration.repetitions) runs (at most 3 for Jacobians over 256 MiB, 2 over 1 GiB); BLAS threads: \(LinearAlgebra.threadCount); total \(String(format: "%.0f", Date().timeIntervalSince(start))) s.")
    }
}
