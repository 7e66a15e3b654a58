import ArgumentParser
import Foundation
import NAC
import NACMPI

/// `nac-mpi`: the MPI front end of NAC (run it under mpirun).
@main
struct NACMPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nac-mpi",
        abstract: "NAC under MPI: data-parallel training (run under mpirun -np N).",
        subcommands: [TrainMPI.self])
}

/// `nac-mpi train ENV`: `nac train ENV --algorithm npg` with each rank stepping its own
/// environments and the natural gradient computed from all ranks' batches.
struct TrainMPI: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Data-parallel natural policy gradient: every rank steps its own environments.",
        discussion: """
        Run under mpirun, for example: mpirun -np 2 nac-mpi train cartpole --seed 1. \
        Every rank builds the same initial policy from --seed and steps --copies environment copies \
        seeded from (seed, rank), so a run is reproducible for a given seed and process count. Each \
        iteration collects --batch-size steps per rank; the advantage normalisation, the natural \
        gradient (explicit Fisher matrix all-reduced for P ≤ --explicit-limit, otherwise conjugate \
        gradient with all-reduced Fisher-vector products), the curvature and the line search use \
        the union of all ranks' batches; the value baseline is fitted per rank. The policy \
        parameters are checked to be bit-identical on all ranks after every update (the job aborts \
        otherwise). Rank 0 writes DIR/learning_curve.csv (every rank's episodes, appended as they \
        end), learning_curve.svg and policy.json (saved every --checkpoint-seconds and at the end), \
        and prints progress. SIGINT or SIGTERM on any rank stops every rank after the current \
        iteration, with everything saved (exit status 130). ENV: \(EnvironmentRegistry.names.joined(separator: ", ")).
        """)

    @Argument(help: "The environment.") var environment: String
    @Option(help: "Random seed of the job.") var seed: UInt64 = 0
    @Option(help: "Environment-step budget over all ranks.") var steps: Int = 150_000
    @Option(name: .customLong("stop-at"), help: "Stop when the mean return of the last 100 episodes reaches this value.") var stopAt: Double?
    @Option(help: "Output directory (default runs/ENV-npg-mpiN-seedSEED).") var out: String?
    @Option(help: "Policy kind: categorical, gaussian, state-dependent-gaussian (default: by action space).") var policy: String?
    @Option(help: "Hidden layer widths of the policy, comma-separated (default 32).") var hidden: String?
    @Option(help: "Discount γ (default 0.99).") var gamma: Double?
    @Option(help: "GAE λ (default 0.95).") var lambda: Double?
    @Option(name: .customLong("batch-size"), help: "Environment steps per iteration per rank (default 1024).") var batchSize: Int?
    @Option(help: "KL trust region δ (default 0.02).") var kl: Double?
    @Option(help: "Environment copies per rank (default 8).") var copies: Int?
    @Option(name: .customLong("explicit-limit"), help: "Largest P solved with the all-reduced explicit Fisher matrix.") var explicitLimit: Int = 2048
    @Option(name: .customLong("cg-iterations"), help: "CG steps above --explicit-limit.") var cgIterations: Int = 20
    @Option(name: .customLong("checkpoint-seconds"), help: "Seconds between rank 0's saves of policy.json (0: every iteration).")
    var checkpointSeconds: Double = 60
    @Flag(help: "No progress lines.") var quiet = false

    func specification() throws -> LearnerSpecification {
        var kind: PolicyKind?
        if let policy {
            guard let k = PolicyKind(rawValue: policy.lowercased()) else {
                throw ValidationError("unknown --policy '\(policy)' (known: \(PolicyKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            kind = k
        }
        let widths: [Int]? = try hidden.map { h in
            try h.split(separator: ",", omittingEmptySubsequences: false).map {
                guard let w = Int($0.trimmingCharacters(in: .whitespaces)), w >= 1 else {
                    throw ValidationError("--hidden must be comma-separated positive widths such as 64,64, got '\(h)'")
                }
                return w
            }
        }
        let spec = LearnerSpecification(environment: environment, seed: seed, policyKind: kind, hiddenLayers: widths,
                                        discount: gamma, gaeLambda: lambda, batchSize: batchSize, maximumKL: kl, copies: copies)
        do { try spec.validate() } catch { throw ValidationError(error.description) }
        return spec
    }

    func validate() throws {
        guard EnvironmentRegistry.canonicalName(environment) != nil else {
            throw ValidationError("unknown environment '\(environment)' (known: \(EnvironmentRegistry.names.joined(separator: ", ")))")
        }
        guard steps >= 1 else { throw ValidationError("--steps must be at least 1, got \(steps)") }
        guard explicitLimit >= 0, cgIterations >= 1 else { throw ValidationError("--explicit-limit ≥ 0 and --cg-iterations ≥ 1") }
        if let stopAt, !stopAt.isFinite { throw ValidationError("--stop-at must be finite") }
        guard checkpointSeconds.isFinite, checkpointSeconds >= 0 else {
            throw ValidationError("--checkpoint-seconds must be finite and ≥ 0, got \(checkpointSeconds)")
        }
        _ = try specification()
    }

    func run() throws {
        LinearAlgebra.threadCount = 1
        let mpi: MPIEnvironment
        do { mpi = try MPIEnvironment.initialize() } catch { throw ValidationError("MPI: \(error)") }
        let world = mpi.world
        // The cores of this node shared among its ranks (Open MPI and MPICH name the local rank
        // count; otherwise assume every rank is here), so that ranks × threads ≤ cores.
        let environmentVariables = ProcessInfo.processInfo.environment
        let localRanks = ["OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"].lazy
            .compactMap { environmentVariables[$0].flatMap(Int.init) }.first ?? world.size
        EngineThreads.maximum = max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, localRanks))
        let canonical = EnvironmentRegistry.canonicalName(environment)!
        let directory = URL(fileURLWithPath: out ?? "runs/\(canonical)-npg-mpi\(world.size)-seed\(seed)")
        let stop = StopRequest()
        let signalSources = stop.requestOnTerminationSignals()
        defer { signalSources.forEach { $0.cancel() } }
        let options = DataParallelTraining.Options(
            specification: try specification(), steps: steps, stopAt: stopAt, directory: directory,
            explicitFisherLimit: explicitLimit, conjugateGradientIterations: cgIterations, progress: !quiet,
            checkpointInterval: checkpointSeconds, stopRequest: stop)
        let summary: DataParallelTraining.Summary
        do { summary = try DataParallelTraining(world: world, options: options).run() } catch {
            world.abort("\(error)")
        }
        if world.isRoot {
            let c = summary.curve
            let mean = c.recentMeanReturn.map { String(format: "%.1f", $0) } ?? "–"
            print("\(canonical) npg seed \(seed) on \(world.size) processes: \(c.episodes) episodes, \(summary.totalSteps) steps, "
                  + "\(summary.iterations) iterations (\(summary.policyUpdates) policy updates) in "
                  + String(format: "%.2f s (%.0f steps/s, %.1f ms per update, of which solve %.1f ms, all collectives %.1f ms)",
                           summary.seconds, Double(summary.totalSteps) / max(summary.seconds, 1e-9),
                           1000 * summary.seconds / Double(max(summary.iterations, 1)),
                           1000 * summary.solveSeconds / Double(max(summary.iterations, 1)),
                           1000 * summary.communicationSeconds / Double(max(summary.iterations, 1)))
                  + "; mean return (last 100) \(mean); θ identical on all ranks after each of \(summary.identityChecks) iterations; "
                  + "θ checksum " + String(summary.parameters.bitChecksum, radix: 16))
            print("wrote " + summary.files.map(\.path).joined(separator: ", ")
                  + (summary.stoppedOnRequest ? " (stopped on request before the budget)" : ""))
        }
        do { try mpi.finalize() } catch { writeToStandardError("nac-mpi: \(error)\n") }
        if summary.stoppedOnRequest { throw ExitCode(130) }
    }
}
