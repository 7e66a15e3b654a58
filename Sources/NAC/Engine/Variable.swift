/// A value recorded on a `Tape`: batched (one row per sample) or unbatched (one row shared by
/// all samples). Operations on variables record new variables; see the `Tape` extensions in
/// `Engine/Operations/` for the list.
public struct Variable<Scalar: NACScalar> {
    public let tape: Tape<Scalar>
    let index: Int

    /// Rows of the value: the batch size, or 1 (or a parameter matrix's rows) when unbatched.
    public var rows: Int { tape.nodes[index].value.rows }
    /// Columns (features) of the value.
    public var columns: Int { tape.nodes[index].value.columns }
    /// Whether the value has one row per sample.
    public var isBatched: Bool { tape.nodes[index].isBatched }
    /// The value (a copy).
    public var value: Matrix<Scalar> { tape.value(of: self) }
    /// The forward tangent, if a seeded direction reaches this value.
    public var tangent: Matrix<Scalar>? { tape.tangent(of: self) }

    var node: Node<Scalar> { tape.nodes[index] }
    var shapeDescription: String {
        "\(rows) × \(columns)\(isBatched ? " (batched)" : " (unbatched)")"
    }
}
