import NAC

extension Communicator {
    /// Data-parallel route 4: conjugate gradient whose Fisher-vector products are all-reduced.
    ///
    /// Each rank supplies its unnormalised local sums: `localGradientSum` = Σ_{b∈r} ω_b Â_b ψ_b,
    /// `localTotalWeight` = Σ_{b∈r} ω_b, and `localFisherVectorProductSum(v)` =
    /// Σ_{b∈r} ω_b ψ_b (ψ_bᵀ v). One all-reduce of P + 1 scalars gives g and Σω; each CG
    /// iteration all-reduces one P-vector, so every rank iterates on
    ///
    ///     F v = Σ_r (Σ_{b∈r} ω_b ψ_b ψ_bᵀ v) / Σω + λ v,
    ///
    /// the union's operator. The ranks run identical iterations on identical reduced vectors
    /// (this assumes the same binary and BLAS on every host, so that local dot products round
    /// alike; the iteration counts are checked afterwards), and rank 0's w is broadcast.
    ///
    /// - Parameters:
    ///   - localFisherVectorProductSum: v ↦ Σ_{b∈r} ω_b ψ_b ψ_bᵀ v (P values; damping excluded).
    /// - Throws: `.naturalGradient` for CG failures (the same on every rank), `.communication`.
    /// - Complexity: per iteration one local product and one all-reduce of P scalars
    ///   (45.7 kB for P = 5708 in Double); `maximumIterations` + 1 (+1 with `verifyResidual`)
    ///   all-reduces in all.
    public func solveConjugateGradient<S: NACScalar>(
        localGradientSum: [S], localTotalWeight: S, damping: S,
        options: ConjugateGradientOptions<S> = .init(),
        localFisherVectorProductSum: (_ v: [S]) -> [S]
    ) throws(DataParallelError) -> NaturalGradientSolution<S> {
        let p = localGradientSum.count
        try requireSameShape(parameterCount: p, damping: Double(damping))
        var moment = localGradientSum
        moment.append(localTotalWeight)
        do { try allReduce(&moment) } catch { throw .communication(error) }
        let total = moment.removeLast()
        guard total > 0 else { throw .naturalGradient(.zeroTotalWeight) }
        let inverse = 1 / total
        let g = moment.map { $0 * inverse }
        var failure: MPIError? = nil
        var solution: NaturalGradientSolution<S>
        do throws(NaturalGradientError) {
            solution = try ConjugateGradient.solve(gradient: g, damping: damping, options: options) { v in
                guard failure == nil else { return [S](repeating: .nan, count: p) }
                var y = localFisherVectorProductSum(v)
                precondition(y.count == p, "solveConjugateGradient: the local product returned \(y.count) values for P = \(p)")
                do throws(MPIError) {
                    try allReduce(&y)
                } catch {
                    failure = error
                    return [S](repeating: .nan, count: p)
                }
                for i in y.indices { y[i] *= inverse }
                return y
            }
        } catch {
            if let failure { throw .communication(failure) }
            throw .naturalGradient(error)
        }
        do {
            try requireSameOnAllRanks(Double(solution.diagnostics.iterations ?? 0), "the CG iteration count")
        } catch {
            throw .communication(error)
        }
        try broadcastUpdate(&solution.w)
        return solution
    }

    /// Data-parallel CG on this rank's explicit scores: the local sums come from `local`'s
    /// matrix-free product Ψᵀ(ω ⊙ Ψv) (two gemv, 4 B_r P flops per iteration).
    /// - Throws: as `solveConjugateGradient(localGradientSum:…)`.
    public func solveConjugateGradient<S: NACScalar>(
        _ local: FisherSystem<S>, options: ConjugateGradientOptions<S> = .init()
    ) throws(DataParallelError) -> NaturalGradientSolution<S> {
        let total = local.totalWeight
        return try solveConjugateGradient(
            localGradientSum: local.gradient().map { $0 * total }, localTotalWeight: total, damping: local.damping,
            options: options
        ) { v in
            local.fisherVectorProduct(v, includingDamping: false).map { $0 * total }
        }
    }

    /// Data-parallel, matrix-free natural gradient on the engine: like
    /// `DifferentiableFunction.naturalGradientByConjugateGradient`, with each rank's batch in
    /// `inputs` (B_r rows) and the Fisher-vector products and g all-reduced — Ψ is never formed
    /// on any rank.
    ///
    /// Local validation (finite advantages and weights, non-negative weights, a non-empty batch)
    /// is agreed on by all ranks before any other collective, so a rank with bad data makes
    /// every rank throw (`.failedOnOtherRank` on the others) instead of hanging. A rank whose
    /// weights are all zero is allowed (it contributes nothing) as long as Σω over ranks > 0.
    /// - Complexity: one gradient and ≤ `maximumIterations` (+1) engine Fisher-vector products
    ///   per rank on B_r samples, plus one P-scalar all-reduce per product.
    public func naturalGradientByConjugateGradient<S: NACScalar>(
        _ function: DifferentiableFunction<S>, at theta: [S], inputs: [Matrix<S>], advantages: [S],
        sampleWeights: [S]? = nil, damping: S, options: ConjugateGradientOptions<S> = .init()
    ) throws(DataParallelError) -> NaturalGradientSolution<S> {
        let b = inputs.first?.rows ?? 0
        precondition(advantages.count == b, "naturalGradientByConjugateGradient: \(advantages.count) advantages for a batch of \(b)")
        if let sampleWeights {
            precondition(sampleWeights.count == b,
                         "naturalGradientByConjugateGradient: \(sampleWeights.count) weights for a batch of \(b)")
        }
        var localError: NaturalGradientError? = nil
        var total: S = 0
        if b == 0 { localError = .emptyBatch }
        if !(damping.isFinite && damping >= 0) { localError = .invalidDamping(Double(damping)) }
        for i in 0..<b where localError == nil {
            let w = sampleWeights?[i] ?? 1
            if !advantages[i].isFinite { localError = .nonFiniteAdvantage(sample: i) }
            else if !w.isFinite { localError = .nonFiniteWeight(sample: i) }
            else if w < 0 { localError = .negativeWeight(sample: i, value: Double(w)) }
            total += w
        }
        try agree(localError)
        let gradientSum: [S]
        if total > 0 {
            let seed = Matrix<S>(rows: b, columns: 1, elements: (0..<b).map { (sampleWeights?[$0] ?? 1) * advantages[$0] })
            gradientSum = function.gradient(at: theta, inputs: inputs, outputWeights: seed).parameters
        } else {
            gradientSum = [S](repeating: 0, count: function.parameterCount)
        }
        return try solveConjugateGradient(
            localGradientSum: gradientSum, localTotalWeight: total, damping: damping, options: options
        ) { v in
            guard total > 0 else { return [S](repeating: 0, count: v.count) }
            return function.fisherVectorProduct(at: theta, inputs: inputs, vector: v, sampleWeights: sampleWeights)
                .map { $0 * total }
        }
    }
}
