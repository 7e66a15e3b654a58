/// y = x(·, range): a column slice.       ẏ = ẋ(·, range)       x̄(·, range) += ȳ
struct ColumnSliceOperation<Scalar: NACScalar>: TapeOperation {
    let input: Int
    let range: Range<Int>
    let inputColumns: Int
    var name: String { "column slice" }

    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func pullback(_ node: Int, _ context: ReverseContext<Scalar>) {
        guard let ybar = context.adjoint(node) else { return }
        place(ybar, context: context, tangent: false)
        if context.carriesTangents, let ybarDot = context.adjointTangent(node) {
            place(ybarDot, context: context, tangent: true)
        }
    }

    private func place(_ v: Block<Scalar>, context: ReverseContext<Scalar>, tangent: Bool) {
        guard context.wantsAdjoint(input) else { return }
        // Widen to the input's columns (zeros outside the range), then accumulate.
        let rows = v.rows
        let wide = Block<Scalar>(zerosRows: rows, columns: inputColumns)
        Scalar.copy(v.operand, rows: rows, columns: range.count, accumulate: false,
                    into: wide.base + range.lowerBound, outRowStride: inputColumns)
        context.accumulate(wide.operand, rows: rows, columns: inputColumns, into: input, tangent: tangent)
    }
}

/// y = [x₁ x₂ …] side by side.       ẏ = [ẋ₁ ẋ₂ …]       x̄ᵢ += ȳ(·, columns of xᵢ)
struct ConcatenateColumnsOperation<Scalar: NACScalar>: TapeOperation {
    let inputs: [Int]
    let offsets: [Int]
    let widths: [Int]
    let totalColumns: Int
    var name: String { "concatenate columns" }

    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func pullback(_ node: Int, _ context: ReverseContext<Scalar>) {
        guard let ybar = context.adjoint(node) else { return }
        let ybarDot = context.carriesTangents ? context.adjointTangent(node) : nil
        for (i, input) in inputs.enumerated() {
            context.accumulate(StridedOperand(ybar.base + offsets[i], rowStride: totalColumns), rows: ybar.rows,
                               columns: widths[i], into: input, tangent: false)
            if let ybarDot {
                context.accumulate(StridedOperand(ybarDot.base + offsets[i], rowStride: totalColumns),
                                   rows: ybarDot.rows, columns: widths[i], into: input, tangent: true)
            }
        }
    }
}

/// y = x with no derivative: tangents stop and adjoints do not flow back.
extension Tape {
    /// Columns `range` of x.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func columns(_ x: Variable<Scalar>, _ range: Range<Int>) -> Variable<Scalar> {
        precondition(x.tape === self, "Tape.columns: the input belongs to another tape")
        let n = nodes[x.index], v = n.value
        precondition(range.lowerBound >= 0 && range.upperBound <= v.columns,
                     "Tape.columns: range \(range) outside \(x.shapeDescription)")
        func slice(_ b: Block<Scalar>) -> Block<Scalar> {
            let y = Block<Scalar>(uninitializedRows: b.rows, columns: range.count)
            Scalar.copy(StridedOperand(b.base + range.lowerBound, rowStride: b.columns), rows: b.rows,
                        columns: range.count, accumulate: false, into: y.base, outRowStride: range.count)
            return y
        }
        let xi = x.index
        let rule: TangentRule<Scalar> = { tape in tape.nodes[xi].tangent.map(slice) }
        return record(slice(v), tangent: rule(self), batched: n.isBatched, inputs: [x.index],
                      operation: ColumnSliceOperation(input: x.index, range: range, inputColumns: v.columns),
                      tangentRule: rule)
    }

    /// The variables side by side (all batched with the same rows, or all unbatched rows; an
    /// unbatched row next to batched values is repeated over the batch).
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func concatenateColumns(_ parts: [Variable<Scalar>]) -> Variable<Scalar> {
        precondition(!parts.isEmpty, "Tape.concatenateColumns: nothing to concatenate")
        let batched = parts.contains { nodes[$0.index].isBatched }
        let rows = valueRows(batched: batched)
        for p in parts {
            precondition(p.tape === self, "Tape.concatenateColumns: a part belongs to another tape")
            precondition(nodes[p.index].value.rows == rows || nodes[p.index].value.rows == 1,
                         "Tape.concatenateColumns: part \(p.shapeDescription) beside \(rows) rows")
        }
        let widths = parts.map { nodes[$0.index].value.columns }
        var offsets = [Int](), total = 0
        for w in widths { offsets.append(total); total += w }
        func join(_ blocks: [Block<Scalar>?]) -> Block<Scalar> {
            let y = Block<Scalar>(zerosRows: rows, columns: total)
            for (i, b) in blocks.enumerated() {
                guard let b else { continue }
                Scalar.copy(b.operand(rows: rows, columns: b.columns), rows: rows, columns: widths[i],
                            accumulate: false, into: y.base + offsets[i], outRowStride: total)
            }
            return y
        }
        let value = join(parts.map { nodes[$0.index].value })
        let indices = parts.map(\.index)
        let rule: TangentRule<Scalar> = { tape in
            let tangents = indices.map { tape.nodes[$0].tangent }
            return tangents.contains { $0 != nil } ? join(tangents) : nil
        }
        return record(value, tangent: rule(self), batched: batched, inputs: parts.map(\.index),
                      operation: ConcatenateColumnsOperation(inputs: parts.map(\.index), offsets: offsets,
                                                             widths: widths, totalColumns: total),
                      tangentRule: rule)
    }

    /// x as a constant: no tangent goes forward, no adjoint flows back.
    public func stopGradient(_ x: Variable<Scalar>) -> Variable<Scalar> {
        precondition(x.tape === self, "Tape.stopGradient: the input belongs to another tape")
        let n = nodes[x.index]
        return append(constant: n.value, batched: n.isBatched)
    }
}

extension Variable {
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func columns(_ range: Range<Int>) -> Variable { tape.columns(self, range) }
    public func stopGradient() -> Variable { tape.stopGradient(self) }
}
