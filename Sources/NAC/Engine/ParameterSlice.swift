/// Where a parameter tensor lives inside the flat parameter vector θ (length P): `rows × columns`
/// scalars, row-major, starting at `offset`.
///
/// NAC's documented order (shared with the reference files): layer by layer, the weight
/// [out, in] row-major, then the bias; extra parameter vectors (such as a log-std) last. Column p
/// of a per-sample Jacobian is θ_p, so a slice names a contiguous block of Jacobian columns.
public struct ParameterSlice: Hashable, Sendable, CustomStringConvertible {
    public var offset: Int
    public var rows: Int
    public var columns: Int

    public init(offset: Int, rows: Int, columns: Int) {
        precondition(offset >= 0 && rows >= 0 && columns >= 0,
                     "ParameterSlice: offset \(offset), shape \(rows) × \(columns)")
        self.offset = offset
        self.rows = rows
        self.columns = columns
    }

    /// A vector of `count` parameters (one row).
    public init(offset: Int, count: Int) { self.init(offset: offset, rows: 1, columns: count) }

    public var count: Int { rows * columns }
    public var range: Range<Int> { offset..<(offset + count) }

    public var description: String { "θ[\(offset)..<\(offset + count)] as \(rows) × \(columns)" }
}

/// Hands out consecutive parameter slices in the documented order.
///
/// ```swift
/// var layout = ParameterLayout()
/// let w0 = layout.matrix(rows: 64, columns: 17)   // θ[0..<1088]
/// let b0 = layout.vector(64)                       // θ[1088..<1152]
/// layout.count                                     // P so far
/// ```
public struct ParameterLayout: Sendable {
    public private(set) var count = 0
    public init() {}

    public mutating func matrix(rows: Int, columns: Int) -> ParameterSlice {
        let s = ParameterSlice(offset: count, rows: rows, columns: columns)
        count += s.count
        return s
    }

    public mutating func vector(_ length: Int) -> ParameterSlice {
        matrix(rows: 1, columns: length)
    }
}
