internal import CNACMPI
import NAC

extension Communicator {
    // MARK: All-reduce

    /// Replaces `buffer` on every rank by the element-wise reduction (default Σ) over all ranks
    /// (`MPI_Allreduce` with `MPI_IN_PLACE`, no copy; chunked above 2²⁶ elements).
    ///
    /// - Precondition: every rank passes the same `buffer.count` (MPI cannot check it; a
    ///   mismatch is undefined behaviour in MPI).
    /// - Throws: `.callFailed(call: "MPI_Allreduce", …)`.
    /// - Complexity: for n elements on p ranks, about 2n(p−1)/p elements sent and received per
    ///   rank (ring or recursive-halving algorithms) plus log p latencies.
    public func allReduce<S: NACScalar>(_ buffer: inout [S], _ operation: ReductionOperation = .sum) throws(MPIError) {
        let count = buffer.count
        try buffer.withUnsafeMutableBufferPointer { (p) throws(MPIError) in
            guard let base = p.baseAddress else { return }
            try allReduce(base, count: count, datatype: mpiDatatype(S.self),
                          elementBytes: MemoryLayout<S>.stride, operation)
        }
    }

    /// `allReduce(_:_:)` on a matrix's elements.
    public func allReduce<S: NACScalar>(_ matrix: inout Matrix<S>, _ operation: ReductionOperation = .sum) throws(MPIError) {
        let count = matrix.count
        try matrix.withUnsafeMutableBufferPointer { (p) throws(MPIError) in
            guard let base = p.baseAddress else { return }
            try allReduce(base, count: count, datatype: mpiDatatype(S.self),
                          elementBytes: MemoryLayout<S>.stride, operation)
        }
    }

    /// The reduction of one scalar over all ranks.
    public func allReduce<S: NACScalar>(_ value: S, _ operation: ReductionOperation = .sum) throws(MPIError) -> S {
        // Through a pointer to a local, not a one-element array: with `[value]`, release builds
        // (Swift 6.3, -O) returned `value` unreduced.
        var result = value
        try withUnsafeMutablePointer(to: &result) { (p) throws(MPIError) in
            try allReduce(p, count: 1, datatype: mpiDatatype(S.self), elementBytes: MemoryLayout<S>.stride, operation)
        }
        return result
    }

    /// Reduction of raw 64-bit patterns (max/min), for exact identity checks.
    func allReduce(bitPatterns buffer: inout [UInt64], _ operation: ReductionOperation) throws(MPIError) {
        let count = buffer.count
        try buffer.withUnsafeMutableBufferPointer { (p) throws(MPIError) in
            guard let base = p.baseAddress else { return }
            try allReduce(base, count: count, datatype: nac_mpi_uint64(), elementBytes: 8, operation)
        }
    }

    private func allReduce<T>(
        _ base: UnsafeMutablePointer<T>, count: Int, datatype: MPI_Datatype, elementBytes: Int,
        _ operation: ReductionOperation
    ) throws(MPIError) {
        var offset = 0
        while offset < count {
            let n = Swift.min(maximumElementsPerCall, count - offset)
            try timed(bytes: n * elementBytes) { () throws(MPIError) in
                try check(MPI_Allreduce(nac_mpi_in_place(), base + offset, Int32(n), datatype, operation.handle, handle),
                          "MPI_Allreduce")
            }
            offset += n
        }
    }

    // MARK: Broadcast

    /// Makes `values` on every rank a copy of `values` on rank `root` (`MPI_Bcast`): first the
    /// length (other ranks' arrays are resized), then the elements — typically parameters after
    /// an update, so that every rank holds bit-identical θ.
    /// - Precondition: `0 <= root < size`.
    /// - Throws: `.callFailed(call: "MPI_Bcast", …)`.
    /// - Complexity: one small and one n-element broadcast (log p latencies, n elements per link).
    public func broadcast<S: NACScalar>(_ values: inout [S], from root: Int = 0) throws(MPIError) {
        precondition(root >= 0 && root < size, "Communicator.broadcast: root \(root) outside 0..<\(size)")
        var length = [UInt64(values.count)]
        try length.withUnsafeMutableBufferPointer { (p) throws(MPIError) in
            try timed(bytes: 8) { () throws(MPIError) in
                try check(MPI_Bcast(p.baseAddress!, 1, nac_mpi_uint64(), Int32(root), handle), "MPI_Bcast")
            }
        }
        let count = Int(length[0])
        if values.count != count { values = [S](repeating: 0, count: count) }
        let datatype = mpiDatatype(S.self)
        try values.withUnsafeMutableBufferPointer { (p) throws(MPIError) in
            guard let base = p.baseAddress else { return }
            var offset = 0
            while offset < count {
                let n = Swift.min(maximumElementsPerCall, count - offset)
                try timed(bytes: n * MemoryLayout<S>.stride) { () throws(MPIError) in
                    try check(MPI_Bcast(base + offset, Int32(n), datatype, Int32(root), handle), "MPI_Bcast")
                }
                offset += n
            }
        }
    }

    // MARK: Gather

    /// Collects every rank's `values` (any length, for example the returns of the episodes a
    /// rank finished) on rank `root`: `MPI_Gather` of the lengths, then `MPI_Gatherv`.
    ///
    /// - Returns: on `root`, the arrays of ranks 0..<size in rank order; `nil` on other ranks.
    /// - Precondition: `0 <= root < size`; each rank sends fewer than 2³¹ elements and the total
    ///   is below 2³¹.
    /// - Throws: `.callFailed(call: "MPI_Gather" or "MPI_Gatherv", …)`.
    public func gather<S: NACScalar>(_ values: [S], to root: Int = 0) throws(MPIError) -> [[S]]? {
        precondition(root >= 0 && root < size, "Communicator.gather: root \(root) outside 0..<\(size)")
        precondition(values.count < Int(Int32.max), "Communicator.gather: \(values.count) elements on rank \(rank)")
        var myCount = [Int32(values.count)]
        var counts = [Int32](repeating: 0, count: rank == root ? size : 1)
        try myCount.withUnsafeMutableBufferPointer { (pc) throws(MPIError) in
            try counts.withUnsafeMutableBufferPointer { (pa) throws(MPIError) in
                try timed(bytes: 4) { () throws(MPIError) in
                    try check(MPI_Gather(pc.baseAddress!, 1, nac_mpi_int32(), pa.baseAddress!, 1, nac_mpi_int32(),
                                         Int32(root), handle), "MPI_Gather")
                }
            }
        }
        var displacements = [Int32](repeating: 0, count: counts.count)
        var total = 0
        if rank == root {
            for i in 0..<size {
                displacements[i] = Int32(total)
                total += Int(counts[i])
            }
            precondition(total < Int(Int32.max), "Communicator.gather: \(total) elements in all")
        }
        var received = [S](repeating: 0, count: Swift.max(total, 1))
        let datatype = mpiDatatype(S.self)
        var send = values.isEmpty ? [S(0)] : values
        try send.withUnsafeMutableBufferPointer { (ps) throws(MPIError) in
            try received.withUnsafeMutableBufferPointer { (pr) throws(MPIError) in
                try counts.withUnsafeMutableBufferPointer { (pc) throws(MPIError) in
                    try displacements.withUnsafeMutableBufferPointer { (pd) throws(MPIError) in
                        try timed(bytes: values.count * MemoryLayout<S>.stride) { () throws(MPIError) in
                            try check(MPI_Gatherv(ps.baseAddress!, Int32(values.count), datatype, pr.baseAddress!,
                                                  pc.baseAddress!, pd.baseAddress!, datatype, Int32(root), handle),
                                      "MPI_Gatherv")
                        }
                    }
                }
            }
        }
        guard rank == root else { return nil }
        return (0..<size).map { i in
            let start = Int(displacements[i])
            return Array(received[start..<start + Int(counts[i])])
        }
    }

    // MARK: Consistency checks

    /// Whether `values` is bit-for-bit the same on every rank (same length, same bit patterns,
    /// NaNs and signed zeros included): one all-reduce of max and one of min over the bit
    /// patterns. Every rank gets the same answer.
    /// - Complexity: two all-reduces of n + 1 64-bit words.
    public func isIdenticalOnAllRanks<S: NACScalar>(_ values: [S]) throws(MPIError) -> Bool {
        var length = [UInt64(values.count)]
        var lengthMin = length
        try allReduce(bitPatterns: &length, .maximum)
        try allReduce(bitPatterns: &lengthMin, .minimum)
        guard length == lengthMin else { return false }
        let bits: [UInt64] = values.map { v in
            if let d = v as? Double { return d.bitPattern }
            return UInt64((v as! Float).bitPattern)
        }
        var high = bits, low = bits
        try allReduce(bitPatterns: &high, .maximum)
        try allReduce(bitPatterns: &low, .minimum)
        return high == low
    }

    /// Throws `.inconsistentAcrossRanks` unless `value` is the same on every rank (collective).
    public func requireSameOnAllRanks(_ value: Double, _ what: String) throws(MPIError) {
        var high = [value.bitPattern], low = [value.bitPattern]
        try allReduce(bitPatterns: &high, .maximum)
        try allReduce(bitPatterns: &low, .minimum)
        if high != low {
            throw .inconsistentAcrossRanks(what: what, minimum: Double(bitPattern: low[0]),
                                           maximum: Double(bitPattern: high[0]))
        }
    }
}
