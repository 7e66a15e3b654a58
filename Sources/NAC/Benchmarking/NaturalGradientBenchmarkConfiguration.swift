extension NaturalGradientBenchmark {
    /// Which least-squares routes (QR and SVD) to time.
    public enum LeastSquaresSelection: String, Sendable, CaseIterable {
        /// Only where the route's nominal flop count is at most `Configuration.leastSquaresFlopLimit`
        /// (by default W1 at B ≤ 1024 and W3 at B = 256; the others take minutes).
        case auto
        /// Every case (within the memory limit).
        case all
        /// None.
        case none

        /// The selection named `value` (`auto`, `all`, `none`), as `--least-squares` takes it.
        /// - Throws: `.unknownKeyword(option: "--least-squares", …)`.
        public init(parsing value: String) throws(BenchmarkConfigurationError) {
            guard let selection = Self(rawValue: value.lowercased()) else {
                throw .unknownKeyword(option: "--least-squares", value: value, known: Self.allCases.map(\.rawValue))
            }
            self = selection
        }
    }

    /// The LSTD-Q(λ) part: accumulator sizes and how many steps are timed (see `LSTDQBenchmarkCase`).
    public struct LSTDSettings: Sendable, Equatable {
        /// n (policy parameters); N = n + m.
        public var parameterCount: Int
        /// m (baseline features).
        public var featureCount: Int
        /// γ.
        public var discount: Double
        /// λ.
        public var traceDecay: Double
        /// ε of the tracked Sherman–Morrison inverse (A + εI)⁻¹.
        public var trackedInverseRidge: Double
        /// Observations timed per run.
        public var steps: Int
        /// Random transitions cycled through.
        public var transitionCount: Int

        public init(
            parameterCount: Int = 400, featureCount: Int = 100, discount: Double = 0.99, traceDecay: Double = 0.9,
            trackedInverseRidge: Double = 1e-3, steps: Int = 4000, transitionCount: Int = 64
        ) {
            self.parameterCount = parameterCount
            self.featureCount = featureCount
            self.discount = discount
            self.traceDecay = traceDecay
            self.trackedInverseRidge = trackedInverseRidge
            self.steps = steps
            self.transitionCount = transitionCount
        }
    }

    /// What `NaturalGradientBenchmark.run` does. The defaults are issue 5's benchmark: W1 and W3
    /// at B = 256, 1024, 4096 in float32 and float64, 3 repetitions.
    public struct Configuration: Sendable {
        /// The policy shapes: P for the Fisher routes, the policy itself for the engine CG.
        public var shapes: [ScoreWorkload]
        public var batchSizes: [Int]
        public var scalarTypes: [ScalarType]
        /// Timed runs per measurement (the median is reported); see `NaturalGradientBenchmark.measure`.
        public var repetitions: Int
        /// A measurement keeps adding runs (up to 100) until they add up to at least this many
        /// seconds, so that short calls get a median of many runs.
        public var minimumMeasurementSeconds: Double
        /// A measurement stops adding runs once its timed runs add up to this many seconds.
        public var measurementBudgetSeconds: Double
        /// λ of every system (Fisher routes and engine CG).
        public var damping: Double
        public var leastSquares: LeastSquaresSelection
        /// With `.auto`, QR and SVD run only where their nominal flop count is at most this.
        public var leastSquaresFlopLimit: Double
        /// A case is skipped when Ψ alone exceeds this many bytes, a route when Ψ plus its working
        /// memory does (default 2 GiB, the workloads file's rule).
        public var memoryLimitBytes: Int
        /// n of the reference gemm (n × n by n × n).
        public var gemmOrder: Int
        /// Iterations of both conjugate-gradient measurements (on Ψ and on the engine).
        public var conjugateGradientIterations: Int
        /// Run the Fisher-route table.
        public var runsRoutes: Bool
        /// Run the engine CG versus batch-gradient table.
        public var runsConjugateGradient: Bool
        /// Run the LSTD-Q table.
        public var runsLSTD: Bool
        public var lstd: LSTDSettings
        public var seed: UInt64

        public init(
            shapes: [ScoreWorkload] = [.w1, .w3], batchSizes: [Int] = [256, 1024, 4096],
            scalarTypes: [ScalarType] = [.float32, .float64], repetitions: Int = 3, minimumMeasurementSeconds: Double = 0.5,
            measurementBudgetSeconds: Double = 10,
            damping: Double = 1e-3, leastSquares: LeastSquaresSelection = .auto, leastSquaresFlopLimit: Double = 5e10,
            memoryLimitBytes: Int = ScoreWorkload.jacobianLimitBytes, gemmOrder: Int = GEMMReferenceBenchmarkCase<Double>.defaultOrder,
            conjugateGradientIterations: Int = 10, runsRoutes: Bool = true, runsConjugateGradient: Bool = true,
            runsLSTD: Bool = true, lstd: LSTDSettings = .init(), seed: UInt64 = FisherRouteBenchmarkCase<Double>.defaultSeed
        ) {
            self.shapes = shapes
            self.batchSizes = batchSizes
            self.scalarTypes = scalarTypes
            self.repetitions = repetitions
            self.minimumMeasurementSeconds = minimumMeasurementSeconds
            self.measurementBudgetSeconds = measurementBudgetSeconds
            self.damping = damping
            self.leastSquares = leastSquares
            self.leastSquaresFlopLimit = leastSquaresFlopLimit
            self.memoryLimitBytes = memoryLimitBytes
            self.gemmOrder = gemmOrder
            self.conjugateGradientIterations = conjugateGradientIterations
            self.runsRoutes = runsRoutes
            self.runsConjugateGradient = runsConjugateGradient
            self.runsLSTD = runsLSTD
            self.lstd = lstd
            self.seed = seed
        }

        /// Refuses settings that cannot be run, naming the `nac bench natural-gradient` option.
        /// - Throws: `.emptyList` for an empty shape, batch-size or dtype list (when a part that
        ///   uses it runs), `.invalidBatchSize`, `.outOfRange` for a number outside its domain,
        ///   `.nothingToRun` when every part is off.
        public func validate() throws(BenchmarkConfigurationError) {
            guard runsRoutes || runsConjugateGradient || runsLSTD else { throw .nothingToRun }
            if runsRoutes || runsConjugateGradient {
                guard !shapes.isEmpty else { throw .emptyList(option: "--shapes") }
                guard !batchSizes.isEmpty else { throw .emptyList(option: "--batch-sizes") }
                if let b = batchSizes.first(where: { $0 < 1 }) { throw .invalidBatchSize(String(b)) }
            }
            guard !scalarTypes.isEmpty else { throw .emptyList(option: "--dtypes") }
            guard repetitions >= 1 else { throw .outOfRange(option: "--repetitions", value: String(repetitions), requirement: "must be at least 1") }
            guard minimumMeasurementSeconds.isFinite, minimumMeasurementSeconds >= 0 else {
                throw .outOfRange(option: "--min-time", value: "\(minimumMeasurementSeconds)", requirement: "must be a non-negative number of seconds")
            }
            guard measurementBudgetSeconds.isFinite, measurementBudgetSeconds > 0 else {
                throw .outOfRange(option: "--budget", value: "\(measurementBudgetSeconds)", requirement: "must be a positive number of seconds")
            }
            guard damping.isFinite, damping > 0 else {
                throw .outOfRange(option: "--damping", value: "\(damping)", requirement: "must be positive (the B < P routes need λ > 0)")
            }
            guard leastSquaresFlopLimit >= 0 else {
                throw .outOfRange(option: "least-squares flop limit", value: "\(leastSquaresFlopLimit)", requirement: "must be ≥ 0")
            }
            guard memoryLimitBytes >= 1 else { throw .outOfRange(option: "memory limit", value: String(memoryLimitBytes), requirement: "must be positive") }
            guard gemmOrder >= 1 else { throw .outOfRange(option: "--gemm-order", value: String(gemmOrder), requirement: "must be at least 1") }
            guard conjugateGradientIterations >= 1 else {
                throw .outOfRange(option: "--cg-iterations", value: String(conjugateGradientIterations), requirement: "must be at least 1")
            }
            if runsLSTD {
                guard lstd.parameterCount >= 1, lstd.featureCount >= 1 else {
                    throw .outOfRange(option: "LSTD sizes", value: "n = \(lstd.parameterCount), m = \(lstd.featureCount)", requirement: "must be at least 1")
                }
                guard lstd.steps >= 1 else { throw .outOfRange(option: "--lstd-steps", value: String(lstd.steps), requirement: "must be at least 1") }
                guard lstd.transitionCount >= 1 else {
                    throw .outOfRange(option: "LSTD transitions", value: String(lstd.transitionCount), requirement: "must be at least 1")
                }
                guard (0...1).contains(lstd.discount), (0...1).contains(lstd.traceDecay) else {
                    throw .outOfRange(option: "LSTD γ, λ", value: "\(lstd.discount), \(lstd.traceDecay)", requirement: "must lie in [0, 1]")
                }
                guard lstd.trackedInverseRidge.isFinite, lstd.trackedInverseRidge > 0 else {
                    throw .outOfRange(option: "LSTD ridge", value: "\(lstd.trackedInverseRidge)", requirement: "must be positive")
                }
            }
        }

        /// The routes timed in every Fisher-route case, in run order; the automatic choice is
        /// timed after them.
        public static let timedRoutes: [FisherSolveRoute] = [.explicitFisher, .kernel, .leastSquaresQR, .leastSquaresSVD, .conjugateGradient]

        /// One Fisher-route case and what is left out of it.
        public struct RouteCase: Sendable {
            public var shape: ScoreWorkload
            public var batchSize: Int
            public var scalarType: ScalarType
            /// Bytes of Ψ (B × P).
            public var scoreBytes: Int
            /// Why the whole case is skipped (Ψ over the memory limit), or `nil`.
            public var skipReason: SkipReason?
            /// The routes left out of the case, with the reason.
            public var skippedRoutes: [FisherSolveRoute: SkipReason]
        }

        /// The Fisher-route cases in run order (shape, then batch size, then scalar type), each
        /// with its skips: the case when Ψ exceeds `memoryLimitBytes`; a route when Ψ plus the
        /// route's working memory (`FisherSolveRoute.workingScalarCount`) does; QR and SVD
        /// according to `leastSquares`. Empty when `runsRoutes` is off.
        public var routeCases: [RouteCase] {
            guard runsRoutes else { return [] }
            return shapes.flatMap { shape in
                batchSizes.flatMap { b in
                    scalarTypes.map { t in routeCase(shape: shape, batchSize: b, scalarType: t) }
                }
            }
        }

        func routeCase(shape: ScoreWorkload, batchSize b: Int, scalarType t: ScalarType) -> RouteCase {
            let p = shape.parameterCount
            let scoreBytes = shape.jacobianBytes(batchSize: b, scalarType: t)
            var result = RouteCase(shape: shape, batchSize: b, scalarType: t, scoreBytes: scoreBytes, skipReason: nil, skippedRoutes: [:])
            if scoreBytes > memoryLimitBytes {
                result.skipReason = .memory(bytes: scoreBytes, limit: memoryLimitBytes)
                return result
            }
            for route in Self.timedRoutes {
                let bytes = scoreBytes + route.workingScalarCount(sampleCount: b, parameterCount: p, scalarByteCount: t.byteCount) * t.byteCount
                if bytes > memoryLimitBytes {
                    result.skippedRoutes[route] = .memory(bytes: bytes, limit: memoryLimitBytes)
                    continue
                }
                guard route == .leastSquaresQR || route == .leastSquaresSVD else { continue }
                switch leastSquares {
                case .all: break
                case .none: result.skippedRoutes[route] = .notSelected
                case .auto:
                    let flops = route.nominalFlopCount(sampleCount: b, parameterCount: p)
                    if flops > leastSquaresFlopLimit {
                        result.skippedRoutes[route] = .flopLimit(flops: flops, limit: leastSquaresFlopLimit)
                    }
                }
            }
            return result
        }

        /// The engine CG cases (shape, batch size, scalar type), in run order; empty when off.
        public var conjugateGradientCases: [(shape: ScoreWorkload, batchSize: Int, scalarType: ScalarType)] {
            guard runsConjugateGradient else { return [] }
            return shapes.flatMap { s in batchSizes.flatMap { b in scalarTypes.map { t in (s, b, t) } } }
        }

        /// The LSTD-Q cases (one per scalar type); empty when off.
        public var lstdCases: [ScalarType] { runsLSTD ? scalarTypes : [] }

    }

    /// Why a case or a route is not timed.
    public enum SkipReason: Sendable, Equatable, CustomStringConvertible {
        /// Ψ (for a case) or Ψ plus the route's working memory would take `bytes` > `limit`.
        case memory(bytes: Int, limit: Int)
        /// A least-squares route's nominal flop count is over the `.auto` limit.
        case flopLimit(flops: Double, limit: Double)
        /// The least-squares routes are switched off (`.none`).
        case notSelected

        public var description: String {
            switch self {
            case .memory(let bytes, let limit):
                "would need \(bytes >> 20) MiB (limit \(limit >> 20) MiB)"
            case .flopLimit(let flops, let limit):
                "nominal \(Self.scientific(flops)) flops > \(Self.scientific(limit)) (include with --least-squares all)"
            case .notSelected:
                "least-squares routes not selected"
            }
        }

        /// "2.8e11": a flop count for messages.
        static func scientific(_ x: Double) -> String {
            guard x > 0, x.isFinite else { return "\(x)" }
            var exponent = 0
            var mantissa = x
            while mantissa >= 10 { mantissa /= 10; exponent += 1 }
            while mantissa < 1 { mantissa *= 10; exponent -= 1 }
            let tenths = Int((mantissa * 10).rounded())
            if tenths == 100 { return "1e\(exponent + 1)" }
            return tenths % 10 == 0 ? "\(tenths / 10)e\(exponent)" : "\(tenths / 10).\(tenths % 10)e\(exponent)"
        }
    }
}
