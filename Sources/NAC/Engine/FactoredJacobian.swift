/// Collects, during one factored per-sample reverse pass, the dense-layer factors and the other
/// parameters' per-sample adjoint blocks (see `FactoredJacobian`).
final class JacobianFactorSink<Scalar: NACScalar> {
    struct DenseFactor {
        let slice: ParameterSlice
        /// ȳ, B × out.
        let signal: Block<Scalar>
        /// x, B × in (or one row, broadcast, when `inputRowStride` is 0).
        let input: Block<Scalar>
        let inputRowStride: Int
    }

    private(set) var denseFactors: [DenseFactor] = []
    /// Per parameter leaf (node index): its slice and a B × count block of per-sample adjoints.
    private(set) var explicitBlocks: [Int: (slice: ParameterSlice, block: Block<Scalar>)] = [:]

    func recordDenseFactor(slice: ParameterSlice, signal: Block<Scalar>, input: Block<Scalar>, inputRowStride: Int) {
        denseFactors.append(DenseFactor(slice: slice, signal: signal, input: input, inputRowStride: inputRowStride))
    }

    /// The destination for a parameter leaf's per-sample adjoint: its own B × count block,
    /// uninitialised (`fresh`) on first use.
    func explicitDestination(_ node: Int, slice: ParameterSlice, rows: Int)
        -> (base: UnsafeMutablePointer<Scalar>, rowStride: Int, fresh: Bool) {
        if let existing = explicitBlocks[node] { return (existing.block.base, slice.count, false) }
        let block = Block<Scalar>(uninitializedRows: rows, columns: slice.count)
        explicitBlocks[node] = (slice, block)
        return (block.base, slice.count, true)
    }
}

extension JacobianFactorSink {
    /// Writes the recorded per-sample adjoints as whole Jacobian rows (`rows` × `parameterCount`,
    /// row stride `rowStride`): each dense factor's outer products and each other parameter's
    /// block in its columns, zeros where no parameter contribution reached — every column of every
    /// row, one row at a time (`NACScalar.writeJacobianRows`). A parameter recorded more than once
    /// (used several times per sample) makes blocks overlap: the rows are then zeroed and every
    /// term added, as `FactoredJacobian.jacobian()` does. Ordinary stores: for Jacobians that fit
    /// in the cache.
    /// - Complexity: rows · parameterCount writes.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func writeRows(rows: Int, parameterCount: Int, into target: UnsafeMutablePointer<Scalar>, rowStride: Int) {
        var segments = denseFactors.map {
            JacobianRowSegment(offset: $0.slice.offset, outer: UnsafePointer($0.signal.base), rows: $0.slice.rows,
                               uRowStride: $0.slice.rows, UnsafePointer($0.input.base), columns: $0.slice.columns,
                               vRowStride: $0.inputRowStride)
        }
        for (_, entry) in explicitBlocks {
            segments.append(JacobianRowSegment(offset: entry.slice.offset, copy: UnsafePointer(entry.block.base),
                                               count: entry.slice.count, rowStride: entry.slice.count))
        }
        segments.sort { $0.offset < $1.offset }
        let overlapping = zip(segments, segments.dropFirst()).contains { $0.offset + $0.width > $1.offset }
        if !overlapping {
            segments.withUnsafeBufferPointer { ps in
                Scalar.writeJacobianRows(rows: rows, columns: parameterCount, segments: ps, into: target,
                                         rowStride: rowStride, vectorExtensions: true)
            }
        } else {
            for b in 0..<rows { Scalar.fill(target + b * rowStride, count: parameterCount, with: 0) }
            for s in segments {
                if s.n == 0 {
                    Scalar.copy(StridedOperand(s.u, rowStride: s.uRowStride), rows: rows, columns: s.m, alpha: 1,
                                accumulate: true, into: target + s.offset, outRowStride: rowStride)
                } else {
                    Scalar.outerProductRows(rows: rows, m: s.m, n: s.n, alpha: 1, u: s.u, uRowStride: s.uRowStride,
                                            v: s.v, vRowStride: s.vRowStride, accumulate: true, streaming: false,
                                            into: target + s.offset, dstRowStride: rowStride)
                }
            }
        }
    }
}

/// The per-sample Jacobian J (B × P, J[b, p] = ∂out_b/∂θ_p) kept **factored**, as the reverse pass
/// produces it, instead of written out:
///
///     J = Σ_dense layers  [ȳ_b ⊗ x_b]_b  (in the weight's columns)  +  Σ_other parameters E  (B × count)
///
/// A dense layer's per-sample weight gradient is the outer product of its back-propagated
/// signal ȳ_b (out) and its input x_b (in); the factors ȳ (B × out) and x (B × in) take
/// O(B × (out + in)) memory against B × out × in for the written Jacobian. Every other parameter
/// (biases, log σ, parameters used elementwise) keeps its per-sample adjoints in a B × count block.
/// A parameter used several times contributes several terms, which add up as in J.
///
/// Products with J then cost one gemm per dense layer, B × in × out multiply-adds — the flops of
/// one layer of a forward pass — so a Fisher-vector product Jᵀ(ω ⊙ J v)/Σω costs about two
/// thirds of a batch gradient on MLPs, and the factors are reused by every product (conjugate
/// gradient), where the recorded-tape Fisher-vector product re-sweeps the tangents each time.
///
/// Immutable once built; its blocks are not shared with anything that writes them, so it can be
/// read from several threads.
public struct FactoredJacobian<Scalar: NACScalar>: @unchecked Sendable {
    /// B.
    public let sampleCount: Int
    /// P.
    public let parameterCount: Int
    let denseFactors: [JacobianFactorSink<Scalar>.DenseFactor]
    let explicitBlocks: [(slice: ParameterSlice, block: Block<Scalar>)]

    init(sampleCount: Int, parameterCount: Int, sink: JacobianFactorSink<Scalar>) {
        self.sampleCount = sampleCount
        self.parameterCount = parameterCount
        denseFactors = sink.denseFactors
        explicitBlocks = sink.explicitBlocks.keys.sorted().map { sink.explicitBlocks[$0]! }
    }

    /// Scalars held: Σ B × (out + in) over dense factors plus Σ B × count over the other
    /// parameters — against B × P for the written Jacobian.
    public var storedScalarCount: Int {
        denseFactors.reduce(0) { $0 + $1.signal.count + $1.input.count } + explicitBlocks.reduce(0) { $0 + $1.block.count }
    }

    /// J v (B): per dense layer T = X Vᵀ (B × out) and (J v)_b += ȳ_b · T_b; per other parameter
    /// E v_slice.
    /// - Precondition: v has P elements.
    /// - Complexity: 2 B Σ(in · out) + 2 B Σ count flops.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func product(_ v: [Scalar]) -> [Scalar] {
        precondition(v.count == parameterCount,
                     "FactoredJacobian.product: J is \(sampleCount) × \(parameterCount) but v has \(v.count) elements")
        let b = sampleCount
        var result = [Scalar](repeating: 0, count: b)
        guard b > 0 else { return result }
        v.withUnsafeBufferPointer { pv in
            result.withUnsafeMutableBufferPointer { pr in
                let out = pr.baseAddress!
                for factor in denseFactors {
                    let m = factor.slice.rows, n = factor.slice.columns
                    let weights = pv.baseAddress! + factor.slice.offset
                    if factor.inputRowStride == 0 {
                        // One input row for every sample: t = V x, (J v)_b += ȳ_b · t.
                        let t = Block<Scalar>(uninitializedRows: 1, columns: m)
                        Scalar.gemv(.none, m: m, n: n, alpha: 1, a: weights, lda: n, x: factor.input.base, incx: 1,
                                    beta: 0, y: t.base, incy: 1)
                        Scalar.gemv(.none, m: b, n: m, alpha: 1, a: factor.signal.base, lda: m, x: t.base, incx: 1,
                                    beta: 1, y: out, incy: 1)
                    } else {
                        let t = Block<Scalar>(uninitializedRows: b, columns: m)
                        Scalar.gemm(.none, .transposed, m: b, n: m, k: n, alpha: 1, a: factor.input.base, lda: n,
                                    b: weights, ldb: n, beta: 0, c: t.base, ldc: m)
                        for row in 0..<b {
                            out[row] += Scalar.dot(n: m, x: factor.signal.base + row * m, incx: 1, y: t.base + row * m, incy: 1)
                        }
                    }
                }
                for (slice, block) in explicitBlocks {
                    Scalar.gemv(.none, m: b, n: slice.count, alpha: 1, a: block.base, lda: slice.count,
                                x: pv.baseAddress! + slice.offset, incx: 1, beta: 1, y: out, incy: 1)
                }
            }
        }
        return result
    }

    /// Jᵀ w (P): per dense layer (ȳ ⊙ w)ᵀ X into the weight's block (out × in); per other
    /// parameter Eᵀ w. Parameters that reach no output get 0.
    /// - Precondition: w has B elements.
    /// - Complexity: 2 B Σ(in · out) + 2 B Σ count flops.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func transposedProduct(_ w: [Scalar]) -> [Scalar] {
        precondition(w.count == sampleCount,
                     "FactoredJacobian.transposedProduct: J is \(sampleCount) × \(parameterCount) but w has \(w.count) elements")
        let b = sampleCount
        var result = [Scalar](repeating: 0, count: parameterCount)
        guard b > 0 else { return result }
        w.withUnsafeBufferPointer { pw in
            result.withUnsafeMutableBufferPointer { pr in
                for factor in denseFactors {
                    let m = factor.slice.rows, n = factor.slice.columns
                    let destination = pr.baseAddress! + factor.slice.offset
                    if factor.inputRowStride == 0 {
                        // Σ_b w_b ȳ_b ⊗ x = (ȳᵀ w) ⊗ x.
                        let s = Block<Scalar>(uninitializedRows: 1, columns: m)
                        Scalar.gemv(.transposed, m: b, n: m, alpha: 1, a: factor.signal.base, lda: m, x: pw.baseAddress!,
                                    incx: 1, beta: 0, y: s.base, incy: 1)
                        Scalar.ger(m: m, n: n, alpha: 1, x: s.base, incx: 1, y: factor.input.base, incy: 1,
                                   a: destination, lda: n)
                    } else {
                        // (diag(w) ȳ)ᵀ X.
                        let scaled = Block<Scalar>(uninitializedRows: b, columns: m)
                        for row in 0..<b {
                            let weight = pw[row], source = factor.signal.base + row * m, target = scaled.base + row * m
                            for o in 0..<m { target[o] = weight * source[o] }
                        }
                        Scalar.gemm(.transposed, .none, m: m, n: n, k: b, alpha: 1, a: scaled.base, lda: m,
                                    b: factor.input.base, ldb: n, beta: 1, c: destination, ldc: n)
                    }
                }
                for (slice, block) in explicitBlocks {
                    Scalar.gemv(.transposed, m: b, n: slice.count, alpha: 1, a: block.base, lda: slice.count,
                                x: pw.baseAddress!, incx: 1, beta: 1, y: pr.baseAddress! + slice.offset, incy: 1)
                }
            }
        }
        return result
    }

    /// The Fisher-vector product Jᵀ diag(ω) (J v) / Σω + λ v (ω = 1 when nil).
    /// - Precondition: v has P elements, ω has B.
    /// - Complexity: two products with J.
    public func fisherVectorProduct(_ v: [Scalar], sampleWeights: [Scalar]? = nil, damping: Scalar = 0) -> [Scalar] {
        var u = product(v)
        if let sampleWeights {
            precondition(sampleWeights.count == sampleCount,
                         "FactoredJacobian.fisherVectorProduct: \(sampleWeights.count) weights for \(sampleCount) samples")
            let total = sampleWeights.reduce(0, +)
            for i in 0..<u.count { u[i] *= sampleWeights[i] / total }
        } else if sampleCount > 0 {
            scale(&u, by: 1 / Scalar(sampleCount))
        }
        var result = transposedProduct(u)
        if damping != 0 { axpy(damping, v, &result) }
        return result
    }

    /// J written out (B × P): what `perSampleJacobian` returns, for tests and for callers that
    /// need the explicit matrix after all.
    /// - Complexity: B · P writes plus the outer products.
    public func jacobian() -> Matrix<Scalar> {
        var j = Matrix<Scalar>.zeros(rows: sampleCount, columns: parameterCount)
        let b = sampleCount, p = parameterCount
        j.withUnsafeMutableBufferPointer { pj in
            guard let base = pj.baseAddress else { return }
            for factor in denseFactors {
                Scalar.outerProductRows(rows: b, m: factor.slice.rows, n: factor.slice.columns, alpha: 1,
                                        u: factor.signal.base, uRowStride: factor.slice.rows,
                                        v: factor.input.base, vRowStride: factor.inputRowStride, accumulate: true,
                                        streaming: false, into: base + factor.slice.offset, dstRowStride: p)
            }
            for (slice, block) in explicitBlocks {
                Scalar.copy(block.operand, rows: b, columns: slice.count, alpha: 1, accumulate: true,
                            into: base + slice.offset, outRowStride: p)
            }
        }
        return j
    }
}

extension DifferentiableFunction {
    /// The per-sample Jacobian of the B outputs, kept factored (see `FactoredJacobian`): one
    /// forward and one per-sample reverse pass that write no B × P matrix. Returns the outputs
    /// (B × 1) too.
    ///
    /// - Throws: `.operationMixesSamples` if the computation reduces over the batch;
    ///   `.outputNotScalarPerSample`.
    /// - Complexity: about one batch gradient; memory O(B × Σ layer widths) plus B × count for
    ///   parameters not used as dense weights.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func factoredPerSampleJacobian(
        at theta: [Scalar], inputs: [Matrix<Scalar>]
    ) throws(DifferentiationError) -> (values: Matrix<Scalar>, jacobian: FactoredJacobian<Scalar>) {
        let b = batchSize(of: inputs)
        let r = record(theta, inputs: inputs, rows: 0..<b)
        try validatePerSample(r)
        let sink = factoredReverse(r)
        let value = r.tape.nodes[r.output.index].value
        let values = Matrix(rows: b, columns: 1, elements: Array(UnsafeBufferPointer(start: value.base, count: value.count)))
        return (values, FactoredJacobian(sampleCount: b, parameterCount: parameterCount, sink: sink))
    }

    /// The per-sample reverse pass of one (validated) recording with every parameter adjoint
    /// recorded in a `JacobianFactorSink` (dense factors, other blocks) instead of written.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func factoredReverse(_ r: Recording) -> JacobianFactorSink<Scalar> {
        let tape = r.tape, out = r.output
        let sink = JacobianFactorSink<Scalar>()
        let context = ReverseContext(tape: tape, mode: .perSample, carriesTangents: false, target: nil,
                                     tangentTarget: nil, targetRowStride: parameterCount, factorSink: sink)
        if tape.nodes[out.index].needsAdjoint {
            let seed = Block<Scalar>(uninitializedRows: tape.batchSize, columns: 1)
            Scalar.fill(seed.base, count: tape.batchSize, with: 1)
            context.run(output: out.index, seed: seed, seedTangent: nil)
        }
        return sink
    }
}
