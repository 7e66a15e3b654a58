/// A derivative the engine was asked for but cannot give.
public enum DifferentiationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The per-sample modes need rows that never mix; this operation reduces or mixes over the
    /// batch axis, so per-sample derivatives of its output do not exist.
    case operationMixesSamples(operation: String)
    /// The per-sample Jacobian needs one scalar output per sample; the output has this many columns.
    case outputNotScalarPerSample(columns: Int)
    /// The output does not depend on the batch; per-sample derivatives need a batched output.
    case outputNotBatched

    public var description: String {
        switch self {
        case .operationMixesSamples(let op):
            "operation '\(op)' mixes samples (reduces over the batch axis), so it cannot be used in per-sample mode"
        case .outputNotScalarPerSample(let columns):
            "per-sample Jacobian needs a B × 1 output (one scalar per sample), got \(columns) columns"
        case .outputNotBatched:
            "per-sample derivatives need an output with one row per sample; this output does not depend on the batch"
        }
    }
}
