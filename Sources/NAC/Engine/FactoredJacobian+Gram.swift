extension FactoredJacobian {
    /// The Gram matrix G = J Jᵀ (B × B, G[b, c] = ψ_b · ψ_c) from the factors, without forming J.
    ///
    /// A dense layer contributes ⟨ȳ_b ⊗ x_b, ȳ_c ⊗ x_c⟩ = (ȳ_b · ȳ_c)(x_b · x_c), so its whole
    /// block is (Ȳ Ȳᵀ) ∘ (X Xᵀ): 2B²(out + in) flops instead of B² · out · in. Other parameters
    /// add E Eᵀ. Terms on the same parameters (a weight used several times per sample) add their
    /// cross terms (Ȳ₁ Ȳ₂ᵀ) ∘ (X₁ X₂ᵀ). If terms overlap only partly (overlapping parameter slices,
    /// or a weight also used elementwise), G is computed from the written-out J instead.
    ///
    /// - Complexity: Σ over pairs of terms on the same parameters of 2B²(out + in) (dense) or
    ///   2B² · count (other); O(B²P) in the partial-overlap case.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func gram() -> Matrix<Scalar> {
        let b = sampleCount
        var g = Matrix<Scalar>.zeros(rows: b, columns: b)
        guard b > 0 else { return g }
        // Terms grouped by their exact parameter range; any partial overlap → the explicit J.
        var groups: [Range<Int>: [FactoredJacobianTerm]] = [:]
        for (i, f) in denseFactors.enumerated() { groups[f.slice.range, default: []].append(.dense(i)) }
        for (i, e) in explicitBlocks.enumerated() { groups[e.slice.range, default: []].append(.explicit(i)) }
        let ranges = groups.keys.sorted { $0.lowerBound < $1.lowerBound }
        let partialOverlap = zip(ranges, ranges.dropFirst()).contains { $0.upperBound > $1.lowerBound }
            || groups.values.contains { terms in
                terms.contains { if case .dense = $0 { true } else { false } }
                    && terms.contains { if case .explicit = $0 { true } else { false } }
            }
        if partialOverlap {
            let j = jacobian()
            j.withUnsafeBufferPointer { pj in
                g.withUnsafeMutableBufferPointer { pg in
                    Scalar.syrk(.upper, .none, n: b, k: parameterCount, alpha: 1, a: pj.baseAddress!, lda: parameterCount,
                                beta: 0, c: pg.baseAddress!, ldc: b)
                    Scalar.symmetrize(.upper, n: b, pg.baseAddress!, lda: b)
                }
            }
            return g
        }
        let inputs = denseFactors.map(Self.batchedInput)
        g.withUnsafeMutableBufferPointer { pg in
            let out = pg.baseAddress!
            let signalProducts = Block<Scalar>(uninitializedRows: b, columns: b)
            let inputProducts = Block<Scalar>(uninitializedRows: b, columns: b)
            for range in ranges {
                let terms = groups[range]!
                // Σ over ordered pairs (t, u) of ⟨J_t(b), J_u(c)⟩: one pair for a parameter used
                // once, T² for one used T times.
                for first in terms {
                    for second in terms {
                        switch (first, second) {
                        case (.dense(let p), .dense(let q)):
                            let fp = denseFactors[p], fq = denseFactors[q]
                            let m = fp.slice.rows, n = fp.slice.columns
                            Scalar.gemm(.none, .transposed, m: b, n: b, k: m, alpha: 1, a: fp.signal.base, lda: m,
                                        b: fq.signal.base, ldb: m, beta: 0, c: signalProducts.base, ldc: b)
                            Scalar.gemm(.none, .transposed, m: b, n: b, k: n, alpha: 1, a: inputs[p].base, lda: n,
                                        b: inputs[q].base, ldb: n, beta: 0, c: inputProducts.base, ldc: b)
                            Scalar.broadcast(.multiply, signalProducts.operand, inputProducts.operand, rows: b, columns: b,
                                             alpha: 1, accumulate: true, into: out, outRowStride: b)
                        case (.explicit(let p), .explicit(let q)):
                            let ep = explicitBlocks[p], eq = explicitBlocks[q]
                            let count = ep.slice.count
                            Scalar.gemm(.none, .transposed, m: b, n: b, k: count, alpha: 1, a: ep.block.base, lda: count,
                                        b: eq.block.base, ldb: count, beta: 1, c: out, ldc: b)
                        default:
                            preconditionFailure("FactoredJacobian.gram: mixed terms are handled by the explicit J")
                        }
                    }
                }
            }
            // Symmetric up to the order of summation inside gemm: mirror the upper triangle so
            // that G is exactly symmetric.
            Scalar.symmetrize(.upper, n: b, out, lda: b)
        }
        return g
    }

    /// A dense factor's input as a B × in block (a broadcast row repeated).
    private static func batchedInput(_ factor: JacobianFactorSink<Scalar>.DenseFactor) -> Block<Scalar> {
        guard factor.inputRowStride == 0 else { return factor.input }
        let n = factor.slice.columns, b = factor.signal.rows
        let block = Block<Scalar>(uninitializedRows: b, columns: n)
        for r in 0..<b { (block.base + r * n).update(from: factor.input.base, count: n) }
        return block
    }
}

/// One additive term of a factored Jacobian: a dense factor or an explicit block (by index).
enum FactoredJacobianTerm {
    case dense(Int)
    case explicit(Int)
}
