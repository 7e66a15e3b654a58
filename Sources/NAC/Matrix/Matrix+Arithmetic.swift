extension Matrix {
    /// Elementwise `lhs ∘ rhs` with broadcasting: a 1 × n operand repeats over rows, an m × 1
    /// operand over columns, a 1 × 1 operand over everything. An extent of 1 also broadcasts to an
    /// extent of 0 (a 0 × n matrix plus a 1 × n row is 0 × n).
    public static func elementwise(_ op: BinaryOperator, _ lhs: Matrix, _ rhs: Matrix) -> Matrix {
        let rows = lhs.rows == 1 ? rhs.rows : lhs.rows
        let columns = lhs.columns == 1 ? rhs.columns : lhs.columns
        func stride(_ m: Matrix) -> (row: Int, column: Int) {
            precondition((m.rows == rows || m.rows == 1) && (m.columns == columns || m.columns == 1),
                         "Matrix elementwise \(op): shapes \(lhs.rows) × \(lhs.columns) and \(rhs.rows) × \(rhs.columns) do not broadcast")
            return (m.rows == 1 ? 0 : m.columns, m.columns == 1 ? 0 : 1)
        }
        let sl = stride(lhs), sr = stride(rhs)
        return Matrix(rows: rows, columns: columns) { out in
            guard rows * columns > 0 else { return }
            lhs.withUnsafeBufferPointer { a in
                rhs.withUnsafeBufferPointer { b in
                    Scalar.broadcast(op, StridedOperand(a.baseAddress!, rowStride: sl.row, columnStride: sl.column),
                                     StridedOperand(b.baseAddress!, rowStride: sr.row, columnStride: sr.column),
                                     rows: rows, columns: columns, accumulate: false,
                                     into: out.baseAddress!, outRowStride: columns)
                }
            }
        }
    }

    public static func + (lhs: Matrix, rhs: Matrix) -> Matrix { elementwise(.add, lhs, rhs) }
    public static func - (lhs: Matrix, rhs: Matrix) -> Matrix { elementwise(.subtract, lhs, rhs) }
    public static func += (lhs: inout Matrix, rhs: Matrix) { lhs = lhs + rhs }
    public static func -= (lhs: inout Matrix, rhs: Matrix) { lhs = lhs - rhs }
    public static prefix func - (m: Matrix) -> Matrix { m * (-1 as Scalar) }

    /// Elementwise (Hadamard) product, with broadcasting.
    public func elementwiseMultiplied(by other: Matrix) -> Matrix { .elementwise(.multiply, self, other) }

    /// Elementwise quotient, with broadcasting.
    public func elementwiseDivided(by other: Matrix) -> Matrix { .elementwise(.divide, self, other) }

    /// Every element times `rhs`, with IEEE semantics (NaN · 0 is NaN; BLAS `scal` with α = 0
    /// would write zeros over NaN and ∞ in OpenBLAS).
    public static func * (lhs: Matrix, rhs: Scalar) -> Matrix {
        elementwise(.multiply, lhs, Matrix(rows: 1, columns: 1, elements: [rhs]))
    }
    public static func * (lhs: Scalar, rhs: Matrix) -> Matrix { rhs * lhs }
    /// Every element divided by `rhs` (a true division, not a multiplication by 1 / rhs).
    public static func / (lhs: Matrix, rhs: Scalar) -> Matrix {
        elementwise(.divide, lhs, Matrix(rows: 1, columns: 1, elements: [rhs]))
    }

    /// f applied to every element (with `UnaryFunction`'s definitions).
    public func applying(_ function: UnaryFunction) -> Matrix {
        Matrix(rows: rows, columns: columns) { out in
            withUnsafeBufferPointer { a in
                if let base = a.baseAddress {
                    Scalar.evaluate(function, x: base, count: a.count, value: out.baseAddress!)
                }
            }
        }
    }

    /// Adds `value` to every diagonal element.
    public mutating func addToDiagonal(_ value: Scalar) {
        let n = min(rows, columns), stride = columns + 1
        withUnsafeMutableBufferPointer { p in for i in 0..<n { p[i * stride] += value } }
    }

    /// Sums along the feature axis: a rows × 1 column of row sums.
    public func sumOfRows() -> Matrix {
        Matrix(rows: rows, columns: 1) { out in
            withUnsafeBufferPointer { a in
                guard let base = a.baseAddress else { if let o = out.baseAddress { Scalar.fill(o, count: out.count, with: 0) }; return }
                Scalar.sumRows(base, rows: rows, columns: columns, rowStride: columns,
                               accumulate: false, into: out.baseAddress!, outStride: 1)
            }
        }
    }

    /// Sums along the batch axis: a 1 × columns row of column sums.
    public func sumOfColumns() -> Matrix {
        Matrix(rows: 1, columns: columns) { out in
            guard columns > 0 else { return }
            withUnsafeBufferPointer { a in
                guard let base = a.baseAddress, rows > 0 else { if let o = out.baseAddress { Scalar.fill(o, count: out.count, with: 0) }; return }
                Scalar.sumColumns(base, rows: rows, columns: columns, rowStride: columns,
                                  accumulate: false, into: out.baseAddress!)
            }
        }
    }
}
