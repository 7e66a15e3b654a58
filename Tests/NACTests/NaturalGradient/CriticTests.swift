import Testing
import RealModule
@testable import NAC

/// Random transitions over several episodes (terminated, truncated and unfinished), n scores
/// and m baseline features, for critic tests.
func randomTransitions(
    count: Int, n: Int, m: Int, seed: UInt64
) -> [CompatibleTransition<Double>] {
    var rng = Xoshiro256StarStar(seed: seed)
    var transitions: [CompatibleTransition<Double>] = []
    var features = (0..<m).map { _ in rng.normal(Double.self) }
    for t in 0..<count {
        let score = (0..<n).map { _ in rng.normal(Double.self) }
        let next = (0..<m).map { _ in rng.normal(Double.self) }
        let u = rng.uniform(Double.self)
        let end: StepEnd = t == count - 1 ? .continuing : u < 0.1 ? .terminated : u < 0.15 ? .truncated : .continuing
        transitions.append(CompatibleTransition(
            score: score, features: features, reward: rng.normal(Double.self),
            nextFeatures: end == .terminated ? nil : next, end: end))
        features = end.endsEpisode ? (0..<m).map { _ in rng.normal(Double.self) } : next
    }
    return transitions
}

@Suite struct LSTDQTests {
    /// A, b and z recomputed by naive loops straight from the spec §2.2 pseudocode.
    static func bruteForceStatistics(
        _ transitions: [CompatibleTransition<Double>], gamma: Double, lambda: Double, unbiased: Bool, literal: Bool
    ) -> (a: [[Double]], b: [Double], z: [Double]) {
        let size = transitions[0].score.count + transitions[0].features.count
        var a = Array(repeating: Array(repeating: 0.0, count: size), count: size)
        var b = Array(repeating: 0.0, count: size), z = b
        var t = 0
        let c = literal ? lambda : gamma * lambda
        for tr in transitions {
            let phiHat = tr.score + tr.features
            let phiTilde = Array(repeating: 0.0, count: tr.score.count) + (tr.nextFeatures ?? Array(repeating: 0, count: tr.features.count))
            let f = unbiased ? Double.pow(gamma, t) : 1
            for i in 0..<size { z[i] = c * z[i] + f * phiHat[i] }
            for i in 0..<size { for j in 0..<size { a[i][j] += z[i] * (phiHat[j] - gamma * phiTilde[j]) } }
            for i in 0..<size { b[i] += z[i] * tr.reward }
            t += 1
            if tr.end.endsEpisode { t = 0; z = Array(repeating: 0, count: size) }
        }
        return (a, b, z)
    }

    @Test(arguments: [false, true])
    func statisticsMatchBruteForce(literal: Bool) throws {
        let transitions = randomTransitions(count: 60, n: 3, m: 2, seed: 301)
        var lstd = try LSTDQAccumulator<Double>(parameterCount: 3, featureCount: 2, discount: 0.9, traceDecay: 0.7,
                                                timeWeighting: .unbiased, literalTrace: literal)
        for tr in transitions { try lstd.observe(tr) }
        let oracle = Self.bruteForceStatistics(transitions, gamma: 0.9, lambda: 0.7, unbiased: true, literal: literal)
        #expect(relativeError(lstd.statistics.elements, oracle.a.flatMap { $0 }) < 1e-13)
        #expect(relativeError(lstd.target, oracle.b) < 1e-13)
        #expect(relativeError(lstd.trace, oracle.z) < 1e-13)
        #expect(lstd.transitionCount == 60)
        // A ϖ = b solved by the pseudo-inverse equals Gaussian elimination (A is invertible here).
        let solution = try lstd.solve()
        let expected = gaussianSolve(oracle.a, oracle.b)
        #expect(relativeError(solution.w + solution.v, expected) < 1e-9)
        #expect(solution.w.count == 3 && solution.v.count == 2)
        #expect(solution.effectiveRank == 5)
        #expect(solution.relativeResidual < 1e-12)
    }

    /// Two steps of one episode, by hand: after step 0 z = f₀ φ̂₀; after step 1
    /// z = c f₀ φ̂₀ + f₁ φ̂₁ with c = γλ (default) or λ (literal), f₁ = γ (unbiased).
    @Test func traceDecayGammaLambdaVersusLiteral() throws {
        let step0 = CompatibleTransition(score: [1.0, 0], features: [1], reward: 0, nextFeatures: [2], end: .continuing)
        let step1 = CompatibleTransition(score: [0.0, 1], features: [2], reward: 0, nextFeatures: [0], end: .continuing)
        var standard = try LSTDQAccumulator<Double>(parameterCount: 2, featureCount: 1, discount: 0.5, traceDecay: 0.8)
        var literal = try LSTDQAccumulator<Double>(parameterCount: 2, featureCount: 1, discount: 0.5, traceDecay: 0.8,
                                                   literalTrace: true)
        #expect(standard.traceCoefficient == 0.4 && literal.traceCoefficient == 0.8)
        for tr in [step0, step1] {
            try standard.observe(tr)
            try literal.observe(tr)
        }
        // φ̂₀ = (1, 0, 1), φ̂₁ = (0, 1, 2), f₁ = γ = 0.5
        #expect(standard.trace == [0.4, 0.5, 0.4 + 1.0])
        #expect(literal.trace == [0.8, 0.5, 0.8 + 1.0])
        #expect(standard.statistics != literal.statistics)
        // They coincide when γ = 1 (c = λ either way) …
        var a = try LSTDQAccumulator<Double>(parameterCount: 2, featureCount: 1, discount: 1, traceDecay: 0.8)
        var b = try LSTDQAccumulator<Double>(parameterCount: 2, featureCount: 1, discount: 1, traceDecay: 0.8, literalTrace: true)
        // … and when λ = 0 (c = 0 either way).
        var c = try LSTDQAccumulator<Double>(parameterCount: 2, featureCount: 1, discount: 0.5, traceDecay: 0)
        var d = try LSTDQAccumulator<Double>(parameterCount: 2, featureCount: 1, discount: 0.5, traceDecay: 0, literalTrace: true)
        for tr in [step0, step1] {
            try a.observe(tr); try b.observe(tr); try c.observe(tr); try d.observe(tr)
        }
        #expect(a.statistics == b.statistics && a.target == b.target)
        #expect(c.statistics == d.statistics && c.target == d.target)
    }

    @Test func replacingStatisticsSolvesThePooledSystem() throws {
        // Two halves of the episodes accumulated apart, then pooled: the data-parallel hook.
        let transitions = randomTransitions(count: 200, n: 3, m: 2, seed: 97)
        let cut = transitions.firstIndex { $0.end.endsEpisode }! + 1
        func make() throws -> LSTDQAccumulator<Double> {
            try LSTDQAccumulator<Double>(parameterCount: 3, featureCount: 2, discount: 0.9, traceDecay: 0.7,
                                         trackedInverseRidge: 1e-3)
        }
        var all = try make(), first = try make(), second = try make()
        for t in transitions { try all.observe(t) }
        for t in transitions[..<cut] { try first.observe(t) }
        for t in transitions[cut...] { try second.observe(t) }
        var pooledTarget = first.target
        for i in pooledTarget.indices { pooledTarget[i] += second.target[i] }
        var pooled = second.replacingStatistics(first.statistics + second.statistics, target: pooledTarget)
        let expected = try all.solve(.ridge(1e-6)), actual = try pooled.solve(.ridge(1e-6))
        for (x, y) in zip(expected.w + expected.v, actual.w + actual.v) { #expect(abs(x - y) <= 1e-9 * (1 + abs(x))) }
        #expect(throws: NaturalGradientError.self) { try pooled.solve(.trackedInverse) }
        try pooled.refreshTrackedInverse()
        _ = try pooled.solve(.trackedInverse)
    }

    @Test func shermanMorrisonInverseEqualsDirectSolveAfterManyUpdates() throws {
        let transitions = randomTransitions(count: 400, n: 4, m: 3, seed: 311)
        var lstd = try LSTDQAccumulator<Double>(parameterCount: 4, featureCount: 3, discount: 0.95, traceDecay: 0.6,
                                                trackedInverseRidge: 0.5)
        for tr in transitions { try lstd.observe(tr) }
        let tracked = try lstd.solve(.trackedInverse)
        let direct = try lstd.solve(.ridge(0.5))
        #expect(relativeError(tracked.w + tracked.v, direct.w + direct.v) < 1e-9)
        #expect(tracked.relativeResidual < 1e-9)
        // M (A + εI) = I
        var shifted = lstd.statistics
        shifted.addToDiagonal(0.5)
        let product = try #require(lstd.trackedInverse) * shifted
        #expect(relativeError(product.elements, Matrix<Double>.identity(7).elements) < 1e-9)
    }

    @Test func forgettingScalesStatisticsAndTheTrackedInverse() throws {
        let transitions = randomTransitions(count: 80, n: 3, m: 2, seed: 321)
        var lstd = try LSTDQAccumulator<Double>(parameterCount: 3, featureCount: 2, discount: 0.9, traceDecay: 0.5,
                                                forgetting: 0.25, trackedInverseRidge: 1)
        for tr in transitions[0..<40] { try lstd.observe(tr) }
        let (a, b, z) = (lstd.statistics, lstd.target, lstd.trace)
        lstd.forget()
        #expect(lstd.statistics == a * 0.25)
        #expect(lstd.target == b.map { $0 * 0.25 })
        #expect(lstd.trace == z.map { $0 * 0.25 })
        #expect(lstd.trackedInverseRidge == 0.25)
        for tr in transitions[40...] { try lstd.observe(tr) }
        // After forgetting, the tracked inverse is of A + β ε I.
        let tracked = try lstd.solve(.trackedInverse)
        let direct = try lstd.solve(.ridge(0.25))
        #expect(relativeError(tracked.w + tracked.v, direct.w + direct.v) < 1e-9)

        var reset = try LSTDQAccumulator<Double>(parameterCount: 3, featureCount: 2, discount: 0.9, traceDecay: 0.5,
                                                 forgetting: 0, trackedInverseRidge: 2)
        for tr in transitions[0..<10] { try reset.observe(tr) }
        reset.forget()
        #expect(reset.statistics == .zeros(rows: 5, columns: 5))
        #expect(reset.target == Array(repeating: 0, count: 5))
        #expect(reset.trackedInverse == Matrix<Double>.identity(5) * 0.5)
        #expect(reset.trackedInverseRidge == 2)
    }

    @Test func failuresAreTyped() throws {
        #expect(throws: NaturalGradientError.self) {
            try LSTDQAccumulator<Double>(parameterCount: 1, featureCount: 1, discount: 1.2, traceDecay: 0.5)
        }
        #expect(throws: NaturalGradientError.self) {
            try LSTDQAccumulator<Double>(parameterCount: 1, featureCount: 1, discount: 0.9, traceDecay: 0.5,
                                         trackedInverseRidge: 0)
        }
        var lstd = try LSTDQAccumulator<Double>(parameterCount: 2, featureCount: 1, discount: 0.9, traceDecay: 0.5)
        #expect(throws: NaturalGradientError.nonFiniteInput(argument: "score", index: 1)) {
            try lstd.observe(CompatibleTransition(score: [0, .nan], features: [1], reward: 0, nextFeatures: nil, end: .terminated))
        }
        #expect(lstd.transitionCount == 0)
        #expect(throws: NaturalGradientError.trackedInverseUnavailable(denominator: nil)) { try lstd.solve(.trackedInverse) }
        // A = 0 before any data: the pseudo-inverse gives 0 with rank 0; QR with no ridge cannot.
        let empty = try lstd.solve()
        #expect(empty.w == [0, 0] && empty.v == [0] && empty.effectiveRank == 0)
        #expect(throws: NaturalGradientError.self) { try lstd.solve(.ridge(-1)) }
    }

    /// A transition that makes A + εI singular: with M = I/ε, z = e₁, d = −ε e₁ gives
    /// 1 + dᵀMz = 0. The tracked inverse must refuse, and a direct refresh restores it.
    @Test func shermanMorrisonBreakdownIsDetected() throws {
        var inverse = try ShermanMorrisonInverse<Double>(order: 2, ridge: 0.5)
        #expect(throws: NaturalGradientError.trackedInverseUnavailable(denominator: 0)) {
            try inverse.rankOneUpdate(u: [1, 0], v: [-0.5, 0])
        }
        #expect(inverse.inverse == Matrix<Double>.identity(2) * 2)   // unchanged
        try inverse.rankOneUpdate(u: [1, 2], v: [0.5, -1])
        // (εI + u vᵀ)⁻¹ checked by multiplication.
        let a = Matrix<Double>([[0.5 + 0.5, -1], [1, 0.5 - 2]])
        #expect(relativeError((inverse.inverse * a).elements, [1, 0, 0, 1]) < 1e-14)
    }
}

@Suite struct CompatibleCriticTests {
    @Test(arguments: [LeastSquaresMethod<Double>.svd(), .qr])
    func batchWeightedLeastSquaresEqualsNormalEquations(method: LeastSquaresMethod<Double>) throws {
        let t = 50, n = 4, m = 3
        let psi = randomMatrix(t, n, seed: 401, as: Double.self)
        let phi = randomMatrix(t, m, seed: 402, as: Double.self)
        let y = randomVector(t, seed: 403, as: Double.self)
        var rng = Xoshiro256StarStar(seed: 404)
        let f = (0..<t).map { _ in rng.uniform(Double.self) }
        // XᵀWX ϖ = XᵀWy formed naively, X = [Ψ Φ].
        var normal = Array(repeating: Array(repeating: 0.0, count: n + m), count: n + m)
        var rhs = Array(repeating: 0.0, count: n + m)
        for s in 0..<t {
            let x = psi.row(s) + phi.row(s)
            for i in 0..<(n + m) {
                rhs[i] += f[s] * x[i] * y[s]
                for j in 0..<(n + m) { normal[i][j] += f[s] * x[i] * x[j] }
            }
        }
        let expected = gaussianSolve(normal, rhs)
        let fit = try CompatibleLeastSquaresCritic.fit(scores: psi, baselineFeatures: phi, targets: y, weights: f,
                                                       method: method)
        #expect(relativeError(fit.w + fit.v, expected) < 1e-10)
        #expect(fit.relativeResidual < 1e-10)
    }

    @Test func transitionsFitUsesDiscountedReturnsAndTimeWeights() throws {
        let transitions = randomTransitions(count: 70, n: 3, m: 2, seed: 411)
        let fit = try CompatibleLeastSquaresCritic.fit(transitions: transitions, discount: 0.8, timeWeighting: .unbiased)
        // The same regression assembled by hand.
        let ends = transitions.map(\.end)
        let returns = try discountedReturns(rewards: transitions.map(\.reward), ends: ends, discount: 0.8,
                                            truncatedBootstrapDefault: 0)
        let weights: [Double] = TimeWeighting.unbiased.weights(ends: ends, discount: 0.8)
        let manual = try CompatibleLeastSquaresCritic.fit(
            scores: Matrix(transitions.map(\.score)), baselineFeatures: Matrix(transitions.map(\.features)),
            targets: returns, weights: weights)
        #expect(relativeError(fit.w, manual.w) < 1e-12 && relativeError(fit.v, manual.v) < 1e-12)
        // At γ = 1 the biased and unbiased fits coincide (spec §1.4's cheap test) …
        let biased = try CompatibleLeastSquaresCritic.fit(transitions: transitions, discount: 1, timeWeighting: .biased)
        let unbiased = try CompatibleLeastSquaresCritic.fit(transitions: transitions, discount: 1, timeWeighting: .unbiased)
        #expect(biased.w == unbiased.w)
        // … and differ otherwise.
        let biased08 = try CompatibleLeastSquaresCritic.fit(transitions: transitions, discount: 0.8, timeWeighting: .biased)
        #expect(relativeError(biased08.w, fit.w) > 1e-3)
    }
}

@Suite struct SarsaCriticTests {
    static let step0 = CompatibleTransition(score: [1.0, 0], features: [1], reward: 1, nextFeatures: [2], end: .continuing)
    static let step1 = CompatibleTransition(score: [0.0, 1], features: [2], reward: 0.5, nextFeatures: nil, end: .terminated)

    /// γ = 0.9, λ = 0.5, α^w = 0.1, α^v = 0.2, by hand:
    /// step 0: δ = 1, e^w = (1, 0), e^v = 1, w = (0.1, 0), v = 0.2;
    /// step 1 (terminal, f₁ = γ = 0.9): δ = 0.5 − 0.2·2 = 0.1, wᵀψ₁ = 0,
    ///   e^w = .45·(1, 0) + .9·(0, 1) = (.45, .9), e^v = .45 + .9·2 = 2.25,
    ///   w = (0.1, 0) + 0.1·0.1·(.45, .9) = (.1045, .009), v = 0.2 + 0.2·0.1·2.25 = 0.245.
    @Test func twoStepsByHand() throws {
        var critic = try SarsaCompatibleCritic<Double>(parameterCount: 2, featureCount: 1, discount: 0.9, traceDecay: 0.5,
                                                       weightStepSize: 0.1, baselineStepSize: 0.2)
        let delta0 = try critic.update(Self.step0)
        #expect(delta0 == 1)
        #expect(critic.w == [0.1, 0] && critic.v == [0.2])
        #expect(critic.timeStep == 1)
        let delta1 = try critic.update(Self.step1)
        #expect(abs(delta1 - 0.1) < 1e-15)
        #expect(relativeError(critic.w, [0.1045, 0.009]) < 1e-14)
        #expect(relativeError(critic.v, [0.245]) < 1e-14)
        // The terminal transition reset the episode state, not w and v.
        #expect(critic.timeStep == 0 && critic.weightTrace == [0, 0] && critic.baselineTrace == [0])
    }

    /// Biased f(t) = 1: e^w = (.45, 1), e^v = 2.45 at step 1 → w = (.1045, .01), v = 0.249.
    @Test func biasedWeightingByHand() throws {
        var critic = try SarsaCompatibleCritic<Double>(parameterCount: 2, featureCount: 1, discount: 0.9, traceDecay: 0.5,
                                                       timeWeighting: .biased, weightStepSize: 0.1, baselineStepSize: 0.2)
        try critic.update(Self.step0)
        try critic.update(Self.step1)
        #expect(relativeError(critic.w, [0.1045, 0.01]) < 1e-14)
        #expect(relativeError(critic.v, [0.249]) < 1e-14)
    }

    @Test func resetAndStepSizes() throws {
        var critic = try SarsaCompatibleCritic<Double>(parameterCount: 2, featureCount: 1, discount: 0.9, traceDecay: 0.5,
                                                       weightStepSize: 0.1, baselineStepSize: 0.2)
        try critic.update(Self.step0)
        critic.resetEpisode()
        #expect(critic.weightTrace == [0, 0] && critic.timeStep == 0 && critic.w == [0.1, 0])
        #expect(throws: NaturalGradientError.self) { try critic.setStepSizes(weight: -1, baseline: 0.1) }
        try critic.setStepSizes(weight: 0, baseline: 0)
        let before = (critic.w, critic.v)
        try critic.update(Self.step0)
        #expect(critic.w == before.0 && critic.v == before.1)
        #expect(throws: NaturalGradientError.nonFiniteInput(argument: "reward", index: 0)) {
            try critic.update(CompatibleTransition(score: [0, 0], features: [0], reward: .nan, nextFeatures: nil, end: .terminated))
        }
        // A step size that overflows w is refused and leaves the critic unchanged.
        try critic.setStepSizes(weight: 1e300, baseline: 0)
        let huge = CompatibleTransition(score: [1e10, 0.0], features: [0], reward: 1e10, nextFeatures: nil, end: .terminated)
        let state = (critic.w, critic.v, critic.weightTrace, critic.updateCount)
        #expect(throws: NaturalGradientError.criticDiverged(update: state.3 + 1)) { try critic.update(huge) }
        #expect(critic.w == state.0 && critic.v == state.1 && critic.weightTrace == state.2 && critic.updateCount == state.3)
    }
}
