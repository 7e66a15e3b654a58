/// A stochastic policy π_θ(a | s) with parameters θ (one flat vector of P scalars in NAC's
/// documented order) whose log-probability is recorded on the autodiff engine, so that the
/// per-sample scores ψ_b = ∇θ log π(a_b | s_b) of a whole batch come out of one vectorised pass.
///
/// Shapes: observations are B × d (rows are samples); actions are an `Actions` batch of B
/// (continuous B × A, or indices); per-sample results are arrays of B; the score matrix is B × P
/// (row b is ψ_b, column p is θ_p).
///
/// ```swift
/// var policy = GaussianPolicy<Double>(observationDimension: 17, hiddenLayers: [64, 64],
///                                     actionDimension: 6, seed: 1)
/// var rng = Xoshiro256StarStar(seed: 2)
/// let actions = try policy.sample(observations: s, using: &rng)
/// var psi = Matrix<Double>.zeros(rows: s.rows, columns: policy.parameterCount)
/// let logProbs = try policy.scores(observations: s, actions: actions, into: &psi)   // reuses psi
/// ```
///
/// Conforming types: `GaussianPolicy`, `StateDependentGaussianPolicy`, `CategoricalPolicy`,
/// `LinearSoftmaxPolicy`, `LinearGaussianPolicy`. Methods that take data throw `PolicyError`
/// when the data does not fit the policy (wrong widths, batch sizes, action kinds or indices).
public protocol Policy<Scalar>: Sendable {
    associatedtype Scalar: NACScalar

    /// d, the observation width.
    var observationDimension: Int { get }
    /// The kind and size of the actions.
    var actionSpace: ActionSpace { get }
    /// P, the length of θ.
    var parameterCount: Int { get }
    /// θ in the documented order (read and written as a whole; its length never changes).
    var parameters: [Scalar] { get set }
    /// The names and places of the parameter tensors in θ.
    var namedParameterSlices: [NamedParameterSlice] { get }

    /// log π(a_b | s_b) recorded on the engine: inputs [observations (B × d), actions
    /// (`Actions.engineInput`)], output B × 1. Every derivative of the policy comes from it.
    var logProbability: DifferentiableFunction<Scalar> { get }

    /// One action per observation row, drawn from π(· | s_b) with `generator`.
    func sample(observations: Matrix<Scalar>, using generator: inout Xoshiro256StarStar) throws(PolicyError) -> Actions<Scalar>

    /// The entropy H(π(· | s_b)) of every row, in closed form (nats).
    func entropy(observations: Matrix<Scalar>) throws(PolicyError) -> [Scalar]

    /// KL(π_self(· | s_b) ‖ π_other(· | s_b)) for every row, in closed form (nats); `other` must
    /// have the same architecture.
    func klDivergence(to other: Self, observations: Matrix<Scalar>) throws(PolicyError) -> [Scalar]

    /// Throws if the observations cannot be evaluated (the default checks the width).
    func validate(observations: Matrix<Scalar>) throws(PolicyError)
}

extension Policy {
    public func validate(observations: Matrix<Scalar>) throws(PolicyError) {
        guard observations.columns == observationDimension else {
            throw .observationWidth(expected: observationDimension, actual: observations.columns)
        }
    }

    /// Throws unless the observations and actions form a batch this policy can evaluate.
    public func validate(observations: Matrix<Scalar>, actions: Actions<Scalar>) throws(PolicyError) {
        try validate(observations: observations)
        guard observations.rows == actions.count else {
            throw .batchSizeMismatch(observations: observations.rows, actions: actions.count)
        }
        switch (actionSpace, actions) {
        case (.continuous(let a), .continuous(let m)):
            guard m.columns == a else { throw .actionWidth(expected: a, actual: m.columns) }
        case (.discrete(let n), .discrete(let indices)):
            if let r = indices.firstIndex(where: { $0 < 0 || $0 >= n }) {
                throw .actionIndexOutOfRange(row: r, index: indices[r], actionCount: n)
            }
        default:
            throw .actionKindMismatch(expected: actionSpace, actual: actions.kindName)
        }
    }

    /// log π(a_b | s_b) for every row.
    public func logProbabilities(observations: Matrix<Scalar>, actions: Actions<Scalar>) throws(PolicyError) -> [Scalar] {
        try validate(observations: observations, actions: actions)
        if observations.rows == 0 { return [] }
        return logProbability.evaluate(at: parameters, inputs: [observations, actions.engineInput]).elements
    }

    /// The score matrix Ψ (B × P), Ψ[b, p] = ∂ log π(a_b | s_b) / ∂θ_p, written into `scores`
    /// by one call of the engine's per-sample Jacobian (no per-sample loop). `scores` is
    /// overwritten in place when it is already B × P (reuse it across calls to avoid a fresh
    /// allocation and its page faults), otherwise replaced by a new B × P matrix.
    /// - Parameters:
    ///   - chunkSize: rows per engine pass (default: the whole batch), bounding the engine's
    ///     temporary memory.
    ///   - threadCount: threads writing disjoint row ranges (default: `EngineThreads.automaticCount`,
    ///     every core for score matrices of 8 MiB or 2048 rows and more).
    /// - Returns: log π(a_b | s_b) for every row (computed on the way).
    /// - Complexity: one forward and one reverse pass over the batch; B · P writes.
    @discardableResult
    public func scores(
        observations: Matrix<Scalar>, actions: Actions<Scalar>, into scores: inout Matrix<Scalar>,
        chunkSize: Int? = nil, threadCount: Int? = nil
    ) throws(PolicyError) -> [Scalar] {
        try validate(observations: observations, actions: actions)
        let b = observations.rows
        if scores.rows != b || scores.columns != parameterCount {
            scores = Matrix(rows: b, columns: parameterCount) { _ in }
        }
        if b == 0 { return [] }
        do {
            return try logProbability.perSampleJacobian(
                at: parameters, inputs: [observations, actions.engineInput], into: &scores, chunkSize: chunkSize,
                threadCount: threadCount
            ).elements
        } catch {
            throw .differentiation(error)
        }
    }

    /// The score matrix Ψ (B × P) in a new matrix; see `scores(observations:actions:into:)`.
    public func scores(
        observations: Matrix<Scalar>, actions: Actions<Scalar>, chunkSize: Int? = nil, threadCount: Int? = nil
    ) throws(PolicyError) -> Matrix<Scalar> {
        var psi = Matrix<Scalar>(rows: observations.rows, columns: parameterCount) { _ in }
        try scores(observations: observations, actions: actions, into: &psi, chunkSize: chunkSize,
                   threadCount: threadCount)
        return psi
    }

    /// (1/B) Σ_b w_b ∇θ log π(a_b | s_b) by one reduced reverse pass (Ψ is never formed): the
    /// mean score (w = 1, the default) or, with advantages as weights, the vanilla policy
    /// gradient estimate.
    public func meanLogProbabilityGradient(
        observations: Matrix<Scalar>, actions: Actions<Scalar>, weights: [Scalar]? = nil
    ) throws(PolicyError) -> [Scalar] {
        try validate(observations: observations, actions: actions)
        let b = observations.rows
        if let weights, weights.count != b { throw .weightCount(expected: b, actual: weights.count) }
        if b == 0 { return [Scalar](repeating: 0, count: parameterCount) }
        let scale = 1 / Scalar(b)
        let omega = Matrix(rows: b, columns: 1, elements: weights.map { $0.map { $0 * scale } }
                           ?? [Scalar](repeating: scale, count: b))
        return logProbability.gradient(at: parameters, inputs: [observations, actions.engineInput],
                                       outputWeights: omega).parameters
    }
}
