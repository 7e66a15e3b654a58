import Foundation
import Testing
@testable import NAC

/// The automatic thread count of per-sample Jacobians, and what the threads write.
@Suite struct EngineThreadsTests {
    @Test func automaticCountFollowsSizeRowsAndMaximum() {
        // No test sets the maximum in this process (the exit tests below run in their own).
        let maximum = EngineThreads.maximum
        #expect(maximum == max(1, ProcessInfo.processInfo.activeProcessorCount))
        // Below 8 MiB and 2048 rows: one thread.
        #expect(EngineThreads.automaticCount(rows: 2047, bytes: (8 << 20) - 1) == 1)
        // 2048 rows of a small policy: every core.
        #expect(EngineThreads.automaticCount(rows: 2048, bytes: 1 << 20) == min(maximum, 32))
        // From 8 MiB: as many threads as allowed, at least 64 rows each.
        #expect(EngineThreads.automaticCount(rows: 100_000, bytes: 8 << 20) == min(maximum, 100_000 / 64))
        #expect(EngineThreads.automaticCount(rows: 127, bytes: 1 << 30) == 1)
        #expect(EngineThreads.automaticCount(rows: 128, bytes: 1 << 30) == min(maximum, 2))
        #expect(EngineThreads.automaticCount(rows: 10, bytes: 1 << 30) == 1)
        // Thread ranges tile the rows in order, sizes within one of each other.
        #expect((0..<3).map { EngineThreads.rows(ofThread: $0, of: 3, rows: 7) } == [0..<2, 2..<4, 4..<7])
        #expect((0..<4).map { EngineThreads.rows(ofThread: $0, of: 4, rows: 2) } == [0..<0, 0..<1, 1..<1, 1..<2])
    }

    /// W1 at B = 256 (11.7 MB in Double) takes the automatic threads; every row equals the
    /// single-thread row (to rounding: BLAS may pick other kernels for other row counts), the
    /// values too, and a buffer full of NaN is overwritten everywhere.
    @Test func automaticThreadsWriteEveryRow() throws {
        let f: DifferentiableFunction<Double> = TestFunctions.gaussianLogLikelihood([(17, 64), (64, 64), (64, 6)])
        let b = 256
        #expect(b * f.parameterCount * 8 >= EngineThreads.minimumParallelBytes)
        var rng = Xoshiro256StarStar(seed: 31)
        let theta = (0..<f.parameterCount).map { _ in 0.2 * rng.normal(Double.self) }
        let inputs = [Matrix<Double>.randomNormal(rows: b, columns: 17, seed: 32),
                      Matrix<Double>.randomNormal(rows: b, columns: 6, seed: 33)]
        var single = Matrix<Double>(rows: b, columns: f.parameterCount, repeating: .nan)
        let singleValues = try f.perSampleJacobian(at: theta, inputs: inputs, into: &single, threadCount: 1)
        for threads in [nil, 2, 5] as [Int?] {
            var j = Matrix<Double>(rows: b, columns: f.parameterCount, repeating: .nan)
            let values = try f.perSampleJacobian(at: theta, inputs: inputs, into: &j, threadCount: threads)
            #expect(j.isFinite, "threads \(String(describing: threads)): a NaN of the buffer survived")
            #expect(j.isApproximatelyEqual(to: single, absoluteTolerance: 1e-13, relativeTolerance: 1e-12),
                    "threads \(String(describing: threads)): max diff \((j - single).maximumMagnitude)")
            #expect(values.isApproximatelyEqual(to: singleValues, absoluteTolerance: 1e-13, relativeTolerance: 1e-12))
        }
        // Row b of J is the gradient of sample b alone (independent of any split).
        // First and last rows of the threads' ranges (2 and 5 threads).
        for row in [0, 50, 51, 127, 128, 255] {
            let g = f.gradient(at: theta, inputs: inputs.map { $0.rows(row..<(row + 1)) }).parameters
            expectClose(single.row(row), g, within: EngineTolerance.reference, "J row \(row) vs its own gradient")
        }
    }

    @Test func moreThreadsThanRowsAreCapped() throws {
        let f: DifferentiableFunction<Double> = TestFunctions.gaussianLogLikelihood([(3, 4), (4, 2)])
        var rng = Xoshiro256StarStar(seed: 34)
        let theta = (0..<f.parameterCount).map { _ in 0.3 * rng.normal(Double.self) }
        let inputs = [Matrix<Double>.randomNormal(rows: 3, columns: 3, seed: 35),
                      Matrix<Double>.randomNormal(rows: 3, columns: 2, seed: 36)]
        let single = try f.perSampleJacobian(at: theta, inputs: inputs, threadCount: 1)
        let many = try f.perSampleJacobian(at: theta, inputs: inputs, threadCount: 8)
        #expect(many.jacobian.isApproximatelyEqual(to: single.jacobian, absoluteTolerance: 1e-14, relativeTolerance: 1e-13))
        #expect(many.values.isApproximatelyEqual(to: single.values, absoluteTolerance: 1e-14, relativeTolerance: 1e-13))
    }

    @Test func badThreadCountsStopTheProgram() async {
        await #expect(processExitsWith: .failure) {
            let f = DifferentiableFunction<Double>(parameterCount: 1) { tape, x in x[0] * tape.parameter(ParameterSlice(offset: 0, rows: 1, columns: 1)) }
            _ = try? f.perSampleJacobian(at: [1], inputs: [.zeros(rows: 2, columns: 1)], threadCount: 0)
        }
        await #expect(processExitsWith: .failure) { EngineThreads.maximum = 0 }
    }
}

/// Empty batches and functions without parameters, on one thread and several.
@Suite struct PerSampleJacobianEdgeShapeTests {
    @Test func emptyBatchAndNoParameters() throws {
        let w = ParameterSlice(offset: 0, rows: 1, columns: 2)
        let f = DifferentiableFunction<Double>(parameterCount: 2) { tape, x in tape.dense(x[0], weight: w) }
        for threads in [1, 2] {
            var empty = Matrix<Double>(rows: 0, columns: 2, elements: [])
            let values = try f.perSampleJacobian(at: [1, 2], inputs: [Matrix(rows: 0, columns: 2, elements: [])],
                                                 into: &empty, threadCount: threads)
            #expect(values.rows == 0 && values.columns == 1)
        }
        let constant = DifferentiableFunction<Double>(parameterCount: 0) { _, x in x[0].squared().sumAlongFeatures() }
        let x = Matrix<Double>([[1, 2], [3, 4], [5, 6]])
        for threads in [1, 2] {
            let r = try constant.perSampleJacobian(at: [], inputs: [x], threadCount: threads)
            #expect(r.jacobian.rows == 3 && r.jacobian.columns == 0 && r.values.elements == [5, 25, 61])
        }
    }
}
