import Foundation
import Testing
@testable import NAC

/// `TrainingRun` keeps the curve, the plot and the policy on disk: at the budget, at the target,
/// on a stop request, at checkpoints, and after a failure (never overwriting a checkpoint with a
/// non-finite policy).
@Suite struct TrainingRunTests {
    /// Each iteration ends `episodesPerIteration` episodes of return `episodeReturn` and 10 steps
    /// each, then moves every policy parameter by +1; iteration `failAt` (1-based) throws, after
    /// moving the parameters by +1000 (an online learner's updates before its failure), or setting
    /// them to NaN if `poisonBeforeFailing`. `onIterate` sees the iteration number.
    struct ScriptedLearner: Learner {
        typealias Scalar = Double
        var name: String { "scripted" }
        var policy = CategoricalPolicy<Double>(observationDimension: 2, hiddenLayers: [3], actionCount: 2, seed: 1)
        var episodesPerIteration = 2
        var episodeReturn = 5.0
        var failAt: Int?
        var poisonBeforeFailing = false
        /// The first iteration that reports diagnostics (as a learner with no estimate yet).
        var diagnosticsFrom = 1
        var onIterate: @Sendable (Int) -> Void = { _ in }
        private(set) var iterations = 0

        mutating func iterate() throws -> LearnerIteration {
            iterations += 1
            onIterate(iterations)
            if iterations == failAt {
                policy.parameters = policy.parameters.map { poisonBeforeFailing ? .nan : $0 + 1000 }
                throw TrainingError.nonFinite(quantity: "scripted", iteration: iterations)
            }
            policy.parameters = policy.parameters.map { $0 + 1 }
            let episodes = (0..<episodesPerIteration).map { _ in CompletedEpisode(totalReward: episodeReturn, length: 10, truncated: false) }
            return LearnerIteration(completedEpisodes: episodes, environmentSteps: 10 * episodesPerIteration, policyUpdates: 1,
                                    diagnostics: iterations >= diagnosticsFrom ? ["iteration": Double(iterations)] : [:])
        }
        var currentPolicy: SavedModel<Double> { policy.savedModel }
    }

    static func directory(_ name: String) -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("nac-training-run-\(name)-\(UUID().uuidString)")
        return url
    }

    static func csvLines(_ url: URL) throws -> [Substring] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
    }

    /// θ after `iterations` steps of +1 (rounded at each step, as the learner does).
    static func moved(_ theta: [Double], _ iterations: Int) -> [Double] {
        theta.map { x in (0..<iterations).reduce(x) { v, _ in v + 1 } }
    }

    static func savedParameters(_ url: URL) throws -> [Double] {
        try SavedModel<Double>(contentsOf: url).parameters
    }

    @Test func theBudgetEndsTheRunWithEverythingSaved() throws {
        let learner = ScriptedLearner()
        let initial = learner.policy.parameters
        let dir = Self.directory("budget")
        defer { try? FileManager.default.removeItem(at: dir) }
        var run = TrainingRun(learner: learner, directory: dir, title: "t", stepBudget: 95)
        var calls = 0
        let summary = try run.run { curve, _ in calls += 1; #expect(curve.iterations == calls) }
        // 20 steps per iteration: 5 iterations reach 100 ≥ 95.
        #expect(summary.ending == .budget)
        #expect(summary.curve.iterations == 5 && calls == 5)
        #expect(summary.curve.totalSteps == 100 && summary.policyUpdates == 5)
        let lines = try Self.csvLines(run.csvURL)
        #expect(lines.count == 11)
        #expect(lines[0] == "episode,steps,return,mean_return,length,truncated,iteration,seconds,iteration")
        #expect(lines[10].hasPrefix("10,100,5,5,10,0,5,"))
        #expect(try Self.savedParameters(run.policyURL) == Self.moved(initial, 5))
        #expect(try String(contentsOf: run.svgURL, encoding: .utf8).contains("<svg"))
        // The default 60 s interval: only the final save.
        #expect(summary.policySaves == 1)
    }

    @Test func episodeBudgetTargetAndCheckpoints() throws {
        let dir = Self.directory("target")
        defer { try? FileManager.default.removeItem(at: dir) }
        var learner = ScriptedLearner()
        learner.episodesPerIteration = 7
        learner.episodeReturn = 9
        // The target: 100 episodes (15 iterations of 7 = 105) with mean 9 ≥ 8.5.
        var run = TrainingRun(learner: learner, directory: dir, title: "t", stopAt: 8.5)
        run.checkpointInterval = 0
        let summary = try run.run()
        #expect(summary.ending == .target)
        #expect(summary.curve.iterations == 15 && summary.curve.episodes == 105)
        #expect(summary.reachedReference?.steps == 15 * 70)
        // A checkpoint after every iteration, and the final save.
        #expect(summary.policySaves == 16)

        var byEpisodes = TrainingRun(learner: learner, directory: dir, title: "t", episodeBudget: 10, referenceReturn: 100)
        let short = try byEpisodes.run()
        #expect(short.ending == .budget && short.curve.episodes == 14 && short.reachedReference == nil)
        #expect(try Self.csvLines(byEpisodes.csvURL).count == 15)   // rewritten, not appended to the first run's
    }

    @Test func aStopRequestEndsTheRunAfterTheCurrentIteration() throws {
        let dir = Self.directory("stop")
        defer { try? FileManager.default.removeItem(at: dir) }
        let stop = StopRequest()
        var learner = ScriptedLearner()
        learner.onIterate = { if $0 == 3 { stop.request() } }
        let initial = learner.policy.parameters
        var run = TrainingRun(learner: learner, directory: dir, title: "t", stepBudget: 1_000_000, stopRequest: stop)
        let summary = try run.run()
        #expect(stop.isRequested)
        #expect(summary.ending == .stopRequested)
        #expect(summary.curve.iterations == 3)
        #expect(try Self.csvLines(run.csvURL).count == 7)
        #expect(try Self.savedParameters(run.policyURL) == Self.moved(initial, 3))
    }

    @Test func aFailureSavesTheCurveAndTheLastFinitePolicy() throws {
        let dir = Self.directory("failure")
        defer { try? FileManager.default.removeItem(at: dir) }
        var learner = ScriptedLearner()
        learner.failAt = 4
        let initial = learner.policy.parameters
        var run = TrainingRun(learner: learner, directory: dir, title: "t", stepBudget: 1000)
        do {
            _ = try run.run()
            Issue.record("the run did not fail")
        } catch let failure as TrainingRun<Double>.Failure {
            #expect(failure.iteration == 4)
            #expect(failure.error as? TrainingError == .nonFinite(quantity: "scripted", iteration: 4))
            #expect(failure.savedPolicyAtFailure)
            #expect(failure.savedFiles == [run.csvURL, run.svgURL, run.policyURL])
            #expect(failure.summary.curve.episodes == 6)
            #expect(failure.description.hasSuffix("(iteration 4); saved learning_curve.csv, learning_curve.svg, policy.json"))
        }
        // The policy from before the failing iteration, not the one its updates left.
        #expect(try Self.csvLines(run.csvURL).count == 7)
        #expect(try Self.savedParameters(run.policyURL) == Self.moved(initial, 3))

        // A learner whose policy became NaN in the failing iteration: the saved policy is still
        // the one from before it, written over the checkpoints.
        let poisonedDir = Self.directory("poisoned")
        defer { try? FileManager.default.removeItem(at: poisonedDir) }
        learner.poisonBeforeFailing = true
        var poisoned = TrainingRun(learner: learner, directory: poisonedDir, title: "t", stepBudget: 1000)
        poisoned.checkpointInterval = 0
        do {
            _ = try poisoned.run()
            Issue.record("the run did not fail")
        } catch let failure as TrainingRun<Double>.Failure {
            #expect(failure.savedPolicyAtFailure)
            #expect(failure.summary.policySaves == 4)
        }
        #expect(try Self.savedParameters(poisoned.policyURL) == Self.moved(initial, 3))
    }

    /// A learner whose θ is already non-finite when an iteration begins (it went NaN without
    /// throwing) and then fails: nothing non-finite is written over the last checkpoint.
    @Test func aNonFinitePolicyNeverOverwritesTheCheckpoint() throws {
        struct Poisoning: Learner {
            typealias Scalar = Double
            var name: String { "poisoning" }
            var inner = ScriptedLearner()
            mutating func iterate() throws -> LearnerIteration {
                let step = try inner.iterate()
                if inner.iterations == 3 { inner.policy.parameters = inner.policy.parameters.map { _ in .nan } }
                if inner.iterations == 4 { throw TrainingError.nonFinite(quantity: "scripted", iteration: 4) }
                return step
            }
            var currentPolicy: SavedModel<Double> { inner.currentPolicy }
        }
        let dir = Self.directory("nonfinite")
        defer { try? FileManager.default.removeItem(at: dir) }
        let initial = Poisoning().inner.policy.parameters
        var run = TrainingRun(learner: Poisoning(), directory: dir, title: "t", stepBudget: 1000)
        run.checkpointInterval = 0
        do {
            _ = try run.run()
            Issue.record("the run did not fail")
        } catch let failure as TrainingRun<Double>.Failure {
            #expect(!failure.savedPolicyAtFailure)
            #expect(failure.savedFiles.last == run.policyURL)
            #expect(failure.summary.policySaves == 2)
            #expect(failure.description.contains("non-finite parameters and was not saved"))
        }
        #expect(try Self.savedParameters(run.policyURL) == Self.moved(initial, 2))
    }

    /// A learner that reports diagnostics only from its third iteration: the CSV is rewritten once
    /// with the diagnostic column, so every line has the header's fields (earlier rows empty).
    @Test func diagnosticsThatAppearLateStillMatchTheHeader() throws {
        var learner = ScriptedLearner()
        learner.diagnosticsFrom = 3
        let dir = Self.directory("late")
        defer { try? FileManager.default.removeItem(at: dir) }
        var run = TrainingRun(learner: learner, directory: dir, title: "t", stepBudget: 100)
        _ = try run.run()
        let lines = try Self.csvLines(run.csvURL)
        #expect(lines.count == 11)
        #expect(lines[0] == "episode,steps,return,mean_return,length,truncated,iteration,seconds,iteration")
        for line in lines { #expect(line.split(separator: ",", omittingEmptySubsequences: false).count == 9, "\(line)") }
        #expect(lines[1].hasSuffix(",") && lines[4].hasSuffix(",") && lines[5].hasSuffix(",3") && lines[10].hasSuffix(",5"))
    }

    /// `nac train` never replaces an earlier run unasked: `holdsRun` sees any of its files, and
    /// the default directory moves on to `base-2`, `base-3`, ….
    @Test func freshDirectoriesSkipEarlierRuns() throws {
        let root = Self.directory("fresh")
        defer { try? FileManager.default.removeItem(at: root) }
        let base = root.appendingPathComponent("cartpole-npg-seed0")
        #expect(!TrainingFiles.holdsRun(base) && TrainingFiles.freshDirectory(base: base) == base)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        #expect(!TrainingFiles.holdsRun(base))   // an empty directory holds no run
        try Data("x".utf8).write(to: TrainingFiles.policyURL(in: base))
        #expect(TrainingFiles.holdsRun(base))
        let second = TrainingFiles.freshDirectory(base: base)
        #expect(second.lastPathComponent == "cartpole-npg-seed0-2")
        _ = try TrainingFiles(directory: second)   // creates learning_curve.csv
        #expect(TrainingFiles.freshDirectory(base: base).lastPathComponent == "cartpole-npg-seed0-3")
    }

    @Test func aRealLearnerRunsToItsBudget() throws {
        let spec = LearnerSpecification(environment: "cartpole", seed: 4, hiddenLayers: [8], batchSize: 256, copies: 4)
        let learner = try LearnerRegistry.make("npg", specification: spec, as: Double.self)
        let dir = Self.directory("npg")
        defer { try? FileManager.default.removeItem(at: dir) }
        var run = TrainingRun(learner: learner, directory: dir, title: "npg", stepBudget: 512)
        let summary = try run.run()
        #expect(summary.curve.totalSteps == 512 && summary.curve.iterations == 2)
        let saved = try SavedModel<Double>(contentsOf: run.policyURL)
        #expect(saved.parameters == run.learner.currentPolicy.parameters)
        #expect(try Self.csvLines(run.csvURL).count == summary.curve.episodes + 1)
    }
}
