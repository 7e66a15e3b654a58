import Foundation
import NAC
import NACMPI

/// `nac-mpi train` end to end: a short data-parallel CartPole run.
func runTrainingTests(_ h: inout Harness) {
    let world = h.world

    func shortRun(seed: UInt64, directory: URL?) throws -> DataParallelTraining.Summary {
        let spec = LearnerSpecification(environment: "cartpole", seed: seed, hiddenLayers: [8], batchSize: 128, copies: 4)
        // 5 iterations: 128 steps per rank each.
        let options = DataParallelTraining.Options(specification: spec, steps: 5 * 128 * world.size, directory: directory,
                                                   progress: false)
        return try DataParallelTraining(world: world, options: options).run()
    }

    h.test("data-parallel learner: each rank steps its own environments (rank-derived seeds), same initial θ") {
        let spec = LearnerSpecification(environment: "cartpole", seed: 3, hiddenLayers: [8], batchSize: 64, copies: 2)
        let reduction = DataParallelReduction<Double>(world: world)
        let made = try NaturalPolicyGradientFactory.makeDataParallelLearner(
            specification: spec, environmentSeed: RankSeed.seed(3, rank: world.rank), reduction: reduction)
        guard var learner = (made as? SpecializedLearner<Double>)?.wrapped
                as? NaturalPolicyGradient<CategoricalPolicy<Double>, AnyEnvironment<Double>> else {
            return "unexpected learner type \(type(of: made))"
        }
        guard try world.isIdenticalOnAllRanks(learner.policy.parameters) else { return "initial θ differs between ranks" }
        _ = try learner.iterate()
        let observations = learner.lastRollout?.observations.elements ?? []
        if world.size > 1, try world.isIdenticalOnAllRanks(observations) { return "all ranks collected the same batch" }
        guard reduction.checks == 1, try world.isIdenticalOnAllRanks(learner.policy.parameters) else {
            return "θ after the update: \(reduction.checks) checks"
        }
        return nil
    }

    var first: DataParallelTraining.Summary?
    let directory = URL(fileURLWithPath: NSTemporaryDirectory())
        .appendingPathComponent("nacmpi-train-test-\(ProcessInfo.processInfo.processIdentifier)")
    defer { if world.isRoot { try? FileManager.default.removeItem(at: directory) } }

    h.test("data-parallel NPG on CartPole: θ identical on all ranks after every update; rank 0 writes CSV and policy") {
        let s = try shortRun(seed: 7, directory: world.isRoot ? directory : nil)
        first = s
        guard s.iterations == 5, s.totalSteps == 5 * 128 * world.size else {
            return "\(s.iterations) iterations, \(s.totalSteps) steps"
        }
        guard s.identityChecks == s.iterations else { return "\(s.identityChecks) identity checks for \(s.iterations) iterations" }
        guard s.policyUpdates >= 1, !s.parameters.isEmpty else { return "\(s.policyUpdates) updates, \(s.parameters.count) parameters" }
        guard try world.isIdenticalOnAllRanks(s.parameters) else { return "final θ differs between ranks" }
        if world.isRoot {
            let csv = try String(contentsOf: directory.appendingPathComponent("learning_curve.csv"), encoding: .utf8)
            let lines = csv.split(separator: "\n")
            guard let header = lines.first, header.hasPrefix("episode,steps,return,mean_return"), lines.count >= 2 else {
                return "CSV has \(lines.count) lines: \(csv.prefix(200))"
            }
            // Every rank's episodes are in the curve: far more than one rank alone finishes.
            guard s.curve.episodes == lines.count - 1, s.curve.totalSteps == s.totalSteps else {
                return "curve \(s.curve.episodes) episodes / \(s.curve.totalSteps) steps vs CSV \(lines.count - 1) rows"
            }
            let policy = try String(contentsOf: directory.appendingPathComponent("policy.json"), encoding: .utf8)
            guard policy.contains("nac-model") else { return "policy.json: \(policy.prefix(120))" }
            guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("learning_curve.svg").path) else {
                return "no learning_curve.svg"
            }
        } else if !s.files.isEmpty {
            return "rank \(world.rank) wrote \(s.files)"
        }
        return nil
    }

    h.test("a stop request on the last rank stops every rank after that iteration; rank 0 checkpoints and saves") {
        let spec = LearnerSpecification(environment: "cartpole", seed: 5, hiddenLayers: [8], batchSize: 128, copies: 4)
        let stop = StopRequest()
        if world.rank == world.size - 1 { stop.request() }
        let stopDirectory = directory.appendingPathComponent("stopped")
        let options = DataParallelTraining.Options(specification: spec, steps: 1_000_000,
                                                   directory: world.isRoot ? stopDirectory : nil, progress: false,
                                                   checkpointInterval: 0, stopRequest: stop)
        let s = try DataParallelTraining(world: world, options: options).run()
        guard s.stoppedOnRequest, s.iterations == 1, s.totalSteps == 128 * world.size else {
            return "stopped on request: \(s.stoppedOnRequest), \(s.iterations) iterations, \(s.totalSteps) steps"
        }
        guard try world.isIdenticalOnAllRanks(s.parameters) else { return "θ differs between ranks" }
        if world.isRoot {
            // One checkpoint after the iteration (interval 0), one final save.
            guard s.policySaves == 2 else { return "\(s.policySaves) policy saves" }
            let saved = try SavedModel<Double>(contentsOf: stopDirectory.appendingPathComponent("policy.json"))
            guard saved.parameters == s.parameters else { return "policy.json is not the final θ" }
            let csv = try String(contentsOf: stopDirectory.appendingPathComponent("learning_curve.csv"), encoding: .utf8)
            guard csv.split(separator: "\n").count == s.curve.episodes + 1 else { return "CSV rows ≠ episodes" }
        } else if s.policySaves != 0 {
            return "rank \(world.rank) saved the policy"
        }
        return nil
    }

    h.test("data-parallel NPG is reproducible: same seed → same final θ (checksum); ranks use distinct seed streams") {
        guard let first else { return "the first run did not finish" }
        let again = try shortRun(seed: 7, directory: nil)
        guard again.parameters.bitChecksum == first.parameters.bitChecksum else {
            return "checksums \(String(again.parameters.bitChecksum, radix: 16)) vs \(String(first.parameters.bitChecksum, radix: 16))"
        }
        let seeds = (0..<world.size).map { RankSeed.seed(7, rank: $0) }
        guard Set(seeds).count == world.size else { return "rank seeds collide: \(seeds)" }
        let other = try shortRun(seed: 8, directory: nil)
        guard other.parameters.bitChecksum != first.parameters.bitChecksum else { return "seed 8 gave seed 7's θ" }
        return nil
    }
}
