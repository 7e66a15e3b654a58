/// The set of valid observations or actions of an `Environment`.
///
/// - `.discrete(n)`: the indices 0..<n (an action space for categorical policies).
/// - `.box(lower:upper:)`: real vectors x with `lower[i] ≤ x[i] ≤ upper[i]`; bounds may be
///   ±∞. For **observations** the bounds are those the published environment declares (they
///   describe the reachable range, as in Gymnasium). For **continuous actions** they are the
///   nominal range: the environments clip out-of-range actions exactly as their published
///   definitions do (Pendulum clips torque to [−2, 2], MountainCarContinuous clips the force to
///   [−1, 1]), so only a wrong dimension or a non-finite component is an error.
public enum Space: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// `count` actions, indexed 0..<count.
    case discrete(Int)
    /// Real vectors between `lower` and `upper` (equal lengths, `lower[i] ≤ upper[i]`).
    case box(lower: [Double], upper: [Double])

    /// A box with the same bounds in every one of `dimension` components.
    public static func box(dimension: Int, lower: Double, upper: Double) -> Space {
        precondition(dimension >= 0, "Space.box: negative dimension \(dimension)")
        return .box(lower: Array(repeating: lower, count: dimension),
                    upper: Array(repeating: upper, count: dimension))
    }

    /// The number of components of an element: the box dimension, or 1 for a discrete space
    /// (one index).
    public var dimension: Int {
        switch self {
        case .discrete: 1
        case .box(let lower, _): lower.count
        }
    }

    /// The number of actions of a discrete space, `nil` for a box.
    public var count: Int? {
        if case .discrete(let n) = self { n } else { nil }
    }

    /// Whether this is a discrete space.
    public var isDiscrete: Bool { count != nil }

    /// Whether `values` has this box's dimension and lies inside its bounds (inclusive).
    /// Always `false` for a discrete space.
    public func contains(_ values: [Double]) -> Bool {
        guard case .box(let lower, let upper) = self, values.count == lower.count else { return false }
        for i in values.indices where !(values[i] >= lower[i] && values[i] <= upper[i]) { return false }
        return true
    }

    /// The index of a discrete `action`, checked against this discrete space.
    /// - Throws: `.wrongActionKind` for a continuous action or a box space;
    ///   `.actionOutOfRange` for an index outside 0..<count.
    public func validatedIndex(of action: Action) throws(EnvironmentError) -> Int {
        guard case .discrete(let n) = self, case .discrete(let i) = action else {
            throw .wrongActionKind(received: action, actionSpace: self)
        }
        guard i >= 0 && i < n else { throw .actionOutOfRange(index: i, count: n) }
        return i
    }

    /// The components of a continuous `action`, checked against this box's dimension and for
    /// finiteness (bounds are not enforced; see the type's overview).
    /// - Throws: `.wrongActionKind`, `.wrongActionDimension`, `.nonFiniteAction`.
    public func validatedValues(of action: Action) throws(EnvironmentError) -> [Double] {
        guard case .box(let lower, _) = self, case .continuous(let v) = action else {
            throw .wrongActionKind(received: action, actionSpace: self)
        }
        guard v.count == lower.count else {
            throw .wrongActionDimension(expected: lower.count, received: v.count)
        }
        for (i, x) in v.enumerated() where !x.isFinite { throw .nonFiniteAction(component: i, value: x) }
        return v
    }

    /// Checks `action` against this space (either kind).
    public func validate(_ action: Action) throws(EnvironmentError) {
        if isDiscrete { _ = try validatedIndex(of: action) } else { _ = try validatedValues(of: action) }
    }

    public var description: String {
        switch self {
        case .discrete(let n): "discrete(\(n))"
        case .box(let lower, let upper): "box(lower: \(lower), upper: \(upper))"
        }
    }
}
