import NAC
import NACMPI
#if canImport(Glibc)
import Glibc
#endif

// Data-parallel natural-gradient benchmark (run in release under mpirun -np 1 and -np 2):
// the W1 policy (P = 5708), B = 1024 samples per rank, Double. Every time reported is the
// maximum over ranks of the median over repetitions; "all-reduce" is time inside MPI
// collectives (waiting for the slowest rank included), "compute" the rest.
//
//   mpirun -np 2 .build/release/NACMPIBench [repetitions]

let mpi = try MPIEnvironment.initialize()
let world = mpi.world
let repetitions = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 3
let batch = 1024

@MainActor func median(_ x: [Double]) -> Double { let s = x.sorted(); return s[s.count / 2] }
@MainActor func slowest(_ x: Double) -> Double { (try? world.allReduce(x, .maximum)) ?? .nan }
@MainActor func report(_ line: String) { if world.isRoot { print(line); fflush(nil) } }

/// Runs `body` `repetitions` times after a barrier; returns (median total, median communication)
/// seconds, each the maximum over ranks.
@MainActor func measure(_ body: () throws -> Void) rethrows -> (total: Double, communication: Double, bytes: Int) {
    var totals: [Double] = [], comms: [Double] = [], bytes = 0
    for _ in 0..<repetitions {
        try? world.barrier()
        let before = world.statistics
        let start = MPIEnvironment.wallTime()
        try body()
        totals.append(MPIEnvironment.wallTime() - start)
        let d = world.statistics.since(before)
        comms.append(d.seconds)
        bytes = d.bytes
    }
    return (slowest(median(totals)), slowest(median(comms)), bytes)
}

let bench = ScoreBenchmarkCase<Double>(workload: .w1, batchSize: batch, seed: RankSeed.seed(20240607, rank: world.rank))
let p = bench.policy.parameterCount
report("NACMPIBench: W1 P = \(p), B = \(batch) per rank, \(world.size) process(es), \(repetitions) repetitions, Double")

var psi = bench.makeScoreBuffer()
bench.batchedScores(into: &psi)    // warm-up
let scoring = measure { bench.batchedScores(into: &psi) }
report(String(format: "scoring: %.3f s per batch, %.0f scored samples/s in all", scoring.total,
              Double(batch * world.size) / scoring.total))

var rng = world.generator(seed: 1)
let advantages = (0..<batch).map { _ in rng.normal(Double.self) }
let system = try FisherSystem(scores: psi, advantages: advantages, damping: 1e-3)

do {
    let r = try measure { _ = try world.solveExplicitFisher(system) }
    report(String(format: "explicit Fisher update: %.3f s (all-reduce %.3f s of %.1f MB, compute %.3f s)",
                  r.total, r.communication, Double(r.bytes) / 1e6, r.total - r.communication))
} catch {
    world.abort("explicit route failed: \(error)")
}
do {
    let options = ConjugateGradientOptions<Double>(maximumIterations: 10)
    let r = try measure { _ = try world.solveConjugateGradient(system, options: options) }
    report(String(format: "CG (10 iterations, explicit Ψ) update: %.4f s (all-reduce %.4f s of %.3f MB, compute %.4f s)",
                  r.total, r.communication, Double(r.bytes) / 1e6, r.total - r.communication))
    let theta = bench.policy.parameters
    let inputs = [bench.observations, bench.actions.engineInput]
    let e = try measure {
        _ = try world.naturalGradientByConjugateGradient(bench.policy.logProbability, at: theta, inputs: inputs,
                                                         advantages: advantages, damping: 1e-3, options: options)
    }
    report(String(format: "engine CG (10 iterations, matrix-free) update: %.3f s (all-reduce %.4f s, compute %.3f s), %.0f samples/s",
                  e.total, e.communication, e.total - e.communication, Double(batch * world.size) / e.total))
} catch {
    world.abort("CG route failed: \(error)")
}

// The collectives alone, after a barrier (no load imbalance).
var big = [Double](repeating: 1, count: p * p)
let bigTime = measure { try? world.allReduce(&big) }
var small = [Double](repeating: 1, count: p)
let smallRuns = 50
let smallTime = measure { for _ in 0..<smallRuns { try? world.allReduce(&small) } }
report(String(format: "all-reduce alone: P×P = %.1f MB in %.3f s (%.2f GB/s algorithmic); P = %.1f kB in %.1f µs",
              Double(p * p * 8) / 1e6, bigTime.total, Double(p * p * 8) / bigTime.total / 1e9,
              Double(p * 8) / 1e3, smallTime.total / Double(smallRuns) * 1e6))
try mpi.finalize()
