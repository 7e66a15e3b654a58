extension NaturalGradientBenchmark {
    /// One measurement: the median of `runs` timed runs, in seconds.
    public struct Timing: Sendable, Equatable {
        public var seconds: Double
        public var runs: Int

        public init(seconds: Double, runs: Int) {
            self.seconds = seconds
            self.runs = runs
        }
    }

    /// What became of one measurement.
    public enum Outcome: Sendable, Equatable {
        case timed(Timing)
        /// Not run, with the reason.
        case skipped(SkipReason)
        /// The call threw; the error's description.
        case failed(String)

        /// The median time, if timed.
        public var seconds: Double? {
            if case .timed(let t) = self { return t.seconds }
            return nil
        }
    }

    /// One row of the Fisher-route table: every route on one B × P system, the automatic
    /// choice, and the reference gemm measured just before them.
    public struct RouteResult: Sendable {
        public var shape: ScoreWorkload
        public var batchSize: Int
        public var scalarType: ScalarType
        public var parameterCount: Int
        public var conjugateGradientIterations: Int
        /// n of the reference gemm.
        public var gemmOrder: Int
        public var gemm: Timing
        /// Every route of `Configuration.timedRoutes`.
        public var routes: [FisherSolveRoute: Outcome]
        /// `FisherSystem.solve()`.
        public var automatic: Outcome
        /// The route the automatic solve took (`diagnostics.route`), `nil` if it failed.
        public var automaticRoute: FisherSolveRoute?
        /// Its recoveries (empty when the first route succeeded).
        public var automaticFallbacks: [FisherSolveFallback]

        /// The routes that solve F w = g exactly (up to round-off), the candidates for "best".
        public static let exactRoutes: [FisherSolveRoute] = [.explicitFisher, .kernel, .leastSquaresQR, .leastSquaresSVD]

        /// 2n³ / the gemm time.
        public var gemmFlopsPerSecond: Double {
            let n = Double(gemmOrder)
            return 2 * n * n * n / gemm.seconds
        }

        /// The route's nominal flop count (`FisherSolveRoute.nominalFlopCount`) over its time.
        public func flopsPerSecond(_ route: FisherSolveRoute) -> Double? {
            guard let s = routes[route]?.seconds else { return nil }
            return route.nominalFlopCount(sampleCount: batchSize, parameterCount: parameterCount,
                                          conjugateGradientIterations: conjugateGradientIterations) / s
        }

        /// The route's rate as a fraction of the gemm rate of the same run.
        public func fractionOfGEMM(_ route: FisherSolveRoute) -> Double? {
            flopsPerSecond(route).map { $0 / gemmFlopsPerSecond }
        }

        /// The fastest timed exact route.
        public var bestExactRoute: (route: FisherSolveRoute, seconds: Double)? {
            Self.exactRoutes.compactMap { r in routes[r]?.seconds.map { (r, $0) } }.min { $0.1 < $1.1 }
        }

        /// The automatic solve's time over the fastest exact route's (target: ≤ 1.2).
        public var automaticOverBestExact: Double? {
            guard let a = automatic.seconds, let best = bestExactRoute else { return nil }
            return a / best.seconds
        }
    }

    /// One row of the engine conjugate-gradient table.
    public struct ConjugateGradientResult: Sendable {
        public var shape: ScoreWorkload
        public var batchSize: Int
        public var scalarType: ScalarType
        public var parameterCount: Int
        /// Requested iterations.
        public var iterations: Int
        /// Iterations done (fewer only if CG stopped at non-positive curvature or converged
        /// exactly); `nil` if the solve failed.
        public var iterationsPerformed: Int?
        /// One plain batch gradient (`ScoreBenchmarkCase.batchGradient()`).
        public var batchGradient: Timing
        /// One CG natural gradient (`ScoreBenchmarkCase.conjugateGradientNaturalGradient`).
        public var conjugateGradient: Outcome
        /// One exact natural gradient by the kernel route on the factored Jacobian
        /// (`ScoreBenchmarkCase.factoredKernelNaturalGradient`).
        public var factoredKernel: Outcome

        /// Factored-kernel time / batch-gradient time.
        public var factoredKernelInBatchGradients: Double? {
            factoredKernel.seconds.map { $0 / batchGradient.seconds }
        }

        /// CG time / batch-gradient time: "CG-10 = x batch gradients" (target: ≤ 12).
        public var costInBatchGradients: Double? {
            conjugateGradient.seconds.map { $0 / batchGradient.seconds }
        }
    }

    /// One row of the LSTD-Q table (times for `steps` observations from a fresh accumulator).
    public struct LSTDResult: Sendable {
        public var scalarType: ScalarType
        public var parameterCount: Int
        public var featureCount: Int
        public var steps: Int
        /// `steps` observations, statistics A, b only.
        public var statisticsOnly: Timing
        /// `steps` observations, also keeping the Sherman–Morrison inverse.
        public var trackedInverse: Timing
        /// `solve(.trackedInverse)` after the tracked run (fails if the inverse broke down).
        public var trackedInverseSolve: Outcome
        /// `solve(.leastSquares())` (SVD, O(N³)) after the statistics-only run.
        public var leastSquaresSolve: Outcome

        /// N = n + m.
        public var size: Int { parameterCount + featureCount }
        /// Observations per second, statistics only.
        public var statisticsOnlyStepsPerSecond: Double { Double(steps) / statisticsOnly.seconds }
        /// Observations per second with the tracked inverse (target: ≥ 20,000 at N = 500).
        public var trackedInverseStepsPerSecond: Double { Double(steps) / trackedInverse.seconds }
        /// Observations per second with the tracked inverse, counting one `solve(.trackedInverse)`
        /// at the end of the `steps` — what a critic that solves once per `steps` sustains.
        public var trackedInverseWithSolveStepsPerSecond: Double? {
            trackedInverseSolve.seconds.map { Double(steps) / (trackedInverse.seconds + $0) }
        }
    }

    /// Everything one run measured, in run order.
    public struct Report: Sendable {
        public var routes: [RouteResult] = []
        public var conjugateGradient: [ConjugateGradientResult] = []
        public var lstd: [LSTDResult] = []

        public init() {}
    }
}
