/// y = α Σ_b x(b, ·): the sum (α = 1) or mean (α = 1/B) over the batch axis, one unbatched row out.
/// It mixes samples, so the per-sample modes refuse any computation that contains it.
///
///     ẏ = α Σ_b ẋ_b         x̄_b = α ȳ         x̄̇_b = α ȳ̇
struct SumBatchOperation<Scalar: NACScalar>: TapeOperation {
    let input: Int
    let scale: Scalar
    let rows: Int, columns: Int
    let label: String
    var name: String { label }
    var mixesSamples: Bool { true }

    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func pullback(_ node: Int, _ context: ReverseContext<Scalar>) {
        guard let ybar = context.adjoint(node) else { return }
        context.accumulate(StridedOperand(ybar.base, rowStride: 0), rows: rows, columns: columns,
                           alpha: scale, into: input, tangent: false)
        if context.carriesTangents, let ybarDot = context.adjointTangent(node) {
            context.accumulate(StridedOperand(ybarDot.base, rowStride: 0), rows: rows, columns: columns,
                               alpha: scale, into: input, tangent: true)
        }
    }
}

extension Tape {
    /// The sum over the batch axis (1 × columns, unbatched). Mixes samples: not allowed in
    /// per-sample modes.
    public func sumOverBatch(_ x: Variable<Scalar>) -> Variable<Scalar> { reduceBatch(x, mean: false) }

    /// The mean over the batch axis (1 × columns, unbatched). Mixes samples: not allowed in
    /// per-sample modes.
    public func meanOverBatch(_ x: Variable<Scalar>) -> Variable<Scalar> { reduceBatch(x, mean: true) }

    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    private func reduceBatch(_ x: Variable<Scalar>, mean: Bool) -> Variable<Scalar> {
        precondition(x.tape === self, "Tape.sumOverBatch: the input belongs to another tape")
        let n = nodes[x.index], v = n.value
        precondition(n.isBatched, "Tape.\(mean ? "meanOverBatch" : "sumOverBatch"): input \(x.shapeDescription) is not batched")
        let scale: Scalar = mean ? 1 / Scalar(v.rows) : 1
        let y = Block<Scalar>(uninitializedRows: 1, columns: v.columns)
        Scalar.sumColumns(v.base, rows: v.rows, columns: v.columns, rowStride: v.columns, alpha: scale,
                          accumulate: false, into: y.base)
        let (xi, rows, columns) = (x.index, v.rows, v.columns)
        let rule: TangentRule<Scalar> = { tape in
            tape.nodes[xi].tangent.map { t -> Block<Scalar> in
                let b = Block<Scalar>(uninitializedRows: 1, columns: columns)
                Scalar.sumColumns(t.base, rows: rows, columns: columns, rowStride: columns, alpha: scale,
                                  accumulate: false, into: b.base)
                return b
            }
        }
        return record(y, tangent: rule(self), batched: false, inputs: [x.index],
                      operation: SumBatchOperation(input: x.index, scale: scale, rows: v.rows, columns: v.columns,
                                                   label: mean ? "mean over batch" : "sum over batch"),
                      tangentRule: rule)
    }
}
