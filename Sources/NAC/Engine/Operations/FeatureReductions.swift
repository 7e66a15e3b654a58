/// y = α Σ_c x(·, c): the sum (α = 1) or mean (α = 1/n) along the feature axis, one column out.
///
///     ẏ = α Σ_c ẋ        x̄ = α ȳ (repeated over the columns)        x̄̇ = α ȳ̇
struct SumFeaturesOperation<Scalar: NACScalar>: TapeOperation {
    let input: Int
    let scale: Scalar
    let columns: Int
    var name: String { "sum along features" }

    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func pullback(_ node: Int, _ context: ReverseContext<Scalar>) {
        guard let ybar = context.adjoint(node) else { return }
        let rows = ybar.rows
        context.accumulate(StridedOperand(ybar.base, rowStride: 1, columnStride: 0), rows: rows,
                           columns: columns, alpha: scale, into: input, tangent: false)
        if context.carriesTangents, let ybarDot = context.adjointTangent(node) {
            context.accumulate(StridedOperand(ybarDot.base, rowStride: 1, columnStride: 0), rows: rows,
                               columns: columns, alpha: scale, into: input, tangent: true)
        }
    }
}

/// y = log Σ_c exp x(·, c), one column out, with p = softmax(x) stored.
///
///     ẏ = Σ_c p ⊙ ẋ       x̄ = ȳ p       x̄̇ = ȳ̇ p + ȳ ṗ,   ṗ = p ⊙ (ẋ − ẏ)
struct LogSumExpOperation<Scalar: NACScalar>: TapeOperation {
    let input: Int
    let softmax: Block<Scalar>
    let softmaxTangent: Block<Scalar>?
    var name: String { "logsumexp" }

    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func pullback(_ node: Int, _ context: ReverseContext<Scalar>) {
        guard let ybar = context.adjoint(node) else { return }
        let rows = ybar.rows, columns = softmax.columns
        let spread = StridedOperand(UnsafePointer(ybar.base), rowStride: 1, columnStride: 0)
        let p = softmax.operand(rows: rows, columns: columns)
        context.accumulateProduct(spread, p, rows: rows, columns: columns, into: input, tangent: false)
        guard context.carriesTangents else { return }
        if let ybarDot = context.adjointTangent(node) {
            context.accumulateProduct(StridedOperand(UnsafePointer(ybarDot.base), rowStride: 1, columnStride: 0), p,
                                      rows: rows, columns: columns, into: input, tangent: true)
        }
        if let softmaxTangent {
            context.accumulateProduct(spread, softmaxTangent.operand(rows: rows, columns: columns),
                                      rows: rows, columns: columns, into: input, tangent: true)
        }
    }
}

extension Tape {
    /// The sum along the feature axis: rows × 1.
    public func sumAlongFeatures(_ x: Variable<Scalar>) -> Variable<Scalar> { reduceFeatures(x, scale: 1) }

    /// The mean along the feature axis: rows × 1.
    public func meanAlongFeatures(_ x: Variable<Scalar>) -> Variable<Scalar> {
        reduceFeatures(x, scale: 1 / Scalar(x.columns))
    }

    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    private func reduceFeatures(_ x: Variable<Scalar>, scale: Scalar) -> Variable<Scalar> {
        precondition(x.tape === self, "Tape.sumAlongFeatures: the input belongs to another tape")
        let n = nodes[x.index], v = n.value
        let y = Block<Scalar>(uninitializedRows: v.rows, columns: 1)
        Scalar.sumRows(v.base, rows: v.rows, columns: v.columns, rowStride: v.columns, alpha: scale,
                       accumulate: false, into: y.base, outStride: 1)
        let (xi, rows, columns) = (x.index, v.rows, v.columns)
        let rule: TangentRule<Scalar> = { tape in
            tape.nodes[xi].tangent.map { t -> Block<Scalar> in
                let b = Block<Scalar>(uninitializedRows: rows, columns: 1)
                Scalar.sumRows(t.base, rows: rows, columns: columns, rowStride: columns, alpha: scale,
                               accumulate: false, into: b.base, outStride: 1)
                return b
            }
        }
        return record(y, tangent: rule(self), batched: n.isBatched, inputs: [x.index],
                      operation: SumFeaturesOperation(input: x.index, scale: scale, columns: v.columns),
                      tangentRule: rule)
    }

    /// log Σ_c exp x(·, c) along the feature axis, computed stably: rows × 1.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func logSumExp(_ x: Variable<Scalar>) -> Variable<Scalar> {
        precondition(x.tape === self, "Tape.logSumExp: the input belongs to another tape")
        let n = nodes[x.index], v = n.value
        let y = Block<Scalar>(uninitializedRows: v.rows, columns: 1)
        let p = Block<Scalar>(uninitializedRows: v.rows, columns: v.columns)
        Scalar.logSumExpRows(v.base, rows: v.rows, columns: v.columns, rowStride: v.columns,
                             into: y.base, softmax: p.base)
        var tangent: Block<Scalar>?, pDot: Block<Scalar>?
        if let xDot = n.tangent {
            // ẏ = Σ p ẋ;  ṗ = p ⊙ (ẋ − ẏ)
            let t = Block<Scalar>(uninitializedRows: v.rows, columns: 1)
            let pd = Block<Scalar>(uninitializedRows: v.rows, columns: v.columns)
            Scalar.broadcast(.multiply, p.operand, xDot.operand, rows: v.rows, columns: v.columns,
                             accumulate: false, into: pd.base, outRowStride: v.columns)
            Scalar.sumRows(pd.base, rows: v.rows, columns: v.columns, rowStride: v.columns,
                           accumulate: false, into: t.base, outStride: 1)
            Scalar.broadcast(.subtract, xDot.operand, StridedOperand(UnsafePointer(t.base), rowStride: 1, columnStride: 0),
                             rows: v.rows, columns: v.columns, accumulate: false, into: pd.base, outRowStride: v.columns)
            Scalar.broadcast(.multiply, p.operand, pd.operand, rows: v.rows, columns: v.columns,
                             accumulate: false, into: pd.base, outRowStride: v.columns)
            tangent = t
            pDot = pd
        }
        // First-order rule for re-sweeps: ẏ = Σ_c p ⊙ ẋ.
        let (xi, rows, columns) = (x.index, v.rows, v.columns)
        let rule: TangentRule<Scalar> = { tape in
            tape.nodes[xi].tangent.map { xDot -> Block<Scalar> in
                let products = Block<Scalar>(uninitializedRows: rows, columns: columns)
                Scalar.broadcast(.multiply, p.operand, xDot.operand, rows: rows, columns: columns,
                                 accumulate: false, into: products.base, outRowStride: columns)
                let t = Block<Scalar>(uninitializedRows: rows, columns: 1)
                Scalar.sumRows(products.base, rows: rows, columns: columns, rowStride: columns,
                               accumulate: false, into: t.base, outStride: 1)
                return t
            }
        }
        return record(y, tangent: tangent, batched: n.isBatched, inputs: [x.index],
                      operation: LogSumExpOperation(input: x.index, softmax: p, softmaxTangent: pDot),
                      tangentRule: rule)
    }

    /// log softmax along the feature axis: x − logsumexp(x).
    public func logSoftmax(_ x: Variable<Scalar>) -> Variable<Scalar> {
        x - logSumExp(x)
    }
}

extension Variable {
    public func sumAlongFeatures() -> Variable { tape.sumAlongFeatures(self) }
    public func meanAlongFeatures() -> Variable { tape.meanAlongFeatures(self) }
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func logSumExp() -> Variable { tape.logSumExp(self) }
    public func logSoftmax() -> Variable { tape.logSoftmax(self) }
}
