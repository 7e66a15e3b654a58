import NAC

extension Communicator {
    /// LSTD-Q(λ) statistics pooled over all ranks: a copy of `local` whose A and b are
    /// Σ_r A_r and Σ_r b_r (one all-reduce of N² + N scalars), so that `solve(_:)` on the copy
    /// solves the system of every rank's transitions. Each rank keeps accumulating into its own
    /// `local` (traces never cross episodes, and episodes never cross ranks); pool again before
    /// each actor update, then `forget()` every local accumulator.
    ///
    /// The copy's tracked Sherman–Morrison inverse (if any) no longer matches A: call
    /// `refreshTrackedInverse()` on it before a `.trackedInverse` solve.
    /// - Throws: `.communication` (MPI failure, or N differs between ranks).
    /// - Complexity: all-reduce of N(N + 1) scalars.
    public func allReduced<S: NACScalar>(_ local: LSTDQAccumulator<S>) throws(DataParallelError) -> LSTDQAccumulator<S> {
        let n = local.size
        do { try requireSameOnAllRanks(Double(n), "the LSTD-Q feature count N") } catch { throw .communication(error) }
        var buffer = local.statistics.elements
        buffer.append(contentsOf: local.target)
        do { try allReduce(&buffer) } catch { throw .communication(error) }
        let a = Matrix(rows: n, columns: n, elements: Array(buffer[0..<(n * n)]))
        return local.replacingStatistics(a, target: Array(buffer[(n * n)...]))
    }
}
