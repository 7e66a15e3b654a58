import NAC

extension Communicator {
    /// Route 3 (the B × B kernel K = Ψ_ω Ψ_ωᵀ + λI) is **not** data-parallel: K couples every
    /// pair of samples, including samples held by different ranks, so it is not a sum of
    /// per-rank terms and cannot be all-reduced. This entry point therefore always throws
    /// `.routeNotDistributable(route: .kernel, …)`; use `solveExplicitFisher(_:)` or
    /// `solveConjugateGradient(_:)` (identical w for λ > 0), or gather Ψ explicitly with
    /// `solveKernelGatheringScores(_:)`.
    public func solveKernel<S: NACScalar>(_ local: FisherSystem<S>) throws(DataParallelError) -> NaturalGradientSolution<S> {
        throw .routeNotDistributable(
            route: .kernel,
            reason: "K = Ψ_ω Ψ_ωᵀ + λI (B × B) couples samples of different ranks and is not a sum over ranks; "
                + "use the explicit-Fisher or conjugate-gradient route, or gather Ψ with solveKernelGatheringScores(_:)")
    }

    /// The kernel route on the union of all ranks' samples, by gathering every rank's Ψ, Â and
    /// ω on rank 0 (opt-in: it moves B·P scalars to one process, e.g. 2 × 1024 × 5708 Double =
    /// 93.5 MB for two W1 ranks, and rank 0 needs the whole B × P matrix). Rank 0 solves and
    /// broadcasts w and g; the other ranks get the same w, g and residual.
    ///
    /// - Throws: `.naturalGradient` (on rank 0) or `.rootFailed` (on the others) when the kernel
    ///   solve fails; `.communication`.
    /// - Complexity: gather of B_r (P + 2) scalars per rank; on rank 0 B²P + B³/3 flops with
    ///   B = Σ_r B_r; broadcast of 2P + 1 scalars.
    public func solveKernelGatheringScores<S: NACScalar>(
        _ local: FisherSystem<S>, minimumReciprocalCondition: S = S.ulpOfOne
    ) throws(DataParallelError) -> NaturalGradientSolution<S> {
        let p = local.parameterCount
        try requireSameShape(parameterCount: p, damping: Double(local.damping))
        let gatheredScores: [[S]]?, gatheredAdvantages: [[S]]?, gatheredWeights: [[S]]?
        do {
            gatheredScores = try gather(local.scores.elements)
            gatheredAdvantages = try gather(local.advantages)
            gatheredWeights = try gather(local.weights ?? [S](repeating: 1, count: local.sampleCount))
        } catch {
            throw .communication(error)
        }
        var payload: [S] = []
        var rootError: NaturalGradientError? = nil
        var rootSolution: NaturalGradientSolution<S>? = nil
        if let gatheredScores, let gatheredAdvantages, let gatheredWeights {
            let scores = gatheredScores.flatMap { $0 }
            let advantages = gatheredAdvantages.flatMap { $0 }
            let weights = gatheredWeights.flatMap { $0 }
            do {
                let union = try FisherSystem(scores: Matrix(rows: advantages.count, columns: p, elements: scores),
                                             advantages: advantages, weights: weights, damping: local.damping)
                let solution = try union.solveKernel(minimumReciprocalCondition: minimumReciprocalCondition)
                payload = solution.w + solution.gradient + [solution.diagnostics.relativeResidual]
                rootSolution = solution
            } catch {
                rootError = error
            }
        }
        do { try broadcast(&payload, from: 0) } catch { throw .communication(error) }
        if let rootError { throw .naturalGradient(rootError) }
        if let rootSolution { return rootSolution }
        guard payload.count == 2 * p + 1 else { throw .rootFailed("the kernel solve on the gathered scores failed") }
        let diagnostics = FisherSolveDiagnostics(route: .kernel, damping: local.damping, relativeResidual: payload[2 * p])
        return NaturalGradientSolution(w: Array(payload[0..<p]), gradient: Array(payload[p..<(2 * p)]),
                                       diagnostics: diagnostics)
    }
}
