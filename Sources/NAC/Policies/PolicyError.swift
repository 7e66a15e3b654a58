/// Why a policy cannot evaluate a batch: the data a caller passed does not fit the policy.
///
/// Every case names the offending values. Shape errors inside the library are preconditions
/// instead (programmer errors).
public enum PolicyError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The observations have `actual` columns; the policy reads `expected`.
    case observationWidth(expected: Int, actual: Int)
    /// The observations have `observations` rows but there are `actions` actions.
    case batchSizeMismatch(observations: Int, actions: Int)
    /// Continuous actions were given to a policy over discrete actions, or the reverse.
    case actionKindMismatch(expected: ActionSpace, actual: String)
    /// Continuous actions have `actual` columns; the policy's action dimension is `expected`.
    case actionWidth(expected: Int, actual: Int)
    /// A discrete action index outside 0..<actionCount.
    case actionIndexOutOfRange(row: Int, index: Int, actionCount: Int)
    /// A one-hot observation that is not an integer state index in 0..<stateCount.
    case invalidStateIndex(row: Int, value: Double, stateCount: Int)
    /// Per-sample weights of the wrong length.
    case weightCount(expected: Int, actual: Int)
    /// Two policies that must share an architecture (KL divergence) do not.
    case architectureMismatch(String)
    /// The engine refused the computation (cannot happen for NAC's own policies).
    case differentiation(DifferentiationError)

    public var description: String {
        switch self {
        case .observationWidth(let e, let a):
            "observations have \(a) columns but the policy expects \(e)"
        case .batchSizeMismatch(let o, let a):
            "\(o) observations but \(a) actions"
        case .actionKindMismatch(let e, let a):
            "the policy takes \(e) but was given \(a) actions"
        case .actionWidth(let e, let a):
            "actions have \(a) columns but the policy's action dimension is \(e)"
        case .actionIndexOutOfRange(let r, let i, let n):
            "action \(i) in row \(r) is outside 0..<\(n)"
        case .invalidStateIndex(let r, let v, let n):
            "observation \(v) in row \(r) is not a state index in 0..<\(n)"
        case .weightCount(let e, let a):
            "\(a) weights for a batch of \(e)"
        case .architectureMismatch(let s):
            "policies differ in architecture: \(s)"
        case .differentiation(let e):
            e.description
        }
    }
}
