import Foundation
import NAC

/// `nac train` for the natural policy gradient under `mpirun -np N`: every rank runs a
/// `NaturalPolicyGradient` learner on its own environment copies, seeded with
/// `RankSeed.seed(seed, rank:)` (reproducible for a given seed and process count), with one
/// policy θ (from the job seed) updated from the union of all ranks' batches through a
/// `DataParallelReduction`; θ is checked to be bit-identical on every rank after every update.
/// Episode records are gathered to rank 0, which alone writes `learning_curve.csv` (appended as
/// episodes end), `learning_curve.svg` and `policy.json` (every `checkpointInterval` seconds and
/// at the end) and prints progress. A `StopRequest` on any rank (`nac-mpi train` sets one on
/// SIGINT/SIGTERM) ends the run on every rank after the current iteration, with everything saved;
/// if an iteration fails on rank 0, it saves the curve, the plot and the (finite) policy before
/// ending the job.
///
/// Call on every rank with the same options. A rank that fails ends the job (`abort`).
public struct DataParallelTraining {
    /// What to train and where to write.
    public struct Options: Sendable {
        /// The learner specification: environment, job seed, policy kind, widths, γ, λ, δ,
        /// copies and batch size — the batch size is per rank (B = N_ranks × batch size).
        public var specification: LearnerSpecification
        /// Stop once this many environment steps (over all ranks) are done.
        public var steps: Int
        /// Stop once the mean return of the last 100 episodes (over all ranks) reaches this.
        public var stopAt: Double?
        /// Output directory (rank 0 writes it); nil: no files.
        public var directory: URL?
        /// P above which the solve is CG with all-reduced products instead of the explicit Fisher matrix.
        public var explicitFisherLimit: Int
        /// CG steps for P > `explicitFisherLimit`.
        public var conjugateGradientIterations: Int
        /// Progress lines on rank 0 (standard error, every `progressInterval` seconds).
        public var progress: Bool
        public var progressInterval: Double
        /// Seconds between rank 0's saves of `policy.json` during training (0: every iteration).
        public var checkpointInterval: Double
        /// Set on any rank to stop every rank after the current iteration.
        public var stopRequest: StopRequest?

        public init(specification: LearnerSpecification, steps: Int = 150_000, stopAt: Double? = nil,
                    directory: URL? = nil, explicitFisherLimit: Int = 2048, conjugateGradientIterations: Int = 20,
                    progress: Bool = true, progressInterval: Double = 5, checkpointInterval: Double = 60,
                    stopRequest: StopRequest? = nil) {
            self.specification = specification
            self.steps = steps
            self.stopAt = stopAt
            self.directory = directory
            self.explicitFisherLimit = explicitFisherLimit
            self.conjugateGradientIterations = conjugateGradientIterations
            self.progress = progress
            self.progressInterval = progressInterval
            self.checkpointInterval = checkpointInterval
            self.stopRequest = stopRequest
        }
    }

    /// What a run did (the same on every rank, except `curve`, which only rank 0 fills).
    public struct Summary {
        public var iterations = 0
        public var policyUpdates = 0
        /// Environment steps over all ranks.
        public var totalSteps = 0
        /// θ after the last update (bit-identical on every rank: checked every iteration).
        public var parameters: [Double] = []
        /// Identity checks of θ passed.
        public var identityChecks = 0
        public var seconds = 0.0
        /// Seconds in this rank's MPI collectives (all-reduces, broadcasts, gathers, checks).
        public var communicationSeconds = 0.0
        /// Seconds in the natural-gradient solve (local Fisher work + its collectives).
        public var solveSeconds = 0.0
        /// Rank 0's learning curve (empty elsewhere).
        public var curve = LearningCurve(window: 100)
        /// The files rank 0 wrote.
        public var files: [URL] = []
        /// Whether a `StopRequest` (on some rank) ended the run before its budget.
        public var stoppedOnRequest = false
        /// Times rank 0 wrote `policy.json` (checkpoints and the final save; 0 elsewhere).
        public var policySaves = 0
    }

    public let world: Communicator
    public let options: Options

    public init(world: Communicator, options: Options) {
        self.world = world
        self.options = options
    }

    /// Trains until the step budget or `stopAt`; on rank 0 writes the files.
    /// - Throws: validation and file errors on rank 0 before any training; any failure during
    ///   training aborts the job instead (the other ranks would wait in a collective).
    public func run() throws -> Summary {
        let spec = options.specification
        try spec.validate()
        let canonical = EnvironmentRegistry.canonicalName(spec.environment) ?? spec.environment
        let reduction = DataParallelReduction<Double>(
            world: world, explicitFisherLimit: options.explicitFisherLimit,
            conjugateGradientIterations: options.conjugateGradientIterations)
        var learner: any Learner<Double>
        do {
            learner = try NaturalPolicyGradientFactory.makeDataParallelLearner(
                specification: spec, environmentSeed: RankSeed.seed(spec.seed, rank: world.rank), reduction: reduction)
        } catch {
            world.abort("building the learner failed: \(error)")
        }

        var files: TrainingFiles?
        if world.isRoot, let directory = options.directory {
            do { files = try TrainingFiles(directory: directory) } catch {
                world.abort("cannot write \(directory.path): \(error)")
            }
        }
        if world.isRoot && options.progress {
            writeToStandardError("nac-mpi train: \(canonical), npg, seed \(spec.seed), \(world.size) processes, "
                                 + "budget \(options.steps) steps over all ranks"
                                 + (options.directory.map { "; writing \($0.path)" } ?? "") + "\n")
        }

        var summary = Summary()
        let start = MPIEnvironment.wallTime()
        var lastPrint = 0.0
        var lastCheckpoint = 0.0
        /// Rank 0: the plot and the policy (the CSV is appended as episodes end).
        func finishFiles(_ files: TrainingFiles) throws {
            try files.writePlot(of: summary.curve, title: "\(canonical) — npg on \(world.size) processes, seed \(spec.seed)",
                                target: options.stopAt ?? (canonical == "cartpole" ? 475 : nil), seconds: summary.seconds)
            try files.savePolicy(learner.currentPolicy)
        }
        let communicationAtStart = world.statistics
        while summary.totalSteps < options.steps {
            let step: LearnerIteration
            do { step = try learner.iterate() } catch {
                var saved = ""
                if let files {
                    summary.seconds = MPIEnvironment.wallTime() - start
                    do {
                        try finishFiles(files)
                        saved = "; rank 0 saved \(files.csvURL.path), \(files.svgURL.path)"
                            + (FileManager.default.fileExists(atPath: files.policyURL.path) ? ", \(files.policyURL.path)" : "")
                    } catch { saved = "; saving the results failed too: \(error)" }
                }
                world.abort("iteration \(summary.iterations + 1) failed on this rank: \(error)\(saved)")
            }
            summary.iterations += 1
            summary.policyUpdates += step.policyUpdates
            // Episodes (return, length, truncated) of every rank, in rank order, to rank 0.
            var records: [Double] = []
            for e in step.completedEpisodes { records += [e.totalReward, Double(e.length), e.truncated ? 1 : 0] }
            let gathered: [[Double]]?
            // [rank 0: the target was reached, this rank: a stop was requested], maximised over ranks.
            var control = [0.0, options.stopRequest?.isRequested == true ? 1 : 0]
            do {
                gathered = try world.gather(records)
                summary.totalSteps += Int(try world.allReduce(Double(step.environmentSteps)))
            } catch {
                world.abort("gathering the episodes of iteration \(summary.iterations) failed: \(error)")
            }
            if let gathered {
                var combined = step
                combined.environmentSteps = 0
                combined.completedEpisodes = gathered.flatMap { r in
                    stride(from: 0, to: r.count, by: 3).map {
                        CompletedEpisode(totalReward: r[$0], length: Int(r[$0 + 1]), truncated: r[$0 + 2] != 0)
                    }
                }
                combined.environmentSteps = summary.totalSteps - summary.curve.totalSteps
                let elapsed = MPIEnvironment.wallTime() - start
                let rows = summary.curve.record(combined, seconds: elapsed)
                files?.append(rows, of: summary.curve)
                if options.progress && elapsed - lastPrint >= options.progressInterval {
                    lastPrint = elapsed
                    writeToStandardError(progressLine(summary, elapsed: elapsed))
                }
                if let stopAt = options.stopAt, summary.curve.episodes >= 100,
                   let m = summary.curve.recentMeanReturn, m >= stopAt {
                    control[0] = 1
                }
            }
            if let files, elapsedSince(start) - lastCheckpoint >= options.checkpointInterval {
                do { try files.savePolicy(learner.currentPolicy) } catch { world.abort("writing the checkpoint failed: \(error)") }
                lastCheckpoint = elapsedSince(start)
            }
            // Rank 0 decides on the target (the curve lives there only); any rank may ask to stop.
            do { try world.allReduce(&control, .maximum) } catch { world.abort("agreeing on the stop flags failed: \(error)") }
            if control[0] != 0 { break }
            if control[1] != 0 { summary.stoppedOnRequest = true; break }
        }
        summary.seconds = MPIEnvironment.wallTime() - start
        summary.parameters = reduction.lastParameters
        summary.identityChecks = reduction.checks
        summary.communicationSeconds = world.statistics.since(communicationAtStart).seconds
        summary.solveSeconds = reduction.solveSeconds

        if world.isRoot {
            if options.progress { writeToStandardError(progressLine(summary, elapsed: summary.seconds)) }
            if let files {
                do { try finishFiles(files) } catch { world.abort("writing the results failed: \(error)") }
                summary.files = [files.csvURL, files.svgURL, files.policyURL]
                summary.policySaves = files.policySaves
            }
        }
        return summary
    }

    func elapsedSince(_ start: Double) -> Double { MPIEnvironment.wallTime() - start }

    func progressLine(_ s: Summary, elapsed: Double) -> String {
        let mean = s.curve.recentMeanReturn.map { String(format: "%.1f", $0) } ?? "–"
        return "episode \(s.curve.episodes) | steps \(s.curve.totalSteps) | mean return (last 100) \(mean) | "
            + String(format: "%.0f steps/s | %.1f s elapsed", Double(s.curve.totalSteps) / max(elapsed, 1e-9), elapsed) + "\n"
    }
}

extension Array where Element == Double {
    /// An order-sensitive checksum of the bit patterns (FNV-1a over the 64-bit words).
    public var bitChecksum: UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for x in self {
            h ^= x.bitPattern
            h = h &* 0x100_0000_01b3
        }
        return h
    }
}
