/// A dense, row-major matrix of `Float` or `Double` with value semantics.
///
/// Element (r, c) is stored at `elements[r * columns + c]`. Copies share storage until one of
/// them is mutated (copy-on-write, through Swift's `Array`). In the engine and the policies,
/// **rows are samples**: a batch of B observations of dimension n is a B × n matrix.
///
/// ```swift
/// let a = Matrix<Double>([[1, 2], [3, 4]])
/// let b = a * a.transposed()          // BLAS gemm
/// let g = a.gram()                    // AᵀA through syrk
/// ```
public struct Matrix<Scalar: NACScalar>: Sendable {
    /// Number of rows.
    public private(set) var rows: Int
    /// Number of columns.
    public private(set) var columns: Int
    /// The elements in row-major order (`rows * columns` of them).
    public var elements: [Scalar] {
        didSet {
            precondition(elements.count == rows * columns,
                         "Matrix: \(elements.count) elements assigned to a \(rows) × \(columns) matrix")
        }
    }

    /// A `rows × columns` matrix from row-major `elements`.
    public init(rows: Int, columns: Int, elements: [Scalar]) {
        precondition(rows >= 0 && columns >= 0, "Matrix: negative shape \(rows) × \(columns)")
        precondition(elements.count == rows * columns,
                     "Matrix: \(elements.count) elements for a \(rows) × \(columns) matrix")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A `rows × columns` matrix with every element equal to `value`.
    public init(rows: Int, columns: Int, repeating value: Scalar) {
        // Filled by the specialised `fill` kernel: `Array(repeating:count:)` in unspecialised generic
        // code initialises element by element through the value witness (about 3 ns each).
        self.init(rows: rows, columns: columns) { buffer in
            if let base = buffer.baseAddress, buffer.count > 0 { Scalar.fill(base, count: buffer.count, with: value) }
        }
    }

    /// A matrix from an array of equally long rows.
    public init(_ rowArrays: [[Scalar]]) {
        let columns = rowArrays.first?.count ?? 0
        for (r, row) in rowArrays.enumerated() {
            precondition(row.count == columns,
                         "Matrix: row \(r) has \(row.count) elements, row 0 has \(columns)")
        }
        self.init(rows: rowArrays.count, columns: columns, elements: rowArrays.flatMap { $0 })
    }

    /// A column vector (n × 1).
    public init(column: [Scalar]) {
        self.init(rows: column.count, columns: 1, elements: column)
    }

    /// A row vector (1 × n).
    public init(row: [Scalar]) {
        self.init(rows: 1, columns: row.count, elements: row)
    }

    /// A matrix whose elements are written by `initializer` before first use: the storage is
    /// never zero-filled, so a large result costs one pass of writes. Storage of 4 to 256 MiB is
    /// backed by 2 MiB pages where the system allows (`HugePages`), so first writes fault once
    /// per 2 MiB instead of once per 4 KiB.
    /// `initializer` must write all `rows * columns` elements.
    public init(
        rows: Int, columns: Int,
        unsafeUninitialized initializer: (UnsafeMutableBufferPointer<Scalar>) throws -> Void
    ) rethrows {
        precondition(rows >= 0 && columns >= 0, "Matrix: negative shape \(rows) × \(columns)")
        let count = rows * columns
        self.rows = rows
        self.columns = columns
        self.elements = try Array(unsafeUninitializedCapacity: count) { buffer, initialized in
            if let base = buffer.baseAddress {
                HugePages.advise(UnsafeMutableRawPointer(base), bytes: count * MemoryLayout<Scalar>.stride)
            }
            try initializer(buffer)
            initialized = count
        }
    }

    /// The zero matrix.
    public static func zeros(rows: Int, columns: Int) -> Matrix {
        Matrix(rows: rows, columns: columns, repeating: 0)
    }

    /// The n × n identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix.zeros(rows: n, columns: n)
        for i in 0..<n { m.elements[i * n + i] = 1 }
        return m
    }

    /// A matrix with `diagonal` on its diagonal and zeros elsewhere.
    public static func diagonal(_ diagonal: [Scalar]) -> Matrix {
        let n = diagonal.count
        var m = Matrix.zeros(rows: n, columns: n)
        for i in 0..<n { m.elements[i * n + i] = diagonal[i] }
        return m
    }

    /// The shape as `(rows, columns)`.
    public var shape: (rows: Int, columns: Int) { (rows, columns) }

    /// Number of elements.
    public var count: Int { rows * columns }

    /// Element (r, c), bounds-checked.
    public subscript(row: Int, column: Int) -> Scalar {
        get {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns,
                         "Matrix: index (\(row), \(column)) outside \(rows) × \(columns)")
            return elements[row * columns + column]
        }
        set {
            precondition(row >= 0 && row < rows && column >= 0 && column < columns,
                         "Matrix: index (\(row), \(column)) outside \(rows) × \(columns)")
            elements[row * columns + column] = newValue
        }
    }

    /// Reads the storage.
    @inlinable
    public func withUnsafeBufferPointer<R, E: Error>(
        _ body: (UnsafeBufferPointer<Scalar>) throws(E) -> R
    ) throws(E) -> R {
        let result: Result<R, E> = elements.withUnsafeBufferPointer { buffer in
            do throws(E) { return .success(try body(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Writes the storage (copying it first if it is shared).
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R, E: Error>(
        _ body: (UnsafeMutableBufferPointer<Scalar>) throws(E) -> R
    ) throws(E) -> R {
        let result: Result<R, E> = elements.withUnsafeMutableBufferPointer { buffer in
            do throws(E) { return .success(try body(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Changes the shape without moving elements; `rows * columns` must equal `count`.
    public func reshaped(rows newRows: Int, columns newColumns: Int) -> Matrix {
        precondition(newRows * newColumns == count,
                     "Matrix.reshaped: \(rows) × \(columns) cannot become \(newRows) × \(newColumns)")
        return Matrix(rows: newRows, columns: newColumns, elements: elements)
    }
}

extension Matrix: Equatable {
    /// Exact equality of shape and elements (use `isApproximatelyEqual` for tolerances).
    public static func == (lhs: Matrix, rhs: Matrix) -> Bool {
        lhs.rows == rhs.rows && lhs.columns == rhs.columns && lhs.elements == rhs.elements
    }
}

extension Matrix: Codable {}
