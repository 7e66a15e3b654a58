import NAC

extension Communicator {
    /// Makes every rank agree on whether a local step failed, so that no rank enters a
    /// collective that another will never reach: one all-reduce (min) of "first failing rank".
    ///
    /// - Throws: on a failing rank, its own error wrapped as `.naturalGradient`; on the others,
    ///   `.failedOnOtherRank(rank:)` naming the lowest failing rank; `.communication` if the
    ///   all-reduce itself fails.
    func agree(_ localError: NaturalGradientError?) throws(DataParallelError) {
        let flag = Double(localError == nil ? size : rank)
        let first: Double
        do { first = try allReduce(flag, .minimum) } catch { throw .communication(error) }
        if let localError { throw .naturalGradient(localError) }
        if Int(first) < size { throw .failedOnOtherRank(rank: Int(first)) }
    }

    /// Throws `.communication(.inconsistentAcrossRanks)` unless P and λ match on every rank.
    func requireSameShape(parameterCount: Int, damping: Double) throws(DataParallelError) {
        do {
            try requireSameOnAllRanks(Double(parameterCount), "the parameter count P")
            try requireSameOnAllRanks(damping, "the damping λ")
        } catch {
            throw .communication(error)
        }
    }

    /// Broadcasts `w` from rank 0 so that every rank applies bit-identical updates, even on
    /// hosts whose BLAS kernels round differently.
    func broadcastUpdate<S: NACScalar>(_ w: inout [S]) throws(DataParallelError) {
        do { try broadcast(&w, from: 0) } catch { throw .communication(error) }
    }
}
