/// The two scalar types NAC computes with, by their NumPy names (the `dtype` of files).
public enum ScalarType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case float32
    case float64

    /// Bytes per element.
    public var byteCount: Int { self == .float32 ? 4 : 8 }

    /// The type of `S`.
    public static func of<S: NACScalar>(_: S.Type) -> ScalarType { S.self == Float.self ? .float32 : .float64 }

    public var description: String { rawValue }
}
