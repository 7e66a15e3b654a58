import NAC
import NACMPI

/// A random score matrix, advantages and weights (some zero) for the union of all ranks.
struct UnionBatch {
    let scores: Matrix<Double>
    let advantages: [Double]
    let weights: [Double]

    init(samples: Int, parameters: Int, seed: UInt64) {
        var g = Xoshiro256StarStar(seed: seed)
        scores = Matrix<Double>.randomNormal(rows: samples, columns: parameters, using: &g)
        advantages = (0..<samples).map { _ in g.normal(Double.self) }
        weights = (0..<samples).map { b in b % 7 == 3 ? 0 : g.uniform(Double.self) + 0.1 }
    }

    func local(_ rows: Range<Int>, weighted: Bool, damping: Double) throws -> FisherSystem<Double> {
        try FisherSystem(scores: scores.rows(rows), advantages: Array(advantages[rows]),
                         weights: weighted ? Array(weights[rows]) : nil, damping: damping)
    }

    func union(weighted: Bool, damping: Double) throws -> FisherSystem<Double> {
        try FisherSystem(scores: scores, advantages: advantages, weights: weighted ? weights : nil, damping: damping)
    }
}

func runAllTests(_ h: inout Harness) {
    let world = h.world
    let rank = world.rank, size = world.size

    // MARK: Collectives

    h.test("rank and size are consistent; gather collects ranks in order") {
        guard size >= 1, (0..<size).contains(rank) else { return "rank \(rank), size \(size)" }
        let all = try world.gather([Double(rank)])
        if world.isRoot, all != (0..<size).map({ [Double($0)] }) { return "gathered \(String(describing: all))" }
        if !world.isRoot, all != nil { return "non-root received a gather result" }
        return nil
    }

    h.test("all-reduce sum, max, min of Double and Float buffers in place") {
        var d = [Double(rank + 1), -Double(rank), 0.5]
        try world.allReduce(&d)
        let s = Double(size * (size + 1) / 2)
        guard d == [s, -Double(size * (size - 1) / 2), 0.5 * Double(size)] else { return "Double sum \(d)" }
        var f: [Float] = [Float(rank), 2]
        try world.allReduce(&f, .maximum)
        guard f == [Float(size - 1), 2] else { return "Float max \(f)" }
        var m = Matrix<Float>(rows: 2, columns: 1, elements: [Float(rank), 1])
        try world.allReduce(&m, .minimum)
        guard m.elements == [0, 1] else { return "Float matrix min \(m.elements)" }
        // The scalar form (release builds once returned the value unreduced).
        let scalar = try world.allReduce(Double(rank + 1))
        guard scalar == s else { return "scalar sum \(scalar), expected \(s)" }
        guard try world.allReduce(Float(rank), .maximum) == Float(size - 1) else { return "scalar Float max" }
        return nil
    }

    h.test("broadcast copies rank 0's parameters (resizing other ranks' arrays)") {
        var theta: [Double] = world.isRoot ? [1.5, -2, .pi] : [9]
        try world.broadcast(&theta)
        return theta == [1.5, -2, .pi] ? nil : "got \(theta)"
    }

    h.test("gather of episode returns with a different count per rank") {
        let returns = (0..<(rank + 1)).map { Double(10 * rank + $0) }
        let all = try world.gather(returns)
        guard world.isRoot else { return nil }
        let expected = (0..<size).map { r in (0..<(r + 1)).map { Double(10 * r + $0) } }
        return all == expected ? nil : "gathered \(String(describing: all))"
    }

    h.test("isIdenticalOnAllRanks detects equal and different values") {
        guard try world.isIdenticalOnAllRanks([1.0, -0.0, .nan]) else { return "identical arrays reported different" }
        if size > 1, try world.isIdenticalOnAllRanks([Double(rank)]) { return "different arrays reported identical" }
        if size > 1, try world.isIdenticalOnAllRanks([Double](repeating: 0, count: rank + 1)) { return "lengths differ" }
        return nil
    }

    h.test("rank seeds: reproducible from (seed, rank), different across ranks") {
        let seed = RankSeed.seed(42, rank: rank)
        guard seed == RankSeed.seed(42, rank: rank) else { return "not reproducible" }
        var g = world.generator(seed: 42)
        var direct = Xoshiro256StarStar(seed: seed)
        guard g.next() == direct.next() else { return "generator(seed:) differs" }
        let halves = [Double(seed >> 32), Double(seed & 0xffff_ffff)]
        let all = try world.gather(halves)
        guard let all else { return nil }
        let seeds = all.map { (UInt64($0[0]) << 32) | UInt64($0[1]) }
        guard Set(seeds).count == size else { return "seeds collide: \(seeds)" }
        guard seeds == (0..<size).map({ RankSeed.seed(42, rank: $0) }) else { return "seeds depend on more than (seed, rank)" }
        return nil
    }

    h.test("MPIError names the call and the code") {
        let e = MPIError(call: "MPI_Allreduce", code: 2)
        guard case .callFailed("MPI_Allreduce", 2, let message) = e, !message.isEmpty,
              e.description.contains("MPI_Allreduce"), e.description.contains("2") else { return "\(e)" }
        return nil
    }

    // MARK: Data-parallel natural gradients equal the single-process one on the union

    let totalSamples = 61 * size + 3     // uneven split
    let rows = ownedRows(total: totalSamples, rank: rank, size: size)
    let batch = UnionBatch(samples: totalSamples, parameters: 24, seed: 7)

    for weighted in [false, true] {
        let label = weighted ? "weighted" : "uniform weights"
        h.test("explicit Fisher route = single process on the union (\(label), 1e-10)") {
            let w = try world.solveExplicitFisher(batch.local(rows, weighted: weighted, damping: 1e-3))
            let reference = try batch.union(weighted: weighted, damping: 1e-3).solveExplicitFisher()
            return within("relative difference of w", relativeDifference(w.w, reference.w), 1e-10)
                ?? within("relative difference of g", relativeDifference(w.gradient, reference.gradient), 1e-10)
                ?? within("residual", w.diagnostics.relativeResidual, 1e-10)
        }
        h.test("conjugate-gradient route (all-reduced Fisher-vector products) = single process on the union (\(label), 1e-10)") {
            let options = ConjugateGradientOptions<Double>(maximumIterations: 200, relativeTolerance: 1e-14)
            let w = try world.solveConjugateGradient(batch.local(rows, weighted: weighted, damping: 1e-2), options: options)
            let union = try batch.union(weighted: weighted, damping: 1e-2)
            let reference = try union.solveConjugateGradient(options: options)
            let exact = try union.solveExplicitFisher()
            return within("relative difference to single-process CG", relativeDifference(w.w, reference.w), 1e-10)
                ?? within("relative difference to the union's explicit solve", relativeDifference(w.w, exact.w), 1e-10)
        }
    }

    h.test("engine conjugate gradient (matrix-free, policy log-likelihood) = single process on the union (1e-10)") {
        let bench = ScoreBenchmarkCase<Double>(workload: .w2, batchSize: totalSamples, seed: 11)
        let function = bench.policy.logProbability
        let theta = bench.policy.parameters
        let actions = bench.actions.engineInput
        let options = ConjugateGradientOptions<Double>(maximumIterations: 400, relativeTolerance: 1e-13)
        let advantages = batch.advantages, weights = batch.weights
        let w = try world.naturalGradientByConjugateGradient(
            function, at: theta, inputs: [bench.observations.rows(rows), actions.rows(rows)],
            advantages: Array(advantages[rows]), sampleWeights: Array(weights[rows]), damping: 1e-2, options: options)
        let reference = try function.naturalGradientByConjugateGradient(
            at: theta, inputs: [bench.observations, actions], advantages: advantages, sampleWeights: weights,
            damping: 1e-2, options: options)
        let psi = try bench.policy.scores(observations: bench.observations, actions: bench.actions)
        let exact = try FisherSystem(scores: psi, advantages: advantages, weights: weights, damping: 1e-2).solveExplicitFisher()
        return within("relative difference to single-process engine CG", relativeDifference(w.w, reference.w), 1e-10)
            ?? within("relative difference of g", relativeDifference(w.gradient, reference.gradient), 1e-10)
            ?? within("relative difference to the explicit solve on the union's Ψ", relativeDifference(w.w, exact.w), 1e-8)
    }

    h.test("LSTD-Q statistics all-reduced = single process on the union (1e-10)") {
        let episodes = lstdEpisodes(count: 4 * size + 1, n: 5, m: 3, seed: 5)
        func accumulator() throws -> LSTDQAccumulator<Double> {
            try LSTDQAccumulator<Double>(parameterCount: 5, featureCount: 3, discount: 0.95, traceDecay: 0.8)
        }
        var all = try accumulator(), mine = try accumulator()
        for (e, episode) in episodes.enumerated() {
            for t in episode { try all.observe(t) }
            if e % size == rank { for t in episode { try mine.observe(t) } }
        }
        let pooled = try world.allReduced(mine)
        let scale = all.statistics.elements.map(abs).max()!
        let aDiff = zip(pooled.statistics.elements, all.statistics.elements).map { abs($0 - $1) }.max()! / scale
        let wPooled = try pooled.solve(.ridge(1e-8)), wAll = try all.solve(.ridge(1e-8))
        return within("max |ΔA| / max |A|", aDiff, 1e-12)
            ?? within("relative difference of b", relativeDifference(pooled.target, all.target), 1e-12)
            ?? within("relative difference of [w; v]", relativeDifference(wPooled.w + wPooled.v, wAll.w + wAll.v), 1e-10)
    }

    h.test("kernel route is refused with a typed error; the explicit gather equals the union's kernel solve") {
        let local = try batch.local(rows, weighted: true, damping: 1e-3)
        do throws(DataParallelError) {
            _ = try world.solveKernel(local)
            return "solveKernel did not throw"
        } catch {
            guard case .routeNotDistributable(route: .kernel, _) = error else { return "threw \(error)" }
        }
        let gathered = try world.solveKernelGatheringScores(local)
        let reference = try batch.union(weighted: true, damping: 1e-3).solveKernel()
        return within("relative difference of w", relativeDifference(gathered.w, reference.w), 1e-10)
    }

    // MARK: Failure handling without hangs

    h.test("inconsistent P across ranks is a typed error on every rank") {
        guard size > 1 else { return nil }
        let p = 3 + rank
        do throws(DataParallelError) {
            _ = try world.solveConjugateGradient(localGradientSum: [Double](repeating: 1, count: p), localTotalWeight: 1,
                                                 damping: 0.1) { $0 }
            return "did not throw"
        } catch {
            guard case .communication(.inconsistentAcrossRanks) = error else { return "threw \(error)" }
            return nil
        }
    }

    h.test("bad data on one rank makes every rank throw (agreement), not hang") {
        guard size > 1 else { return nil }
        let bench = ScoreBenchmarkCase<Double>(workload: .w2, batchSize: 8, seed: 3)
        var advantages = [Double](repeating: 1, count: 8)
        if rank == size - 1 { advantages[2] = .nan }
        do throws(DataParallelError) {
            _ = try world.naturalGradientByConjugateGradient(
                bench.policy.logProbability, at: bench.policy.parameters,
                inputs: [bench.observations, bench.actions.engineInput], advantages: advantages, damping: 0.1)
            return "did not throw"
        } catch {
            if rank == size - 1 {
                guard case .naturalGradient(.nonFiniteAdvantage(sample: 2)) = error else { return "threw \(error)" }
            } else {
                guard case .failedOnOtherRank(rank: size - 1) = error else { return "threw \(error)" }
            }
            return nil
        }
    }

    // MARK: Parameters stay bit-identical across ranks through training steps

    h.test("parameters bit-identical on all ranks after every one of 6 natural-gradient updates") {
        let start = ScoreBenchmarkCase<Double>(workload: .w2, batchSize: 1, seed: 99)
        var policy = start.policy
        var rng = world.generator(seed: 2024)     // each rank draws its own experience
        for step in 0..<6 {
            let observations = Matrix<Double>.randomNormal(rows: 48, columns: policy.observationDimension, using: &rng)
            let actions = try policy.sample(observations: observations, using: &rng)
            let psi = try policy.scores(observations: observations, actions: actions)
            let advantages = (0..<48).map { _ in rng.normal(Double.self) }
            let system = try FisherSystem(scores: psi, advantages: advantages, damping: 1e-2)
            let w: [Double]
            if step % 2 == 0 {
                w = try world.solveExplicitFisher(system).w
            } else {
                w = try world.naturalGradientByConjugateGradient(
                    policy.logProbability, at: policy.parameters, inputs: [observations, actions.engineInput],
                    advantages: advantages, damping: 1e-2).w
            }
            let norm = w.map { $0 * $0 }.reduce(0, +).squareRoot()
            policy.parameters = zip(policy.parameters, w).map { $0 + 0.05 * $1 / max(norm, 1e-12) }
            guard try world.isIdenticalOnAllRanks(policy.parameters) else { return "parameters differ after update \(step + 1)" }
        }
        return try world.isIdenticalOnAllRanks(policy.parameters) && policy.parameters != start.policy.parameters
            ? nil : "parameters did not move or differ"
    }
}

/// Random LSTD-Q episodes (each ends terminated or truncated).
func lstdEpisodes(count: Int, n: Int, m: Int, seed: UInt64) -> [[CompatibleTransition<Double>]] {
    var g = Xoshiro256StarStar(seed: seed)
    return (0..<count).map { e in
        let length = 5 + (e * 7) % 11
        var features = (0..<m).map { _ in g.normal(Double.self) }
        return (0..<length).map { t in
            let last = t == length - 1
            let end: StepEnd = last ? (e % 2 == 0 ? .terminated : .truncated) : .continuing
            let next = (0..<m).map { _ in g.normal(Double.self) }
            defer { features = next }
            return CompatibleTransition(score: (0..<n).map { _ in g.normal(Double.self) }, features: features,
                                        reward: g.normal(Double.self), nextFeatures: end == .terminated ? nil : next,
                                        end: end)
        }
    }
}
