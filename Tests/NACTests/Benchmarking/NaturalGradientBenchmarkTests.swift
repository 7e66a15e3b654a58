import Testing
import RealModule
@testable import NAC

/// `nac bench natural-gradient`'s library side: option parsing and validation, the skip rules,
/// the documented flop counts, and a tiny run (no timing assertions).
@Suite struct NaturalGradientBenchmarkTests {
    typealias Configuration = NaturalGradientBenchmark.Configuration

    // MARK: Parsing and validation

    @Test func listOptionsParseAndNameTheirErrors() throws {
        #expect(try BenchmarkOptionParsing.workloads(" w1, W3 ,") == [.w1, .w3])
        #expect(throws: BenchmarkConfigurationError.unknownWorkload("W9", known: ["W1", "W2", "W3", "W4"])) {
            try BenchmarkOptionParsing.workloads("W1,W9")
        }
        #expect(throws: BenchmarkConfigurationError.emptyList(option: "--shapes")) { try BenchmarkOptionParsing.workloads(" , ") }
        #expect(try BenchmarkOptionParsing.batchSizes("256, 1024") == [256, 1024])
        #expect(throws: BenchmarkConfigurationError.invalidBatchSize("0")) { try BenchmarkOptionParsing.batchSizes("256,0") }
        #expect(throws: BenchmarkConfigurationError.invalidBatchSize("many")) { try BenchmarkOptionParsing.batchSizes("many") }
        #expect(throws: BenchmarkConfigurationError.emptyList(option: "--batch-sizes")) { try BenchmarkOptionParsing.batchSizes("") }
        #expect(try BenchmarkOptionParsing.scalarTypes("float64,float32") == [.float64, .float32])
        #expect(throws: BenchmarkConfigurationError.unknownScalarType("float16")) { try BenchmarkOptionParsing.scalarTypes("float16") }
        #expect(try NaturalGradientBenchmark.LeastSquaresSelection(parsing: "ALL") == .all)
        #expect(throws: BenchmarkConfigurationError.unknownKeyword(option: "--least-squares", value: "some", known: ["auto", "all", "none"])) {
            try NaturalGradientBenchmark.LeastSquaresSelection(parsing: "some")
        }
        #expect(BenchmarkConfigurationError.invalidBatchSize("0").description == "bad batch size '0' (a positive integer)")
    }

    @Test func validationRefusesWhatCannotRun() throws {
        try Configuration().validate()
        func refusal(_ change: (inout Configuration) -> Void) -> BenchmarkConfigurationError? {
            var c = Configuration()
            change(&c)
            do { try c.validate() } catch { return error }
            return nil
        }
        #expect(refusal { $0.repetitions = 0 } == .outOfRange(option: "--repetitions", value: "0", requirement: "must be at least 1"))
        if case .outOfRange(let option, _, _) = refusal({ $0.damping = 0 }) { #expect(option == "--damping") } else { Issue.record("λ = 0 accepted") }
        if case .outOfRange(let option, _, _) = refusal({ $0.damping = .nan }) { #expect(option == "--damping") } else { Issue.record("λ = NaN accepted") }
        if case .outOfRange(let option, _, _) = refusal({ $0.minimumMeasurementSeconds = -1 }) { #expect(option == "--min-time") } else { Issue.record("negative minimum time accepted") }
        if case .outOfRange(let option, _, _) = refusal({ $0.measurementBudgetSeconds = 0 }) { #expect(option == "--budget") } else { Issue.record("budget 0 accepted") }
        if case .outOfRange(let option, _, _) = refusal({ $0.gemmOrder = 0 }) { #expect(option == "--gemm-order") } else { Issue.record("gemm order 0 accepted") }
        if case .outOfRange(let option, _, _) = refusal({ $0.conjugateGradientIterations = 0 }) { #expect(option == "--cg-iterations") } else { Issue.record("0 CG iterations accepted") }
        if case .outOfRange(let option, _, _) = refusal({ $0.lstd.steps = 0 }) { #expect(option == "--lstd-steps") } else { Issue.record("0 LSTD steps accepted") }
        #expect(refusal { $0.shapes = [] } == .emptyList(option: "--shapes"))
        #expect(refusal { $0.batchSizes = [] } == .emptyList(option: "--batch-sizes"))
        #expect(refusal { $0.batchSizes = [256, -1] } == .invalidBatchSize("-1"))
        #expect(refusal { $0.scalarTypes = [] } == .emptyList(option: "--dtypes"))
        #expect(refusal { $0.runsRoutes = false; $0.runsConjugateGradient = false; $0.runsLSTD = false } == .nothingToRun)
        // Shapes and batch sizes are not needed for LSTD alone; LSTD's settings only when it runs.
        #expect(refusal { $0.runsRoutes = false; $0.runsConjugateGradient = false; $0.shapes = []; $0.batchSizes = [] } == nil)
        #expect(refusal { $0.runsLSTD = false; $0.lstd.steps = 0 } == nil)
    }

    // MARK: Skip rules

    @Test func defaultCasesSkipByMemoryAndLeastSquaresFlops() throws {
        let cases = Configuration().routeCases
        #expect(cases.count == 2 * 3 * 2)
        func routeCase(_ shape: ScoreWorkload, _ b: Int, _ t: ScalarType) throws -> Configuration.RouteCase {
            try #require(cases.first { $0.shape == shape && $0.batchSize == b && $0.scalarType == t })
        }
        // Ψ of W3 at B = 4096 in Double is 2.77 GB: the whole case goes, as in nac bench scores.
        let limit = ScoreWorkload.jacobianLimitBytes
        #expect(try routeCase(.w3, 4096, .float64).skipReason == .memory(bytes: 4096 * 84496 * 8, limit: limit))
        #expect(cases.filter { $0.skipReason != nil }.count == 1)
        // W3's P × P Fisher matrix never fits; its kernel always does.
        for b in [256, 1024] {
            let c = try routeCase(.w3, b, .float32)
            #expect(c.skippedRoutes[.explicitFisher] == .memory(bytes: b * 84496 * 4 + 84496 * 84496 * 4, limit: limit))
            #expect(c.skippedRoutes[.kernel] == nil && c.skippedRoutes[.conjugateGradient] == nil)
        }
        // Least squares only up to 5e10 nominal flops by default: W1 B ≤ 1024 and W3 B = 256.
        let w1Small = try routeCase(.w1, 1024, .float64), w1Big = try routeCase(.w1, 4096, .float64)
        #expect(w1Small.skippedRoutes.isEmpty)
        let qrFlops = FisherSolveRoute.leastSquaresQR.nominalFlopCount(sampleCount: 4096, parameterCount: 5708)
        #expect(w1Big.skippedRoutes[.leastSquaresQR] == .flopLimit(flops: qrFlops, limit: 5e10))
        #expect(w1Big.skippedRoutes[.explicitFisher] == nil && w1Big.skippedRoutes.count == 2)
        #expect(try routeCase(.w3, 256, .float64).skippedRoutes.keys.sorted { "\($0)" < "\($1)" } == [.explicitFisher])
        // --least-squares all keeps them within memory; none drops them everywhere.
        var all = Configuration(leastSquares: .all)
        #expect(all.routeCase(shape: .w1, batchSize: 4096, scalarType: .float64).skippedRoutes.isEmpty)
        all.leastSquares = .none
        #expect(all.routeCase(shape: .w1, batchSize: 256, scalarType: .float32).skippedRoutes
                == [.leastSquaresQR: .notSelected, .leastSquaresSVD: .notSelected])
        #expect(NaturalGradientBenchmark.SkipReason.flopLimit(flops: 2.83e11, limit: 5e10).description
                == "nominal 2.8e11 flops > 5e10 (include with --least-squares all)")
    }

    // MARK: Flop counts

    @Test func nominalFlopCountsAreTheDocumentedFormulas() {
        func count(_ route: FisherSolveRoute, _ b: Int, _ p: Int) -> Double {
            route.nominalFlopCount(sampleCount: b, parameterCount: p)
        }
        func close(_ x: Double, _ y: Double) -> Bool { x.isApproximatelyEqual(to: y, relativeTolerance: 1e-12) }
        // B = 10, P = 20, by hand.
        // explicit: BP² 4000 + P³/3 2666.67 + 2P² 800 + 6BP 1200
        #expect(close(count(.explicitFisher, 10, 20), 4000 + 8000.0 / 3 + 800 + 1200))
        // kernel: B²P 2000 + B³/3 333.33 + 2B² 200 + 2B² (K₀u) 200 + 6BP 1200
        #expect(close(count(.kernel, 10, 20), 2000 + 1000.0 / 3 + 200 + 200 + 1200))
        // QR, wide (k = B = 10, l = P + B = 30): 2k²l 6000 − 2k³/3 666.67 + 2k² 200 (seminormal
        // equations) + 2BP 400 (w) + 6BP 1200
        #expect(close(count(.leastSquaresQR, 10, 20), 6000 - 2000.0 / 3 + 200 + 400 + 1200))
        // QR, tall (B = 30, P = 10: k = 10, l = 40): 8000 − 666.67 + 1400 + 100 + 6BP 1800
        #expect(close(count(.leastSquaresQR, 30, 10), 8000 - 2000.0 / 3 + 1400 + 100 + 1800))
        // SVD (lower bound), wide: 6000 − 666.67 + 8k³/3 2666.67 + 1200 = 9200
        #expect(close(count(.leastSquaresSVD, 10, 20), 9200))
        // CG, 10 iterations: 2BP 400 + 10 · 4BP 8000
        #expect(close(count(.conjugateGradient, 10, 20), 8400))
        #expect(close(FisherSolveRoute.conjugateGradient.nominalFlopCount(sampleCount: 10, parameterCount: 20, conjugateGradientIterations: 3), 2800))
        // W1 at B = 1024: 1024·5708² + 5708³/3 + 2·5708² + 6·1024·5708
        //   = 33,363,214,336 + 61,991,284,970.67 + 65,162,528 + 35,069,952
        #expect(close(count(.explicitFisher, 1024, 5708), 95_454_731_786.666_667))
        //   kernel: 5,985,271,808 + 357,913,941.33 + 4,194,304 + 35,069,952
        #expect(close(count(.kernel, 1024, 5708), 6_382_450_005.333_333))
        // Working memory: F, K and K₀, the stacked copy.
        #expect(FisherSolveRoute.explicitFisher.workingScalarCount(sampleCount: 10, parameterCount: 20) == 400)
        #expect(FisherSolveRoute.kernel.workingScalarCount(sampleCount: 10, parameterCount: 20) == 200)
        #expect(FisherSolveRoute.leastSquaresQR.workingScalarCount(sampleCount: 10, parameterCount: 20) == 300)
        // Tall: the right-hand side is a column of the copy, 40 × 11.
        #expect(FisherSolveRoute.leastSquaresQR.workingScalarCount(sampleCount: 30, parameterCount: 10) == 440)
        // W3 at B = 256 (84 752 × 256, 173 MB in float64) streams: one chunk of (256 + c) × 256,
        // c = 2048 rows with the QR's own kernels (AVX-512, one BLAS thread), 4096 with geqrt.
        func qr(_ b: Int, _ p: Int, own: Bool) -> Int {
            FisherSolveRoute.leastSquaresQR.workingScalarCount(sampleCount: b, parameterCount: p, scalarByteCount: 8,
                                                               ownKernels: own)
        }
        #expect(qr(256, 84496, own: true) == (256 + 2048) * 256)
        #expect(qr(256, 84496, own: false) == (256 + 4096) * 256)
        // W1 at B = 256 (5964 × 256, 12 MB) streams with the own kernels only.
        #expect(qr(256, 5708, own: true) == (256 + 2048) * 256)
        #expect(qr(256, 5708, own: false) == 5964 * 256)
        #expect(FisherSolveRoute.leastSquaresSVD.workingScalarCount(sampleCount: 10, parameterCount: 20) == 600)
    }

    // MARK: Measuring and running

    @Test func measureCountsRunsByTheWarmUpAndBudgetRules() throws {
        var calls = 0
        let t = NaturalGradientBenchmark.measure(repetitions: 3, budgetSeconds: 100) { calls += 1 }
        #expect(t.runs == 3 && calls == 4 && t.seconds >= 0)                 // warm-up + 3
        calls = 0
        let kept = NaturalGradientBenchmark.measure(repetitions: 3, budgetSeconds: 100, warmUpLimitSeconds: 0) { calls += 1 }
        #expect(kept.runs == 3 && calls == 3)                                // the warm-up counts
        calls = 0
        let short = NaturalGradientBenchmark.measure(repetitions: 5, budgetSeconds: 1e-300, warmUpLimitSeconds: 0) { calls += 1 }
        #expect(short.runs == 1 && calls == 1)                               // over budget after one run
        calls = 0
        let many = NaturalGradientBenchmark.measure(repetitions: 1, minimumSeconds: 100, budgetSeconds: 1000, maximumRuns: 7,
                                                    warmUpLimitSeconds: 1000) { calls += 1 }
        #expect(many.runs == 7 && calls == 8)                                // the minimum time is not reached: capped
        struct Failure: Error, Equatable {}
        #expect(throws: Failure()) {
            try NaturalGradientBenchmark.measure(repetitions: 2, budgetSeconds: 1) { () throws(Failure) in throw Failure() }
        }
    }

    @Test func routeCasesSolveTheSameSystem() throws {
        let c = FisherRouteBenchmarkCase<Double>(batchSize: 8, parameterCount: 20, damping: 1e-3)
        let explicit = try c.solve(by: .explicitFisher).w
        for route in [FisherSolveRoute.kernel, .leastSquaresQR, .leastSquaresSVD] {
            let w = try c.solve(by: route).w
            #expect(zip(w, explicit).allSatisfy { $0.isApproximatelyEqual(to: $1, absoluteTolerance: 1e-8, relativeTolerance: 1e-6) })
        }
        #expect(try c.solveAutomatically().diagnostics.route == .kernel)
        #expect(try c.solve(by: .conjugateGradient, conjugateGradientIterations: 4).diagnostics.iterations == 4)
        let again = FisherRouteBenchmarkCase<Double>(batchSize: 8, parameterCount: 20, damping: 1e-3)
        #expect(again.system.scores == c.system.scores && again.system.advantages == c.system.advantages)
        var lstd = LSTDQBenchmarkCase<Double>(parameterCount: 6, featureCount: 3, transitionCount: 4).makeAccumulator(trackedInverseRidge: 1e-3)
        LSTDQBenchmarkCase<Double>(parameterCount: 6, featureCount: 3, transitionCount: 4).observe(steps: 10, into: &lstd)
        #expect(lstd.transitionCount == 10)
    }

    @Test func aTinyRunGivesOneRowPerCaseWithPositiveTimes() throws {
        let configuration = Configuration(
            shapes: [.w2], batchSizes: [8], scalarTypes: [.float32, .float64], repetitions: 1, minimumMeasurementSeconds: 0, gemmOrder: 32,
            lstd: .init(parameterCount: 8, featureCount: 4, steps: 16, transitionCount: 4))
        var progress = [String]()
        let report = NaturalGradientBenchmark.run(configuration) { i, n, what in progress.append("\(i)/\(n) \(what)") }
        #expect(progress.count == 6 && progress.first == "1/6 routes W2 B=8 float32" && progress.last == "6/6 LSTD-Q N=12 float64")
        let positive = { (s: Double?) in s.map { $0 > 0 && $0.isFinite } ?? false }

        #expect(report.routes.map(\.scalarType) == [.float32, .float64])
        for r in report.routes {
            #expect(r.shape == .w2 && r.batchSize == 8 && r.parameterCount == 226 && r.gemm.runs == 1)
            #expect(positive(r.gemm.seconds) && positive(r.gemmFlopsPerSecond))
            for route in Configuration.timedRoutes { #expect(positive(r.routes[route]?.seconds), "\(route)") }
            #expect(positive(r.automatic.seconds) && r.automaticRoute == .kernel && r.automaticFallbacks.isEmpty)
            #expect(positive(r.fractionOfGEMM(.explicitFisher)) && positive(r.automaticOverBestExact))
            #expect(r.bestExactRoute.map { NaturalGradientBenchmark.RouteResult.exactRoutes.contains($0.route) } == true)
        }

        #expect(report.conjugateGradient.map(\.scalarType) == [.float32, .float64])
        for r in report.conjugateGradient {
            #expect(r.shape == .w2 && r.batchSize == 8 && r.iterations == 10)
            #expect(positive(r.batchGradient.seconds) && positive(r.conjugateGradient.seconds) && positive(r.costInBatchGradients))
            #expect((1...10).contains(r.iterationsPerformed ?? 0))
        }

        #expect(report.lstd.map(\.scalarType) == [.float32, .float64])
        for r in report.lstd {
            #expect(r.size == 12 && r.steps == 16)
            #expect(positive(r.statisticsOnlyStepsPerSecond) && positive(r.trackedInverseStepsPerSecond))
            #expect(positive(r.trackedInverseSolve.seconds) && positive(r.leastSquaresSolve.seconds))
            #expect(positive(r.trackedInverseWithSolveStepsPerSecond))
        }

        // Switched-off least squares are reported as skipped, not timed.
        var off = configuration
        off.leastSquares = .none
        off.scalarTypes = [.float64]
        off.runsConjugateGradient = false
        off.runsLSTD = false
        let skipped = NaturalGradientBenchmark.run(off)
        #expect(skipped.routes.count == 1 && skipped.conjugateGradient.isEmpty && skipped.lstd.isEmpty)
        #expect(skipped.routes[0].routes[.leastSquaresQR] == .skipped(.notSelected))
        #expect(skipped.routes[0].fractionOfGEMM(.leastSquaresSVD) == nil)
    }
}
