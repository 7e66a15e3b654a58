import NAC

extension Communicator {
    /// Data-parallel route 1: the explicit Fisher matrix from all-reduced sums.
    ///
    /// Each rank holds its own samples in `local` (B_r × P). With S_r = Σ_{b∈r} ω_b ψ_b ψ_bᵀ,
    /// m_r = Σ_{b∈r} ω_b Â_b ψ_b and W_r = Σ_{b∈r} ω_b, one all-reduce gives
    ///
    ///     F = Σ_r S_r / Σ_r W_r + λ I,    g = Σ_r m_r / Σ_r W_r,
    ///
    /// exactly the system of the union of all ranks' samples; every rank factorises it
    /// (Cholesky) and rank 0's w is broadcast so that all ranks return bit-identical w.
    ///
    /// Call on every rank with the same P and λ (checked). A local `FisherSystem` that fails to
    /// build must not skip the call silently — abort the job instead (`abort(_:)`).
    ///
    /// - Returns: w with the reduced system's diagnostics (`conditionEstimate`, and the
    ///   residual ‖F w − g‖/‖g‖ of the reduced F).
    /// - Throws: `.naturalGradient(.notPositiveDefinite / .illConditioned / .nonFiniteSolution)`
    ///   on every rank alike; `.communication` for MPI failures or mismatched P or λ.
    /// - Complexity: local B_r P² (syrk); all-reduce of P² + P + 1 scalars (P = 5708 in Double:
    ///   260 MB); P³/3 (potrf) on every rank; memory 3 P² scalars (sums, F, factor).
    public func solveExplicitFisher<S: NACScalar>(
        _ local: FisherSystem<S>, minimumReciprocalCondition: S = S.ulpOfOne
    ) throws(DataParallelError) -> NaturalGradientSolution<S> {
        try requireSameShape(parameterCount: local.parameterCount, damping: Double(local.damping))
        let undamped: FisherSystem<S>
        do {
            undamped = try FisherSystem(scores: local.scores, advantages: local.advantages,
                                        weights: local.weights, damping: 0)
        } catch {
            throw .naturalGradient(error)    // cannot happen: `local` was validated already
        }
        var scatter = undamped.fisherMatrix()               // S_r / W_r
        let total = local.totalWeight
        scatter.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] *= total } }
        var moment = local.gradient().map { $0 * total }     // m_r
        moment.append(total)
        return try solveExplicitFisher(localScatter: &scatter, localMomentAndWeight: moment, damping: local.damping,
                                       minimumReciprocalCondition: minimumReciprocalCondition)
    }

    /// The core of the explicit data-parallel route, on sums a caller formed itself (for
    /// example chunk by chunk, without holding Ψ): `localScatter` = Σ ω ψψᵀ (P × P, symmetric,
    /// overwritten by the all-reduced sum), `localMomentAndWeight` = [Σ ω Â ψ ; Σ ω] (P + 1).
    ///
    /// - Precondition: `localScatter` is P × P and `localMomentAndWeight` has P + 1 elements.
    /// - Throws: as `solveExplicitFisher(_:minimumReciprocalCondition:)`, and
    ///   `.naturalGradient(.zeroTotalWeight)` when Σ_r W_r = 0.
    public func solveExplicitFisher<S: NACScalar>(
        localScatter: inout Matrix<S>, localMomentAndWeight: [S], damping: S,
        minimumReciprocalCondition: S = S.ulpOfOne
    ) throws(DataParallelError) -> NaturalGradientSolution<S> {
        let p = localScatter.rows
        precondition(localScatter.columns == p && localMomentAndWeight.count == p + 1,
                     "solveExplicitFisher: scatter is \(localScatter.rows) × \(localScatter.columns), moment and weight have \(localMomentAndWeight.count) elements (expected P + 1)")
        try requireSameShape(parameterCount: p, damping: Double(damping))
        guard damping.isFinite, damping >= 0 else { throw .naturalGradient(.invalidDamping(Double(damping))) }
        var moment = localMomentAndWeight
        do {
            try allReduce(&moment)
            try allReduce(&localScatter)
        } catch {
            throw .communication(error)
        }
        let total = moment.removeLast()
        guard total > 0 else { throw .naturalGradient(.zeroTotalWeight) }
        let inverse = 1 / total
        localScatter.withUnsafeMutableBufferPointer { f in for i in f.indices { f[i] *= inverse } }
        localScatter.addToDiagonal(damping)
        let g = moment.map { $0 * inverse }
        let factor: CholeskyFactorization<S>
        do {
            factor = try CholeskyFactorization(localScatter)
        } catch {
            switch error {
            case .notPositiveDefinite(let order):
                throw .naturalGradient(.notPositiveDefinite(route: .explicitFisher, order: order))
            case .nonFiniteInput(_, let row, _):
                throw .naturalGradient(.nonFiniteInput(argument: "all-reduced Fisher matrix", index: row))
            default:
                throw .naturalGradient(.illConditioned(route: .explicitFisher, reciprocalCondition: 0))
            }
        }
        let rcond = factor.reciprocalConditionEstimate
        guard rcond >= minimumReciprocalCondition else {
            throw .naturalGradient(.illConditioned(route: .explicitFisher, reciprocalCondition: Double(rcond)))
        }
        var w = factor.solve(g)
        guard w.allSatisfy({ $0.isFinite }) else { throw .naturalGradient(.nonFiniteSolution(route: .explicitFisher)) }
        try broadcastUpdate(&w)
        var r = localScatter.multiplied(by: w)
        for i in r.indices { r[i] -= g[i] }
        let gNorm = euclideanNorm(g), rNorm = euclideanNorm(r)
        let diagnostics = FisherSolveDiagnostics(
            route: .explicitFisher, damping: damping, relativeResidual: gNorm > 0 ? rNorm / gNorm : rNorm,
            conditionEstimate: rcond > 0 ? 1 / rcond : .infinity)
        return NaturalGradientSolution(w: w, gradient: g, diagnostics: diagnostics)
    }
}

/// ‖x‖₂ (plain loop; vectors here have P elements).
func euclideanNorm<S: NACScalar>(_ x: [S]) -> S {
    var s: S = 0
    for v in x { s += v * v }
    return s.squareRoot()
}
