/// a + b, a − b and a ⊙ b with broadcasting: an operand with one row repeats over the batch, an
/// operand with one column repeats over the features (a 1 × 1 operand over both).
///
///     add/subtract   ẏ = ȧ ± ḃ            ā = Σ ȳ,  b̄ = ± Σ ȳ   (Σ over the broadcast axes)
///     multiply       ẏ = ȧ ⊙ b + a ⊙ ḃ    ā = Σ ȳ ⊙ b,  ā̇ = Σ (ȳ̇ ⊙ b + ȳ ⊙ ḃ), and symmetrically
///
/// Division is a ⊙ (1/b), so its rules follow from these and `reciprocal`.
struct BroadcastOperation<Scalar: NACScalar>: TapeOperation {
    let op: BinaryOperator
    let lhs: Int, rhs: Int
    var name: String {
        switch op {
        case .add: "add"
        case .subtract: "subtract"
        case .multiply: "multiply"
        case .divide: "divide"
        }
    }

    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func pullback(_ node: Int, _ context: ReverseContext<Scalar>) {
        guard let ybar = context.adjoint(node) else { return }
        let ybarDot = context.carriesTangents ? context.adjointTangent(node) : nil
        let rows = ybar.rows, columns = ybar.columns
        let tape = context.tape
        switch op {
        case .add, .subtract:
            context.accumulate(ybar.operand, rows: rows, columns: columns, into: lhs, tangent: false)
            context.accumulate(ybar.operand, rows: rows, columns: columns, alpha: op == .add ? 1 : -1,
                               into: rhs, tangent: false)
            if let ybarDot {
                context.accumulate(ybarDot.operand, rows: rows, columns: columns, into: lhs, tangent: true)
                context.accumulate(ybarDot.operand, rows: rows, columns: columns, alpha: op == .add ? 1 : -1,
                                   into: rhs, tangent: true)
            }
        case .multiply:
            for (target, other) in [(lhs, rhs), (rhs, lhs)] where context.wantsAdjoint(target) {
                let o = tape.nodes[other]
                let ov = o.value.operand(rows: rows, columns: columns)
                context.accumulateProduct(ybar.operand, ov, rows: rows, columns: columns, into: target, tangent: false)
                if let ybarDot {
                    context.accumulateProduct(ybarDot.operand, ov, rows: rows, columns: columns, into: target, tangent: true)
                }
                if context.carriesTangents, let oDot = o.tangent {
                    context.accumulateProduct(ybar.operand, oDot.operand(rows: rows, columns: columns),
                                              rows: rows, columns: columns, into: target, tangent: true)
                }
            }
        case .divide:
            preconditionFailure("divide is recorded as multiply by reciprocal")
        }
    }
}

extension Tape {
    /// a ∘ b with broadcasting of rows and columns of length 1.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func combine(_ op: BinaryOperator, _ a: Variable<Scalar>, _ b: Variable<Scalar>) -> Variable<Scalar> {
        precondition(a.tape === self && b.tape === self, "Tape.\(op): an operand belongs to another tape")
        if op == .divide { return combine(.multiply, a, apply(.reciprocal, b)) }
        let an = nodes[a.index], bn = nodes[b.index]
        for (v, n) in [(a, an), (b, bn)] where !n.isBatched {
            precondition(n.value.rows == 1,
                         "Tape.\(op): unbatched operand \(v.shapeDescription) must be one row (use dense for parameter matrices)")
        }
        let rows = Swift.max(an.value.rows, bn.value.rows)
        let columns = Swift.max(an.value.columns, bn.value.columns)
        precondition((an.value.rows == rows || an.value.rows == 1) && (bn.value.rows == rows || bn.value.rows == 1)
                     && (an.value.columns == columns || an.value.columns == 1)
                     && (bn.value.columns == columns || bn.value.columns == 1),
                     "Tape.\(op): shapes \(a.shapeDescription) and \(b.shapeDescription) do not broadcast")
        let y = Block<Scalar>(uninitializedRows: rows, columns: columns)
        Scalar.broadcast(op, an.value.operand(rows: rows, columns: columns), bn.value.operand(rows: rows, columns: columns),
                         rows: rows, columns: columns, accumulate: false, into: y.base, outRowStride: columns)
        let (ai, bi) = (a.index, b.index)
        let rule: TangentRule<Scalar> = { tape in
            let an = tape.nodes[ai], bn = tape.nodes[bi]
            guard an.tangent != nil || bn.tangent != nil else { return nil }
            let t = Block<Scalar>(zerosRows: rows, columns: columns)
            switch op {
            case .add, .subtract:
                if let ad = an.tangent {
                    Scalar.copy(ad.operand(rows: rows, columns: columns), rows: rows, columns: columns,
                                accumulate: true, into: t.base, outRowStride: columns)
                }
                if let bd = bn.tangent {
                    Scalar.copy(bd.operand(rows: rows, columns: columns), rows: rows, columns: columns,
                                alpha: op == .add ? 1 : -1, accumulate: true, into: t.base, outRowStride: columns)
                }
            case .multiply:
                if let ad = an.tangent {
                    Scalar.broadcast(.multiply, ad.operand(rows: rows, columns: columns),
                                     bn.value.operand(rows: rows, columns: columns), rows: rows, columns: columns,
                                     accumulate: true, into: t.base, outRowStride: columns)
                }
                if let bd = bn.tangent {
                    Scalar.broadcast(.multiply, an.value.operand(rows: rows, columns: columns),
                                     bd.operand(rows: rows, columns: columns), rows: rows, columns: columns,
                                     accumulate: true, into: t.base, outRowStride: columns)
                }
            case .divide:
                break
            }
            return t
        }
        return record(y, tangent: rule(self), batched: an.isBatched || bn.isBatched, inputs: [a.index, b.index],
                      operation: BroadcastOperation(op: op, lhs: a.index, rhs: b.index), tangentRule: rule)
    }
}

extension Variable {
    public static func + (a: Variable, b: Variable) -> Variable { a.tape.combine(.add, a, b) }
    public static func - (a: Variable, b: Variable) -> Variable { a.tape.combine(.subtract, a, b) }
    /// Elementwise product (with broadcasting).
    public static func * (a: Variable, b: Variable) -> Variable { a.tape.combine(.multiply, a, b) }
    /// Elementwise quotient (with broadcasting).
    public static func / (a: Variable, b: Variable) -> Variable { a.tape.combine(.divide, a, b) }

    public static func + (a: Variable, s: Scalar) -> Variable { a + a.tape.constant(s) }
    public static func + (s: Scalar, a: Variable) -> Variable { a.tape.constant(s) + a }
    public static func - (a: Variable, s: Scalar) -> Variable { a + (-s) }
    public static func - (s: Scalar, a: Variable) -> Variable { a.tape.constant(s) - a }
    public static func * (a: Variable, s: Scalar) -> Variable { a * a.tape.constant(s) }
    public static func * (s: Scalar, a: Variable) -> Variable { a.tape.constant(s) * a }
    public static func / (a: Variable, s: Scalar) -> Variable { a * a.tape.constant(1 / s) }
    public static func / (s: Scalar, a: Variable) -> Variable { a.tape.constant(s) * a.reciprocal() }
}
