/// Storage for one engine value: `count` scalars at a stable address, freed with the last reference.
/// The engine's hot loops take raw pointers into blocks, so, unlike `Array`, the address never
/// moves and no closure nesting is needed.
final class BlockStorage<Scalar: NACScalar>: @unchecked Sendable {
    let base: UnsafeMutablePointer<Scalar>
    let count: Int

    init(count: Int) {
        self.count = count
        let bytes = Swift.max(count, 1) * MemoryLayout<Scalar>.stride
        base = BlockPool.shared.take(bytes: bytes).bindMemory(to: Scalar.self, capacity: Swift.max(count, 1))
    }

    deinit {
        BlockPool.shared.give(UnsafeMutableRawPointer(base), bytes: Swift.max(count, 1) * MemoryLayout<Scalar>.stride)
    }
}

/// A row-major `rows × columns` array of scalars inside the engine (node values, tangents,
/// adjoints). Rows are samples for batched values; unbatched values have one row.
struct Block<Scalar: NACScalar> {
    let rows: Int
    let columns: Int
    let storage: BlockStorage<Scalar>

    var base: UnsafeMutablePointer<Scalar> { storage.base }
    var count: Int { rows * columns }

    /// An uninitialised block: the caller writes every element.
    init(uninitializedRows rows: Int, columns: Int) {
        self.rows = rows
        self.columns = columns
        storage = BlockStorage(count: rows * columns)
    }

    /// A zero block.
    init(zerosRows rows: Int, columns: Int) {
        self.init(uninitializedRows: rows, columns: columns)
        Scalar.fill(base, count: rows * columns, with: 0)
    }

    /// A copy of `matrix`.
    init(_ matrix: Matrix<Scalar>) {
        self.init(uninitializedRows: matrix.rows, columns: matrix.columns)
        let dst = base
        matrix.withUnsafeBufferPointer { src in
            if let s = src.baseAddress { dst.initialize(from: s, count: src.count) }
        }
    }

    /// A copy of rows `range` of `matrix`.
    init(_ matrix: Matrix<Scalar>, rows range: Range<Int>) {
        self.init(uninitializedRows: range.count, columns: matrix.columns)
        let dst = base, columns = matrix.columns
        matrix.withUnsafeBufferPointer { src in
            if let s = src.baseAddress, range.count * columns > 0 {
                dst.initialize(from: s + range.lowerBound * columns, count: range.count * columns)
            }
        }
    }

    /// A copy of `count` scalars of `array` starting at `offset`, as `rows × columns`.
    init(_ array: [Scalar], offset: Int, rows: Int, columns: Int) {
        self.init(uninitializedRows: rows, columns: columns)
        let dst = base
        array.withUnsafeBufferPointer { src in
            if rows * columns > 0 { dst.initialize(from: src.baseAddress! + offset, count: rows * columns) }
        }
    }

    /// The block as a `Matrix` (a copy).
    var matrix: Matrix<Scalar> {
        Matrix(rows: rows, columns: columns) { out in
            if let o = out.baseAddress, count > 0 { o.update(from: base, count: count) }
        }
    }

    /// This block read as an operand of a `rows × columns` broadcast result: a one-row block
    /// repeats over rows, a one-column block over columns.
    func operand(rows outRows: Int, columns outColumns: Int) -> StridedOperand<Scalar> {
        StridedOperand(UnsafePointer(base),
                       rowStride: (self.rows == 1 && outRows != 1) ? 0 : columns,
                       columnStride: (columns == 1 && outColumns != 1) ? 0 : 1)
    }

    /// The plain operand (no broadcasting).
    var operand: StridedOperand<Scalar> { StridedOperand(UnsafePointer(base), rowStride: columns) }
}
