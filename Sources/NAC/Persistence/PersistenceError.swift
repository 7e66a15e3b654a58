/// Why a model or batch file could not be loaded or saved. Each case names the problem and,
/// where it applies, the field (a path such as `layers[1].activation`).
///
/// Loading never returns a partly built model: it either throws one of these or returns a
/// model whose every field was checked.
public enum PersistenceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file could not be read.
    case fileUnreadable(path: String, reason: String)
    /// The file could not be written.
    case fileUnwritable(path: String, reason: String)
    /// The text is not JSON (truncated, a stray character…); `offset` is the byte where parsing stopped.
    case malformedJSON(offset: Int, reason: String)
    /// JSON, but neither the NAC format (a `"format": "nac-model"` member) nor the reference layout
    /// (`params_flat` with `layers`).
    case unrecognizedFormat(String)
    /// A NAC file of a version this library does not read.
    case unsupportedVersion(found: Int, supported: [Int])
    /// A required field is absent.
    case missingField(String)
    /// A field holds the wrong JSON type.
    case wrongType(field: String, expected: String, found: String)
    /// A model or feature-map kind this library does not know.
    case unknownKind(field: String, name: String)
    /// An activation name this library does not know.
    case unknownActivation(field: String, name: String)
    /// A dtype other than float32 or float64.
    case unknownDataType(field: String, name: String)
    /// An array or count of the wrong length.
    case wrongSize(field: String, expected: Int, actual: Int)
    /// A NaN or infinite number (or one that overflows the scalar type); `index` is its flat
    /// position inside the field.
    case nonFiniteNumber(field: String, index: Int)
    /// A value outside its allowed range (a width below 1, bounds in the wrong order…).
    case invalidValue(field: String, reason: String)
    /// Two fields that must agree do not (a layer's inputs versus the previous layer's outputs,
    /// a reference file's `log_std` versus the end of `params_flat`…).
    case inconsistent(field: String, reason: String)
    /// The file holds a different kind of model than the one asked for.
    case unexpectedKind(expected: String, found: String)

    public var description: String {
        switch self {
        case .fileUnreadable(let p, let r): "cannot read \(p): \(r)"
        case .fileUnwritable(let p, let r): "cannot write \(p): \(r)"
        case .malformedJSON(let o, let r): "malformed JSON at byte \(o): \(r)"
        case .unrecognizedFormat(let s): "unrecognised file: \(s)"
        case .unsupportedVersion(let f, let s): "unsupported format version \(f) (this library reads \(s.map(String.init).joined(separator: ", ")))"
        case .missingField(let f): "missing field '\(f)'"
        case .wrongType(let f, let e, let found): "field '\(f)' should be \(e) but is \(found)"
        case .unknownKind(let f, let n): "unknown kind '\(n)' in '\(f)'"
        case .unknownActivation(let f, let n): "unknown activation '\(n)' in '\(f)' (known: \(Activation.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .unknownDataType(let f, let n): "unknown dtype '\(n)' in '\(f)' (known: float32, float64)"
        case .wrongSize(let f, let e, let a): "field '\(f)' has \(a) elements, expected \(e)"
        case .nonFiniteNumber(let f, let i): "field '\(f)' holds a non-finite number at index \(i)"
        case .invalidValue(let f, let r): "invalid '\(f)': \(r)"
        case .inconsistent(let f, let r): "inconsistent '\(f)': \(r)"
        case .unexpectedKind(let e, let f): "the file holds a \(f), not a \(e)"
        }
    }
}
