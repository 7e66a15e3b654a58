/// The activation applied after a dense layer, elementwise.
///
/// The raw values are the names used in the JSON files (`"tanh"`, …) and in the shared
/// reference files.
public enum Activation: String, Sendable, Hashable, CaseIterable, Codable {
    /// y = x.
    case identity
    /// y = tanh x.
    case tanh
    /// y = max(x, 0) (derivative 0 at 0).
    case relu
    /// y = 1 / (1 + e^(−x)).
    case sigmoid
    /// y = log(1 + eˣ).
    case softplus

    /// The engine's elementwise function, or nil for the identity.
    public var function: UnaryFunction? {
        switch self {
        case .identity: nil
        case .tanh: .tanh
        case .relu: .relu
        case .sigmoid: .sigmoid
        case .softplus: .softplus
        }
    }

    /// Records the activation on the tape (the identity records nothing).
    public func apply<Scalar: NACScalar>(_ x: Variable<Scalar>) -> Variable<Scalar> {
        guard let function else { return x }
        return x.tape.apply(function, x)
    }

    /// The activation of a plain matrix.
    public func apply<Scalar: NACScalar>(_ x: Matrix<Scalar>) -> Matrix<Scalar> {
        guard let function else { return x }
        return x.applying(function)
    }
}
