/// A user-defined differentiable operation y = f(x₁, …, xₙ), given by its primal, tangent and
/// adjoint rules. It composes with every engine mode, forward-over-reverse included: the adjoint
/// rule is written with `Dual` arithmetic, so the engine obtains the adjoint's tangent by
/// running the rule on inputs, output and output adjoint that carry their tangents.
///
/// Inputs are batched (B × nᵢ) or unbatched rows (1 × nᵢ); the output has B rows if any input
/// is batched, else one. Unless `mixesSamples`, row b of the output may depend only on row b of
/// each batched input.
///
/// ```swift
/// // y = x³ elementwise (a toy example; `power(3)` already exists)
/// let cube = CustomOperation<Double>(
///     name: "cube",
///     primal: { x in x[0].applying(.power(3)) },
///     tangent: { x, _, dx in Matrix(rows: x[0].rows, columns: x[0].columns, repeating: 3)
///                  .elementwiseMultiplied(by: x[0].applying(.square)).elementwiseMultiplied(by: dx[0]!) },
///     adjoint: { x, _, ybar in [ybar * x[0].applying(.square) * 3] })
/// let y = tape.apply(cube, [x])
/// ```
public struct CustomOperation<Scalar: NACScalar>: Sendable {
    /// Computes y from the input values.
    public typealias Primal = @Sendable (_ inputs: [Matrix<Scalar>]) -> Matrix<Scalar>
    /// Computes ẏ (linear in the tangents) from the inputs, the output and the input tangents
    /// (nil means zero).
    public typealias Tangent = @Sendable (_ inputs: [Matrix<Scalar>], _ output: Matrix<Scalar>,
                                          _ inputTangents: [Matrix<Scalar>?]) -> Matrix<Scalar>
    /// Computes each input's adjoint contribution x̄ᵢ (nil means none) from the inputs, the
    /// output and the output adjoint ȳ, all as duals. Return one row per row of ȳ (the engine sums
    /// over the batch where an unbatched input's adjoint is reduced); a one-column contribution
    /// to a wider input is not allowed, but a contribution to a one-column input may be wider
    /// only if the input was broadcast.
    public typealias Adjoint = @Sendable (_ inputs: [Dual<Scalar>], _ output: Dual<Scalar>,
                                          _ outputAdjoint: Dual<Scalar>) -> [Dual<Scalar>?]

    public let name: String
    public let mixesSamples: Bool
    public let primal: Primal
    public let tangent: Tangent
    public let adjoint: Adjoint

    public init(name: String, mixesSamples: Bool = false, primal: @escaping Primal,
                tangent: @escaping Tangent, adjoint: @escaping Adjoint) {
        self.name = name
        self.mixesSamples = mixesSamples
        self.primal = primal
        self.tangent = tangent
        self.adjoint = adjoint
    }
}

struct CustomTapeOperation<Scalar: NACScalar>: TapeOperation {
    let operation: CustomOperation<Scalar>
    let inputs: [Int]
    var name: String { operation.name }
    var mixesSamples: Bool { operation.mixesSamples }

    func pullback(_ node: Int, _ context: ReverseContext<Scalar>) {
        guard let ybar = context.adjoint(node) else { return }
        let tape = context.tape
        let carries = context.carriesTangents
        let inputDuals = inputs.map { i in
            Dual(tape.nodes[i].value.matrix, tangent: carries ? tape.nodes[i].tangent?.matrix : nil)
        }
        let out = tape.nodes[node]
        let outputDual = Dual(out.value.matrix, tangent: carries ? out.tangent?.matrix : nil)
        let ybarDual = Dual(ybar.matrix, tangent: carries ? context.adjointTangent(node)?.matrix : nil)
        let contributions = operation.adjoint(inputDuals, outputDual, ybarDual)
        precondition(contributions.count == inputs.count,
                     "CustomOperation '\(operation.name)': adjoint returned \(contributions.count) values for \(inputs.count) inputs")
        for (k, input) in inputs.enumerated() {
            guard let c = contributions[k], context.wantsAdjoint(input) else { continue }
            let xn = tape.nodes[input].value
            precondition((c.rows == ybar.rows || c.rows == 1) && (c.columns == xn.columns || xn.columns == 1),
                         "CustomOperation '\(operation.name)': adjoint of input \(k) is \(c.rows) × \(c.columns), expected \(ybar.rows) × \(xn.columns)")
            precondition(c.rows == ybar.rows || context.adjointRows(input) == 1,
                         "CustomOperation '\(operation.name)': adjoint of input \(k) has \(c.rows) rows; per-sample mode needs \(ybar.rows)")
            let value = Block(c.value)
            context.accumulate(value.operand, rows: c.rows, columns: c.columns, into: input, tangent: false)
            if carries, let t = c.tangent {
                let tb = Block(t)
                context.accumulate(tb.operand, rows: t.rows, columns: t.columns, into: input, tangent: true)
            }
        }
    }
}

extension Tape {
    /// Records a custom operation on `inputs`.
    public func apply(_ operation: CustomOperation<Scalar>, _ inputs: [Variable<Scalar>]) -> Variable<Scalar> {
        precondition(!inputs.isEmpty, "CustomOperation '\(operation.name)': no inputs")
        for v in inputs {
            precondition(v.tape === self, "CustomOperation '\(operation.name)': an input belongs to another tape")
            precondition(v.isBatched || v.rows == 1,
                         "CustomOperation '\(operation.name)': unbatched input \(v.shapeDescription) must be one row")
        }
        let values = inputs.map { nodes[$0.index].value.matrix }
        let batched = inputs.contains { $0.isBatched }
        let y = operation.primal(values)
        precondition(y.rows == valueRows(batched: batched),
                     "CustomOperation '\(operation.name)': primal returned \(y.rows) × \(y.columns), expected \(valueRows(batched: batched)) rows")
        let indices = inputs.map(\.index)
        let rule: TangentRule<Scalar> = { tape in
            let tangents = indices.map { tape.nodes[$0].tangent?.matrix }
            guard tangents.contains(where: { $0 != nil }) else { return nil }
            let t = operation.tangent(values, y, tangents)
            precondition(t.rows == y.rows && t.columns == y.columns,
                         "CustomOperation '\(operation.name)': tangent rule returned \(t.rows) × \(t.columns) for an output of \(y.rows) × \(y.columns)")
            return Block(t)
        }
        return record(Block(y), tangent: rule(self), batched: batched, inputs: inputs.map(\.index),
                      operation: CustomTapeOperation(operation: operation, inputs: inputs.map(\.index)),
                      tangentRule: rule)
    }
}
