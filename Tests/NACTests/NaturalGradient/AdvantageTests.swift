import Testing
@testable import NAC

@Suite struct AdvantageTests {
    static let rewards = [1.0, 2, 3, 4, 5]
    static let values = [0.5, 1.0, 1.5, 2.0, 2.5]
    /// V(s_{t+1}); 10 at the terminated step must be ignored.
    static let nextValues = [1.0, 1.5, 10, 2.5, 3.0]
    static let ends: [StepEnd] = [.continuing, .continuing, .terminated, .continuing, .truncated]

    /// γ = 0.9, λ = 0.8 by hand:
    /// δ = (1 + .9·1 − .5, 2 + .9·1.5 − 1, 3 − 1.5, 4 + .9·2.5 − 2, 5 + .9·3 − 2.5)
    ///   = (1.4, 2.35, 1.5, 4.25, 5.2);  γλ = .72
    /// Â₄ = 5.2, Â₃ = 4.25 + .72·5.2 = 7.994, Â₂ = 1.5 (episode end), Â₁ = 2.35 + .72·1.5 = 3.43,
    /// Â₀ = 1.4 + .72·3.43 = 3.8696.
    @Test func generalizedAdvantagesByHand() throws {
        let estimate = try generalizedAdvantageEstimate(
            rewards: Self.rewards, values: Self.values, nextValues: Self.nextValues, ends: Self.ends,
            discount: 0.9, lambda: 0.8)
        #expect(relativeError(estimate.temporalDifferences, [1.4, 2.35, 1.5, 4.25, 5.2]) < 1e-15)
        #expect(relativeError(estimate.advantages, [3.8696, 3.43, 1.5, 7.994, 5.2]) < 1e-15)
        #expect(relativeError(estimate.lambdaReturns, [4.3696, 4.43, 3.0, 9.994, 7.7]) < 1e-15)
    }

    @Test func lambdaZeroIsTDErrorAndLambdaOneIsBootstrappedReturnMinusBaseline() throws {
        let zero = try generalizedAdvantageEstimate(
            rewards: Self.rewards, values: Self.values, nextValues: Self.nextValues, ends: Self.ends,
            discount: 0.9, lambda: 0)
        #expect(zero.advantages == zero.temporalDifferences)
        let one = try generalizedAdvantageEstimate(
            rewards: Self.rewards, values: Self.values, nextValues: Self.nextValues, ends: Self.ends,
            discount: 0.9, lambda: 1)
        let returns = try discountedReturns(rewards: Self.rewards, ends: Self.ends, discount: 0.9,
                                            bootstrapValues: Self.nextValues)
        #expect(relativeError(one.advantages, zip(returns, Self.values).map { $0 - $1 }) < 1e-15)
        #expect(relativeError(one.lambdaReturns, returns) < 1e-15)
    }

    /// A truncated 3-step episode with V(s₃) = 5, then a terminated 2-step one (γ = 0.9):
    /// G₂ = 1 + .9·5 = 5.5, G₁ = 1 + .9·5.5 = 5.95, G₀ = 1 + .9·5.95 = 6.355, G₄ = 2, G₃ = 3.8.
    @Test func discountedReturnsWithTruncationBootstrap() throws {
        let ends: [StepEnd] = [.continuing, .continuing, .truncated, .continuing, .terminated]
        let returns = try discountedReturns(rewards: [1.0, 1, 1, 2, 2], ends: ends, discount: 0.9,
                                            bootstrapValues: [0, 0, 5, 0, 0])
        #expect(relativeError(returns, [6.355, 5.95, 5.5, 3.8, 2]) < 1e-15)
        // Cutting at the truncation instead (Thomas's Algorithm 1): G₂ = 1, G₁ = 1.9, G₀ = 2.71.
        let cut = try discountedReturns(rewards: [1.0, 1, 1, 2, 2], ends: ends, discount: 0.9,
                                        truncatedBootstrapDefault: 0)
        #expect(relativeError(cut, [2.71, 1.9, 1, 3.8, 2]) < 1e-15)
        #expect(throws: NaturalGradientError.missingBootstrapValue(step: 2)) {
            try discountedReturns(rewards: [1.0, 1, 1, 2, 2], ends: ends, discount: 0.9)
        }
    }

    @Test func unfinishedLastStepIsBootstrapped() throws {
        let returns = try discountedReturns(rewards: [1.0, 1], ends: [.continuing, .continuing], discount: 0.5,
                                            bootstrapValues: [99, 4])
        #expect(returns == [2.5, 3])   // G₁ = 1 + ½·4 = 3 (bootstrapped), G₀ = 1 + ½·G₁ = 2.5 (99 ignored)
        #expect(throws: NaturalGradientError.missingBootstrapValue(step: 1)) {
            try discountedReturns(rewards: [1.0, 1], ends: [.continuing, .continuing], discount: 0.5)
        }
    }

    @Test func floatAgreesWithDouble() throws {
        let estimate = try generalizedAdvantageEstimate(
            rewards: Self.rewards.map { Float($0) }, values: Self.values.map { Float($0) },
            nextValues: Self.nextValues.map { Float($0) }, ends: Self.ends, discount: 0.9, lambda: 0.8)
        // A handful of operations per element: a few ulps.
        #expect(relativeError(estimate.advantages, [3.8696, 3.43, 1.5, 7.994, 5.2]) < 1e-6)
    }

    @Test func invalidInputsThrow() {
        #expect(throws: NaturalGradientError.self) {
            try discountedReturns(rewards: [1.0], ends: [.terminated], discount: 1.5)
        }
        #expect(throws: NaturalGradientError.nonFiniteInput(argument: "rewards", index: 1)) {
            try discountedReturns(rewards: [1.0, .nan], ends: [.continuing, .terminated], discount: 0.9)
        }
        #expect(throws: NaturalGradientError.invalidHyperparameter(name: "lambda", value: -0.1, requirement: "must lie in [0.0, 1.0]")) {
            try generalizedAdvantageEstimate(rewards: [1.0], values: [0], nextValues: [0], ends: [.terminated],
                                             discount: 0.9, lambda: -0.1)
        }
        #expect(throws: NaturalGradientError.nonFiniteInput(argument: "nextValues", index: 0)) {
            try generalizedAdvantageEstimate(rewards: [1.0], values: [0], nextValues: [.infinity], ends: [.truncated],
                                             discount: 0.9, lambda: 0.5)
        }
        // …but a non-finite next value at a terminated step is ignored, as documented.
        #expect(throws: Never.self) {
            try generalizedAdvantageEstimate(rewards: [1.0], values: [0], nextValues: [.nan], ends: [.terminated],
                                             discount: 0.9, lambda: 0.5)
        }
    }

    @Test func timeWeightsRestartAtEpisodeEnds() {
        let ends: [StepEnd] = [.continuing, .continuing, .terminated, .continuing, .truncated, .continuing]
        let unbiased: [Double] = TimeWeighting.unbiased.weights(ends: ends, discount: 0.5)
        #expect(unbiased == [1, 0.5, 0.25, 1, 0.5, 1])
        let biased: [Double] = TimeWeighting.biased.weights(ends: ends, discount: 0.5)
        #expect(biased == Array(repeating: 1, count: 6))
        #expect(TimeWeighting.unbiased.weight(atStep: 3, discount: 0.5) == 0.125)
    }
}
