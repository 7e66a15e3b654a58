/// The score-matrix benchmark behind `nac bench scores` (and reusable by a benchmark package):
/// for each workload, batch size and scalar type, the per-sample loop time, the batched time
/// (reused and fresh output buffer), the speed-up, and the batched time over the bandwidth floor.
///
/// Method, per case (`ScoreBenchmarkCase` builds the inputs):
/// - **loop**: B separate reverse passes of one sample each (`gradient` on 1-row inputs, copied
///   into row b of a B × P buffer). When B exceeds `loopSampleLimit`, the first
///   `loopSampleLimit` samples are timed and the time scaled by B / loopSampleLimit (the cost per
///   sample does not depend on B); `loopSamplesTimed` says so.
/// - **batched**: `Policy.scores(observations:actions:into:)` — one per-sample Jacobian call —
///   into a reused, already mapped buffer, after one warm-up call; **batched (fresh)**: the same
///   into a newly allocated matrix each time (page faults included).
/// - **floor**: filling the reused B × P buffer with a constant, measured in the same run: no
///   implementation can produce Ψ faster than it can write it.
/// - **batch gradient**: one plain batch gradient ∇θ Σ_b log π(a_b | s_b) (one reduced reverse
///   pass, what a vanilla policy gradient costs); **forward**: the log-likelihoods alone (the
///   forward pass every Jacobian computes first), both on one thread.
/// - With `engineThreads` > 1, also **batched**, **batched (fresh)** and **floor** on that many
///   threads (rows split the same way): writing memory from two cores is faster than from one, so the
///   threaded batched time is compared with the threaded floor.
/// The single-thread figures pass `threadCount: 1` explicitly, whatever `EngineThreads` says.
/// Each time is the median of the runs (of the whole loop for the loop time); large cases use
/// fewer runs (`Configuration.repetitions(forJacobianBytes:)`).
public enum ScoreBenchmark {
    /// What to run.
    public struct Configuration: Sendable {
        public var workloads: [ScoreWorkload]
        public var batchSizes: [Int]
        public var scalarTypes: [ScalarType]
        public var repetitions: Int
        /// Cases whose Jacobian is larger than this many bytes use at most 3 repetitions (see
        /// `repetitions(forJacobianBytes:)`).
        public var largeCaseBytes: Int
        public var loopSampleLimit: Int
        public var seed: UInt64
        /// Threads for the threaded columns (1: none are measured).
        public var engineThreads: Int

        public init(
            workloads: [ScoreWorkload] = ScoreWorkload.standard, batchSizes: [Int] = ScoreWorkload.batchSizes,
            scalarTypes: [ScalarType] = [.float32, .float64], repetitions: Int = 5, largeCaseBytes: Int = 256 << 20,
            loopSampleLimit: Int = 32, seed: UInt64 = ScoreBenchmarkCase<Double>.defaultSeed,
            engineThreads: Int = EngineThreads.maximum
        ) {
            precondition(repetitions >= 1 && loopSampleLimit >= 1 && engineThreads >= 1,
                         "ScoreBenchmark.Configuration: repetitions \(repetitions), loop samples \(loopSampleLimit), threads \(engineThreads)")
            self.engineThreads = engineThreads
            self.workloads = workloads
            self.batchSizes = batchSizes
            self.scalarTypes = scalarTypes
            self.repetitions = repetitions
            self.largeCaseBytes = largeCaseBytes
            self.loopSampleLimit = loopSampleLimit
            self.seed = seed
        }

        /// The repetitions used for a case: `repetitions`, at most 3 above `largeCaseBytes`, at
        /// most 2 above 1 GiB (single runs of those are long and steady).
        public func repetitions(forJacobianBytes bytes: Int) -> Int {
            if bytes > 1 << 30 { return min(repetitions, 2) }
            if bytes > largeCaseBytes { return min(repetitions, 3) }
            return repetitions
        }

        /// The cases in run order (workload, then batch size, then scalar type), with skipped ones marked.
        public var cases: [(workload: ScoreWorkload, batchSize: Int, scalarType: ScalarType, skipped: Bool)] {
            workloads.flatMap { w in
                batchSizes.flatMap { b in
                    scalarTypes.map { t in (w, b, t, w.isSkipped(batchSize: b, scalarType: t)) }
                }
            }
        }
    }

    /// One row of the table; times in seconds.
    public struct Result: Sendable {
        public var workload: ScoreWorkload
        public var batchSize: Int
        public var scalarType: ScalarType
        public var parameterCount: Int
        /// The per-sample loop time for all B samples (extrapolated when `loopSamplesTimed` < B).
        public var loopSeconds: Double
        public var loopSamplesTimed: Int
        public var batchedSeconds: Double
        public var batchedFreshSeconds: Double
        public var floorSeconds: Double
        /// The threads of the threaded figures (1 when none were measured).
        public var threads: Int
        /// Batched into the reused buffer, into a fresh buffer, and the floor on `threads`
        /// threads (nil when `threads` is 1).
        public var threadedBatchedSeconds: Double?
        public var threadedFreshSeconds: Double?
        public var threadedFloorSeconds: Double?
        /// One plain batch gradient, and the forward pass alone (1 thread).
        public var batchGradientSeconds: Double
        public var forwardSeconds: Double
        public var repetitions: Int

        public var speedUp: Double { loopSeconds / batchedSeconds }
        public var overFloor: Double { batchedSeconds / floorSeconds }
        /// Threaded batched over threaded floor.
        public var threadedOverFloor: Double? {
            guard let t = threadedBatchedSeconds, let f = threadedFloorSeconds else { return nil }
            return t / f
        }
        public var isLoopExtrapolated: Bool { loopSamplesTimed < batchSize }
        /// Batched (1 thread) over one batch gradient.
        public var overBatchGradient: Double { batchedSeconds / batchGradientSeconds }
        /// The floor over one batch gradient: the fewest batch gradients a Jacobian written at the
        /// floor's speed can cost.
        public var floorOverBatchGradient: Double { floorSeconds / batchGradientSeconds }
        /// The loop over the floor: the largest speed-up over the loop that any implementation
        /// writing Ψ at the floor's speed could reach.
        public var loopOverFloor: Double { loopSeconds / floorSeconds }
        /// The forward pass alone over the floor: a Jacobian computes it and then writes Ψ, so it
        /// takes at least about (1 + this) floors with this engine's forward pass.
        public var forwardOverFloor: Double { forwardSeconds / floorSeconds }
    }

    /// The median of the values.
    public static func median(_ values: [Double]) -> Double {
        precondition(!values.isEmpty, "ScoreBenchmark.median: no values")
        let s = values.sorted()
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }

    /// Seconds taken by `body`.
    @inline(never)
    public static func seconds(_ body: () -> Void) -> Double {
        let clock = ContinuousClock()
        let d = clock.measure(body)
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Runs one case in scalar type `S`.
    public static func run<S: NACScalar>(
        _ workload: ScoreWorkload, batchSize: Int, scalar: S.Type, configuration: Configuration
    ) -> Result {
        let c = ScoreBenchmarkCase<S>(workload: workload, batchSize: batchSize, seed: configuration.seed)
        let bytes = workload.jacobianBytes(batchSize: batchSize, scalarType: ScalarType.of(S.self))
        let reps = configuration.repetitions(forJacobianBytes: bytes)
        var buffer = c.makeScoreBuffer()

        // Floor first (the buffer is mapped by makeScoreBuffer).
        var floor = [Double]()
        for r in 0..<reps { floor.append(seconds { c.fill(&buffer, with: S(r)) }) }

        // Batched into the reused buffer, after a warm-up.
        c.batchedScores(into: &buffer)
        var batched = [Double]()
        for _ in 0..<reps { batched.append(seconds { c.batchedScores(into: &buffer) }) }

        // Threaded, alternating the floor and the Jacobian so that both see the same machine.
        let threads = min(configuration.engineThreads, batchSize)
        var threadedFloor = [Double](), threadedBatched = [Double](), threadedFresh = [Double]()
        if threads > 1 {
            c.batchedScores(into: &buffer, threadCount: threads)
            for r in 0..<reps {
                threadedFloor.append(seconds { c.fill(&buffer, with: S(r), threadCount: threads) })
                threadedBatched.append(seconds { c.batchedScores(into: &buffer, threadCount: threads) })
            }
            for _ in 0..<reps {
                var m: Matrix<S>? = nil
                threadedFresh.append(seconds { m = c.batchedScoresIntoFreshBuffer(threadCount: threads) })
                precondition(m?.rows == batchSize)
            }
        }

        // Batched into a fresh buffer each time.
        var fresh = [Double]()
        for _ in 0..<reps {
            var m: Matrix<S>? = nil
            fresh.append(seconds { m = c.batchedScoresIntoFreshBuffer() })
            precondition(m?.rows == batchSize)
        }

        // The per-sample loop on (a prefix of) the batch.
        let n = min(batchSize, configuration.loopSampleLimit)
        let inputs = c.perSampleInputs(0..<n)
        c.perSampleLoop(Array(inputs.prefix(1)), rows: 0..<1, into: &buffer)   // warm-up
        var loop = [Double]()
        for _ in 0..<reps { loop.append(seconds { c.perSampleLoop(inputs, rows: 0..<n, into: &buffer) }) }

        // One batch gradient, and the forward pass alone, after a warm-up each.
        var gradientLength = c.batchGradient().count
        var gradient = [Double]()
        for _ in 0..<reps { gradient.append(seconds { gradientLength = c.batchGradient().count }) }
        precondition(gradientLength == workload.parameterCount)
        var outputRows = c.forwardLogLikelihood().rows
        var forward = [Double]()
        for _ in 0..<reps { forward.append(seconds { outputRows = c.forwardLogLikelihood().rows }) }
        precondition(outputRows == batchSize)

        return Result(workload: workload, batchSize: batchSize, scalarType: ScalarType.of(S.self),
                      parameterCount: workload.parameterCount,
                      loopSeconds: median(loop) * Double(batchSize) / Double(n), loopSamplesTimed: n,
                      batchedSeconds: median(batched), batchedFreshSeconds: median(fresh),
                      floorSeconds: median(floor), threads: threads > 1 ? threads : 1,
                      threadedBatchedSeconds: threads > 1 ? median(threadedBatched) : nil,
                      threadedFreshSeconds: threads > 1 ? median(threadedFresh) : nil,
                      threadedFloorSeconds: threads > 1 ? median(threadedFloor) : nil,
                      batchGradientSeconds: median(gradient), forwardSeconds: median(forward), repetitions: reps)
    }

    /// Runs every case of the configuration that is not skipped, reporting each before it starts
    /// (`progress(index, total, description)`).
    public static func run(
        _ configuration: Configuration, progress: (Int, Int, String) -> Void = { _, _, _ in }
    ) -> [Result] {
        let cases = configuration.cases.filter { !$0.skipped }
        var results = [Result]()
        for (i, c) in cases.enumerated() {
            progress(i + 1, cases.count, "\(c.workload.id) B=\(c.batchSize) \(c.scalarType)")
            switch c.scalarType {
            case .float32: results.append(run(c.workload, batchSize: c.batchSize, scalar: Float.self, configuration: configuration))
            case .float64: results.append(run(c.workload, batchSize: c.batchSize, scalar: Double.self, configuration: configuration))
            }
        }
        return results
    }
}
