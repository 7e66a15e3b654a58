/// Why a NumPy `.npy` file could not be read, written or used.
public enum NumPyError: Error, Equatable, Sendable, CustomStringConvertible {
    case fileUnreadable(path: String, reason: String)
    case fileUnwritable(path: String, reason: String)
    /// The file does not start with the magic string \x93NUMPY.
    case notNumPy
    /// A format version other than 1.x, 2.x or 3.x.
    case unsupportedVersion(major: Int, minor: Int)
    /// The header dictionary cannot be parsed.
    case malformedHeader(String)
    /// A dtype other than float32, float64, int32 or int64 (in either byte order).
    case unsupportedDataType(String)
    /// The data is shorter or longer than the shape and dtype say.
    case wrongDataLength(expectedBytes: Int, actualBytes: Int)
    /// The array has the wrong number of dimensions for its use.
    case wrongDimensions(expected: String, shape: [Int])
    /// An element that should be an integer (an action index) is not.
    case notAnInteger(index: Int, value: Double)
    /// A NaN or infinite element where finite numbers are required.
    case nonFiniteElement(index: Int)

    public var description: String {
        switch self {
        case .fileUnreadable(let p, let r): "cannot read \(p): \(r)"
        case .fileUnwritable(let p, let r): "cannot write \(p): \(r)"
        case .notNumPy: "not a NumPy .npy file (missing the \\x93NUMPY magic)"
        case .unsupportedVersion(let a, let b): "unsupported .npy format version \(a).\(b)"
        case .malformedHeader(let s): "malformed .npy header: \(s)"
        case .unsupportedDataType(let d): "unsupported .npy dtype '\(d)' (supported: <f4, <f8, <i4, <i8 and their big-endian forms)"
        case .wrongDataLength(let e, let a): ".npy data has \(a) bytes, the header implies \(e)"
        case .wrongDimensions(let e, let s): "array of shape \(s) where \(e) is needed"
        case .notAnInteger(let i, let v): "element \(i) is \(v), not an integer"
        case .nonFiniteElement(let i): "element \(i) is not finite"
        }
    }
}
