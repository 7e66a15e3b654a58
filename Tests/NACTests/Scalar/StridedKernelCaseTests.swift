import Testing
@testable import NAC

/// Every loop of the strided elementwise kernels against a direct element-by-element computation:
/// `broadcast` for each operator with contiguous blocks (one long row), an operand constant along
/// its rows (column stride 0) on either side, broadcast rows (row stride 0) and transposed
/// operands, with and without accumulation, α = 1 or not, and an output row stride wider than the
/// row; `sumColumns` on narrow contiguous rows (partial sums over groups of rows, with leftover rows)
/// and on strided rows; `scatterColumns` zeroing contiguous or strided rows.
@Suite struct StridedKernelCaseTests {
    /// A rows × columns operand of each layout over a buffer of random values (ones added to keep
    /// divisions away from zero), with its value at (r, c).
    struct Layout {
        let name: String
        let rowStride: Int, columnStride: Int, count: Int
        func index(_ r: Int, _ c: Int) -> Int { r * rowStride + c * columnStride }
    }

    static func layouts(rows: Int, columns: Int) -> [Layout] {
        [Layout(name: "contiguous", rowStride: columns, columnStride: 1, count: rows * columns),
         Layout(name: "padded rows", rowStride: columns + 2, columnStride: 1, count: rows * (columns + 2)),
         Layout(name: "per-row scalar", rowStride: 1, columnStride: 0, count: rows),
         Layout(name: "repeated row", rowStride: 0, columnStride: 1, count: columns),
         Layout(name: "transposed", rowStride: 1, columnStride: rows, count: rows * columns),
         Layout(name: "one scalar", rowStride: 0, columnStride: 0, count: 1)]
    }

    func checkBroadcast<S: NACScalar>(_: S.Type, rows: Int, columns: Int) {
        var rng = Xoshiro256StarStar(seed: UInt64(rows * 100 + columns))
        let layouts = Self.layouts(rows: rows, columns: columns)
        for la in layouts {
            for lb in layouts {
                let a = (0..<la.count).map { _ in rng.normal(S.self) + 3 }, b = (0..<lb.count).map { _ in rng.normal(S.self) + 3 }
                for op in [BinaryOperator.add, .subtract, .multiply, .divide] {
                    for (alpha, accumulate, outStride) in [(S(1), false, columns), (S(1), true, columns), (S(-2.5), false, columns),
                                                            (S(0.5), true, columns + 1)] {
                        let initial = (0..<(rows * outStride)).map { S($0 % 7) - 3 }
                        var out = initial
                        S.broadcast(op, StridedOperand(a, rowStride: la.rowStride, columnStride: la.columnStride),
                                    StridedOperand(b, rowStride: lb.rowStride, columnStride: lb.columnStride),
                                    rows: rows, columns: columns, alpha: alpha, accumulate: accumulate, into: &out,
                                    outRowStride: outStride)
                        var worst: S = 0
                        for r in 0..<rows {
                            for c in 0..<outStride {
                                let o = r * outStride + c
                                guard c < columns else {
                                    #expect(out[o] == initial[o], "\(la.name) \(op) \(lb.name): column \(c) past the row written")
                                    continue
                                }
                                let x = a[la.index(r, c)], y = b[lb.index(r, c)]
                                let f: S = switch op { case .add: x + y; case .subtract: x - y; case .multiply: x * y; case .divide: x / y }
                                let expected = (accumulate ? initial[o] : 0) + alpha * f
                                worst = max(worst, abs(out[o] - expected) / max(1, abs(expected)))
                            }
                        }
                        #expect(worst <= 4 * S.ulpOfOne, "\(S.self) \(rows) × \(columns) \(la.name) \(op) \(lb.name), α \(alpha), accumulate \(accumulate): \(worst)")
                    }
                }
            }
        }
    }

    @Test(arguments: [(1, 1), (1, 7), (5, 1), (5, 2), (37, 3), (9, 33)])
    func broadcastEveryLayoutPair(shape: (Int, Int)) {
        checkBroadcast(Double.self, rows: shape.0, columns: shape.1)
        checkBroadcast(Float.self, rows: shape.0, columns: shape.1)
    }

    /// Narrow rows go through partial sums of 64 / columns rows at a time; rows that do not fill a
    /// group, strided rows and wide rows through the plain loop. Exact on integers.
    @Test(arguments: [(1, 1), (100, 1), (101, 2), (1000, 3), (77, 63), (65, 64), (10, 130)])
    func columnSumsOfEveryShape(shape: (Int, Int)) {
        let (rows, columns) = shape
        for stride in [columns, columns + 5] {
            let a = (0..<(rows * stride)).map { Double(($0 * 7919) % 201) - 100 }
            for (alpha, accumulate) in [(1.0, false), (1.0, true), (-2.0, false), (0.5, true)] {
                var out = (0..<columns).map { Double($0) }
                let initial = out
                Double.sumColumns(a, rows: rows, columns: columns, rowStride: stride, alpha: alpha, accumulate: accumulate, into: &out)
                let expected = (0..<columns).map { c in
                    (accumulate ? initial[c] : 0) + alpha * (0..<rows).reduce(0.0) { $0 + a[$1 * stride + c] }
                }
                #expect(out == expected, "\(rows) × \(columns), stride \(stride), α \(alpha), accumulate \(accumulate)")
                var outFloat = initial.map { Float($0) }
                Float.sumColumns(a.map { Float($0) }, rows: rows, columns: columns, rowStride: stride, alpha: Float(alpha),
                                 accumulate: accumulate, into: &outFloat)
                #expect(outFloat == expected.map { Float($0) }, "Float \(rows) × \(columns), stride \(stride)")
            }
        }
    }

    /// One value per row added at its column; the other columns of contiguous rows zeroed in one
    /// pass, of strided rows row by row (padding untouched), or kept when accumulating.
    @Test func scatterIntoContiguousAndStridedRows() {
        let rows = 50, columns = 3
        let values = (0..<rows).map { Double($0) + 0.5 }, indices = (0..<rows).map { ($0 * 5) % columns }
        for (stride, zeroFirst) in [(columns, true), (columns + 2, true), (columns, false), (columns + 2, false)] {
            var out = [Double](repeating: 9, count: rows * stride)
            Double.scatterColumns(values, vStride: 1, rows: rows, columns: columns, indices: indices, alpha: 2,
                                  zeroFirst: zeroFirst, into: &out, outRowStride: stride)
            for r in 0..<rows {
                for c in 0..<stride {
                    let base: Double = c < columns && zeroFirst ? 0 : 9
                    let expected = base + (c == indices[r] ? 2 * values[r] : 0)
                    #expect(out[r * stride + c] == expected, "stride \(stride), zero first \(zeroFirst): (\(r), \(c))")
                }
            }
        }
    }
}
