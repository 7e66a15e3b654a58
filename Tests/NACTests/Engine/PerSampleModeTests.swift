import Testing
@testable import NAC

/// The per-sample modes: accumulation of parameters used several times per sample, unused
/// parameters, chunking and streaming, refusals, and Fisher-vector products.
@Suite struct PerSampleModeTests {
    // MARK: Accumulation

    struct Rollout: Sendable {
        var w, b, policy, logStd: ParameterSlice
        var theta: [Double]
        var count: Int
        var steps: Int
    }

    static func rollout(state: Int, steps: Int, seed: UInt64) -> Rollout {
        var p = ParameterBuilder(seed: seed)
        let w = p.matrix(rows: state, columns: state + 1), b = p.vector(state)
        let policy = p.matrix(rows: 1, columns: state), logStd = p.vector(1, .normal(0.2))
        return Rollout(w: w, b: b, policy: policy, logStd: logStd, theta: p.theta, count: p.count, steps: steps)
    }

    /// A rollout-like loop: s ← s + ½ tanh(W [s, u_t] + b) for T steps with the same W, b, and a
    /// Gaussian log-likelihood of the actions from a linear policy on each state, summed over time.
    /// W, b and the policy are each used T times per sample.
    static func rolloutFunction(_ r: Rollout) -> DifferentiableFunction<Double> {
        DifferentiableFunction(parameterCount: r.count) { tape, x in
            // x[0]: initial states (B × n); x[1]: actions (B × T), one column per step.
            var s = x[0]
            var total: Variable<Double>?
            let logStd = tape.parameter(r.logStd)
            for t in 0..<r.steps {
                let u = x[1].columns(t..<(t + 1))
                let mean = tape.dense(s, weight: r.policy)
                let z = (u - mean) * (-logStd).exp()
                let logLikelihood = z.squared() * -0.5 - logStd
                total = total.map { $0 + logLikelihood } ?? logLikelihood
                s = s + tape.dense(tape.concatenateColumns([s, u]), weight: r.w, bias: r.b).tanh() * 0.5
            }
            return total!
        }
    }

    @Test(arguments: [1, 3, 7])
    func rolloutReusesParametersInEveryMode(_ batch: Int) throws {
        let r = Self.rollout(state: 2, steps: 3, seed: 900)
        let f = Self.rolloutFunction(r)
        var rng = Xoshiro256StarStar(seed: 90)
        let inputs = [rng.normalMatrix(batch, 2), rng.normalMatrix(batch, 3)]
        EngineModes.check(EngineCase(name: "rollout B=\(batch)", function: f, theta: r.theta, inputs: inputs))
        // Row b of J is the reduced gradient of sample b alone.
        let j = try f.perSampleJacobian(at: r.theta, inputs: inputs).jacobian
        for b in 0..<batch {
            let g = f.gradient(at: r.theta, inputs: inputs.map { $0.rows(b..<(b + 1)) }).parameters
            expectClose(j.row(b), g, within: EngineTolerance.reference, "rollout: J row \(b) vs the gradient of sample \(b)")
        }
    }

    /// One parameter row used as a dense weight (1 × n), as a broadcast row and inside an
    /// elementwise function: every use adds to the same Jacobian columns.
    @Test func sameSliceUsedByDifferentOperations() {
        var params = ParameterBuilder(seed: 910)
        let v = params.matrix(rows: 1, columns: 3), b = params.vector(1)
        let x = Matrix<Double>.randomNormal(rows: 5, columns: 3, seed: 91)
        let f = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            let row = tape.parameter(v)
            let y = tape.dense(x[0], weight: v, bias: b)   // same leaf as `row`
            return (y.tanh() + (x[0] * row).sumAlongFeatures().sin() + row.squared().sumAlongFeatures()) * tape.parameter(b)
        }
        EngineModes.check(EngineCase(name: "slice as weight, row and function argument", function: f,
                                     theta: params.theta, inputs: [x]))
    }

    /// Parameter slices that overlap (the same scalars seen as a matrix and as a row): the
    /// per-sample target is zeroed first and every write accumulates (the unused trailing
    /// parameters must still come out zero over the NaN-filled buffer of `EngineModes`).
    @Test(arguments: [1, 4])
    func overlappingSlices(_ batch: Int) {
        var params = ParameterBuilder(seed: 920)
        let w = params.matrix(rows: 2, columns: 3)                      // θ[0..<6]
        _ = params.vector(2)                                            // θ[6..<8]
        let secondRow = ParameterSlice(offset: 3, count: 3)             // overlaps W's second row
        let tail = ParameterSlice(offset: 5, count: 3)                  // overlaps both
        _ = params.vector(2)                                            // θ[8..<10], unused: zero columns
        let x = Matrix<Double>.randomNormal(rows: batch, columns: 3, seed: 92)
        let f = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            let h = tape.dense(x[0], weight: w).tanh()                  // B × 2
            let r = (x[0] * tape.parameter(secondRow)).sumAlongFeatures()
            return (h.sumAlongFeatures() * r + (tape.parameter(tail) * x[0]).sin().sumAlongFeatures())
        }
        EngineModes.check(EngineCase(name: "overlapping slices B=\(batch)", function: f, theta: params.theta, inputs: [x]))
    }

    // MARK: Unused parameters

    /// Parameters that the function never reaches (never asked for, asked for but unused, used
    /// only in a branch that does not reach the output) get exactly zero Jacobian columns and
    /// tangent columns, whatever the buffer held, in every per-sample entry point.
    @Test(arguments: [1, 3, 7])
    func unusedParametersGiveExactZeros(_ batch: Int) throws {
        var params = ParameterBuilder(seed: 930)
        let leading = params.vector(2)                 // never asked for
        let w = params.matrix(rows: 2, columns: 3)
        let askedUnused = params.vector(3)             // asked for, result unused
        let b = params.vector(2)
        let deadBranch = params.matrix(rows: 1, columns: 2)   // used in a value that is dropped
        let trailing = params.vector(4)                // never asked for
        let unused = [leading.range, askedUnused.range, deadBranch.range, trailing.range].flatMap { Array($0) }
        let used = Set(0..<params.count).subtracting(unused)
        let x = Matrix<Double>.randomNormal(rows: batch, columns: 3, seed: 93)
        let f = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            _ = tape.parameter(askedUnused)
            let h = tape.dense(x[0], weight: w, bias: b).tanh()
            _ = tape.dense(h, weight: deadBranch).exp()
            return h.squared().sumAlongFeatures()
        }
        let theta = params.theta, p = params.count
        func expectZeroColumns(_ m: Matrix<Double>, _ what: String) {
            for r in 0..<m.rows {
                for c in unused { #expect(m[r, c] == 0, "\(what): [\(r), \(c)] = \(m[r, c])") }
                for c in used { #expect(m[r, c].isFinite, "\(what): [\(r), \(c)] = \(m[r, c])") }
            }
        }
        for chunk in [nil, 1, 2, batch + 3] {
            var j = Matrix<Double>(rows: batch, columns: p, repeating: .nan)
            try f.perSampleJacobian(at: theta, inputs: [x], into: &j, chunkSize: chunk)
            expectZeroColumns(j, "J over NaN, chunk \(String(describing: chunk))")
            var k = Matrix<Double>(rows: batch, columns: p, repeating: 1e300)
            try f.perSampleJacobian(at: theta, inputs: [x], into: &k, chunkSize: chunk)
            expectZeroColumns(k, "J over 1e300, chunk \(String(describing: chunk))")
        }
        expectZeroColumns(try f.perSampleJacobian(at: theta, inputs: [x]).jacobian, "J in a new matrix")
        try f.forEachPerSampleJacobianChunk(at: theta, inputs: [x], chunkSize: 2) { _, _, j in
            expectZeroColumns(j, "streamed chunk")
        }
        var rng = Xoshiro256StarStar(seed: 94)
        for d in EngineCase(name: "", function: f, theta: theta, inputs: [x]).directions(&rng) {
            let r = try f.perSampleJacobianWithTangent(at: theta, inputs: [x], parameterDirection: d.parameters,
                                                       inputDirections: d.inputs)
            expectZeroColumns(r.jacobian, "J with tangent [\(d.label)]")
            expectZeroColumns(r.jacobianTangent, "J̇ [\(d.label)]")
            let gt = f.gradientWithTangent(at: theta, inputs: [x], parameterDirection: d.parameters, inputDirections: d.inputs)
            expectZeroColumns(Matrix(row: gt.parameters), "∇θ [\(d.label)]")
            expectZeroColumns(Matrix(row: gt.parametersTangent), "∇θ tangent [\(d.label)]")
        }
        let fv = f.fisherVectorProduct(at: theta, inputs: [x], vector: rng.normals(p), sampleWeights: rng.uniforms(batch, in: 0.5..<1))
        expectZeroColumns(Matrix(row: fv), "F v")
    }

    /// An output that does not depend on θ at all has a zero Jacobian (and tangent).
    @Test func outputIndependentOfParameters() throws {
        let x = Matrix<Double>.randomNormal(rows: 3, columns: 2, seed: 95)
        let f = DifferentiableFunction<Double>(parameterCount: 4) { tape, x in
            _ = tape.parameter(ParameterSlice(offset: 0, count: 2))
            return x[0].tanh().sumAlongFeatures()
        }
        var j = Matrix<Double>(rows: 3, columns: 4, repeating: .nan)
        let values = try f.perSampleJacobian(at: [1, 2, 3, 4], inputs: [x], into: &j)
        #expect(j == .zeros(rows: 3, columns: 4))
        #expect(values == f.evaluate(at: [1, 2, 3, 4], inputs: [x]))
        let r = try f.perSampleJacobianWithTangent(at: [1, 2, 3, 4], inputs: [x], parameterDirection: [1, 1, 1, 1],
                                                   inputDirections: [x])
        #expect(r.jacobian == .zeros(rows: 3, columns: 4) && r.jacobianTangent == .zeros(rows: 3, columns: 4))
        #expect(f.gradient(at: [1, 2, 3, 4], inputs: [x]).parameters == [0, 0, 0, 0])
        #expect(f.fisherVectorProduct(at: [1, 2, 3, 4], inputs: [x], vector: [1, 2, 3, 4], damping: 0.5) == [0.5, 1, 1.5, 2])
    }

    // MARK: Chunking

    /// Chunks of 1, 2, B and more than B rows give the whole-batch J; streaming accumulates the
    /// whole JᵀJ. Per-sample side data (gather indices, a constant batch) is sliced by tape.rows.
    /// Rows are written whole below the streaming threshold (16 MiB on this project's VMs, at
    /// least 4 MiB anywhere), block by block with streaming stores from it on.
    @Test func wholeRowsBelowTheStreamingThreshold() {
        typealias F = DifferentiableFunction<Double>
        let threshold = jacobianStreamingThresholdBytes
        #expect(threshold >= 4 << 20)
        #expect(F.writesWholeRows(jacobianBytes: threshold - 1))
        #expect(!F.writesWholeRows(jacobianBytes: threshold))
        #expect(F.writesWholeRows(jacobianBytes: 0))
    }

    @Test(arguments: [1, 3, 7])
    func chunksEqualTheWholeBatch(_ batch: Int) throws {
        var params = ParameterBuilder(seed: 940)
        let w0 = params.matrix(rows: 4, columns: 3), b0 = params.vector(4)
        let w1 = params.matrix(rows: 3, columns: 4), b1 = params.vector(3)
        var rng = Xoshiro256StarStar(seed: 96)
        let x = rng.normalMatrix(batch, 3)
        let side = rng.normalMatrix(batch, 3)
        let actions = (0..<batch).map { $0 % 3 }
        let f = DifferentiableFunction<Double>(parameterCount: params.count) { tape, x in
            let h = tape.dense(x[0], weight: w0, bias: b0).tanh()
            let logits = tape.dense(h, weight: w1, bias: b1) + tape.constant(batch: side.rows(tape.rows))
            return logits.logSoftmax().gather(columns: Array(actions[tape.rows]))
        }
        let theta = params.theta, p = params.count
        let (values, whole) = try f.perSampleJacobian(at: theta, inputs: [x])
        let jtj = transposedProduct(whole, whole)
        expectClose(whole, EngineCase(name: "", function: f, theta: theta, inputs: [x])
                        .parameterDifferences { f.evaluate(at: $0, inputs: [x]).elements },
                    within: EngineTolerance.finiteDifference, "J vs central differences")
        for chunk in Set([1, 2, batch, batch + 3]).sorted() {
            var j = Matrix<Double>(rows: batch, columns: p, repeating: .nan)
            let v = try f.perSampleJacobian(at: theta, inputs: [x], into: &j, chunkSize: chunk)
            expectClose(j, whole, within: EngineTolerance.reference, "J in chunks of \(chunk)")
            expectClose(v, values, within: EngineTolerance.reference, "values in chunks of \(chunk)")
            let fresh = try f.perSampleJacobian(at: theta, inputs: [x], chunkSize: chunk)
            expectClose(fresh.jacobian, whole, within: EngineTolerance.reference, "new J in chunks of \(chunk)")

            var accumulated = Matrix<Double>.zeros(rows: p, columns: p)
            var seen = [Int]()
            try f.forEachPerSampleJacobianChunk(at: theta, inputs: [x], chunkSize: chunk) { rows, vals, jc in
                #expect(rows.count == min(chunk, batch - rows.lowerBound))
                seen += Array(rows)
                expectClose(vals, values.rows(rows), within: EngineTolerance.reference, "streamed values \(rows)")
                accumulated += transposedProduct(jc, jc)
            }
            #expect(seen == Array(0..<batch), "chunks of \(chunk) cover the batch in order")
            expectClose(accumulated, jtj, within: EngineTolerance.reference, "Σ JᵀJ over chunks of \(chunk)")
        }
        // The chunk matrix handed to the consumer may be kept (value semantics).
        var kept = [Matrix<Double>]()
        try f.forEachPerSampleJacobianChunk(at: theta, inputs: [x], chunkSize: 2) { _, _, jc in kept.append(jc) }
        expectClose(Matrix.concatenatingRows(kept), whole, within: EngineTolerance.reference, "kept chunks")
    }

    /// A consumer's error stops the stream and is rethrown.
    @Test func consumerErrorsPropagate() {
        struct Stop: Error {}
        let f = DifferentiableFunction<Double>(parameterCount: 1) { tape, x in x[0] * tape.parameter(ParameterSlice(offset: 0, count: 1)) }
        var calls = 0
        #expect(throws: Stop.self) {
            try f.forEachPerSampleJacobianChunk(at: [2], inputs: [Matrix(column: [1, 2, 3, 4])], chunkSize: 1) { _, _, _ in
                calls += 1
                if calls == 2 { throw Stop() }
            }
        }
        #expect(calls == 2)
    }

    /// A function is `Sendable`: concurrent calls from several tasks (each with its own tape)
    /// give the serial results.
    @Test func concurrentCallsAgreeWithSerialCalls() async throws {
        let r = Self.rollout(state: 3, steps: 2, seed: 950)
        let f = Self.rolloutFunction(r)
        var rng = Xoshiro256StarStar(seed: 951)
        let inputs = [rng.normalMatrix(6, 3), rng.normalMatrix(6, 2)]
        let v = rng.normals(r.count)
        let theta = r.theta
        let serialJ = try f.perSampleJacobian(at: theta, inputs: inputs).jacobian
        let serialJT = try f.perSampleJacobianWithTangent(at: theta, inputs: inputs, parameterDirection: v).jacobianTangent
        let serialHv = f.hessianVectorProduct(at: theta, inputs: inputs, vector: v).hessianVector
        let results = try await withThrowingTaskGroup(of: (Matrix<Double>, Matrix<Double>, [Double]).self) { group in
            for k in 0..<6 {
                group.addTask {
                    let j = try f.perSampleJacobian(at: theta, inputs: inputs, chunkSize: k % 2 == 0 ? nil : 4).jacobian
                    let jt = try f.perSampleJacobianWithTangent(at: theta, inputs: inputs, parameterDirection: v).jacobianTangent
                    return (j, jt, f.hessianVectorProduct(at: theta, inputs: inputs, vector: v).hessianVector)
                }
            }
            var all = [(Matrix<Double>, Matrix<Double>, [Double])]()
            for try await result in group { all.append(result) }
            return all
        }
        #expect(results.count == 6)
        for (j, jt, hv) in results {
            expectClose(j, serialJ, within: EngineTolerance.reference, "concurrent J")
            expectClose(jt, serialJT, within: EngineTolerance.reference, "concurrent J̇")
            expectClose(hv, serialHv, within: EngineTolerance.reference, "concurrent Hv")
        }
    }

    // MARK: Refusals

    enum Mixer: String, Sendable, CaseIterable { case sumOverBatch, meanOverBatch, custom }

    static func mixingFunction(_ m: Mixer) -> (DifferentiableFunction<Double>, String) {
        let center = CustomOperation<Double>(
            name: "my batch norm", mixesSamples: true,
            primal: { x in x[0] - x[0].sumOfColumns() * (1 / Double(x[0].rows)) },
            tangent: { x, _, dx in dx[0]! - dx[0]!.sumOfColumns() * (1 / Double(x[0].rows)) },
            adjoint: { x, _, ybar in [ybar - ybar.sumOfColumns() * (1 / Double(x[0].rows))] })
        let w = ParameterSlice(offset: 0, rows: 1, columns: 2)
        let f = DifferentiableFunction<Double>(parameterCount: 2) { tape, x in
            let y = tape.dense(x[0], weight: w).tanh()
            switch m {
            case .sumOverBatch: return y * tape.sumOverBatch(y)
            case .meanOverBatch: return y - tape.meanOverBatch(y)
            case .custom: return tape.apply(center, [y])
            }
        }
        return (f, m == .sumOverBatch ? "sum over batch" : m == .meanOverBatch ? "mean over batch" : "my batch norm")
    }

    /// Every per-sample entry point refuses a batch-mixing operation, naming it.
    @Test(arguments: Mixer.allCases)
    func batchMixingOperationsAreRefused(_ m: Mixer) {
        let (f, name) = Self.mixingFunction(m)
        let theta = [0.3, -0.7]
        let x = Matrix<Double>.randomNormal(rows: 4, columns: 2, seed: 97)
        let error = DifferentiationError.operationMixesSamples(operation: name)
        #expect(throws: error) { _ = try f.perSampleJacobian(at: theta, inputs: [x]) }
        #expect(throws: error) { _ = try f.perSampleJacobian(at: theta, inputs: [x], chunkSize: 2) }
        #expect(throws: error) { _ = try f.perSampleJacobian(at: theta, inputs: [x], threadCount: 2) }
        #expect(throws: error) { _ = try f.perSampleJacobian(at: theta, inputs: [x], chunkSize: 1, threadCount: 3) }
        #expect(throws: error) {
            var j = Matrix<Double>(rows: 4, columns: 2, repeating: 0)
            try f.perSampleJacobian(at: theta, inputs: [x], into: &j)
        }
        #expect(throws: error) {
            try f.forEachPerSampleJacobianChunk(at: theta, inputs: [x], chunkSize: 3) { _, _, _ in
                Issue.record("consumer called for a refused computation")
            }
        }
        #expect(throws: error) {
            _ = try f.perSampleJacobianWithTangent(at: theta, inputs: [x], parameterDirection: [1, 0], inputDirections: [x])
        }
        #expect(throws: error) { _ = try f.checkPerSampleJacobian(at: theta, inputs: [x]) }
        #expect(error.description.contains("'\(name)'"))
        // The reduced modes accept it (and are right: see ReductionTests, CustomOperationTests).
        #expect(f.gradient(at: theta, inputs: [x]).parameters.allSatisfy { $0.isFinite })
    }

    /// A B × 2 output is refused with its column count; an output without a batch axis too.
    @Test func nonScalarAndUnbatchedOutputsAreRefused() {
        let w = ParameterSlice(offset: 0, rows: 2, columns: 3)
        let x = Matrix<Double>.randomNormal(rows: 5, columns: 3, seed: 98)
        let theta = (0..<6).map { Double($0) / 10 }
        let wide = DifferentiableFunction<Double>(parameterCount: 6) { tape, x in tape.dense(x[0], weight: w) }
        let error = DifferentiationError.outputNotScalarPerSample(columns: 2)
        #expect(throws: error) { _ = try wide.perSampleJacobian(at: theta, inputs: [x]) }
        #expect(throws: error) { _ = try wide.perSampleJacobianWithTangent(at: theta, inputs: [x], parameterDirection: theta) }
        #expect(throws: error) { try wide.forEachPerSampleJacobianChunk(at: theta, inputs: [x], chunkSize: 2) { _, _, _ in } }
        #expect(error.description.contains("2 columns"))
        let unbatched = DifferentiableFunction<Double>(parameterCount: 6) { tape, _ in
            tape.parameter(ParameterSlice(offset: 0, count: 1)).exp()
        }
        #expect(throws: DifferentiationError.outputNotBatched) { _ = try unbatched.perSampleJacobian(at: theta, inputs: [x]) }
    }

    // MARK: Fisher-vector products

    /// F v against Jᵀ diag(ω) J v / Σω + λv on an MLP, for non-uniform weights and several
    /// dampings; F is symmetric (uᵀ F v = vᵀ F u) and positive semi-definite.
    @Test func fisherVectorProductOnAnMLP() throws {
        var layout = ParameterLayout()
        let slices = TestFunctions.mlpSlices([(3, 5), (5, 2)], layout: &layout)
        var rng = Xoshiro256StarStar(seed: 99)
        let theta = rng.normals(layout.count, scale: 0.5)
        let x = rng.normalMatrix(7, 3)
        let actions = [0, 1, 1, 0, 1, 0, 0]
        let f = DifferentiableFunction<Double>(parameterCount: layout.count) { tape, x in
            TestFunctions.mlp(tape, x[0], slices).logSoftmax().gather(columns: Array(actions[tape.rows]))
        }
        let j = try f.perSampleJacobian(at: theta, inputs: [x]).jacobian
        let weights = [0.1, 3, 0.5, 1, 2.5, 0.01, 1.7]
        let u = rng.normals(layout.count), v = rng.normals(layout.count)
        for damping in [0.0, 1e-3, 2] {
            let fv = f.fisherVectorProduct(at: theta, inputs: [x], vector: v, sampleWeights: weights, damping: damping)
            expectClose(fv, explicitFisherProduct(j, v, weights: weights, damping: damping),
                        within: EngineTolerance.reference, "F v, λ = \(damping)")
            let fu = f.fisherVectorProduct(at: theta, inputs: [x], vector: u, sampleWeights: weights, damping: damping)
            let a = dot(u, fv), b = dot(v, fu)
            #expect(abs(a - b) <= 1e-12 * max(1, abs(a)), "uᵀFv = \(a), vᵀFu = \(b)")
            #expect(dot(v, fv) >= damping * dot(v, v) - 1e-12)
        }
        // Scaling all weights leaves F unchanged.
        expectClose(f.fisherVectorProduct(at: theta, inputs: [x], vector: v, sampleWeights: weights.map { $0 * 8 }),
                    f.fisherVectorProduct(at: theta, inputs: [x], vector: v, sampleWeights: weights),
                    within: EngineTolerance.reference, "F v with scaled weights")
    }

    // MARK: Bias placement

    /// Per-sample Jacobian columns of dense-layer biases wherever the layout puts them: a bias
    /// stored before its weight, one separated from it by another parameter, one shared by two
    /// layers (its columns accumulate), and the usual weight-then-bias; on one thread and split
    /// over two, each row against the gradient of its sample alone, and in every engine mode.
    @Test(arguments: ["before", "separated", "shared", "after"])
    func everyBiasPlacementGivesTheSameJacobian(_ placement: String) throws {
        var p = ParameterBuilder(seed: 77)
        let w1: ParameterSlice, b1: ParameterSlice, w2: ParameterSlice, b2: ParameterSlice
        switch placement {
        case "before":
            b1 = p.vector(8); w1 = p.matrix(rows: 8, columns: 17); b2 = p.vector(8); w2 = p.matrix(rows: 8, columns: 8)
        case "separated":
            w1 = p.matrix(rows: 8, columns: 17); w2 = p.matrix(rows: 8, columns: 8); b1 = p.vector(8); b2 = p.vector(8)
        case "shared":
            w1 = p.matrix(rows: 8, columns: 17); b1 = p.vector(8); w2 = p.matrix(rows: 8, columns: 8); b2 = b1
        default:
            w1 = p.matrix(rows: 8, columns: 17); b1 = p.vector(8); w2 = p.matrix(rows: 8, columns: 8); b2 = p.vector(8)
        }
        let head = p.matrix(rows: 1, columns: 8)
        let f = DifferentiableFunction<Double>(parameterCount: p.count) { tape, x in
            let h1 = tape.dense(x[0], weight: w1, bias: b1).tanh()
            let h2 = tape.dense(h1, weight: w2, bias: b2).tanh()
            return tape.dense(h2, weight: head).sin()
        }
        var rng = Xoshiro256StarStar(seed: 78)
        let batch = 9
        let inputs = [rng.normalMatrix(batch, 17)]
        for threads in [1, 2] {
            var j = Matrix<Double>(rows: batch, columns: p.count, repeating: .nan)
            try f.perSampleJacobian(at: p.theta, inputs: inputs, into: &j, threadCount: threads)
            for b in 0..<batch {
                let g = f.gradient(at: p.theta, inputs: inputs.map { $0.rows(b..<(b + 1)) }).parameters
                expectClose(j.row(b), g, within: EngineTolerance.reference,
                            "\(placement), \(threads) threads: J row \(b) vs the gradient of sample \(b)")
            }
        }
        EngineModes.check(EngineCase(name: "bias \(placement)", function: f, theta: p.theta, inputs: inputs))
    }
}
