import Dispatch
import RealModule

/// The inputs of one timed case — a workload's policy and a batch in one scalar type — built
/// from the workloads file's timing inputs, and the operations `ScoreBenchmark` times.
///
/// Timing inputs (from a fixed seed, drawn in Double, then cast to the scalar type):
/// observations ~ N(0, 1); weights ~ N(0, 1/in); biases ~ N(0, 0.1²); Gaussian
/// log_std = −0.5 + N(0, 0.1²); actions sampled from the (Double) policy itself.
/// Draw order: one `Xoshiro256StarStar(seed:)` stream gives the MLP parameters (see
/// `MLPInitialization`), then the log-std, then the observations row by row, then the actions.
public struct ScoreBenchmarkCase<Scalar: NACScalar>: Sendable {
    public let workload: ScoreWorkload
    public let batchSize: Int
    public let policy: any Policy<Scalar>
    public let observations: Matrix<Scalar>
    public let actions: Actions<Scalar>

    /// The seed used by `nac bench scores`.
    public static var defaultSeed: UInt64 { 20240607 }

    public init(workload: ScoreWorkload, batchSize: Int, seed: UInt64 = defaultSeed) {
        precondition(batchSize >= 1, "ScoreBenchmarkCase: batch size \(batchSize)")
        var g = Xoshiro256StarStar(seed: seed)
        let mlp = MLP<Double>(layerSizes: workload.layerSizes)
        var theta = [Double](repeating: 0, count: mlp.parameterCount)
        mlp.initializeParameters(&theta, using: &g, initialization: .workloadTiming)
        if workload.family == .gaussian {
            for _ in 0..<workload.outputDimension { theta.append(-0.5 + 0.1 * g.normal(Double.self)) }
        }
        let observations = Matrix<Double>.randomNormal(rows: batchSize, columns: workload.observationDimension, using: &g)
        let toScalar = { (x: [Double]) in x.map { Scalar($0) } }
        switch workload.family {
        case .gaussian:
            let reference = GaussianPolicy(meanNetwork: mlp, parameters: theta)
            let a = try! reference.sample(observations: observations, using: &g)
            policy = GaussianPolicy(meanNetwork: MLP<Scalar>(layerSizes: workload.layerSizes), parameters: toScalar(theta))
            actions = .continuous(Matrix(rows: batchSize, columns: workload.outputDimension,
                                         elements: toScalar(a.continuousValues!.elements)))
        case .categorical:
            let reference = CategoricalPolicy(logitNetwork: mlp, parameters: theta)
            actions = .discrete(try! reference.sample(observations: observations, using: &g).indices!)
            policy = CategoricalPolicy(logitNetwork: MLP<Scalar>(layerSizes: workload.layerSizes), parameters: toScalar(theta))
        }
        self.workload = workload
        self.batchSize = batchSize
        self.observations = Matrix(rows: batchSize, columns: workload.observationDimension,
                                   elements: toScalar(observations.elements))
    }

    /// A buffer of the score matrix's shape (B × P), every element written once (so its pages
    /// are mapped before any timing).
    public func makeScoreBuffer() -> Matrix<Scalar> {
        Matrix(rows: batchSize, columns: policy.parameterCount, repeating: 0)
    }

    /// The batched scores into `buffer` (reused): one call of the engine's per-sample Jacobian
    /// on `threadCount` threads (default 1, the single-core figure).
    public func batchedScores(into buffer: inout Matrix<Scalar>, threadCount: Int = 1) {
        try! policy.scores(observations: observations, actions: actions, into: &buffer, threadCount: threadCount)
    }

    /// The batched scores into a freshly allocated matrix (returned so that it is not optimised
    /// away), on `threadCount` threads.
    public func batchedScoresIntoFreshBuffer(threadCount: Int = 1) -> Matrix<Scalar> {
        try! policy.scores(observations: observations, actions: actions, threadCount: threadCount)
    }

    /// The log-likelihoods log π(a_b | s_b) alone (B × 1): the engine's forward pass, which every
    /// per-sample Jacobian has to compute before writing anything.
    public func forwardLogLikelihood() -> Matrix<Scalar> {
        policy.logProbability.evaluate(at: policy.parameters, inputs: [observations, actions.engineInput])
    }

    /// Per-sample inputs for the loop baseline: each row's observation and action as 1-row matrices.
    public func perSampleInputs(_ rows: Range<Int>) -> [[Matrix<Scalar>]] {
        let a = actions.engineInput
        return rows.map { [observations.rows($0..<($0 + 1)), a.rows($0..<($0 + 1))] }
    }

    /// The loop baseline: one reduced reverse pass (`gradient`) per sample on its 1-row inputs,
    /// each gradient copied into its row of `buffer` — what a framework without batched
    /// per-sample gradients has to do.
    public func perSampleLoop(_ inputs: [[Matrix<Scalar>]], rows: Range<Int>, into buffer: inout Matrix<Scalar>) {
        let f = policy.logProbability, theta = policy.parameters, p = policy.parameterCount
        buffer.withUnsafeMutableBufferPointer { j in
            for (i, b) in rows.enumerated() {
                let g = f.gradient(at: theta, inputs: inputs[i]).parameters
                g.withUnsafeBufferPointer { (j.baseAddress! + b * p).update(from: $0.baseAddress!, count: p) }
            }
        }
    }

    /// The bandwidth floor: writing every element of an already mapped B × P buffer once, on
    /// `threadCount` threads that split the rows as the per-sample Jacobian does.
    public func fill(_ buffer: inout Matrix<Scalar>, with value: Scalar, threadCount: Int = 1) {
        precondition(threadCount >= 1, "ScoreBenchmarkCase.fill: threadCount \(threadCount)")
        let rows = buffer.rows, columns = buffer.columns
        buffer.withUnsafeMutableBufferPointer { b in
            guard let base = b.baseAddress else { return }
            if threadCount == 1 { Scalar.fill(base, count: b.count, with: value); return }   // one pass
            nonisolated(unsafe) let shared = base
            DispatchQueue.concurrentPerform(iterations: threadCount) { t in
                let range = EngineThreads.rows(ofThread: t, of: threadCount, rows: rows)
                Scalar.fill(shared + range.lowerBound * columns, count: range.count * columns, with: value)
            }
        }
    }
}
