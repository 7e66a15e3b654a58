/// y = f(x) elementwise, for the functions of `UnaryFunction`.
///
///     tangent    ẏ = f′(x) ẋ
///     adjoint    x̄ = ȳ f′(x)
///     adjoint-tangent (forward-over-reverse)   x̄̇ = ȳ̇ f′(x) + ȳ f″(x) ẋ
///
/// The forward pass stores f′(x) and, when x carries a tangent, (f′(x))˙ = f″(x) ẋ.
struct ElementwiseOperation<Scalar: NACScalar>: TapeOperation {
    let function: UnaryFunction
    let input: Int
    let derivative: Block<Scalar>
    let derivativeTangent: Block<Scalar>?
    var name: String { function.description }

    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func pullback(_ node: Int, _ context: ReverseContext<Scalar>) {
        guard let ybar = context.adjoint(node) else { return }
        let rows = ybar.rows, columns = ybar.columns
        let d = derivative.operand(rows: rows, columns: columns)
        context.accumulateProduct(ybar.operand, d, rows: rows, columns: columns, into: input, tangent: false)
        guard context.carriesTangents else { return }
        if let ybarDot = context.adjointTangent(node) {
            context.accumulateProduct(ybarDot.operand, d, rows: rows, columns: columns, into: input, tangent: true)
        }
        if let derivativeTangent {
            context.accumulateProduct(ybar.operand, derivativeTangent.operand(rows: rows, columns: columns),
                                      rows: rows, columns: columns, into: input, tangent: true)
        }
    }
}

extension Tape {
    /// y = f(x) elementwise.
    /// - Complexity: O(rows · columns).
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func apply(_ function: UnaryFunction, _ x: Variable<Scalar>) -> Variable<Scalar> {
        precondition(x.tape === self, "Tape.apply: the input belongs to another tape")
        let xNode = nodes[x.index]
        let v = xNode.value
        let y = Block<Scalar>(uninitializedRows: v.rows, columns: v.columns)
        let d1 = Block<Scalar>(uninitializedRows: v.rows, columns: v.columns)
        var tangent: Block<Scalar>?, d1Tangent: Block<Scalar>?
        if let xDot = xNode.tangent {
            let d2 = Block<Scalar>(uninitializedRows: v.rows, columns: v.columns)
            Scalar.evaluate(function, x: v.base, count: v.count, value: y.base,
                            firstDerivative: d1.base, secondDerivative: d2.base)
            let t = Block<Scalar>(uninitializedRows: v.rows, columns: v.columns)
            Scalar.broadcast(.multiply, d1.operand, xDot.operand, rows: v.rows, columns: v.columns,
                             accumulate: false, into: t.base, outRowStride: v.columns)
            // (f′(x))˙ = f″(x) ẋ, in place of f″.
            Scalar.broadcast(.multiply, d2.operand, xDot.operand, rows: v.rows, columns: v.columns,
                             accumulate: false, into: d2.base, outRowStride: v.columns)
            tangent = t
            d1Tangent = d2
        } else {
            Scalar.evaluate(function, x: v.base, count: v.count, value: y.base, firstDerivative: d1.base)
        }
        let xi = x.index
        let rule: TangentRule<Scalar> = { tape in
            tape.nodes[xi].tangent.map { xDot in
                let t = Block<Scalar>(uninitializedRows: v.rows, columns: v.columns)
                Scalar.broadcast(.multiply, d1.operand, xDot.operand, rows: v.rows, columns: v.columns,
                                 accumulate: false, into: t.base, outRowStride: v.columns)
                return t
            }
        }
        return record(y, tangent: tangent, batched: xNode.isBatched, inputs: [x.index],
                      operation: ElementwiseOperation(function: function, input: x.index,
                                                      derivative: d1, derivativeTangent: d1Tangent),
                      tangentRule: rule)
    }
}

extension Variable {
    public func exp() -> Variable { tape.apply(.exp, self) }
    public func log() -> Variable { tape.apply(.log, self) }
    /// log(1 + x).
    public func log1p() -> Variable { tape.apply(.log1p, self) }
    public func sqrt() -> Variable { tape.apply(.sqrt, self) }
    public func squared() -> Variable { tape.apply(.square, self) }
    /// x^p for a constant p.
    public func power(_ p: Double) -> Variable { tape.apply(.power(p), self) }
    public func tanh() -> Variable { tape.apply(.tanh, self) }
    public func sigmoid() -> Variable { tape.apply(.sigmoid, self) }
    public func relu() -> Variable { tape.apply(.relu, self) }
    public func softplus() -> Variable { tape.apply(.softplus, self) }
    public func sin() -> Variable { tape.apply(.sin, self) }
    public func cos() -> Variable { tape.apply(.cos, self) }
    /// 1 / x.
    public func reciprocal() -> Variable { tape.apply(.reciprocal, self) }
    public static prefix func - (x: Variable) -> Variable { x.tape.apply(.negate, x) }
}
