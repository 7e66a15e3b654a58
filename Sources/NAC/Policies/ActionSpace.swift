/// The actions a policy chooses from.
public enum ActionSpace: Sendable, Hashable, CustomStringConvertible {
    /// Real vectors of the given dimension (A).
    case continuous(dimension: Int)
    /// Indices 0..<count.
    case discrete(count: Int)

    public var description: String {
        switch self {
        case .continuous(let d): "continuous actions of dimension \(d)"
        case .discrete(let n): "discrete actions 0..<\(n)"
        }
    }
}
