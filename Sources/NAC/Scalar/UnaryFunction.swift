/// The elementwise functions the engine differentiates, y = f(x).
///
/// `NACScalar.evaluate(_:…)` computes y and, on request, f′(x) and f″(x) in one pass: the engine's
/// tangent and adjoint rules are products with f′, and its adjoint-tangent rule (forward-over-reverse)
/// adds a product with f″ (x̄̇ = ȳ̇ f′(x) + ȳ f″(x) ẋ).
public enum UnaryFunction: Sendable, Equatable, CustomStringConvertible {
    case negate
    case exp
    case log
    /// log(1 + x), accurate for small x.
    case log1p
    case sqrt
    case square
    /// x^p for a constant p (x > 0 unless p is an integer).
    case power(Double)
    case tanh
    /// 1 / (1 + e^(−x)).
    case sigmoid
    /// max(x, 0); its derivative at 0 is taken as 0.
    case relu
    /// log(1 + e^x), computed without overflow.
    case softplus
    case sin
    case cos
    case reciprocal

    public var description: String {
        switch self {
        case .negate: "negate"
        case .exp: "exp"
        case .log: "log"
        case .log1p: "log1p"
        case .sqrt: "sqrt"
        case .square: "square"
        case .power(let p): "power(\(p))"
        case .tanh: "tanh"
        case .sigmoid: "sigmoid"
        case .relu: "relu"
        case .softplus: "softplus"
        case .sin: "sin"
        case .cos: "cos"
        case .reciprocal: "reciprocal"
        }
    }
}

/// The arithmetic of `NACScalar.broadcast(_:…)`.
public enum BinaryOperator: Sendable, Equatable {
    case add
    case subtract
    case multiply
    case divide
}

/// A read-only operand of a broadcasting kernel: element (r, c) is at `base[r · rowStride + c · columnStride]`.
/// A stride of 0 repeats the operand along that axis (a row broadcast over samples, a scalar
/// broadcast over everything).
public struct StridedOperand<Scalar>: @unchecked Sendable {
    public var base: UnsafePointer<Scalar>
    public var rowStride: Int
    public var columnStride: Int

    @inlinable
    public init(_ base: UnsafePointer<Scalar>, rowStride: Int, columnStride: Int = 1) {
        self.base = base
        self.rowStride = rowStride
        self.columnStride = columnStride
    }
}
