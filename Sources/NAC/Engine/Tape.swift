/// A recorded computation over a batch: the engine's graph, built by running code on `Variable`s.
///
/// Values are **batched** (B × n, one row per sample) or **unbatched** (1 × n rows computed from
/// parameters and constants only, broadcast over the batch). Every operation is evaluated when it
/// is recorded (define-by-run), together with its forward tangent when a direction was seeded;
/// the reverse modes of `DifferentiableFunction` then walk the tape backwards.
///
/// You do not create tapes yourself: `DifferentiableFunction` creates one per evaluation and
/// passes it to your body, with the parameter vector θ and the inputs of the current rows.
///
/// ```swift
/// let f = DifferentiableFunction<Double>(parameterCount: layout.count) { tape, inputs, rows in
///     let h = tape.dense(inputs[0], weight: w0, bias: b0).tanh()
///     return tape.dense(h, weight: w1, bias: b1)
/// }
/// ```
public final class Tape<Scalar: NACScalar> {
    /// Rows of the current evaluation (a chunk of the batch in chunked per-sample mode).
    public let batchSize: Int
    /// The rows of the caller's batch that this evaluation covers (`0..<B` unless chunked); use
    /// it to slice per-sample side data such as action indices.
    public let rows: Range<Int>
    /// θ, the flat parameter vector (P).
    public let parameters: [Scalar]
    let parameterTangent: [Scalar]?
    var nodes: [Node<Scalar>] = []
    var parameterLeaves: [ParameterSlice: Int] = [:]
    var inputNodes: [Int] = []

    init(parameters: [Scalar], parameterTangent: [Scalar]?, batchSize: Int, rows: Range<Int>) {
        self.parameters = parameters
        self.parameterTangent = parameterTangent
        self.batchSize = batchSize
        self.rows = rows
    }

    /// The value of a variable (a copy).
    public func value(of v: Variable<Scalar>) -> Matrix<Scalar> { nodes[v.index].value.matrix }

    /// The forward tangent of a variable, if a direction reaches it.
    public func tangent(of v: Variable<Scalar>) -> Matrix<Scalar>? { nodes[v.index].tangent?.matrix }

    /// The parameters θ[slice] as a variable: a `rows × columns` unbatched leaf. One-row slices
    /// broadcast over the batch in elementwise operations; matrices are used by `dense`.
    /// Asking twice for the same slice returns the same variable.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func parameter(_ slice: ParameterSlice) -> Variable<Scalar> {
        precondition(slice.offset + slice.count <= parameters.count,
                     "Tape.parameter: \(slice) outside θ of \(parameters.count) parameters")
        if let existing = parameterLeaves[slice] { return Variable(tape: self, index: existing) }
        let value = Block(parameters, offset: slice.offset, rows: slice.rows, columns: slice.columns)
        let tangent = parameterTangent.map {
            Block($0, offset: slice.offset, rows: slice.rows, columns: slice.columns)
        }
        nodes.append(Node(value: value, tangent: tangent, isBatched: false, needsAdjoint: true,
                          operation: nil, leaf: .parameter(slice)))
        parameterLeaves[slice] = nodes.count - 1
        return Variable(tape: self, index: nodes.count - 1)
    }

    /// A constant unbatched row (1 × n), broadcast over the batch; no derivative flows into it.
    public func constant(row: [Scalar]) -> Variable<Scalar> {
        append(constant: Block(row, offset: 0, rows: 1, columns: row.count), batched: false)
    }

    /// A constant scalar (1 × 1), broadcast over rows and columns.
    public func constant(_ value: Scalar) -> Variable<Scalar> { constant(row: [value]) }

    /// A constant batched value (`batchSize × n`, e.g. data computed inside the body);
    /// no derivative flows into it. Per-sample data given to the function should be passed as
    /// inputs instead, so that chunking slices it.
    public func constant(batch matrix: Matrix<Scalar>) -> Variable<Scalar> {
        precondition(matrix.rows == batchSize,
                     "Tape.constant(batch:): \(matrix.rows) × \(matrix.columns) for a batch of \(batchSize)")
        return append(constant: Block(matrix), batched: true)
    }

    func append(constant value: Block<Scalar>, batched: Bool) -> Variable<Scalar> {
        nodes.append(Node(value: value, tangent: nil, isBatched: batched, needsAdjoint: false,
                          operation: nil, leaf: .constant))
        return Variable(tape: self, index: nodes.count - 1)
    }

    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func appendInput(_ value: Block<Scalar>, tangent: Block<Scalar>?, needsAdjoint: Bool) -> Variable<Scalar> {
        nodes.append(Node(value: value, tangent: tangent, isBatched: true, needsAdjoint: needsAdjoint,
                          operation: nil, leaf: .input(inputNodes.count)))
        inputNodes.append(nodes.count - 1)
        return Variable(tape: self, index: nodes.count - 1)
    }

    /// Records an evaluated operation. `needsAdjoint` is derived from the inputs.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func record(
        _ value: Block<Scalar>, tangent: Block<Scalar>?, batched: Bool,
        inputs: [Int], operation: any TapeOperation<Scalar>, tangentRule: @escaping TangentRule<Scalar>
    ) -> Variable<Scalar> {
        let needs = inputs.contains { nodes[$0].needsAdjoint }
        nodes.append(Node(value: value, tangent: tangent, isBatched: batched, needsAdjoint: needs,
                          operation: needs ? operation : nil, leaf: .none,
                          mixesSamples: operation.mixesSamples, operationName: operation.name,
                          tangentRule: tangentRule))
        return Variable(tape: self, index: nodes.count - 1)
    }

    /// Recomputes every node's forward tangent for a new parameter direction θ̇ (inputs carry
    /// none), reusing the recorded values: a Jacobian–vector product without re-running the
    /// primal computation. Only first-order tangents are refreshed (the saved second-order data
    /// of forward-over-reverse is not), so follow it only with reverse passes that carry no
    /// tangents.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func resweepTangents(parameterDirection v: [Scalar]) {
        precondition(v.count == parameters.count,
                     "Tape.resweepTangents: direction has \(v.count) elements, θ has \(parameters.count)")
        for i in nodes.indices {
            switch nodes[i].leaf {
            case .parameter(let slice):
                nodes[i].tangent = Block(v, offset: slice.offset, rows: slice.rows, columns: slice.columns)
            case .input, .constant:
                nodes[i].tangent = nil
            case .none:
                nodes[i].tangent = nodes[i].tangentRule?(self)
            }
        }
    }

    /// Rows of a value that is batched or not.
    func valueRows(batched: Bool) -> Int { batched ? batchSize : 1 }

    /// Whether any recorded node carries a tangent.
    var hasTangents: Bool { nodes.contains { $0.tangent != nil } }
}

/// One recorded value.
struct Node<Scalar: NACScalar> {
    enum Leaf: Equatable {
        case none
        case input(Int)
        case parameter(ParameterSlice)
        case constant
    }

    var value: Block<Scalar>
    var tangent: Block<Scalar>?
    var isBatched: Bool
    var needsAdjoint: Bool
    var operation: (any TapeOperation<Scalar>)?
    var leaf: Leaf
    var mixesSamples = false
    var operationName = ""
    /// Recomputes this node's forward tangent from its inputs' current tangents (nil for leaves).
    var tangentRule: TangentRule<Scalar>? = nil
}

/// An operation's first-order forward rule: the output tangent from the inputs' tangents now on
/// the tape (nil means zero).
typealias TangentRule<Scalar: NACScalar> = (Tape<Scalar>) -> Block<Scalar>?

/// A differentiable operation's reverse rule. The forward (primal and tangent) rule runs when
/// the operation is recorded; `pullback` adds ȳ's contribution to each input's adjoint and,
/// under forward-over-reverse, ȳ̇'s (the adjoint's tangent) to each input's adjoint tangent.
protocol TapeOperation<Scalar> {
    associatedtype Scalar: NACScalar
    /// The name used in error messages.
    var name: String { get }
    /// Whether the operation combines different rows (samples); such operations are refused
    /// by the per-sample modes.
    var mixesSamples: Bool { get }
    func pullback(_ node: Int, _ context: ReverseContext<Scalar>)
}

extension TapeOperation {
    var mixesSamples: Bool { false }
}
