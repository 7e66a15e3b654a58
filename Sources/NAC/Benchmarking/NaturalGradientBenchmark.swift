/// The natural-gradient speed benchmark behind `nac bench natural-gradient` (issue 5), in three
/// parts whose ratios are meaningful within one run:
///
/// 1. **Fisher routes.** For each shape (P of a workload: W1 5708, W3 84496), batch size B and
///    scalar type, a seeded random B × P score matrix (`FisherRouteBenchmarkCase`) is solved by
///    every route of `FisherSystem` — explicit Fisher + Cholesky, the B × B kernel form, QR and
///    SVD least squares, 10-iteration CG on Ψ — and by the automatic choice `solve()` (whose
///    route is reported). Each route's nominal flop count (`FisherSolveRoute.nominalFlopCount`,
///    the formulas are there) over its time is compared with the rate of an n × n gemm
///    (`GEMMReferenceBenchmarkCase`, n = 1024) timed before and after the case in the same
///    scalar type (the faster of the two).
///    Targets: the automatic choice within 1.2× of the best exact route; the exact routes at
///    ≥ 70 % of the gemm rate.
/// 2. **Engine CG.** For each shape, B and scalar type, the workload's actual policy
///    (`ScoreBenchmarkCase`): the matrix-free 10-iteration CG natural gradient over one plain
///    batch gradient of the same policy and batch. Target: ≤ 12 batch gradients.
/// 3. **LSTD-Q(λ).** Observations per second of `LSTDQAccumulator.observe` with N = 500
///    features (`LSTDQBenchmarkCase`), statistics only and with the tracked inverse, and the cost
///    of `solve(.trackedInverse)` (and of the O(N³) SVD solve). Target: ≥ 20,000 steps/s with the
///    tracked inverse.
///
/// Times are medians (`measure`). Cases and routes that would exceed the memory limit, and the
/// slow least-squares routes on big shapes, are skipped (`Configuration.routeCases` says which
/// and why).
public enum NaturalGradientBenchmark {
    /// Times `body`: one warm-up run, then timed runs until at least `repetitions` runs and at
    /// least `minimumSeconds` of runs are done (so that calls of a few milliseconds get a
    /// median of many runs), but no more than `maximumRuns`, and no further run once the timed
    /// runs add up to `budgetSeconds` (after at least one); returns their median and count. A
    /// warm-up run that takes at least `warmUpLimitSeconds` is kept as the first timed run
    /// instead (such calls allocate and factorise afresh each time, so another warm-up would
    /// change nothing but the wait).
    public static func measure<Failure: Error>(
        repetitions: Int, minimumSeconds: Double = 0, budgetSeconds: Double, maximumRuns: Int = 100,
        warmUpLimitSeconds: Double = 1, _ body: () throws(Failure) -> Void
    ) throws(Failure) -> Timing {
        precondition(repetitions >= 1 && maximumRuns >= 1, "NaturalGradientBenchmark.measure: repetitions \(repetitions), maximum \(maximumRuns)")
        var times = [Double]()
        var total = 0.0
        let warmUp = try measureOnce(body)
        if warmUp >= warmUpLimitSeconds { times.append(warmUp); total = warmUp }
        while times.count < maximumRuns {
            if !times.isEmpty && total >= budgetSeconds { break }
            if times.count >= repetitions && total >= minimumSeconds { break }
            let t = try measureOnce(body)
            times.append(t)
            total += t
        }
        return Timing(seconds: ScoreBenchmark.median(times), runs: times.count)
    }

    /// `measure`, with a thrown error turned into `.failed(description)`.
    static func outcome(_ configuration: Configuration, _ body: () throws -> Void) -> Outcome {
        do {
            return .timed(try measure(configuration, body))
        } catch {
            return .failed("\(error)")
        }
    }

    /// `measure` with the configuration's repetitions, minimum time and budget.
    static func measure<Failure: Error>(_ configuration: Configuration, _ body: () throws(Failure) -> Void) throws(Failure) -> Timing {
        try measure(repetitions: configuration.repetitions, minimumSeconds: configuration.minimumMeasurementSeconds,
                    budgetSeconds: configuration.measurementBudgetSeconds, body)
    }

    /// The reference gemm rate's timing for scalar type `S`.
    static func timeGEMM<S: NACScalar>(_: S.Type, configuration: Configuration) -> Timing {
        let reference = GEMMReferenceBenchmarkCase<S>(order: configuration.gemmOrder)
        var product = reference.makeProductBuffer()
        return measure(configuration) { reference.multiply(into: &product) }
    }

    /// Runs one Fisher-route case in scalar type `S`: the reference gemm, every route not
    /// skipped, the automatic choice, and the reference gemm again; the faster of the two gemm
    /// medians is reported (the machine's undisturbed rate: a disturbance during one of them
    /// then lowers the routes' percentages instead of raising them).
    public static func runRoutes<S: NACScalar>(
        _ routeCase: Configuration.RouteCase, scalar: S.Type, configuration: Configuration
    ) -> RouteResult {
        precondition(routeCase.skipReason == nil, "NaturalGradientBenchmark.runRoutes: the case is skipped: \(routeCase.skipReason!)")
        let gemm = timeGEMM(S.self, configuration: configuration)
        let c = FisherRouteBenchmarkCase<S>(batchSize: routeCase.batchSize, parameterCount: routeCase.shape.parameterCount,
                                            damping: S(configuration.damping), seed: configuration.seed)
        var routes = [FisherSolveRoute: Outcome]()
        for route in Configuration.timedRoutes {
            if let reason = routeCase.skippedRoutes[route] {
                routes[route] = .skipped(reason)
                continue
            }
            routes[route] = outcome(configuration) {
                _ = try c.solve(by: route, conjugateGradientIterations: configuration.conjugateGradientIterations)
            }
        }
        var taken: FisherSolveRoute? = nil
        var fallbacks: [FisherSolveFallback] = []
        let automatic = outcome(configuration) {
            let solution = try c.solveAutomatically()
            taken = solution.diagnostics.route
            fallbacks = solution.diagnostics.fallbacks
        }
        let gemmAfter = timeGEMM(S.self, configuration: configuration)
        return RouteResult(shape: routeCase.shape, batchSize: routeCase.batchSize, scalarType: routeCase.scalarType,
                           parameterCount: c.parameterCount, conjugateGradientIterations: configuration.conjugateGradientIterations,
                           gemmOrder: configuration.gemmOrder, gemm: gemm.seconds <= gemmAfter.seconds ? gemm : gemmAfter, routes: routes, automatic: automatic,
                           automaticRoute: taken, automaticFallbacks: fallbacks)
    }

    /// Runs one engine case in scalar type `S`: one batch gradient, one CG natural gradient and
    /// one exact kernel natural gradient on the factored Jacobian, of the workload's policy on the
    /// same batch.
    public static func runConjugateGradient<S: NACScalar>(
        _ shape: ScoreWorkload, batchSize: Int, scalar: S.Type, configuration: Configuration
    ) -> ConjugateGradientResult {
        let c = ScoreBenchmarkCase<S>(workload: shape, batchSize: batchSize, seed: configuration.seed)
        let advantages = c.randomAdvantages(seed: configuration.seed &+ 1)
        let gradient = measure(configuration) { _ = c.batchGradient() }
        var performed: Int? = nil
        let cg = outcome(configuration) {
            let solution = try c.conjugateGradientNaturalGradient(
                advantages: advantages, damping: S(configuration.damping), iterations: configuration.conjugateGradientIterations)
            performed = solution.diagnostics.iterations
        }
        let kernel = outcome(configuration) {
            _ = try c.factoredKernelNaturalGradient(advantages: advantages, damping: S(configuration.damping))
        }
        return ConjugateGradientResult(shape: shape, batchSize: batchSize, scalarType: ScalarType.of(S.self),
                                       parameterCount: c.policy.parameterCount, iterations: configuration.conjugateGradientIterations,
                                       iterationsPerformed: performed, batchGradient: gradient, conjugateGradient: cg,
                                       factoredKernel: kernel)
    }

    /// Runs the LSTD-Q case in scalar type `S`. Each repetition starts from fresh accumulators
    /// (built outside the timing): `steps` observations without and with the tracked inverse,
    /// then one `solve(.trackedInverse)` and one SVD `solve(.leastSquares())` on them. One short
    /// warm-up run (one pass over the transition pool) comes first. Repetitions follow
    /// `measure`'s budget rule on the tracked run's time.
    public static func runLSTD<S: NACScalar>(_: S.Type, configuration: Configuration) -> LSTDResult {
        let settings = configuration.lstd
        let c = LSTDQBenchmarkCase<S>(parameterCount: settings.parameterCount, featureCount: settings.featureCount,
                                      discount: S(settings.discount), traceDecay: S(settings.traceDecay),
                                      transitionCount: settings.transitionCount, seed: configuration.seed)
        let ridge = S(settings.trackedInverseRidge)
        var warmUp = c.makeAccumulator(trackedInverseRidge: ridge)
        c.observe(steps: c.transitions.count, into: &warmUp)
        _ = try? warmUp.solve(.trackedInverse)

        var plain = [Double](), tracked = [Double](), trackedSolves = [Double](), svdSolves = [Double]()
        var trackedFailure: String? = nil, svdFailure: String? = nil
        while tracked.count < configuration.repetitions && tracked.reduce(0, +) < configuration.measurementBudgetSeconds {
            var statisticsOnly = c.makeAccumulator()
            plain.append(ScoreBenchmark.seconds { c.observe(steps: settings.steps, into: &statisticsOnly) })
            var withInverse = c.makeAccumulator(trackedInverseRidge: ridge)
            tracked.append(ScoreBenchmark.seconds { c.observe(steps: settings.steps, into: &withInverse) })
            do {
                var solution: CompatibleCriticSolution<S>? = nil
                let t = try measureOnce { solution = try withInverse.solve(.trackedInverse) }
                precondition(solution?.w.count == settings.parameterCount)
                trackedSolves.append(t)
            } catch {
                trackedFailure = "\(error)"
            }
            do {
                svdSolves.append(try measureOnce { _ = try statisticsOnly.solve(.leastSquares()) })
            } catch {
                svdFailure = "\(error)"
            }
        }
        func outcome(_ times: [Double], _ failure: String?) -> Outcome {
            if let failure { return .failed(failure) }
            return .timed(Timing(seconds: ScoreBenchmark.median(times), runs: times.count))
        }
        return LSTDResult(scalarType: ScalarType.of(S.self), parameterCount: settings.parameterCount,
                          featureCount: settings.featureCount, steps: settings.steps,
                          statisticsOnly: Timing(seconds: ScoreBenchmark.median(plain), runs: plain.count),
                          trackedInverse: Timing(seconds: ScoreBenchmark.median(tracked), runs: tracked.count),
                          trackedInverseSolve: outcome(trackedSolves, trackedFailure),
                          leastSquaresSolve: outcome(svdSolves, svdFailure))
    }

    /// Seconds taken by one call of `body` (rethrowing its error).
    public static func measureOnce<Failure: Error>(_ body: () throws(Failure) -> Void) throws(Failure) -> Double {
        var failure: Failure? = nil
        let t = ScoreBenchmark.seconds {
            do throws(Failure) { try body() } catch { failure = error }
        }
        if let failure { throw failure }
        return t
    }

    /// Runs every case of the configuration that is not skipped — the Fisher routes, then the
    /// engine CG, then LSTD-Q — reporting each before it starts (`progress(index, total,
    /// description)`).
    /// - Precondition: `configuration.validate()` does not throw.
    public static func run(
        _ configuration: Configuration, progress: (Int, Int, String) -> Void = { _, _, _ in }
    ) -> Report {
        do { try configuration.validate() } catch { preconditionFailure("NaturalGradientBenchmark.run: \(error)") }
        let routeCases = configuration.routeCases.filter { $0.skipReason == nil }
        let cgCases = configuration.conjugateGradientCases
        let lstdCases = configuration.lstdCases
        let total = routeCases.count + cgCases.count + lstdCases.count
        var index = 0
        var report = Report()
        for c in routeCases {
            index += 1
            progress(index, total, "routes \(c.shape.id) B=\(c.batchSize) \(c.scalarType)")
            switch c.scalarType {
            case .float32: report.routes.append(runRoutes(c, scalar: Float.self, configuration: configuration))
            case .float64: report.routes.append(runRoutes(c, scalar: Double.self, configuration: configuration))
            }
        }
        for c in cgCases {
            index += 1
            progress(index, total, "engine CG \(c.shape.id) B=\(c.batchSize) \(c.scalarType)")
            switch c.scalarType {
            case .float32: report.conjugateGradient.append(runConjugateGradient(c.shape, batchSize: c.batchSize, scalar: Float.self, configuration: configuration))
            case .float64: report.conjugateGradient.append(runConjugateGradient(c.shape, batchSize: c.batchSize, scalar: Double.self, configuration: configuration))
            }
        }
        for t in lstdCases {
            index += 1
            progress(index, total, "LSTD-Q N=\(configuration.lstd.parameterCount + configuration.lstd.featureCount) \(t)")
            switch t {
            case .float32: report.lstd.append(runLSTD(Float.self, configuration: configuration))
            case .float64: report.lstd.append(runLSTD(Double.self, configuration: configuration))
            }
        }
        return report
    }
}
