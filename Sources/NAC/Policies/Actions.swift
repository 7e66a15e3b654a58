/// A batch of B actions, one per observation row: real vectors (B × A) or indices.
///
/// The engine sees every batch as a matrix (`engineInput`): continuous actions as they are,
/// discrete ones as a B × 1 column of indices stored as scalars (exact: indices are far below
/// 2²⁴). So every policy's `logProbability` function has the same inputs, [observations, actions].
public enum Actions<Scalar: NACScalar>: Sendable, Equatable {
    /// B × A real actions (rows are samples).
    case continuous(Matrix<Scalar>)
    /// B action indices.
    case discrete([Int])

    /// B.
    public var count: Int {
        switch self {
        case .continuous(let m): m.rows
        case .discrete(let i): i.count
        }
    }

    /// The B × A matrix of continuous actions, or nil.
    public var continuousValues: Matrix<Scalar>? {
        if case .continuous(let m) = self { m } else { nil }
    }

    /// The indices of discrete actions, or nil.
    public var indices: [Int]? {
        if case .discrete(let i) = self { i } else { nil }
    }

    /// The engine's view: B × A, or B × 1 indices as scalars.
    public var engineInput: Matrix<Scalar> {
        switch self {
        case .continuous(let m): m
        case .discrete(let i): Self.indexColumn(i)
        }
    }

    /// The indices as a B × 1 matrix, in code specialised for Float and Double: from unspecialised
    /// generic code each `Scalar(index)` ran the generic integer conversion and array append
    /// (118 µs at B = 4096 against 3 µs specialised).
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    static func indexColumn(_ indices: [Int]) -> Matrix<Scalar> {
        Matrix(rows: indices.count, columns: 1, elements: indices.map { Scalar($0) })
    }

    /// The actions of rows `range`.
    public func rows(_ range: Range<Int>) -> Actions {
        switch self {
        case .continuous(let m): .continuous(m.rows(range))
        case .discrete(let i): .discrete(Array(i[range]))
        }
    }

    var kindName: String {
        switch self {
        case .continuous: "continuous"
        case .discrete: "discrete"
        }
    }
}
