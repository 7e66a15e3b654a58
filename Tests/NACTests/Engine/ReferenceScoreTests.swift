import Testing
@testable import NAC

/// Per-sample Jacobians of the reference MLP log-likelihoods equal the stored JAX scores.
@Suite struct ReferenceScoreTests {
    @Test(arguments: ["reference_scores_W1", "reference_scores_W2"])
    func scoresMatchReferenceInDouble(_ name: String) throws {
        let reference = try ReferencePolicy.load(name)
        let (f, inputs) = TestFunctions.function(for: reference, Double.self)
        #expect(f.parameterCount == reference.parameterCount)
        let (values, jacobian) = try f.perSampleJacobian(at: reference.parameters, inputs: inputs)
        for b in 0..<reference.batchSize {
            #expect(abs(values[b, 0] - reference.logProbabilities[b]) <= 1e-10 * max(1, abs(reference.logProbabilities[b])))
        }
        let scale = max(1, reference.scores.maximumMagnitude)
        var worst = 0.0
        for (a, r) in zip(jacobian.elements, reference.scores.elements) { worst = max(worst, abs(a - r)) }
        #expect(worst <= 1e-10 * scale, "worst |J − reference| = \(worst)")
    }

    @Test(arguments: ["reference_scores_W1", "reference_scores_W2"])
    func chunkedAndReusedBufferGiveTheSameJacobian(_ name: String) throws {
        let reference = try ReferencePolicy.load(name)
        let (f, inputs) = TestFunctions.function(for: reference, Double.self)
        let whole = try f.perSampleJacobian(at: reference.parameters, inputs: inputs).jacobian
        var reused = Matrix<Double>(rows: reference.batchSize, columns: f.parameterCount, repeating: .nan)
        try f.perSampleJacobian(at: reference.parameters, inputs: inputs, into: &reused, chunkSize: 3)
        // Chunks call gemm with fewer rows; OpenBLAS may block differently, so allow rounding.
        #expect(reused.isApproximatelyEqual(to: whole, absoluteTolerance: 1e-13, relativeTolerance: 1e-13), "max diff \((reused - whole).maximumMagnitude)")
        // Rows split over more threads than there are cores, chunked within each thread.
        var threaded = Matrix<Double>(rows: reference.batchSize, columns: f.parameterCount, repeating: .nan)
        let values = try f.perSampleJacobian(at: reference.parameters, inputs: inputs, into: &threaded, chunkSize: 2,
                                             threadCount: 3)
        #expect(threaded.isApproximatelyEqual(to: whole, absoluteTolerance: 1e-13, relativeTolerance: 1e-13), "max diff \((threaded - whole).maximumMagnitude)")
        for b in 0..<reference.batchSize {
            #expect(abs(values[b, 0] - reference.logProbabilities[b]) <= 1e-10 * max(1, abs(reference.logProbabilities[b])))
        }
        var streamed = Matrix<Double>.zeros(rows: reference.batchSize, columns: f.parameterCount)
        try f.forEachPerSampleJacobianChunk(at: reference.parameters, inputs: inputs, chunkSize: 3) { rows, _, chunk in
            for (i, r) in rows.enumerated() { streamed.setRow(r, to: chunk.row(i)) }
        }
        #expect(streamed.isApproximatelyEqual(to: whole, absoluteTolerance: 1e-13, relativeTolerance: 1e-13), "max diff \((streamed - whole).maximumMagnitude)")
    }

    @Test(arguments: ["reference_scores_W1", "reference_scores_W2"])
    func scoresMatchReferenceInFloat(_ name: String) throws {
        let reference = try ReferencePolicy.load(name)
        let (f, inputs) = TestFunctions.function(for: reference, Float.self)
        let theta = reference.parameters.map { Float($0) }
        let jacobian = try f.perSampleJacobian(at: theta, inputs: inputs).jacobian
        // Float: inputs and parameters are rounded (relative 6e-8) and each layer adds rounding;
        // 1e-4 of the largest score leaves a wide margin over the observed ~1e-6.
        let scale = max(1, reference.scores.maximumMagnitude)
        var worst = 0.0
        for (a, r) in zip(jacobian.elements, reference.scores.elements) { worst = max(worst, abs(Double(a) - r)) }
        #expect(worst <= 1e-4 * scale, "worst |J − reference| = \(worst)")
    }
}

/// A Jacobian large enough (beyond `jacobianStreamingThresholdBytes`, 16 MiB here) to take
/// the streaming-store path equals the same Jacobian computed in small chunks of its own
/// (plain stores, written whole rows at a time: `writesWholeRows`), and the same again written
/// by two threads (each streaming its half); then whole rows asked for at that size.
@Suite struct StreamingJacobianTests {
    @Test func largeBatchStreamingEqualsSmallChunks() throws {
        let f: DifferentiableFunction<Double> = TestFunctions.gaussianLogLikelihood([(17, 64), (64, 64), (64, 6)])
        let rowBytes = f.parameterCount * MemoryLayout<Double>.stride
        let b = jacobianStreamingThresholdBytes / rowBytes + 1
        #expect(b * rowBytes >= jacobianStreamingThresholdBytes)
        var rng = Xoshiro256StarStar(seed: 3)
        let theta = (0..<f.parameterCount).map { _ in 0.2 * rng.normal(Double.self) }
        let obs = Matrix<Double>.randomNormal(rows: b, columns: 17, seed: 4)
        let act = Matrix<Double>.randomNormal(rows: b, columns: 6, seed: 5)
        var streamed = Matrix<Double>(rows: b, columns: f.parameterCount, repeating: .nan)
        #expect(!DifferentiableFunction<Double>.writesWholeRows(jacobianBytes: b * rowBytes))
        try f.perSampleJacobian(at: theta, inputs: [obs, act], into: &streamed, threadCount: 1)
        // Plain stores: chunks of 32 rows, each written into a buffer of its own.
        var chunked = Matrix<Double>(rows: b, columns: f.parameterCount, repeating: .nan)
        try f.forEachPerSampleJacobianChunk(at: theta, inputs: [obs, act], chunkSize: 32) { rows, _, chunk in
            for (i, r) in rows.enumerated() { chunked.setRow(r, to: chunk.row(i)) }
        }
        // Chunks call gemm with fewer rows; OpenBLAS may block differently, so allow rounding.
        #expect(streamed.isApproximatelyEqual(to: chunked, absoluteTolerance: 1e-12, relativeTolerance: 1e-12))
        #expect(streamed.isFinite)
        // Two threads, and chunks of 32 rows, each streaming its rows (the whole Jacobian decides).
        var threaded = Matrix<Double>(rows: b, columns: f.parameterCount, repeating: .nan)
        try f.perSampleJacobian(at: theta, inputs: [obs, act], into: &threaded, threadCount: 2)
        #expect(threaded.isApproximatelyEqual(to: chunked, absoluteTolerance: 1e-12, relativeTolerance: 1e-12))
        var streamedChunks = Matrix<Double>(rows: b, columns: f.parameterCount, repeating: .nan)
        try f.perSampleJacobian(at: theta, inputs: [obs, act], into: &streamedChunks, chunkSize: 32, threadCount: 1)
        #expect(streamedChunks.isApproximatelyEqual(to: chunked, absoluteTolerance: 1e-12, relativeTolerance: 1e-12))
        // Whole rows asked for, on one and two threads.
        for threads in [1, 2] {
            var whole = Matrix<Double>(rows: b, columns: f.parameterCount, repeating: .nan)
            try f.perSampleJacobian(at: theta, inputs: [obs, act], into: &whole, chunkSize: nil, threadCount: threads,
                                    wholeRows: true)
            #expect(whole.isApproximatelyEqual(to: chunked, absoluteTolerance: 1e-12, relativeTolerance: 1e-12))
        }
    }
}
