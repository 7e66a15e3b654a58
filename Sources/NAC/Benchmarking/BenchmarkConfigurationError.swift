/// A benchmark setting that cannot be run, named the way the `nac bench` option spells it —
/// thrown by `BenchmarkOptionParsing` and `NaturalGradientBenchmark.Configuration.validate()`,
/// printed by the command-line tool as its validation message.
public enum BenchmarkConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An entry of a comma-separated workload list names no built-in workload.
    case unknownWorkload(String, known: [String])
    /// An entry of a batch-size list is not a positive integer.
    case invalidBatchSize(String)
    /// An entry of a dtype list is neither `float32` nor `float64`.
    case unknownScalarType(String)
    /// A keyword option got a value outside its keywords.
    case unknownKeyword(option: String, value: String, known: [String])
    /// A list option is empty.
    case emptyList(option: String)
    /// A number outside its domain.
    case outOfRange(option: String, value: String, requirement: String)
    /// Every part of the benchmark is switched off.
    case nothingToRun

    public var description: String {
        switch self {
        case .unknownWorkload(let id, let known):
            "unknown workload '\(id)' (known: \(known.joined(separator: ", ")))"
        case .invalidBatchSize(let s):
            "bad batch size '\(s)' (a positive integer)"
        case .unknownScalarType(let s):
            "unknown dtype '\(s)' (float32 or float64)"
        case .unknownKeyword(let option, let value, let known):
            "\(option): unknown value '\(value)' (\(known.joined(separator: ", ")))"
        case .emptyList(let option):
            "\(option): the list is empty"
        case .outOfRange(let option, let value, let requirement):
            "\(option) \(value) \(requirement)"
        case .nothingToRun:
            "nothing to run"
        }
    }
}
