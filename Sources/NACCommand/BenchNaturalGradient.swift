import ArgumentParser
import Foundation
import NAC

/// `nac bench natural-gradient`: the natural-gradient speed tables of issue 5.
struct BenchNaturalGradient: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "natural-gradient",
        abstract: "Time every natural-gradient route against the gemm rate, CG-10 against batch gradients, and LSTD-Q steps.",
        discussion: """
        Three tables, ratios measured in one run (progress on stderr, tables on stdout).

        1. Fisher routes. For each shape (P of W1 = 5708, W3 = 84496), batch size B and dtype, a \
        seeded random B × P score matrix Ψ ~ N(0, 1) with advantages Â ~ N(0, 1) and F = ΨᵀΨ/B + λI, \
        g = ΨᵀÂ/B. Columns: 'gemm GFLOP/s' is the rate of an n × n by n × n gemm (n = --gemm-order, \
        1024) timed before and after the case in the same dtype (the faster of the two); 'explicit' (syrk + Cholesky), 'kernel' \
        (B × B Woodbury form + Cholesky), 'QR' and 'SVD' (least squares on the stacked damped system) \
        show the median time and, in parentheses, the route's nominal flop count over its time as a \
        percentage of the gemm rate (counts: explicit BP² + P³/3 + 2P² + 6BP; kernel B²P + B³/3 + 4B² \
        + 6BP; QR 2k²l − 2k³/3 + 4kl − k² + 6BP on the k × l stacked system; SVD a lower bound, the \
        QR count without the last terms plus 8k³/3 — see FisherSolveRoute.nominalFlopCount); \
        'CG on Ψ' is --cg-iterations CG iterations on the explicit Ψ (two gemv per iteration); \
        'auto' is FisherSystem.solve() with the route it took; 'auto/best' its time over the fastest \
        exact route (explicit, kernel, QR, SVD). Skipped cells: (mem) Ψ plus the route's working \
        memory would exceed 2 GiB (cases whose Ψ alone does are left out: W3, B = 4096, float64; the \
        explicit W3 Fisher matrix alone needs 27 GiB in float32), (slow) a least-squares route whose nominal count \
        exceeds 5e10 flops unless --least-squares all, (off) --least-squares none.

        2. Engine CG. The workload's actual policy (as in nac bench scores) on the same batch: one \
        plain batch gradient (one reverse pass), the matrix-free natural gradient by --cg-iterations \
        CG iterations on the engine's Fisher-vector products (Ψ never formed), and their ratio \
        ('CG-10 = x batch gradients'); then the exact natural gradient by the kernel route on the \
        factored Jacobian (naturalGradientByKernel: G = ΨΨᵀ from each layer's signals and inputs, \
        Ψ never formed) and its cost in batch gradients.

        3. LSTD-Q(λ). LSTDQAccumulator.observe with N = 500 features (n = 400 scores, m = 100 \
        baseline features), γ = 0.99, λ = 0.9, cycling over 64 random transitions, --lstd-steps \
        steps from a fresh accumulator: steps/s with the statistics only and with the tracked \
        Sherman–Morrison inverse (ε = 1e-3); the time of solve(.trackedInverse) after them, the \
        tracked rate counting that one solve, and the O(N³) SVD solve for comparison.

        Targets (issue 5): auto within 1.2× of the best exact route on every shape; the exact \
        routes at ≥ 70% of the gemm rate; CG-10 ≤ 12 batch gradients; LSTD-Q with the tracked \
        inverse ≥ 20,000 steps/s. A summary of each closes the output.

        Times are medians of at least --repetitions runs after a warm-up, and of as many as fit in \
        --min-time seconds (up to 100); a warm-up of 1 s or more counts as the first run, and a \
        measurement stops adding runs after --budget seconds. Run in release with \
        one BLAS thread: OPENBLAS_NUM_THREADS=1 swift run -c release nac bench natural-gradient \
        (about 5 minutes on 2 cores).
        """)

    @Option(help: "Comma-separated workload ids whose P (routes) and policy (engine CG) are used (W1…W4).") var shapes: String = "W1,W3"
    @Option(name: .customLong("batch-sizes"), help: "Comma-separated batch sizes.") var batchSizes: String = "256,1024,4096"
    @Option(help: "Comma-separated scalar types (float32, float64).") var dtypes: String = "float32,float64"
    @Option(help: "Timed runs per measurement (the median is reported).") var repetitions: Int = 3
    @Option(name: .customLong("min-time"), help: "Seconds of runs a measurement collects at least (up to 100 runs).") var minTime: Double = 0.5
    @Option(help: "Seconds after which a measurement stops adding runs.") var budget: Double = 10
    @Option(name: .customLong("least-squares"), help: "QR and SVD routes: auto (only up to 5e10 nominal flops), all, none.") var leastSquares: String = "auto"
    @Option(help: "Damping λ of every system.") var damping: Double = 1e-3
    @Option(name: .customLong("gemm-order"), help: "n of the reference n × n gemm.") var gemmOrder: Int = 1024
    @Option(name: .customLong("cg-iterations"), help: "Conjugate-gradient iterations (on Ψ and on the engine).") var cgIterations: Int = 10
    @Option(name: .customLong("lstd-steps"), help: "LSTD-Q observations timed per run.") var lstdSteps: Int = 4000
    @Flag(name: .customLong("skip-routes"), help: "Leave out the Fisher-route table.") var skipRoutes = false
    @Flag(name: .customLong("skip-cg"), help: "Leave out the engine CG table.") var skipCG = false
    @Flag(name: .customLong("skip-lstd"), help: "Leave out the LSTD-Q table.") var skipLSTD = false
    @Option(help: "BLAS threads (LinearAlgebra.threadCount); default: OPENBLAS_NUM_THREADS or OpenBLAS's choice.") var threads: Int?

    func parsedConfiguration() throws -> NaturalGradientBenchmark.Configuration {
        do {
            let configuration = NaturalGradientBenchmark.Configuration(
                shapes: try BenchmarkOptionParsing.workloads(shapes),
                batchSizes: try BenchmarkOptionParsing.batchSizes(batchSizes),
                scalarTypes: try BenchmarkOptionParsing.scalarTypes(dtypes),
                repetitions: repetitions, minimumMeasurementSeconds: minTime, measurementBudgetSeconds: budget, damping: damping,
                leastSquares: try NaturalGradientBenchmark.LeastSquaresSelection(parsing: leastSquares),
                gemmOrder: gemmOrder, conjugateGradientIterations: cgIterations,
                runsRoutes: !skipRoutes, runsConjugateGradient: !skipCG, runsLSTD: !skipLSTD,
                lstd: .init(steps: lstdSteps))
            try configuration.validate()
            return configuration
        } catch {
            throw ValidationError(error.description)
        }
    }

    func validate() throws {
        _ = try parsedConfiguration()
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let stderr = FileHandle.standardError
        func note(_ s: String) { stderr.write(Data((s + "\n").utf8)) }
        #if DEBUG
        note("warning: nac was built in debug mode; timings are meaningless. Run: swift run -c release nac bench natural-gradient")
        #endif
        if let threads { LinearAlgebra.threadCount = threads }
        let configuration = try parsedConfiguration()
        for c in configuration.routeCases {
            let label = "\(c.shape.id) B=\(c.batchSize) \(c.scalarType)"
            if let reason = c.skipReason {
                note("skipping routes \(label): Ψ \(reason)")
                continue
            }
            for route in NaturalGradientBenchmark.Configuration.timedRoutes {
                if let reason = c.skippedRoutes[route] { note("skipping \(Self.shortName(route)) \(label): \(reason)") }
            }
        }
        let start = Date()
        let report = NaturalGradientBenchmark.run(configuration) { i, n, what in
            note("[\(i)/\(n)] \(what) (" + String(format: "%.0f", Date().timeIntervalSince(start)) + " s elapsed)")
        }
        let lambda = "λ = \(configuration.damping)"
        if !report.routes.isEmpty {
            print("Fisher routes: seeded random Ψ (B × P), \(lambda); median time (nominal flop rate as % of the gemm rate)")
            printTable(Self.routeTable(report.routes, configuration: configuration), leftColumns: 3)
            print("")
        }
        if !report.conjugateGradient.isEmpty {
            print("Engine CG natural gradient (matrix-free, \(configuration.conjugateGradientIterations) iterations, \(lambda)) vs one batch gradient, actual policy")
            printTable(Self.conjugateGradientTable(report.conjugateGradient), leftColumns: 3)
            print("")
        }
        if !report.lstd.isEmpty {
            let s = configuration.lstd
            print("LSTD-Q(λ): N = \(s.parameterCount + s.featureCount) (n = \(s.parameterCount), m = \(s.featureCount)), γ = \(s.discount), λ = \(s.traceDecay), \(s.steps) steps from a fresh accumulator, tracked-inverse ridge \(s.trackedInverseRidge)")
            printTable(Self.lstdTable(report.lstd), leftColumns: 1)
            print("")
        }
        print("Targets (issue 5):")
        for line in Self.targetSummary(report) { print("  " + line) }
        print("")
        print("Medians of ≥ \(configuration.repetitions) runs after a warm-up, as many as fit in \(configuration.minimumMeasurementSeconds) s (≤ 100), none added after \(configuration.measurementBudgetSeconds) s; gemm n = \(configuration.gemmOrder), the faster of before and after each case; BLAS threads: \(LinearAlgebra.threadCount); total \(String(format: "%.0f", Date().timeIntervalSince(start))) s.")
    }

    // MARK: Tables

    static func shortName(_ route: FisherSolveRoute) -> String {
        switch route {
        case .explicitFisher: "explicit"
        case .kernel: "kernel"
        case .leastSquaresQR: "QR"
        case .leastSquaresSVD: "SVD"
        case .conjugateGradient: "CG on Ψ"
        }
    }

    static func cell(_ outcome: NaturalGradientBenchmark.Outcome, fraction: Double? = nil) -> String {
        switch outcome {
        case .timed(let t):
            return BenchScores.time(t.seconds) + (fraction.map { String(format: " (%.0f%%)", $0 * 100) } ?? "")
        case .skipped(.memory): return "(mem)"
        case .skipped(.flopLimit): return "(slow)"
        case .skipped(.notSelected): return "(off)"
        case .failed: return "failed"
        }
    }

    static func routeTable(_ results: [NaturalGradientBenchmark.RouteResult], configuration: NaturalGradientBenchmark.Configuration) -> [[String]] {
        let routes = NaturalGradientBenchmark.Configuration.timedRoutes
        var rows = [["shape", "B", "dtype", "P", "gemm GFLOP/s"] + routes.map { route in
            route == .conjugateGradient ? "CG-\(configuration.conjugateGradientIterations) on Ψ" : shortName(route)
        } + ["auto (route)", "auto/best"]]
        for r in results {
            var row = [r.shape.id, String(r.batchSize), r.scalarType.rawValue, String(r.parameterCount),
                       String(format: "%.1f", r.gemmFlopsPerSecond / 1e9)]
            for route in routes {
                let outcome = r.routes[route] ?? .skipped(.notSelected)
                row.append(cell(outcome, fraction: route == .conjugateGradient ? nil : r.fractionOfGEMM(route)))
            }
            var auto = cell(r.automatic)
            if let taken = r.automaticRoute { auto += " " + shortName(taken) + (r.automaticFallbacks.isEmpty ? "" : "+fallback") }
            row.append(auto)
            row.append(r.automaticOverBestExact.map { String(format: "%.2f×", $0) } ?? "–")
            rows.append(row)
        }
        return rows
    }

    static func conjugateGradientTable(_ results: [NaturalGradientBenchmark.ConjugateGradientResult]) -> [[String]] {
        var rows = [["shape", "B", "dtype", "P", "batch gradient", "CG-\(results.first?.iterations ?? 10)", "= batch gradients",
                     "exact (factored kernel)", "= batch gradients"]]
        for r in results {
            var cg = cell(r.conjugateGradient)
            if let done = r.iterationsPerformed, done != r.iterations { cg += " (\(done) it.)" }
            rows.append([r.shape.id, String(r.batchSize), r.scalarType.rawValue, String(r.parameterCount),
                         BenchScores.time(r.batchGradient.seconds), cg,
                         r.costInBatchGradients.map { String(format: "%.1f×", $0) } ?? "–",
                         cell(r.factoredKernel),
                         r.factoredKernelInBatchGradients.map { String(format: "%.1f×", $0) } ?? "–"])
        }
        return rows
    }

    static func lstdTable(_ results: [NaturalGradientBenchmark.LSTDResult]) -> [[String]] {
        var rows = [["dtype", "statistics only", "tracked inverse", "solve(.trackedInverse)", "tracked + 1 solve", "solve (SVD)"]]
        for r in results {
            rows.append([r.scalarType.rawValue, stepsPerSecond(r.statisticsOnlyStepsPerSecond),
                         stepsPerSecond(r.trackedInverseStepsPerSecond), cell(r.trackedInverseSolve),
                         r.trackedInverseWithSolveStepsPerSecond.map(stepsPerSecond) ?? "–", cell(r.leastSquaresSolve)])
        }
        return rows
    }

    /// "23,456 steps/s".
    static func stepsPerSecond(_ x: Double) -> String {
        let digits = String(Int(x.rounded()))
        var grouped = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { grouped.append(",") }
            grouped.append(c)
        }
        return String(grouped.reversed()) + " steps/s"
    }

    static func label(_ shape: ScoreWorkload, _ b: Int, _ t: ScalarType) -> String { "\(shape.id) B=\(b) \(t)" }

    static func targetSummary(_ report: NaturalGradientBenchmark.Report) -> [String] {
        var lines = [String]()
        let verdict = { (met: Bool) in met ? "met" : "NOT met" }
        let ratios = report.routes.compactMap { r in r.automaticOverBestExact.map { ($0, label(r.shape, r.batchSize, r.scalarType)) } }
        if let worst = ratios.max(by: { $0.0 < $1.0 }) {
            lines.append("auto within 1.2× of the best exact route: worst " + String(format: "%.2f×", worst.0)
                         + " (\(worst.1)) — \(verdict(worst.0 <= 1.2))")
        }
        for route in NaturalGradientBenchmark.RouteResult.exactRoutes {
            let fractions = report.routes.compactMap { r in r.fractionOfGEMM(route).map { ($0, label(r.shape, r.batchSize, r.scalarType)) } }
            guard let low = fractions.min(by: { $0.0 < $1.0 }), let high = fractions.max(by: { $0.0 < $1.0 }) else { continue }
            let bound = route == .leastSquaresSVD ? " (lower-bound flop count)" : ""
            lines.append("\(shortName(route)) at ≥ 70% of gemm: " + String(format: "%.0f–%.0f%%", low.0 * 100, high.0 * 100)
                         + ", lowest \(low.1)\(bound) — \(verdict(low.0 >= 0.7))")
        }
        let costs = report.conjugateGradient.compactMap { r in r.costInBatchGradients.map { ($0, label(r.shape, r.batchSize, r.scalarType)) } }
        if let worst = costs.max(by: { $0.0 < $1.0 }) {
            lines.append("CG-\(report.conjugateGradient[0].iterations) ≤ 12 batch gradients: worst " + String(format: "%.1f", worst.0)
                         + " (\(worst.1)) — \(verdict(worst.0 <= 12))")
        }
        for r in report.lstd {
            lines.append("LSTD-Q N = \(r.size) \(r.scalarType) with tracked inverse ≥ 20,000 steps/s: \(stepsPerSecond(r.trackedInverseStepsPerSecond)) — \(verdict(r.trackedInverseStepsPerSecond >= 20_000))")
        }
        return lines
    }

    /// Prints rows as aligned columns (the first `leftColumns` left-aligned, the rest right-aligned), a rule under the header.
    func printTable(_ rows: [[String]], leftColumns: Int) {
        let widths = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max()! }
        for (i, row) in rows.enumerated() {
            print(row.enumerated().map { c, cell in
                c < leftColumns ? cell.padding(toLength: widths[c], withPad: " ", startingAt: 0)
                                : String(repeating: " ", count: widths[c] - cell.count) + cell
            }.joined(separator: "  "))
            if i == 0 { print(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
    }
}
