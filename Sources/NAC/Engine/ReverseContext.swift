/// The state of one reverse pass: adjoints (and, under forward-over-reverse, adjoint tangents)
/// per node, and where parameter adjoints go.
///
/// Adjoint shapes: a batched node's adjoint has B rows. An unbatched node's adjoint has one row
/// in the **reduced** mode (summed over the batch) and B rows in the **per-sample** mode (one
/// contribution per sample). Parameter adjoints are not stored per node: in the reduced mode they
/// are added to the gradient vector (P); in the per-sample mode they are written into the
/// caller's Jacobian rows (row b, columns of the parameter's slice), overwriting on the first
/// contribution and accumulating afterwards, so the Jacobian is never zero-filled first.
final class ReverseContext<Scalar: NACScalar> {
    enum Mode { case reduced, perSample }

    let tape: Tape<Scalar>
    let mode: Mode
    let carriesTangents: Bool
    private var adjoints: [Block<Scalar>?]
    private var adjointTangents: [Block<Scalar>?]

    /// Reduced: gradient (P). Per-sample: Jacobian rows (B × ≥P, row stride `targetRowStride`).
    private let target: UnsafeMutablePointer<Scalar>?
    private let tangentTarget: UnsafeMutablePointer<Scalar>?
    private let targetRowStride: Int
    /// Per-sample: whether each parameter leaf has been written (values / tangents).
    private var written: [Int: Bool] = [:]
    private var writtenTangent: [Int: Bool] = [:]
    /// Per-sample: parameter slices overlap, so the target was zeroed and every write accumulates.
    private let accumulateOnly: Bool
    /// Factored per-sample mode: dense-weight adjoints are recorded as factors and every other
    /// parameter adjoint goes to a per-leaf block, instead of into Jacobian rows.
    let factorSink: JacobianFactorSink<Scalar>?

    var batchSize: Int { tape.batchSize }

    /// Bytes of the whole Jacobian that this pass writes rows of (by chunks or threads), or nil
    /// when this pass writes a buffer of its own.
    private let jacobianBytes: Int?

    /// Per-sample mode with a Jacobian of `jacobianStreamingThresholdBytes` or more: write it with
    /// streaming (non-temporal) stores, which go straight to memory without first reading each
    /// line. Below that, ordinary stores into cache are faster (`LastLevelCache.streamingThresholdBytes`).
    /// The size is the whole Jacobian's when this pass writes part of one (`jacobianBytes`): rows
    /// written in chunks or by several threads do not stay in cache either.
    var streamsJacobian: Bool {
        mode == .perSample
            && (jacobianBytes ?? tape.batchSize * tape.parameters.count * MemoryLayout<Scalar>.stride)
                >= jacobianStreamingThresholdBytes
    }

    /// - Parameters:
    ///   - target: reduced mode: a zeroed gradient of P scalars; per-sample: the first Jacobian
    ///     row of this chunk (uninitialised is fine), rows `targetRowStride` apart.
    ///   - jacobianBytes: the size of the whole Jacobian when this chunk is part of one.
    init(tape: Tape<Scalar>, mode: Mode, carriesTangents: Bool,
         target: UnsafeMutablePointer<Scalar>?, tangentTarget: UnsafeMutablePointer<Scalar>?,
         targetRowStride: Int, factorSink: JacobianFactorSink<Scalar>? = nil, jacobianBytes: Int? = nil) {
        precondition(factorSink == nil || (mode == .perSample && !carriesTangents),
                     "ReverseContext: factors are recorded in the plain per-sample mode only")
        self.factorSink = factorSink
        self.tape = tape
        self.mode = mode
        self.carriesTangents = carriesTangents
        adjoints = Array(repeating: nil, count: tape.nodes.count)
        adjointTangents = Array(repeating: nil, count: tape.nodes.count)
        self.target = target
        self.tangentTarget = tangentTarget
        self.targetRowStride = targetRowStride
        self.jacobianBytes = jacobianBytes
        // Overlapping parameter slices (unusual) make first-write tracking ambiguous: zero first.
        let slices = tape.parameterLeaves.keys.sorted { $0.offset < $1.offset }
        var overlap = false
        for (a, b) in zip(slices, slices.dropFirst()) where a.offset + a.count > b.offset { overlap = true }
        accumulateOnly = overlap && mode == .perSample && factorSink == nil
        if accumulateOnly {
            for t in [target, tangentTarget] {
                guard let t else { continue }
                for b in 0..<tape.batchSize {
                    Scalar.fill(t + b * targetRowStride, count: tape.parameters.count, with: 0)
                }
            }
        }
    }

    /// Rows of the adjoint of `node`.
    func adjointRows(_ node: Int) -> Int {
        tape.nodes[node].isBatched || mode == .perSample ? tape.batchSize : 1
    }

    func adjoint(_ node: Int) -> Block<Scalar>? { adjoints[node] }
    func adjointTangent(_ node: Int) -> Block<Scalar>? { adjointTangents[node] }

    /// Seeds the output's adjoint and adjoint tangent, then runs every pullback in reverse order.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func run(output: Int, seed: Block<Scalar>, seedTangent: Block<Scalar>?) {
        // The output may be a parameter leaf itself (θ[slice] returned as is, unbatched, so only
        // in the reduced mode): no operation routes a leaf's adjoint, so add the seed directly.
        if mode == .reduced, case .parameter(let slice) = tape.nodes[output].leaf {
            for (t, s) in [(target, Optional(seed)), (tangentTarget, carriesTangents ? seedTangent : nil)] {
                guard let t, let s else { continue }
                for k in 0..<slice.count { t[slice.offset + k] += s.base[k] }
            }
            return
        }
        adjoints[output] = seed
        adjointTangents[output] = carriesTangents ? seedTangent : nil
        for i in stride(from: output, through: 0, by: -1) {
            let node = tape.nodes[i]
            guard node.needsAdjoint, let op = node.operation, adjoints[i] != nil else { continue }
            op.pullback(i, self)
            adjoints[i] = nil
            adjointTangents[i] = nil
        }
    }

    /// The accumulated adjoint (and tangent) of an input leaf after `run`.
    func leafAdjoint(_ node: Int) -> (Block<Scalar>?, Block<Scalar>?) { (adjoints[node], adjointTangents[node]) }

    // MARK: Destinations

    /// Where contributions to `node`'s adjoint (or adjoint tangent) are written: base, row
    /// stride, and whether the destination is still uninitialised (write, don't add).
    /// Reserves the destination: the caller must then write all of it.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func destination(_ node: Int, tangent: Bool) -> (base: UnsafeMutablePointer<Scalar>, rowStride: Int, fresh: Bool) {
        let n = tape.nodes[node]
        if case .parameter(let slice) = n.leaf {
            if let factorSink { return factorSink.explicitDestination(node, slice: slice, rows: tape.batchSize) }
            let t = tangent ? tangentTarget : target
            guard let t else { preconditionFailure("ReverseContext: no target for parameter adjoints") }
            switch mode {
            case .reduced:
                return (t + slice.offset, 0, false)
            case .perSample:
                if accumulateOnly { return (t + slice.offset, targetRowStride, false) }
                let fresh: Bool
                if tangent { fresh = !(writtenTangent[node] ?? false); writtenTangent[node] = true }
                else { fresh = !(written[node] ?? false); written[node] = true }
                return (t + slice.offset, targetRowStride, fresh)
            }
        }
        let rows = adjointRows(node)
        if tangent {
            if let b = adjointTangents[node] { return (b.base, b.columns, false) }
            let b = Block<Scalar>(uninitializedRows: rows, columns: n.value.columns)
            adjointTangents[node] = b
            return (b.base, b.columns, true)
        } else {
            if let b = adjoints[node] { return (b.base, b.columns, false) }
            let b = Block<Scalar>(uninitializedRows: rows, columns: n.value.columns)
            adjoints[node] = b
            return (b.base, b.columns, true)
        }
    }

    /// Whether contributions to `node` are wanted at all.
    func wantsAdjoint(_ node: Int) -> Bool { tape.nodes[node].needsAdjoint }

    // MARK: Accumulation with broadcast reduction

    /// Adds α · c to `node`'s adjoint (or adjoint tangent), where c is `rows × columns`
    /// (rows = the consumer's adjoint rows). Axes along which `node` was broadcast are summed:
    /// columns when `node` has one column, the batch when its adjoint has one row.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func accumulate(
        _ c: StridedOperand<Scalar>, rows: Int, columns: Int, alpha: Scalar = 1,
        into node: Int, tangent: Bool
    ) {
        guard wantsAdjoint(node) else { return }
        let nodeColumns = tape.nodes[node].value.columns
        let destRows = adjointRows(node)
        precondition(nodeColumns == columns || nodeColumns == 1,
                     "ReverseContext: contribution \(rows) × \(columns) to a node with \(nodeColumns) columns")
        precondition(destRows == rows || destRows == 1,
                     "ReverseContext: contribution \(rows) × \(columns) to an adjoint of \(destRows) rows")
        var source = c
        var sourceColumns = columns
        // Summed over the columns first when the node was broadcast along them; the block must
        // outlive the copies below.
        let columnSums: Block<Scalar>? = nodeColumns == 1 && columns > 1
            ? Block(uninitializedRows: rows, columns: 1) : nil
        if let columnSums {
            Scalar.sumRowsStrided(c, rows: rows, columns: columns, into: columnSums.base)
            source = columnSums.operand
            sourceColumns = 1
        }
        let d = destination(node, tangent: tangent)
        if destRows == 1 && rows > 1 {
            Scalar.sumColumnsStrided(source, rows: rows, columns: sourceColumns, alpha: alpha,
                                     accumulate: !d.fresh, into: d.base)
        } else {
            Scalar.copy(source, rows: rows, columns: sourceColumns, alpha: alpha, accumulate: !d.fresh,
                        into: d.base, outRowStride: d.rowStride)
        }
        withExtendedLifetime(columnSums) {}
    }

    /// Adds α · (a ⊙ b) to `node`'s adjoint (or adjoint tangent) with the same broadcast
    /// reduction as `accumulate`; fused into one pass when no reduction is needed.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func accumulateProduct(
        _ a: StridedOperand<Scalar>, _ b: StridedOperand<Scalar>, rows: Int, columns: Int,
        alpha: Scalar = 1, into node: Int, tangent: Bool
    ) {
        guard wantsAdjoint(node) else { return }
        let nodeColumns = tape.nodes[node].value.columns
        let destRows = adjointRows(node)
        if nodeColumns == columns && destRows == rows {
            let d = destination(node, tangent: tangent)
            Scalar.broadcast(.multiply, a, b, rows: rows, columns: columns, alpha: alpha,
                             accumulate: !d.fresh, into: d.base, outRowStride: d.rowStride)
        } else {
            let t = Block<Scalar>(uninitializedRows: rows, columns: columns)
            Scalar.broadcast(.multiply, a, b, rows: rows, columns: columns, alpha: alpha,
                             accumulate: false, into: t.base, outRowStride: columns)
            accumulate(t.operand, rows: rows, columns: columns, into: node, tangent: tangent)
        }
    }

    /// Per-sample mode: zeroes Jacobian columns (and tangent columns) that no parameter
    /// contribution reached, so every column of every row is defined.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func zeroUnwrittenColumns(parameterCount: Int) {
        guard mode == .perSample, !accumulateOnly, factorSink == nil else { return }
        for (t, flags) in [(target, written), (tangentTarget, writtenTangent)] {
            guard let t else { continue }
            // The written slices in order of offset; the gaps between them are zeroed (a few ranges,
            // not a pass over all P columns: this runs once per call, also for B = 1).
            let written = tape.parameterLeaves.compactMap { flags[$0.value] == true ? $0.key.range : nil }
                .sorted { $0.lowerBound < $1.lowerBound }
            var p = 0
            func zero(_ columns: Range<Int>) {
                guard !columns.isEmpty else { return }
                for b in 0..<tape.batchSize { Scalar.fill(t + b * targetRowStride + columns.lowerBound, count: columns.count, with: 0) }
            }
            for range in written {
                if range.lowerBound > p { zero(p..<range.lowerBound) }
                p = Swift.max(p, range.upperBound)
            }
            if p < parameterCount { zero(p..<parameterCount) }
        }
    }
}
