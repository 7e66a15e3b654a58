/// y_b = x(b, i_b): one column per row (the taken action's logit or log-probability).
///
///     ẏ_b = ẋ(b, i_b)       x̄(b, i_b) += ȳ_b (zero elsewhere)       x̄̇(b, i_b) += ȳ̇_b
struct GatherOperation<Scalar: NACScalar>: TapeOperation {
    let input: Int
    let indices: [Int]
    let columns: Int
    var name: String { "gather" }

    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func pullback(_ node: Int, _ context: ReverseContext<Scalar>) {
        guard let ybar = context.adjoint(node) else { return }
        scatter(ybar, context: context, tangent: false)
        if context.carriesTangents, let ybarDot = context.adjointTangent(node) {
            scatter(ybarDot, context: context, tangent: true)
        }
    }

    private func scatter(_ v: Block<Scalar>, context: ReverseContext<Scalar>, tangent: Bool) {
        guard context.wantsAdjoint(input) else { return }
        let rows = v.rows
        if context.adjointRows(input) == rows {
            let d = context.destination(input, tangent: tangent)
            indices.withUnsafeBufferPointer { idx in
                Scalar.scatterColumns(v.base, vStride: 1, rows: rows, columns: columns, indices: idx.baseAddress!,
                                      zeroFirst: d.fresh, into: d.base, outRowStride: d.rowStride)
            }
        } else {
            let t = Block<Scalar>(uninitializedRows: rows, columns: columns)
            indices.withUnsafeBufferPointer { idx in
                Scalar.scatterColumns(v.base, vStride: 1, rows: rows, columns: columns, indices: idx.baseAddress!,
                                      zeroFirst: true, into: t.base, outRowStride: columns)
            }
            context.accumulate(t.operand, rows: rows, columns: columns, into: input, tangent: tangent)
        }
    }
}

extension Tape {
    /// Column `indices[b]` of row b, for every row: rows × 1. `indices` has one entry per row of
    /// the current evaluation (slice per-sample side data with `tape.rows`).
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func gather(_ x: Variable<Scalar>, columns indices: [Int]) -> Variable<Scalar> {
        precondition(x.tape === self, "Tape.gather: the input belongs to another tape")
        let n = nodes[x.index], v = n.value
        precondition(n.isBatched, "Tape.gather: input \(x.shapeDescription) must be batched")
        precondition(indices.count == v.rows,
                     "Tape.gather: \(indices.count) indices for an input of \(v.rows) rows")
        for (r, i) in indices.enumerated() {
            precondition(i >= 0 && i < v.columns, "Tape.gather: index \(i) in row \(r) outside \(v.columns) columns")
        }
        func gathered(_ b: Block<Scalar>) -> Block<Scalar> {
            let y = Block<Scalar>(uninitializedRows: v.rows, columns: 1)
            indices.withUnsafeBufferPointer { idx in
                Scalar.gatherColumns(b.base, rows: v.rows, rowStride: v.columns, indices: idx.baseAddress!, into: y.base)
            }
            return y
        }
        let xi = x.index
        let rule: TangentRule<Scalar> = { tape in tape.nodes[xi].tangent.map(gathered) }
        return record(gathered(v), tangent: rule(self), batched: true, inputs: [x.index],
                      operation: GatherOperation(input: x.index, indices: indices, columns: v.columns),
                      tangentRule: rule)
    }
}

extension Variable {
    /// Column `indices[b]` of row b: see `Tape.gather`.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func gather(columns indices: [Int]) -> Variable { tape.gather(self, columns: indices) }
}
