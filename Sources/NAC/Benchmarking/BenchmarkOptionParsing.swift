/// Parsers for the comma-separated list options of `nac bench` (`--shapes W1,W3`,
/// `--batch-sizes 256,1024`, `--dtypes float32,float64`), in the library so that they are tested.
/// Entries are trimmed of spaces; empty entries (`"W1,,W3"`, a trailing comma) are ignored; a list
/// with no entry at all is refused.
public enum BenchmarkOptionParsing {
    /// Built-in workloads by id (`ScoreWorkload.named`, case-insensitive), in the order given.
    /// - Throws: `.unknownWorkload`, `.emptyList(option:)`.
    public static func workloads(_ list: String, option: String = "--shapes") throws(BenchmarkConfigurationError) -> [ScoreWorkload] {
        var result = [ScoreWorkload]()
        for entry in entries(list) {
            guard let w = ScoreWorkload.named(entry) else {
                throw .unknownWorkload(entry, known: ScoreWorkload.all.map(\.id))
            }
            result.append(w)
        }
        guard !result.isEmpty else { throw .emptyList(option: option) }
        return result
    }

    /// Positive batch sizes, in the order given.
    /// - Throws: `.invalidBatchSize`, `.emptyList(option:)`.
    public static func batchSizes(_ list: String, option: String = "--batch-sizes") throws(BenchmarkConfigurationError) -> [Int] {
        var result = [Int]()
        for entry in entries(list) {
            guard let b = Int(entry), b >= 1 else { throw .invalidBatchSize(entry) }
            result.append(b)
        }
        guard !result.isEmpty else { throw .emptyList(option: option) }
        return result
    }

    /// Scalar types by NumPy name (`float32`, `float64`), in the order given.
    /// - Throws: `.unknownScalarType`, `.emptyList(option:)`.
    public static func scalarTypes(_ list: String, option: String = "--dtypes") throws(BenchmarkConfigurationError) -> [ScalarType] {
        var result = [ScalarType]()
        for entry in entries(list) {
            guard let t = ScalarType(rawValue: entry) else { throw .unknownScalarType(entry) }
            result.append(t)
        }
        guard !result.isEmpty else { throw .emptyList(option: option) }
        return result
    }

    /// The trimmed, non-empty entries of a comma-separated list.
    static func entries(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
    }
}

extension StringProtocol {
    /// The string without leading and trailing spaces and tabs (Foundation-free).
    fileprivate func trimmingSpaces() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
