/// A field of `LearnerSpecification` that only some learners use, named by its `nac train`
/// option. Each `LearnerRegistry.Entry` lists the ones it takes; giving any other is a
/// `TrainingError.optionNotApplicable`, not a silently ignored setting.
public enum LearnerOption: String, Sendable, CaseIterable, Hashable, CustomStringConvertible {
    /// `policyKind` (`--policy`).
    case policy
    /// `hiddenLayers` (`--hidden`).
    case hidden
    /// `discount` (`--gamma`).
    case gamma
    /// `gaeLambda` (`--lambda`).
    case lambda
    /// `batchSize` (`--batch-size`).
    case batchSize = "batch-size"
    /// `maximumKL` (`--kl`).
    case kl
    /// `copies` (`--copies`).
    case copies
    /// `bias` (`--bias`).
    case bias

    /// The command-line spelling, for example `--batch-size`.
    public var description: String { "--" + rawValue }
}

extension LearnerSpecification {
    /// The options this specification sets (its non-nil algorithm-dependent fields), in
    /// declaration order.
    public var givenOptions: [LearnerOption] {
        LearnerOption.allCases.filter { option in
            switch option {
            case .policy: policyKind != nil
            case .hidden: hiddenLayers != nil
            case .gamma: discount != nil
            case .lambda: gaeLambda != nil
            case .batchSize: batchSize != nil
            case .kl: maximumKL != nil
            case .copies: copies != nil
            case .bias: bias != nil
            }
        }
    }
}
