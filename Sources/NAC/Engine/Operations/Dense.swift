/// y = x Wᵀ + b: a batch (B × in, or one unbatched row) times a parameter matrix W [out, in],
/// plus an optional parameter bias b [out].
///
///     tangent            ẏ = ẋ Wᵀ + x Ẇᵀ + ḃ
///     adjoint            x̄ = ȳ W                     x̄̇ = ȳ̇ W + ȳ Ẇ
///     summed             W̄ = ȳᵀ x (one gemm)         b̄ = Σ_b ȳ_b
///     per sample         W̄_b = ȳ_bᵀ ⊗ x_b, b̄_b = ȳ_b, written straight into row b of the Jacobian
///     forward-over-reverse  W̄̇_b = ȳ̇_bᵀ ⊗ x_b + ȳ_bᵀ ⊗ ẋ_b
struct DenseOperation<Scalar: NACScalar>: TapeOperation {
    let input: Int
    let weight: Int
    let bias: Int?
    let inputs: Int, outputs: Int
    var name: String { "dense" }

    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func pullback(_ node: Int, _ context: ReverseContext<Scalar>) {
        let tape = context.tape
        guard let ybar = context.adjoint(node) else { return }
        let ybarDot = context.adjointTangent(node)
        let x = tape.nodes[input], w = tape.nodes[weight]
        let rows = ybar.rows
        let xRowStride = x.value.rows == 1 && rows > 1 ? 0 : inputs
        let carries = context.carriesTangents

        // x̄ = ȳ W; x̄̇ = ȳ̇ W + ȳ Ẇ.
        if context.wantsAdjoint(input) {
            let d = context.destination(input, tangent: false)
            Scalar.gemm(.none, .none, m: rows, n: inputs, k: outputs, alpha: 1, a: ybar.base, lda: outputs,
                        b: w.value.base, ldb: inputs, beta: d.fresh ? 0 : 1, c: d.base, ldc: d.rowStride)
            if carries && (ybarDot != nil || w.tangent != nil) {
                let dt = context.destination(input, tangent: true)
                var beta: Scalar = dt.fresh ? 0 : 1
                if let ybarDot {
                    Scalar.gemm(.none, .none, m: rows, n: inputs, k: outputs, alpha: 1, a: ybarDot.base, lda: outputs,
                                b: w.value.base, ldb: inputs, beta: beta, c: dt.base, ldc: dt.rowStride)
                    beta = 1
                }
                if let wDot = w.tangent {
                    Scalar.gemm(.none, .none, m: rows, n: inputs, k: outputs, alpha: 1, a: ybar.base, lda: outputs,
                                b: wDot.base, ldb: inputs, beta: beta, c: dt.base, ldc: dt.rowStride)
                }
            }
        }

        // W̄.
        let xDot = x.tangent
        switch context.mode {
        case .reduced:
            let d = context.destination(weight, tangent: false)
            Scalar.gemm(.transposed, .none, m: outputs, n: inputs, k: rows, alpha: 1, a: ybar.base, lda: outputs,
                        b: x.value.base, ldb: xRowStride == 0 ? 0 : inputs, beta: 1, c: d.base, ldc: inputs)
            if carries && (ybarDot != nil || xDot != nil) {
                let dt = context.destination(weight, tangent: true)
                if let ybarDot {
                    Scalar.gemm(.transposed, .none, m: outputs, n: inputs, k: rows, alpha: 1, a: ybarDot.base,
                                lda: outputs, b: x.value.base, ldb: inputs, beta: 1, c: dt.base, ldc: inputs)
                }
                if let xDot {
                    Scalar.gemm(.transposed, .none, m: outputs, n: inputs, k: rows, alpha: 1, a: ybar.base,
                                lda: outputs, b: xDot.base, ldb: inputs, beta: 1, c: dt.base, ldc: inputs)
                }
            }
        case .perSample:
            if let sink = context.factorSink, case .parameter(let slice) = w.leaf {
                // Factored: keep ȳ and x (O(B × (out + in))) instead of writing B outer products.
                sink.recordDenseFactor(slice: slice, signal: ybar, input: x.value, inputRowStride: xRowStride)
                break
            }
            let d = context.destination(weight, tangent: false)
            Scalar.outerProductRows(rows: rows, m: outputs, n: inputs, alpha: 1, u: ybar.base, uRowStride: outputs,
                                    v: x.value.base, vRowStride: xRowStride, accumulate: !d.fresh,
                                    streaming: context.streamsJacobian, into: d.base, dstRowStride: d.rowStride)
            if carries && (ybarDot != nil || xDot != nil) {
                let dt = context.destination(weight, tangent: true)
                var accumulate = !dt.fresh
                if let ybarDot {
                    Scalar.outerProductRows(rows: rows, m: outputs, n: inputs, u: ybarDot.base, uRowStride: outputs,
                                            v: x.value.base, vRowStride: xRowStride, accumulate: accumulate,
                                            into: dt.base, dstRowStride: dt.rowStride)
                    accumulate = true
                }
                if let xDot {
                    Scalar.outerProductRows(rows: rows, m: outputs, n: inputs, u: ybar.base, uRowStride: outputs,
                                            v: xDot.base, vRowStride: xDot.rows == 1 && rows > 1 ? 0 : inputs,
                                            accumulate: accumulate, into: dt.base, dstRowStride: dt.rowStride)
                }
            }
        }

        // b̄ = ȳ (summed over the batch in the reduced mode).
        if let bias {
            context.accumulate(ybar.operand, rows: rows, columns: outputs, into: bias, tangent: false)
            if carries, let ybarDot {
                context.accumulate(ybarDot.operand, rows: rows, columns: outputs, into: bias, tangent: true)
            }
        }
    }
}

extension Tape {
    /// y = x Wᵀ + b, the dense (fully connected) layer, with W = θ[weight] of shape [out, in]
    /// (row-major) and b = θ[bias] of length out.
    /// - Complexity: 2 · rows · in · out flops forward; the per-sample reverse mode writes
    ///   rows · (in + 1) · out Jacobian entries, one multiply each.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func dense(_ x: Variable<Scalar>, weight: ParameterSlice, bias: ParameterSlice? = nil) -> Variable<Scalar> {
        precondition(x.tape === self, "Tape.dense: the input belongs to another tape")
        precondition(weight.columns == x.columns,
                     "Tape.dense: input is \(x.shapeDescription) but the weight is \(weight.rows) × \(weight.columns) [out, in]")
        precondition(x.isBatched || x.rows == 1, "Tape.dense: an unbatched input must be one row, got \(x.shapeDescription)")
        if let bias {
            precondition(bias.count == weight.rows,
                         "Tape.dense: weight is \(weight.rows) × \(weight.columns) but the bias has \(bias.count) elements")
        }
        let w = parameter(weight)
        let b = bias.map { parameter($0) }
        let xNode = nodes[x.index], wNode = nodes[w.index]
        let rows = xNode.value.rows, n = weight.columns, m = weight.rows
        let y = Block<Scalar>(uninitializedRows: rows, columns: m)
        if let b {
            Scalar.copy(StridedOperand(nodes[b.index].value.base, rowStride: 0), rows: rows, columns: m,
                        accumulate: false, into: y.base, outRowStride: m)
        }
        Scalar.gemm(.none, .transposed, m: rows, n: m, k: n, alpha: 1, a: xNode.value.base, lda: n,
                    b: wNode.value.base, ldb: n, beta: b == nil ? 0 : 1, c: y.base, ldc: m)
        // ẏ = ẋ Wᵀ + x Ẇᵀ + ḃ
        let (xi, wi, bi) = (x.index, w.index, b?.index)
        let rule: TangentRule<Scalar> = { tape in
            let xNode = tape.nodes[xi], wNode = tape.nodes[wi]
            let bDot = bi.flatMap { tape.nodes[$0].tangent }
            guard xNode.tangent != nil || wNode.tangent != nil || bDot != nil else { return nil }
            let t = Block<Scalar>(zerosRows: rows, columns: m)
            if let bDot {
                Scalar.copy(StridedOperand(bDot.base, rowStride: 0), rows: rows, columns: m,
                            accumulate: false, into: t.base, outRowStride: m)
            }
            if let xDot = xNode.tangent {
                Scalar.gemm(.none, .transposed, m: rows, n: m, k: n, alpha: 1, a: xDot.base, lda: n,
                            b: wNode.value.base, ldb: n, beta: 1, c: t.base, ldc: m)
            }
            if let wDot = wNode.tangent {
                Scalar.gemm(.none, .transposed, m: rows, n: m, k: n, alpha: 1, a: xNode.value.base, lda: n,
                            b: wDot.base, ldb: n, beta: 1, c: t.base, ldc: m)
            }
            return t
        }
        var inputs = [x.index, w.index]
        if let b { inputs.append(b.index) }
        return record(y, tangent: rule(self), batched: xNode.isBatched, inputs: inputs,
                      operation: DenseOperation(input: x.index, weight: w.index, bias: b?.index,
                                                inputs: n, outputs: m), tangentRule: rule)
    }
}
