import Testing
@testable import NAC

/// `SpecializedLearner`: every registered learner comes wrapped, the wrapper forwards, and copies
/// keep value semantics.
@Suite struct SpecializedLearnerTests {
    @Test func everyRegisteredLearnerIsWrapped() throws {
        for name in LearnerRegistry.names {
            let spec = LearnerSpecification(environment: "cartpole", seed: 1)
            let double = try LearnerRegistry.make(name, specification: spec, as: Double.self)
            let float = try LearnerRegistry.make(name, specification: spec, as: Float.self)
            #expect(double is SpecializedLearner<Double> && float is SpecializedLearner<Float>, "\(name)")
            #expect(double.name == name || name == "npg-replay", "\(name) is called \(double.name)")
        }
    }

    @Test func copiesIterateIndependentlyAndMatchTheWrappedLearner() throws {
        let spec = LearnerSpecification(environment: "cartpole", seed: 4, hiddenLayers: [8], batchSize: 64, copies: 2)
        let made = try LearnerRegistry.make("npg", specification: spec, as: Double.self)
        var original = try #require(made as? SpecializedLearner<Double>)
        let initial = original.currentPolicy.parameters
        var copy = original
        // The same learner unwrapped, stepped by itself: the reference trajectory.
        var bare = try #require(original.wrapped as? NaturalPolicyGradient<CategoricalPolicy<Double>, AnyEnvironment<Double>>)
        for _ in 0..<3 { _ = try original.iterate() }
        #expect(copy.currentPolicy.parameters == initial, "the copy moved with the original")
        #expect(original.currentPolicy.parameters != initial, "3 iterations changed nothing")
        for _ in 0..<3 { _ = try copy.iterate() }
        for _ in 0..<3 { _ = try bare.iterate() }
        #expect(copy.currentPolicy.parameters == original.currentPolicy.parameters)
        #expect(bare.currentPolicy.parameters == original.currentPolicy.parameters)
    }
}
