import Dispatch
import Synchronization

extension DifferentiableFunction {
    /// Checks that a recording supports per-sample derivatives.
    func validatePerSample(_ r: Recording) throws(DifferentiationError) {
        let outNode = r.tape.nodes[r.output.index]
        guard outNode.isBatched else { throw .outputNotBatched }
        guard outNode.value.columns == 1 else { throw .outputNotScalarPerSample(columns: outNode.value.columns) }
        if let mixing = r.tape.nodes.first(where: { $0.mixesSamples }) {
            throw .operationMixesSamples(operation: mixing.operationName)
        }
    }

    /// Whether the per-sample reverse pass writes the Jacobian **whole rows at a time** (the
    /// dense factors and the other parameters' blocks kept until the pass ends, then every row
    /// written in order, `JacobianFactorSink.writeRows`) rather than each parameter block into
    /// every row as the pass reaches it: when the whole Jacobian is below
    /// `jacobianStreamingThresholdBytes`, where both ways write with ordinary stores.
    ///
    /// A block-by-block pass comes back to each row once per parameter block; short rows share
    /// cache lines between blocks, which leave L1 in between. Measured in one process,
    /// alternating the two ways (one thread, medians of 21 runs, on a noisy host): W2 (P = 226)
    /// at B = 256–4096 1.14–1.23× faster in float32 and 0.97–1.35× in float64; W1 (P = 5708)
    /// at B = 256 1.05–1.06× (float32) and 1.03–1.11× (float64); W4 (P = 5060) at B = 256
    /// 1.03–1.12×. Larger Jacobians keep the block-by-block pass and its streaming stores: whole
    /// rows of ordinary stores ran 0.90–0.97× as fast on W3 (P = 84 496) at B = 256–1024 and
    /// 0.91–0.96× on W1 and W4 at B = 4096 (one thread), and whole rows streamed through a
    /// scratch row 0.82–0.94×. The kept factors add B × (Σ layer outputs + other parameters)
    /// scalars until the rows are written.
    static func writesWholeRows(jacobianBytes: Int) -> Bool {
        jacobianBytes < jacobianStreamingThresholdBytes
    }

    /// Runs the per-sample reverse pass of one recording into Jacobian rows at `target`
    /// (and `tangentTarget`), `rowStride` apart. `wholeRows` chooses how the rows are written
    /// (default: `writesWholeRows`; never with tangents).
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func perSampleReverse(
        _ r: Recording, target: UnsafeMutablePointer<Scalar>, tangentTarget: UnsafeMutablePointer<Scalar>?,
        rowStride: Int, jacobianBytes: Int? = nil, wholeRows: Bool? = nil
    ) {
        let tape = r.tape, out = r.output
        let carries = tangentTarget != nil
        let wholeBytes = jacobianBytes ?? tape.batchSize * parameterCount * MemoryLayout<Scalar>.stride
        if !carries, wholeRows ?? Self.writesWholeRows(jacobianBytes: wholeBytes) {
            factoredReverse(r).writeRows(rows: tape.batchSize, parameterCount: parameterCount, into: target, rowStride: rowStride)
            return
        }
        let context = ReverseContext(tape: tape, mode: .perSample, carriesTangents: carries, target: target,
                                     tangentTarget: tangentTarget, targetRowStride: rowStride,
                                     jacobianBytes: jacobianBytes)
        if tape.nodes[out.index].needsAdjoint {
            let seed = Block<Scalar>(uninitializedRows: tape.batchSize, columns: 1)
            Scalar.fill(seed.base, count: tape.batchSize, with: 1)
            context.run(output: out.index, seed: seed, seedTangent: nil)
        }
        context.zeroUnwrittenColumns(parameterCount: parameterCount)
    }

    /// The per-sample Jacobian J[b, p] = ∂out_b/∂θ_p (B × P) written into `jacobian`, which the
    /// caller may reuse between calls (its contents are overwritten; no zero-fill pass). Returns
    /// the outputs (B × 1).
    ///
    /// Dense-layer weight rows are written as outer products of the back-propagated signal and
    /// the layer input straight into row b; no per-sample backward passes, no B × out × in
    /// temporary, no copy afterwards. A parameter used several times per sample accumulates.
    ///
    /// - Parameters:
    ///   - chunkSize: rows evaluated per pass (default: all), bounding the engine's own memory
    ///     to O(chunkSize × Σ layer widths) per thread (the recorded activations, and below the
    ///     streaming threshold the kept signals of `writesWholeRows`).
    ///   - threadCount: threads that evaluate disjoint, contiguous row ranges concurrently, each
    ///     writing its own rows of `jacobian` (default: `EngineThreads.automaticCount`, every
    ///     core from 8 MiB of Jacobian or 2048 rows on). Every row goes through the same
    ///     operations whatever the split; results can differ from one thread's in the last bits
    ///     only, where BLAS picks another kernel for another number of rows.
    /// - Throws: `.operationMixesSamples` if the computation reduces over the batch; `.outputNotScalarPerSample`.
    /// - Complexity: one forward and one reverse pass over the batch; B · P writes.
    @discardableResult
    public func perSampleJacobian(
        at theta: [Scalar], inputs: [Matrix<Scalar>], into jacobian: inout Matrix<Scalar>, chunkSize: Int? = nil,
        threadCount: Int? = nil
    ) throws(DifferentiationError) -> Matrix<Scalar> {
        try perSampleJacobian(at: theta, inputs: inputs, into: &jacobian, chunkSize: chunkSize, threadCount: threadCount,
                              wholeRows: nil)
    }

    /// `perSampleJacobian(at:inputs:into:chunkSize:threadCount:)` with the way rows are written
    /// chosen (`wholeRows`, default `writesWholeRows`), for tests and measurements.
    @discardableResult
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func perSampleJacobian(
        at theta: [Scalar], inputs: [Matrix<Scalar>], into jacobian: inout Matrix<Scalar>, chunkSize: Int?,
        threadCount: Int?, wholeRows: Bool?
    ) throws(DifferentiationError) -> Matrix<Scalar> {
        let b = batchSize(of: inputs)
        precondition(jacobian.rows == b && jacobian.columns == parameterCount,
                     "perSampleJacobian: jacobian is \(jacobian.rows) × \(jacobian.columns) but the batch and θ need \(b) × \(parameterCount)")
        if let threadCount { precondition(threadCount >= 1, "perSampleJacobian: threadCount \(threadCount) (at least 1)") }
        if b == 0 { return Matrix(rows: 0, columns: 1, elements: []) }
        let p = parameterCount
        let totalBytes = b * p * MemoryLayout<Scalar>.stride
        let automatic = EngineThreads.automaticCount(rows: b, bytes: totalBytes)
        let threads = Swift.max(1, Swift.min(threadCount ?? automatic, b))
        let chunk = Swift.max(1, chunkSize ?? b)
        var values = Matrix<Scalar>(rows: b, columns: 1, repeating: 0)
        let result: Result<Void, DifferentiationError> = jacobian.withUnsafeMutableBufferPointer { j in
            values.withUnsafeMutableBufferPointer { v in
                nonisolated(unsafe) let jacobianBase = j.baseAddress!, valueBase = v.baseAddress!
                /// Rows `range` in passes of `chunk` rows.
                @Sendable func evaluate(_ range: Range<Int>) -> DifferentiationError? {
                    var start = range.lowerBound
                    while start < range.upperBound {
                        let rows = start..<Swift.min(range.upperBound, start + chunk)
                        let r = record(theta, inputs: inputs, rows: rows)
                        do throws(DifferentiationError) { try validatePerSample(r) } catch { return error }
                        perSampleReverse(r, target: jacobianBase + start * p, tangentTarget: nil, rowStride: p,
                                         jacobianBytes: totalBytes, wholeRows: wholeRows)
                        let out = r.tape.nodes[r.output.index].value
                        (valueBase + start).update(from: out.base, count: out.count)
                        start = rows.upperBound
                    }
                    return nil
                }
                if threads == 1 { return evaluate(0..<b).map { .failure($0) } ?? .success(()) }
                let failure = Mutex<DifferentiationError?>(nil)
                DispatchQueue.concurrentPerform(iterations: threads) { t in
                    if let error = evaluate(EngineThreads.rows(ofThread: t, of: threads, rows: b)) {
                        failure.withLock { $0 = $0 ?? error }
                    }
                }
                return failure.withLock { $0 }.map { .failure($0) } ?? .success(())
            }
        }
        try result.get()
        return values
    }

    /// The outputs (B × 1) and the per-sample Jacobian (B × P) in a new matrix.
    /// Prefer `perSampleJacobian(at:inputs:into:)` with a reused matrix in loops: a fresh
    /// B × P allocation costs a page fault per 4 KiB on first touch.
    public func perSampleJacobian(
        at theta: [Scalar], inputs: [Matrix<Scalar>], chunkSize: Int? = nil, threadCount: Int? = nil
    ) throws(DifferentiationError) -> (values: Matrix<Scalar>, jacobian: Matrix<Scalar>) {
        let b = batchSize(of: inputs)
        var j = Matrix<Scalar>(rows: b, columns: parameterCount) { _ in }   // overwritten in full
        let v = try perSampleJacobian(at: theta, inputs: inputs, into: &j, chunkSize: chunkSize,
                                      threadCount: threadCount)
        return (v, j)
    }

    /// Streams the per-sample Jacobian in chunks of `chunkSize` rows to `consumer` (rows of the
    /// batch, outputs of those rows, chunk × P Jacobian), reusing one chunk buffer: a Jacobian
    /// larger than memory can be reduced on the fly (for example accumulated into JᵀJ).
    public func forEachPerSampleJacobianChunk(
        at theta: [Scalar], inputs: [Matrix<Scalar>], chunkSize: Int,
        _ consumer: (_ rows: Range<Int>, _ values: Matrix<Scalar>, _ jacobian: Matrix<Scalar>) throws -> Void
    ) throws {
        precondition(chunkSize >= 1, "forEachPerSampleJacobianChunk: chunkSize \(chunkSize)")
        let b = batchSize(of: inputs)
        var start = 0
        var buffer = Matrix<Scalar>(rows: Swift.min(chunkSize, b), columns: parameterCount) { _ in }
        while start < b {
            let rows = start..<Swift.min(b, start + chunkSize)
            let r = record(theta, inputs: inputs, rows: rows)
            try validatePerSample(r)
            if buffer.rows != rows.count {
                buffer = Matrix(rows: rows.count, columns: parameterCount) { _ in }
            }
            buffer.withUnsafeMutableBufferPointer { j in
                perSampleReverse(r, target: j.baseAddress!, tangentTarget: nil, rowStride: parameterCount)
            }
            try consumer(rows, r.output.value, buffer)
            start = rows.upperBound
        }
    }

    /// Forward-over-reverse per sample: the Jacobian J (B × P) and its directional derivative
    /// J̇[b, p] = d/dε ∂out_b/∂θ_p (θ + εθ̇, x + εẋ). With θ̇ = 0 and an input direction ẋ, row b
    /// of J̇ is ∇θ (∇ₓ out_b · ẋ_b): the parameter gradient of a directional derivative in the input,
    /// as needed by losses containing ∂V/∂x · ẋ.
    public func perSampleJacobianWithTangent(
        at theta: [Scalar], inputs: [Matrix<Scalar>], parameterDirection: [Scalar]? = nil,
        inputDirections: [Matrix<Scalar>?]? = nil
    ) throws(DifferentiationError) -> (values: Matrix<Scalar>, valueTangents: Matrix<Scalar>,
                                       jacobian: Matrix<Scalar>, jacobianTangent: Matrix<Scalar>) {
        let b = batchSize(of: inputs)
        let r = record(theta, parameterDirection: parameterDirection, inputs: inputs,
                       inputDirections: inputDirections, rows: 0..<b)
        try validatePerSample(r)
        var j = Matrix<Scalar>(rows: b, columns: parameterCount) { _ in }
        var jt = Matrix<Scalar>(rows: b, columns: parameterCount) { _ in }
        j.withUnsafeMutableBufferPointer { pj in
            jt.withUnsafeMutableBufferPointer { pjt in
                perSampleReverse(r, target: pj.baseAddress!, tangentTarget: pjt.baseAddress!, rowStride: parameterCount)
            }
        }
        let out = r.output
        return (out.value, out.tangent ?? .zeros(rows: b, columns: 1), j, jt)
    }
}
