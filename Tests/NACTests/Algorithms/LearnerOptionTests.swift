import Testing
@testable import NAC

/// `LearnerRegistry.make` refuses a specification field the chosen learner does not use, and
/// accepts every field it lists.
@Suite struct LearnerOptionTests {
    /// The specification setting only `option`, to a valid value for cartpole.
    static func specification(setting option: LearnerOption) -> LearnerSpecification {
        var s = LearnerSpecification(environment: "cartpole", seed: 3)
        switch option {
        case .policy: s.policyKind = .categorical
        case .hidden: s.hiddenLayers = [8]
        case .gamma: s.discount = 0.9
        case .lambda: s.gaeLambda = 0.9
        case .batchSize: s.batchSize = 64
        case .kl: s.maximumKL = 0.05
        case .copies: s.copies = 2
        case .bias: s.bias = .unbiased
        }
        return s
    }

    @Test func givenOptionsListsTheSetFieldsInOrder() {
        #expect(LearnerSpecification(environment: "cartpole").givenOptions.isEmpty)
        let all = LearnerSpecification(environment: "cartpole", policyKind: .categorical, hiddenLayers: [4], discount: 0.9,
                                       gaeLambda: 0.9, batchSize: 8, maximumKL: 0.1, copies: 1, bias: .biased)
        #expect(all.givenOptions == LearnerOption.allCases)
        for option in LearnerOption.allCases { #expect(Self.specification(setting: option).givenOptions == [option]) }
        #expect(LearnerOption.batchSize.description == "--batch-size")
    }

    @Test func everyLearnerAcceptsItsOptionsAndRefusesTheOthers() throws {
        let entries = LearnerRegistry.entries(Double.self)
        #expect(entries.count == 8)
        for entry in entries {
            for option in LearnerOption.allCases {
                let spec = Self.specification(setting: option)
                if entry.options.contains(option) {
                    _ = try LearnerRegistry.make(entry.name, specification: spec, as: Double.self)
                } else {
                    do {
                        _ = try LearnerRegistry.make(entry.name, specification: spec, as: Double.self)
                        Issue.record("\(entry.name) accepted \(option)")
                    } catch let TrainingError.optionNotApplicable(named, algorithm, reason) {
                        #expect(named == option.description)
                        #expect(algorithm == entry.name)
                        let taken = LearnerOption.allCases.filter(entry.options.contains).map(\.description)
                        #expect(reason.hasSuffix("it takes " + (taken.isEmpty ? "none of the algorithm options"
                                                                               : taken.joined(separator: ", "))))
                    }
                }
            }
        }
    }

    @Test func theOptionsOfEachFamily() throws {
        let npg = try LearnerRegistry.entry("npg", as: Double.self)
        #expect(npg.options == Set(LearnerOption.allCases).subtracting([.bias]))
        #expect(!npg.usesBias)
        #expect(try LearnerRegistry.entry("npg-replay", as: Float.self).options == npg.options)
        for name in ["nac-lstd", "enac2", "nac-s", "inac"] {
            #expect(try LearnerRegistry.entry(name, as: Double.self).options == [.gamma, .bias])
        }
        #expect(try LearnerRegistry.entry("enac", as: Double.self).options == [.gamma])
        // Bhatnagar et al.'s Algorithm 3 is average-reward: γ would be silently ignored.
        #expect(try LearnerRegistry.entry("bhatnagar", as: Double.self).options == [])
        #expect(throws: TrainingError.optionNotApplicable(
            option: "--gamma", algorithm: "bhatnagar",
            reason: "its policy is linear in the environment's built-in features and it learns from one environment, "
                + "step by step or episode by episode, with no biased/unbiased switch, and it is average-reward "
                + "(no discount γ); it takes none of the algorithm options")) {
            _ = try LearnerRegistry.make("bhatnagar", specification: .init(environment: "cartpole", discount: 0.5), as: Double.self)
        }
        // The first offending option is named, and the message says what the learner takes.
        let spec = LearnerSpecification(environment: "cartpole", hiddenLayers: [8], discount: 0.9, batchSize: 64, bias: .biased)
        #expect(throws: TrainingError.optionNotApplicable(
            option: "--hidden", algorithm: "enac2",
            reason: "its policy is linear in the environment's built-in features and it learns from one environment, "
                + "step by step or episode by episode; it takes --gamma, --bias")) {
            _ = try LearnerRegistry.make("enac2", specification: spec, as: Double.self)
        }
        let described = TrainingError.optionNotApplicable(option: "--bias", algorithm: "npg", reason: "r").description
        #expect(described == "--bias does not apply to npg: r")
    }
}
