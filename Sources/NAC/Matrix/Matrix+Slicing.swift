extension Matrix {
    /// Row r as an array.
    public func row(_ r: Int) -> [Scalar] {
        precondition(r >= 0 && r < rows, "Matrix.row: row \(r) outside \(rows) rows")
        return Array(elements[(r * columns)..<((r + 1) * columns)])
    }

    /// Column c as an array.
    public func column(_ c: Int) -> [Scalar] {
        precondition(c >= 0 && c < columns, "Matrix.column: column \(c) outside \(columns) columns")
        return (0..<rows).map { elements[$0 * columns + c] }
    }

    /// Replaces row r.
    public mutating func setRow(_ r: Int, to values: [Scalar]) {
        precondition(r >= 0 && r < rows, "Matrix.setRow: row \(r) outside \(rows) rows")
        precondition(values.count == columns,
                     "Matrix.setRow: \(values.count) values for a row of \(columns)")
        elements.replaceSubrange((r * columns)..<((r + 1) * columns), with: values)
    }

    /// The rows in `range` as a new matrix.
    /// - Complexity: O(range.count · columns).
    public func rows(_ range: Range<Int>) -> Matrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows,
                     "Matrix.rows: range \(range) outside \(rows) rows")
        return Matrix(rows: range.count, columns: columns,
                      elements: Array(elements[(range.lowerBound * columns)..<(range.upperBound * columns)]))
    }

    /// The columns in `range` as a new matrix.
    /// - Complexity: O(rows · range.count).
    public func columns(_ range: Range<Int>) -> Matrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= columns,
                     "Matrix.columns: range \(range) outside \(columns) columns")
        let width = range.count
        return Matrix(rows: rows, columns: width) { out in
            withUnsafeBufferPointer { a in
                Scalar.copy(StridedOperand(a.baseAddress! + range.lowerBound, rowStride: columns),
                            rows: rows, columns: width, accumulate: false,
                            into: out.baseAddress!, outRowStride: width)
            }
        }
    }

    /// The transpose.
    /// - Complexity: O(rows · columns).
    public func transposed() -> Matrix {
        Matrix(rows: columns, columns: rows) { out in
            withUnsafeBufferPointer { a in
                guard let base = a.baseAddress, let o = out.baseAddress, count > 0 else { return }
                Scalar.transpose(rows: rows, columns: columns, base, lda: columns, into: o, ldb: rows)
            }
        }
    }

    /// Matrices side by side: [a b …]; all must have the same number of rows.
    public static func concatenatingColumns(_ parts: [Matrix]) -> Matrix {
        guard let first = parts.first else { return Matrix(rows: 0, columns: 0, elements: []) }
        for p in parts {
            precondition(p.rows == first.rows,
                         "Matrix.concatenatingColumns: \(p.rows) × \(p.columns) beside \(first.rows) × \(first.columns)")
        }
        let total = parts.reduce(0) { $0 + $1.columns }
        return Matrix(rows: first.rows, columns: total) { out in
            var offset = 0
            for p in parts {
                p.withUnsafeBufferPointer { a in
                    if let base = a.baseAddress {
                        Scalar.copy(StridedOperand(base, rowStride: p.columns), rows: p.rows,
                                    columns: p.columns, accumulate: false,
                                    into: out.baseAddress! + offset, outRowStride: total)
                    }
                }
                offset += p.columns
            }
        }
    }

    /// Matrices stacked vertically; all must have the same number of columns.
    public static func concatenatingRows(_ parts: [Matrix]) -> Matrix {
        guard let first = parts.first else { return Matrix(rows: 0, columns: 0, elements: []) }
        for p in parts {
            precondition(p.columns == first.columns,
                         "Matrix.concatenatingRows: \(p.rows) × \(p.columns) below \(first.rows) × \(first.columns)")
        }
        return Matrix(rows: parts.reduce(0) { $0 + $1.rows }, columns: first.columns,
                      elements: parts.flatMap { $0.elements })
    }
}
