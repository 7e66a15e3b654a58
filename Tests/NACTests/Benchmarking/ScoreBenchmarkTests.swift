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
        #expect(results.allSatisfy { $0.loopSamplesTimed == 2 && $0.isLoopExtrapolated && $0.batchedSeconds > 0 && $0.floorSeconds > 0 })
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
    }
}
