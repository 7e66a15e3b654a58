import Foundation
import Testing
@testable import NAC

/// The built-in workloads agree with the shared workloads.json, and the benchmark runs.
@Suite struct ScoreBenchmarkTests {
    @Test func workloadsMatchTheSharedFile() throws {
        let url = Bundle.module.url(forResource: "workloads", withExtension: "json", subdirectory: "Resources")!
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let entries = json["workloads"] as! [[String: Any]]
        #expect(entries.count == ScoreWorkload.all.count)
        for entry in entries {
            let w = try #require(ScoreWorkload.named(entry["id"] as! String))
            #expect(w.parameterCount == entry["param_count"] as! Int)
            #expect(w.family.rawValue == entry["policy"] as! String)
            #expect(w.observationDimension == entry["obs_dim"] as! Int)
            #expect(w.hiddenLayers == entry["hidden"] as! [Int])
            for c in entry["cases"] as! [[String: Any]] {
                let t = ScalarType(rawValue: c["dtype"] as! String)!
                let b = c["batch"] as! Int
                #expect(w.jacobianBytes(batchSize: b, scalarType: t) == c["jacobian_bytes"] as! Int)
                #expect(w.isSkipped(batchSize: b, scalarType: t) == !(c["run"] as! Bool))
            }
        }
        #expect(ScoreWorkload.batchSizes == json["batch_sizes"] as! [Int])
    }

    @Test func casesAreSeededAndTheBenchmarkRuns() {
        let a = ScoreBenchmarkCase<Double>(workload: .w1, batchSize: 4), b = ScoreBenchmarkCase<Double>(workload: .w1, batchSize: 4)
        #expect(a.observations == b.observations && a.actions == b.actions && a.policy.parameters == b.policy.parameters)
        #expect(a.policy.parameterCount == 5708)
        // log_std = −0.5 + N(0, 0.1²): within ±0.5 of −0.5 with overwhelming probability.
        #expect(a.policy.parameters[5702...].allSatisfy { abs($0 + 0.5) < 0.5 })
        let config = ScoreBenchmark.Configuration(workloads: [.w2], batchSizes: [4], scalarTypes: [.float32, .float64],
                                                  repetitions: 1, loopSampleLimit: 2)
        let results = ScoreBenchmark.run(config)
        #expect(results.count == 2)
        #expect(results.allSatisfy { $0.loopSamplesTimed == 2 && $0.isLoopExtrapolated && $0.batchedSeconds > 0 && $0.floorSeconds > 0
                                     && $0.batchGradientSeconds > 0 && $0.forwardSeconds > 0 })
        // Threaded columns only when asked for more than one thread.
        var two = config
        two.engineThreads = 2
        let threaded = ScoreBenchmark.run(two)
        #expect(threaded.allSatisfy { $0.threads == 2 && ($0.threadedBatchedSeconds ?? 0) > 0 && ($0.threadedFloorSeconds ?? 0) > 0
                                      && ($0.threadedFreshSeconds ?? 0) > 0 })
        var one = config
        one.engineThreads = 1
        #expect(ScoreBenchmark.run(one).allSatisfy { $0.threads == 1 && $0.threadedBatchedSeconds == nil && $0.threadedFreshSeconds == nil && $0.threadedOverFloor == nil })
        // The loop baseline computes the same rows as the batched call.
        let c = ScoreBenchmarkCase<Double>(workload: .w2, batchSize: 3)
        var loop = c.makeScoreBuffer(), batched = c.makeScoreBuffer()
        c.perSampleLoop(c.perSampleInputs(0..<3), rows: 0..<3, into: &loop)
        c.batchedScores(into: &batched)
        #expect(loop.isApproximatelyEqual(to: batched, absoluteTolerance: 1e-14, relativeTolerance: 1e-12))
        // The threaded call and the threaded floor write every row (3 rows over 2 threads: 1 and 2).
        var threadedScores = Matrix<Double>(rows: 3, columns: c.policy.parameterCount, repeating: .nan)
        c.batchedScores(into: &threadedScores, threadCount: 2)
        #expect(threadedScores.isApproximatelyEqual(to: batched, absoluteTolerance: 1e-14, relativeTolerance: 1e-12))
        c.fill(&threadedScores, with: 2.5, threadCount: 2)
        #expect(threadedScores.elements.allSatisfy { $0 == 2.5 })
        #expect(ScoreBenchmark.median([3, 1, 2]) == 2 && ScoreBenchmark.median([4, 1, 2, 3]) == 2.5)
        // The timed batch gradient is the sum of the per-sample gradients; the forward pass gives the
        // log-likelihoods.
        let gradient = c.batchGradient()
        for p in 0..<c.policy.parameterCount {
            let sum = (0..<3).reduce(0.0) { $0 + loop[$1, p] }
            #expect(abs(gradient[p] - sum) <= 1e-12 * max(1, abs(sum)), "parameter \(p)")
        }
        let forward = c.forwardLogLikelihood()
        let loglikelihoods = try! c.policy.logProbabilities(observations: c.observations, actions: c.actions)
        #expect(forward.rows == 3 && forward.columns == 1)
        #expect(zip(forward.elements, loglikelihoods).allSatisfy { abs($0 - $1) <= 1e-12 * max(1, abs($1)) })
    }

    /// A result with the given times (seconds); 2 threads when threaded figures are given.
    func result(_ workload: ScoreWorkload, _ b: Int, _ t: ScalarType, loop: Double, batched: Double, floor: Double,
                gradient: Double, forward: Double, threaded: (batched: Double, floor: Double)? = nil) -> ScoreBenchmark.Result {
        ScoreBenchmark.Result(workload: workload, batchSize: b, scalarType: t, parameterCount: workload.parameterCount,
                              loopSeconds: loop, loopSamplesTimed: 32, batchedSeconds: batched, batchedFreshSeconds: batched,
                              floorSeconds: floor, threads: threaded == nil ? 1 : 2, threadedBatchedSeconds: threaded?.batched,
                              threadedFreshSeconds: threaded?.batched, threadedFloorSeconds: threaded?.floor,
                              batchGradientSeconds: gradient, forwardSeconds: forward, repetitions: 5)
    }

    @Test func targetSummaryChecksEveryTargetWithItsBound() {
        let results = [
            // B = 32 has no floor target; its 5× over the floor is not counted.
            result(.w1, 32, .float64, loop: 1, batched: 0.05, floor: 0.01, gradient: 0.04, forward: 0.001, threaded: (0.05, 0.01)),
            result(.w1, 256, .float64, loop: 8, batched: 0.29, floor: 0.1, gradient: 0.1, forward: 0.02, threaded: (0.2, 0.1)),
            result(.w1, 1024, .float32, loop: 10, batched: 1, floor: 0.25, gradient: 0.5, forward: 0.3, threaded: (0.3, 0.2)),
            result(.w1, 1024, .float64, loop: 30, batched: 0.2, floor: 0.1, gradient: 0.08, forward: 0.01, threaded: (0.15, 0.1)),
        ]
        #expect(ScoreBenchmark.targetSummary(results) == [
            "batched ≥ 100× the per-sample loop at B = 1024 on W1: float32 10× (bound: loop ÷ floor = 40×), "
                + "float64 150× (bound: loop ÷ floor = 300×) — NOT met",
            "batched ≤ 3× a batch gradient: worst 2.90× (W1 B=256 float64) — met",
            "into a reused buffer ≤ 2× the floor for B ≥ 1024, ≤ 3× at B = 256, 1 thread: 2 of 3 cases; "
                + "missed: W1 B=1024 float32 4.00× (forward alone 1.20×) — NOT met",
            "into a reused buffer ≤ 2× the floor for B ≥ 1024, ≤ 3× at B = 256, 2 threads: worst 2.00× (W1 B=256 float64) — met",
        ])
        // Every target met, one thread only.
        let good = [result(.w1, 1024, .float64, loop: 120, batched: 1, floor: 0.6, gradient: 0.5, forward: 0.1)]
        #expect(ScoreBenchmark.targetSummary(good) == [
            "batched ≥ 100× the per-sample loop at B = 1024 on W1: float64 120× (bound: loop ÷ floor = 200×) — met",
            "batched ≤ 3× a batch gradient: worst 2.00× (W1 B=1024 float64) — met",
            "into a reused buffer ≤ 2× the floor for B ≥ 1024, ≤ 3× at B = 256, 1 thread: worst 1.67× (W1 B=1024 float64) — met",
        ])
        // Without W1 at B = 1024 or any floor-target batch size, only the gradient line remains.
        #expect(ScoreBenchmark.targetSummary([result(.w2, 32, .float32, loop: 1, batched: 0.1, floor: 0.01, gradient: 0.01, forward: 0.01),
                                              result(.w2, 32, .float64, loop: 1, batched: 0.02, floor: 0.01, gradient: 0.01, forward: 0.01)])
                == ["batched ≤ 3× a batch gradient: 1 of 2 cases; missed: W2 B=32 float32 10× (floor alone 1.00×) — NOT met"])
        #expect(ScoreBenchmark.targetSummary([]).isEmpty)
    }
}
