/// A differentiable function of parameters θ (a flat vector of P scalars) and a batch of inputs
/// (matrices with one row per sample), and every derivative the engine offers for it.
///
/// The body records the computation on a `Tape` from the input variables and returns the output
/// variable (B × k; one column for per-sample scalars such as log π(a_b | s_b)). Parameters enter
/// through `tape.parameter(slice)` or `tape.dense(_:weight:bias:)`, in the order of their slices.
///
/// ```swift
/// var layout = ParameterLayout()
/// let w = layout.matrix(rows: 1, columns: 3), b = layout.vector(1)
/// let f = DifferentiableFunction<Double>(parameterCount: layout.count) { tape, inputs in
///     tape.dense(inputs[0], weight: w, bias: b).tanh()
/// }
/// let jacobian = try f.perSampleJacobian(at: theta, inputs: [x]).jacobian   // B × P
/// ```
///
/// Modes (all on the same recorded computation):
/// - `evaluate`: the output;
/// - `gradient`: Σ_b Σ_k ω_bk ∂out_bk/∂θ (and ∂/∂x) — reverse mode, one pass;
/// - `perSampleJacobian`: J[b, p] = ∂out_b/∂θ_p written straight into a B × P matrix, optionally
///   in chunks of rows;
/// - `jvp`: the forward tangent along directions in parameter and/or input space;
/// - `hessianVectorProduct`, `gradientWithTangent`, `perSampleJacobianWithTangent`:
///   forward-over-reverse, tangents carried through the reverse pass;
/// - `fisherVectorProduct`: F v = Jᵀ diag(ω) (J v) / Σω + λv without forming J.
///
/// Operations that mix samples (`sumOverBatch`, `meanOverBatch`, custom operations declared as
/// mixing) are refused by the per-sample modes with `DifferentiationError.operationMixesSamples`.
public struct DifferentiableFunction<Scalar: NACScalar>: Sendable {
    /// Records the computation: receives the tape and one variable per input matrix (the rows of
    /// the current evaluation; `tape.rows` says which rows of the caller's batch they are).
    public typealias Body = @Sendable (_ tape: Tape<Scalar>, _ inputs: [Variable<Scalar>]) -> Variable<Scalar>

    /// P, the length of θ.
    public let parameterCount: Int
    let body: Body

    public init(parameterCount: Int, _ body: @escaping Body) {
        precondition(parameterCount >= 0, "DifferentiableFunction: parameterCount \(parameterCount)")
        self.parameterCount = parameterCount
        self.body = body
    }

    // MARK: Recording

    struct Recording {
        let tape: Tape<Scalar>
        let output: Variable<Scalar>
    }

    func batchSize(of inputs: [Matrix<Scalar>]) -> Int {
        precondition(!inputs.isEmpty, "DifferentiableFunction: at least one batched input is needed")
        let b = inputs[0].rows
        for (i, x) in inputs.enumerated() {
            precondition(x.rows == b, "DifferentiableFunction: input 0 is \(b) × \(inputs[0].columns) but input \(i) is \(x.rows) × \(x.columns)")
        }
        return b
    }

    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func record(
        _ theta: [Scalar], parameterDirection: [Scalar]? = nil, inputs: [Matrix<Scalar>],
        inputDirections: [Matrix<Scalar>?]? = nil, rows: Range<Int>, inputAdjoints: Bool = false
    ) -> Recording {
        precondition(theta.count == parameterCount,
                     "DifferentiableFunction: θ has \(theta.count) elements, the function \(parameterCount) parameters")
        if let parameterDirection {
            precondition(parameterDirection.count == parameterCount,
                         "DifferentiableFunction: parameter direction has \(parameterDirection.count) elements, θ has \(parameterCount)")
        }
        if let inputDirections {
            precondition(inputDirections.count == inputs.count,
                         "DifferentiableFunction: \(inputDirections.count) input directions for \(inputs.count) inputs")
            for (i, d) in inputDirections.enumerated() {
                guard let d else { continue }
                precondition(d.rows == inputs[i].rows && d.columns == inputs[i].columns,
                             "DifferentiableFunction: input \(i) is \(inputs[i].rows) × \(inputs[i].columns) but its direction is \(d.rows) × \(d.columns)")
            }
        }
        let whole = rows == 0..<(inputs.first?.rows ?? 0)
        let tape = Tape(parameters: theta, parameterTangent: parameterDirection, batchSize: rows.count, rows: rows)
        var variables = [Variable<Scalar>]()
        for (i, x) in inputs.enumerated() {
            let value = whole ? Block(x) : Block(x, rows: rows)
            let tangent = inputDirections?[i].map { whole ? Block($0) : Block($0, rows: rows) }
            variables.append(tape.appendInput(value, tangent: tangent, needsAdjoint: inputAdjoints))
        }
        let output = body(tape, variables)
        precondition(output.tape === tape, "DifferentiableFunction: the body returned a variable of another tape")
        return Recording(tape: tape, output: output)
    }

    // MARK: Values and forward mode

    /// The output for every sample.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func evaluate(at theta: [Scalar], inputs: [Matrix<Scalar>]) -> Matrix<Scalar> {
        let b = batchSize(of: inputs)
        return record(theta, inputs: inputs, rows: 0..<b).output.value
    }

    /// The output and its forward tangent (Jacobian–vector product) along a direction θ̇ in
    /// parameter space and/or ẋ in input space (nil means zero).
    /// - Complexity: about twice the cost of `evaluate`.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func jvp(
        at theta: [Scalar], inputs: [Matrix<Scalar>], parameterDirection: [Scalar]? = nil,
        inputDirections: [Matrix<Scalar>?]? = nil
    ) -> (value: Matrix<Scalar>, tangent: Matrix<Scalar>) {
        let b = batchSize(of: inputs)
        let r = record(theta, parameterDirection: parameterDirection, inputs: inputs,
                       inputDirections: inputDirections, rows: 0..<b)
        let out = r.output
        return (out.value, out.tangent ?? Matrix.zeros(rows: out.rows, columns: out.columns))
    }

    // MARK: Reverse mode

    /// The result of a reverse pass.
    public struct Gradient: Sendable {
        /// The output (B × k).
        public var value: Matrix<Scalar>
        /// Σ_b Σ_k ω_bk ∂out_bk/∂θ (P).
        public var parameters: [Scalar]
        /// Σ_k ω_bk ∂out_bk/∂x_b for each input (same shapes as the inputs), when requested.
        public var inputs: [Matrix<Scalar>]
    }

    /// Reverse mode: the gradient of Σ_b Σ_k ω_bk out_bk with respect to θ (and, on request, the
    /// inputs). `outputWeights` (ω, the shape of the output) defaults to all ones: the gradient of
    /// the batch sum.
    /// - Complexity: about 2–3× the cost of `evaluate`.
    public func gradient(
        at theta: [Scalar], inputs: [Matrix<Scalar>], outputWeights: Matrix<Scalar>? = nil,
        inputGradients: Bool = false
    ) -> Gradient {
        let g = gradientWithTangent(at: theta, inputs: inputs, outputWeights: outputWeights,
                                    inputGradients: inputGradients)
        return Gradient(value: g.value, parameters: g.parameters, inputs: g.inputs)
    }

    /// Reverse mode with weights that depend on the output: records the computation once, asks
    /// `outputWeights` for ω given the output (B × k, returning the same shape), then runs one
    /// reverse pass for the gradient of Σ_b Σ_k ω_bk out_bk. This is the gradient of a loss
    /// ℓ(out) whose derivative needs the output — a squared error ½ Σ_b (out_b − y_b)² / B has
    /// ω_b = (out_b − y_b) / B — at one forward pass instead of the two of `evaluate` followed by
    /// `gradient`.
    /// - Complexity: about 2–3× the cost of `evaluate`.
    public func gradient(
        at theta: [Scalar], inputs: [Matrix<Scalar>], outputWeights: (_ output: Matrix<Scalar>) -> Matrix<Scalar>
    ) -> Gradient {
        let g = reverse(at: theta, inputs: inputs, outputWeights: { outputWeights($0) })
        return Gradient(value: g.value, parameters: g.parameters, inputs: g.inputs)
    }

    /// The result of a forward-over-reverse pass in the reduced mode.
    public struct GradientWithTangent: Sendable {
        public var value: Matrix<Scalar>
        /// The output's forward tangent along the seeded directions.
        public var valueTangent: Matrix<Scalar>
        /// ∇θ Σ ω out.
        public var parameters: [Scalar]
        /// The directional derivative of that gradient along the seeded directions:
        /// d/dε ∇θ Σ ω out(θ + εθ̇, x + εẋ) (plus the gradient of Σ ω̇ out when `outputWeightsTangent` is given).
        public var parametersTangent: [Scalar]
        /// Input gradients (when requested).
        public var inputs: [Matrix<Scalar>]
        /// Their tangents (when input gradients are requested; zero without directions or ω̇).
        public var inputsTangent: [Matrix<Scalar>]
    }

    /// Forward-over-reverse in the reduced mode: the gradient of Σ ω out and its directional
    /// derivative along θ̇ and/or ẋ. With θ̇ = v and ẋ = 0 the tangent is the Hessian-vector
    /// product H v of the scalar Σ ω out; with θ̇ = 0 and ẋ given it is ∇θ Σ_b ω_b (∇ₓ out_b · ẋ_b),
    /// the gradient of a loss term that contains ∂out/∂x.
    /// - Complexity: about 4–6× the cost of `evaluate`.
    public func gradientWithTangent(
        at theta: [Scalar], inputs: [Matrix<Scalar>], outputWeights: Matrix<Scalar>? = nil,
        outputWeightsTangent: Matrix<Scalar>? = nil,
        parameterDirection: [Scalar]? = nil, inputDirections: [Matrix<Scalar>?]? = nil,
        inputGradients: Bool = false
    ) -> GradientWithTangent {
        reverse(at: theta, inputs: inputs, outputWeights: { _ in outputWeights }, outputWeightsTangent: outputWeightsTangent,
                parameterDirection: parameterDirection, inputDirections: inputDirections, inputGradients: inputGradients)
    }

    /// The reduced-mode reverse pass behind `gradient` and `gradientWithTangent`: records once,
    /// then takes ω from `outputWeights` given the output (nil: ones).
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    func reverse(
        at theta: [Scalar], inputs: [Matrix<Scalar>], outputWeights: (Matrix<Scalar>) -> Matrix<Scalar>?,
        outputWeightsTangent: Matrix<Scalar>? = nil,
        parameterDirection: [Scalar]? = nil, inputDirections: [Matrix<Scalar>?]? = nil,
        inputGradients: Bool = false
    ) -> GradientWithTangent {
        let b = batchSize(of: inputs)
        let r = record(theta, parameterDirection: parameterDirection, inputs: inputs,
                       inputDirections: inputDirections, rows: 0..<b, inputAdjoints: inputGradients)
        let tape = r.tape, out = r.output
        let outNode = tape.nodes[out.index]
        let value = out.value
        let seed = seedBlock(outputWeights(value), rows: outNode.value.rows, columns: outNode.value.columns,
                             name: "outputWeights")
        let seedTangent = outputWeightsTangent.map {
            seedBlock($0, rows: outNode.value.rows, columns: outNode.value.columns, name: "outputWeightsTangent")
        }
        let carries = tape.hasTangents || seedTangent != nil
        var gradient = [Scalar](repeating: 0, count: parameterCount)
        var gradientTangent = [Scalar](repeating: 0, count: carries ? parameterCount : 0)
        var inputAdjoints = [Matrix<Scalar>](), inputAdjointTangents = [Matrix<Scalar>]()
        gradient.withUnsafeMutableBufferPointer { g in
            gradientTangent.withUnsafeMutableBufferPointer { gt in
                let context = ReverseContext(tape: tape, mode: .reduced, carriesTangents: carries,
                                             target: g.baseAddress, tangentTarget: carries ? gt.baseAddress : nil,
                                             targetRowStride: 0)
                if outNode.needsAdjoint {
                    context.run(output: out.index, seed: seed, seedTangent: seedTangent)
                }
                if inputGradients {
                    for (i, node) in tape.inputNodes.enumerated() {
                        let (a, at) = context.leafAdjoint(node)
                        let shape = (inputs[i].rows, inputs[i].columns)
                        inputAdjoints.append(a?.matrix ?? .zeros(rows: shape.0, columns: shape.1))
                        // Zero when nothing carries tangents (like `parametersTangent`), never missing.
                        inputAdjointTangents.append(at?.matrix ?? .zeros(rows: shape.0, columns: shape.1))
                    }
                }
            }
        }
        return GradientWithTangent(
            value: value, valueTangent: out.tangent ?? .zeros(rows: out.rows, columns: out.columns),
            parameters: gradient,
            parametersTangent: carries ? gradientTangent : [Scalar](repeating: 0, count: parameterCount),
            inputs: inputAdjoints, inputsTangent: inputAdjointTangents)
    }

    /// The Hessian-vector product H v of the scalar Σ_b Σ_k ω_bk out_bk(θ) (ω defaults to ones),
    /// with its gradient, by forward-over-reverse (no finite differences, no P × P matrix).
    public func hessianVectorProduct(
        at theta: [Scalar], inputs: [Matrix<Scalar>], outputWeights: Matrix<Scalar>? = nil, vector v: [Scalar]
    ) -> (gradient: [Scalar], hessianVector: [Scalar]) {
        let r = gradientWithTangent(at: theta, inputs: inputs, outputWeights: outputWeights, parameterDirection: v)
        return (r.parameters, r.parametersTangent)
    }

    /// The Fisher-vector product F v = Jᵀ diag(ω) (J v) / Σ_b ω_b + λ v for the per-sample
    /// scalar outputs (J = ∂out/∂θ, B × P), without forming J: from the factored Jacobian when
    /// no operation mixes samples (one reverse pass, then two products with the factors),
    /// otherwise by one recording, one sweep of the forward tangent J v and one reverse pass
    /// seeded with ω ⊙ J v / Σω. For several products on the same batch (conjugate gradient),
    /// keep `fisherVectorProductOperator` instead.
    /// - Parameters:
    ///   - sampleWeights: ω (B, non-negative, positive sum); nil means all ones.
    ///   - damping: λ ≥ 0.
    /// - Complexity: about one batch gradient plus two products with the factors (factored), or
    ///   about 3× the cost of `evaluate` (recorded); memory O(P + B × Σ widths), plus B × count for
    ///   a parameter used other than as a dense weight (a bias, an elementwise scale), as the
    ///   recorded tape's own B-row values of such operations.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func fisherVectorProduct(
        at theta: [Scalar], inputs: [Matrix<Scalar>], vector v: [Scalar], sampleWeights: [Scalar]? = nil,
        damping: Scalar = 0
    ) -> [Scalar] {
        fisherVectorProductOperator(at: theta, inputs: inputs, sampleWeights: sampleWeights, damping: damping)(v)
    }

    /// A reusable Fisher-vector-product operator v ↦ Jᵀ diag(ω) (J v) / Σω + λ v for this batch.
    ///
    /// When the computation is per-sample (no operation mixes samples), J is kept **factored**
    /// (`factoredPerSampleJacobian`: one reverse pass storing each dense layer's signals and
    /// inputs), and each product is two products with the factors — a few gemms, about two thirds
    /// of a batch gradient on MLPs. Otherwise the computation is recorded once, and each product
    /// re-sweeps only the forward tangents (J v) over the recorded values and runs one reverse
    /// pass. Either way J (B × P) is never written.
    ///
    /// The operator owns its factors or recorded tape: use it from one thread at a time.
    /// - Parameters:
    ///   - sampleWeights: ω (B, non-negative, positive sum); nil means all ones.
    ///   - damping: λ ≥ 0.
    /// - Complexity: factored, one reverse pass to build and 4B Σ in·out flops per product on
    ///   MLPs (memory O(B × Σ widths), plus B × count per parameter not used as a dense weight);
    ///   recorded, one evaluation to build and a tangent sweep plus
    ///   a reverse pass per product.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func fisherVectorProductOperator(
        at theta: [Scalar], inputs: [Matrix<Scalar>], sampleWeights: [Scalar]? = nil, damping: Scalar = 0
    ) -> ([Scalar]) -> [Scalar] {
        let b = batchSize(of: inputs)
        if let sampleWeights {
            precondition(sampleWeights.count == b,
                         "fisherVectorProductOperator: \(sampleWeights.count) weights for a batch of \(b)")
        }
        let total = sampleWeights?.reduce(0, +) ?? Scalar(b)
        precondition(total > 0, "fisherVectorProductOperator: sample weights sum to \(total)")
        if let factored = try? factoredPerSampleJacobian(at: theta, inputs: inputs).jacobian {
            return { v in
                precondition(v.count == factored.parameterCount,
                             "fisherVectorProductOperator: v has \(v.count) elements for \(factored.parameterCount) parameters")
                return factored.fisherVectorProduct(v, sampleWeights: sampleWeights, damping: damping)
            }
        }
        let r = record(theta, inputs: inputs, rows: 0..<b)
        let tape = r.tape, out = r.output
        precondition(tape.nodes[out.index].value.columns == 1 && tape.nodes[out.index].isBatched,
                     "fisherVectorProductOperator: the output must be B × 1 (one scalar per sample), got \(out.shapeDescription)")
        let p = parameterCount
        return { v in
            tape.resweepTangents(parameterDirection: v)
            var result = [Scalar](repeating: 0, count: p)
            if let jv = tape.nodes[out.index].tangent {
                let seed = Block<Scalar>(uninitializedRows: b, columns: 1)
                for i in 0..<b { seed.base[i] = (sampleWeights?[i] ?? 1) * jv.base[i] / total }
                result.withUnsafeMutableBufferPointer { g in
                    let context = ReverseContext(tape: tape, mode: .reduced, carriesTangents: false,
                                                 target: g.baseAddress, tangentTarget: nil, targetRowStride: 0)
                    context.run(output: out.index, seed: seed, seedTangent: nil)
                }
            }
            if damping != 0 { axpy(damping, v, &result) }
            return result
        }
    }

    func seedBlock(_ weights: Matrix<Scalar>?, rows: Int, columns: Int, name: String) -> Block<Scalar> {
        guard let weights else {
            let s = Block<Scalar>(uninitializedRows: rows, columns: columns)
            Scalar.fill(s.base, count: rows * columns, with: 1)
            return s
        }
        precondition(weights.rows == rows && weights.columns == columns,
                     "DifferentiableFunction: \(name) is \(weights.rows) × \(weights.columns) but the output is \(rows) × \(columns)")
        return Block(weights)
    }
}
