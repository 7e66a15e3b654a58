/// One action sent to an `Environment`: an index into a discrete action set, or a real vector.
///
/// Both policy kinds drive every environment through this one type: a categorical policy
/// sends `.discrete(i)`, a Gaussian policy sends `.continuous(values)`. An environment checks
/// the action against its `actionSpace` and throws `EnvironmentError` (never traps) when the
/// kind, the index range, the dimension or the finiteness is wrong.
///
/// Continuous components are `Double` whatever the environment's scalar type: the built-in
/// dynamics run in `Double`. `init(continuous:)` converts a `Float` vector.
///
/// ```swift
/// try cartPole.step(.discrete(1))
/// try pendulum.step(.continuous([0.5]))
/// try pendulum.step(Action(continuous: [Float(0.5)]))
/// ```
public enum Action: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The index of one of `count` actions of a `Space.discrete(count)`, 0-based.
    case discrete(Int)
    /// A real vector of the dimension of a `Space.box`.
    case continuous([Double])

    /// A continuous action from a vector of any NAC scalar type (converted to `Double`).
    public init<S: NACScalar>(continuous values: [S]) {
        self = .continuous(values.map { Double($0) })
    }

    /// The index of a discrete action, `nil` for a continuous one.
    public var index: Int? {
        if case .discrete(let i) = self { i } else { nil }
    }

    /// The components of a continuous action, `nil` for a discrete one.
    public var values: [Double]? {
        if case .continuous(let v) = self { v } else { nil }
    }

    public var description: String {
        switch self {
        case .discrete(let i): "discrete(\(i))"
        case .continuous(let v): "continuous(\(v))"
        }
    }
}
