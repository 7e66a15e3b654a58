/// One fully connected layer y = activation(W x + b) of an `MLP`, described by where its
/// parameters live in the flat vector θ: W = θ[weight] with shape [out, in] (row-major,
/// W[o][i] at `weight.offset + o · in + i`), then b = θ[bias] with `out` entries.
///
/// A layer holds no numbers: the parameters are always read from a θ passed in, so a model is
/// a small value describing an architecture and θ is one flat array.
public struct DenseLayer: Sendable, Hashable {
    /// Input width.
    public let inputs: Int
    /// Output width.
    public let outputs: Int
    /// The activation applied after W x + b.
    public let activation: Activation
    /// W, `outputs × inputs`, row-major.
    public let weight: ParameterSlice
    /// b, `outputs` entries.
    public let bias: ParameterSlice

    /// A layer whose weight starts at `offset` in θ, followed by its bias.
    public init(inputs: Int, outputs: Int, activation: Activation, offset: Int) {
        precondition(inputs >= 1 && outputs >= 1, "DenseLayer: \(inputs) inputs, \(outputs) outputs")
        precondition(offset >= 0, "DenseLayer: offset \(offset)")
        self.inputs = inputs
        self.outputs = outputs
        self.activation = activation
        weight = ParameterSlice(offset: offset, rows: outputs, columns: inputs)
        bias = ParameterSlice(offset: offset + outputs * inputs, count: outputs)
    }

    /// in · out + out.
    public var parameterCount: Int { inputs * outputs + outputs }

    /// θ[offset ..< offset + parameterCount].
    public var parameterRange: Range<Int> { weight.offset..<(bias.offset + bias.count) }

    /// Records activation(x Wᵀ + b) on the tape.
    public func output<Scalar: NACScalar>(_ tape: Tape<Scalar>, _ x: Variable<Scalar>) -> Variable<Scalar> {
        activation.apply(tape.dense(x, weight: weight, bias: bias))
    }

    /// activation(x Wᵀ + b) for a batch x (B × in), with W and b read from θ.
    /// - Complexity: one gemm, 2 · B · in · out flops.
    public func evaluate<Scalar: NACScalar>(_ x: Matrix<Scalar>, parameters theta: [Scalar]) -> Matrix<Scalar> {
        precondition(x.columns == inputs, "DenseLayer.evaluate: input has \(x.columns) columns, the layer \(inputs) inputs")
        precondition(theta.count >= parameterRange.upperBound,
                     "DenseLayer.evaluate: θ has \(theta.count) parameters, the layer reads θ[\(parameterRange)]")
        let b = x.rows, n = inputs, m = outputs
        let y = Matrix<Scalar>(rows: b, columns: m) { out in
            theta.withUnsafeBufferPointer { t in
                Scalar.copy(StridedOperand(t.baseAddress! + bias.offset, rowStride: 0), rows: b, columns: m,
                            accumulate: false, into: out.baseAddress!, outRowStride: m)
                if b > 0 {
                    x.withUnsafeBufferPointer { xb in
                        Scalar.gemm(.none, .transposed, m: b, n: m, k: n, alpha: 1, a: xb.baseAddress!, lda: n,
                                    b: t.baseAddress! + weight.offset, ldb: n, beta: 1, c: out.baseAddress!, ldc: m)
                    }
                }
            }
        }
        return activation.apply(y)
    }
}
