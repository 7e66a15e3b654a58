import Testing
@testable import NAC

/// max_i |a_i − b_i| / max(1, |b_i|).
private func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    return zip(a, b).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? 0
}

/// A random stochastic policy (rows drawn uniformly, then normalised).
private func randomPolicy(states: Int, actions: Int, seed: UInt64) -> Matrix<Double> {
    var g = Xoshiro256StarStar(seed: seed)
    var m = Matrix<Double>.zeros(rows: states, columns: actions)
    for s in 0..<states {
        let row = (0..<actions).map { _ in 0.1 + g.uniform(Double.self) }
        let total = row.reduce(0, +)
        for a in 0..<actions { m[s, a] = row[a] / total }
    }
    return m
}

@Suite struct ExactOracleValueTests {
    @Test func closedFormTwoStepEpisode() throws {
        // s0 --(any action, reward 1 or 3)--> s1 --(reward 2)--> s2 (terminal).
        let mdp = try FiniteMDP<Double>(
            transitions: [[[0, 1, 0], [0, 1, 0]], [[0, 0, 1], [0, 0, 1]], [[0, 0, 1], [0, 0, 1]]],
            rewards: [[1, 3], [2, 2], [0, 0]], initialDistribution: [1, 0, 0], discount: 0.5, terminalStates: [2])
        let oracle = try ExactOracle(mdp: mdp, policy: Matrix([[0.25, 0.75], [0.5, 0.5], [1, 0]]))
        // V(s1) = 2, V(s0) = 0.25·1 + 0.75·3 + 0.5·2 = 3.5; Q(s0, ·) = [1 + 1, 3 + 1].
        #expect(relativeError(oracle.stateValues, [3.5, 2, 0]) < 1e-15)
        #expect(relativeError(oracle.actionValues.elements, [2, 4, 2, 2, 0, 0]) < 1e-15)
        #expect(abs(oracle.objective - 3.5) < 1e-15)
        // ν_γ = [1, 0.5, 0.25] (the terminal state counted once, at its entry).
        #expect(relativeError(try oracle.visitation(discount: 0.5), [1, 0.5, 0.25]) < 1e-15)
        #expect(relativeError(try oracle.undiscountedVisitation(), [1, 1, 1]) < 1e-15)
        #expect(relativeError(try oracle.discountedStateDistribution(), [0.5, 0.25, 0.125]) < 1e-15)
    }

    @Test func valuesMatchIterativePolicyEvaluation() throws {
        for (mdp, seed) in [(try FiniteMDP<Double>.random(states: 7, actions: 3, discount: 0.9, seed: 21), UInt64(1)),
                            (try FiniteMDP<Double>.random(states: 6, actions: 2, discount: 1, terminalStateCount: 2, seed: 22), 2),
                            (try FiniteMDP<Double>.chain(length: 6, discount: 0.95, slipProbability: 0.2), 3)] {
            let pi = randomPolicy(states: mdp.stateCount, actions: mdp.actionCount, seed: seed)
            let oracle = try ExactOracle(mdp: mdp, policy: pi)
            // V ← R_π + γ P_π V, with terminal states held at 0, until the change is below 1e-14.
            var v = [Double](repeating: 0, count: mdp.stateCount)
            for _ in 0..<5000 {
                var next = [Double](repeating: 0, count: mdp.stateCount)
                for s in 0..<mdp.stateCount where !mdp.isTerminal[s] {
                    for a in 0..<mdp.actionCount {
                        var backup = mdp.rewards[s, a]
                        for t in 0..<mdp.stateCount { backup += mdp.discount * mdp.transitionProbability(from: s, action: a, to: t) * v[t] }
                        next[s] += pi[s, a] * backup
                    }
                }
                let change = zip(next, v).map { abs($0 - $1) }.max()!
                v = next
                if change < 1e-14 { break }
            }
            #expect(relativeError(oracle.stateValues, v) < 1e-11)
            // V(s) = Σ_a π(a|s) Q(s, a).
            for s in 0..<mdp.stateCount {
                let vq = (0..<mdp.actionCount).map { pi[s, $0] * oracle.actionValues[s, $0] }.reduce(0, +)
                #expect(abs(vq - oracle.stateValues[s]) < 1e-12)
            }
        }
    }

    @Test func objectiveMatchesMonteCarloRollouts() throws {
        var mdp = try FiniteMDP<Double>.chain(length: 4, discount: 0.9, slipProbability: 0.3, stepReward: -0.05)
        let pi = Matrix<Double>([[0.3, 0.7], [0.4, 0.6], [0.2, 0.8], [0.5, 0.5]])
        let oracle = try ExactOracle(mdp: mdp, policy: pi)
        var g = Xoshiro256StarStar(seed: 17)
        _ = mdp.reset(seed: 18)
        let episodes = 20_000
        var sum = 0.0, sumSquares = 0.0
        for _ in 0..<episodes {
            _ = mdp.reset()
            var discounted = 0.0, weight = 1.0
            while true {
                let r = try mdp.step(.discrete(g.categorical(pi.row(mdp.currentState))))
                discounted += weight * r.reward
                weight *= 0.9
                if r.isDone { break }
            }
            sum += discounted
            sumSquares += discounted * discounted
        }
        let mean = sum / Double(episodes)
        let standardError = ((sumSquares / Double(episodes) - mean * mean) / Double(episodes)).squareRoot()
        #expect(abs(mean - oracle.objective) < 4 * standardError, "MC \(mean) ± \(standardError) vs \(oracle.objective)")
    }

    @Test func floatOracleAgreesWithDouble() throws {
        let d = try FiniteMDP<Double>.random(states: 5, actions: 2, discount: 0.8, seed: 2)
        let f = try FiniteMDP<Float>(transitionProbabilities: Matrix(rows: 10, columns: 5, elements: d.transitionProbabilities.elements.map { Float($0) }),
                                     rewards: Matrix(rows: 5, columns: 2, elements: d.rewards.elements.map { Float($0) }),
                                     initialDistribution: d.initialDistribution.map { Float($0) }, discount: 0.8,
                                     tolerance: 1e-5)
        let pd = randomPolicy(states: 5, actions: 2, seed: 3)
        let vd = try ExactOracle(mdp: d, policy: pd).stateValues
        let vf = try ExactOracle(mdp: f, policy: Matrix(rows: 5, columns: 2, elements: pd.elements.map { Float($0) }), tolerance: 1e-5).stateValues
        #expect(relativeError(vf.map { Double($0) }, vd) < 1e-5)
    }

    @Test func invalidPoliciesAndUncertainTermination() throws {
        let chain = try FiniteMDP<Double>.chain(length: 3, discount: 1, slipProbability: 0)
        #expect(throws: FiniteMDPError.wrongSize(argument: "policy", expected: "3 × 2", actual: "2 × 2")) {
            _ = try ExactOracle(mdp: chain, policy: Matrix([[0.5, 0.5], [0.5, 0.5]]))
        }
        #expect(throws: FiniteMDPError.notNormalized(argument: "policy", index: [1], sum: 0.75)) {
            _ = try ExactOracle(mdp: chain, policy: Matrix([[0.5, 0.5], [0.5, 0.25], [1, 0]]))
        }
        // Always left, no slip, γ = 1: the goal is never reached, V is infinite.
        #expect(throws: FiniteMDPError.terminationNotCertain(state: 0)) {
            _ = try ExactOracle(mdp: chain, policy: Matrix([[1, 0], [1, 0], [1, 0]]))
        }
        let continuing = try FiniteMDP<Double>.random(states: 3, actions: 2, discount: 0.9, seed: 1)
        let oracle = try ExactOracle(mdp: continuing, policy: randomPolicy(states: 3, actions: 2, seed: 1))
        #expect(throws: FiniteMDPError.invalidDiscount(1)) { _ = try oracle.undiscountedVisitation() }
        let episodic = try ExactOracle(mdp: chain, policy: Matrix([[0, 1], [0, 1], [0, 1]]))
        #expect(throws: FiniteMDPError.notContinuing) { _ = try episodic.stationaryDistribution() }
    }
}

@Suite struct ExactOracleDistributionTests {
    @Test func discountedDistributionSumsToOne() throws {
        let continuing = try FiniteMDP<Double>.random(states: 8, actions: 3, discount: 0.9, seed: 31)
        let oracle = try ExactOracle(mdp: continuing, policy: randomPolicy(states: 8, actions: 3, seed: 4))
        let d = try oracle.discountedStateDistribution()
        #expect(abs(d.reduce(0, +) - 1) < 1e-13 && d.allSatisfy { $0 > 0 })
        // Episodic: (1 − γ) Σ ν + γ Σ_terminal ν = 1 (the rest is the post-terminal absorbing mass).
        let episodic = try FiniteMDP<Double>.random(states: 8, actions: 3, discount: 0.8, terminalStateCount: 2, seed: 32)
        let e = try ExactOracle(mdp: episodic, policy: randomPolicy(states: 8, actions: 3, seed: 5))
        let dE = try e.discountedStateDistribution()
        let nu = try e.visitation(discount: 0.8)
        #expect(abs(dE.reduce(0, +) + 0.8 * (nu[6] + nu[7]) - 1) < 1e-13)
    }

    @Test func visitationMatchesTheTruncatedSeries() throws {
        let mdp = try FiniteMDP<Double>.random(states: 6, actions: 2, discount: 0.9, terminalStateCount: 1, seed: 41)
        let pi = randomPolicy(states: 6, actions: 2, seed: 6)
        let oracle = try ExactOracle(mdp: mdp, policy: pi)
        for kappa in [0.0, 0.5, 0.9, 1.0] {
            // Σ_t κ^t Pr(s_t = s): propagate the state distribution, stopping mass at the terminal state.
            var distribution = mdp.initialDistribution
            var nu = [Double](repeating: 0, count: 6)
            var weight = 1.0
            for _ in 0..<3000 {
                for s in 0..<6 { nu[s] += weight * distribution[s] }
                var next = [Double](repeating: 0, count: 6)
                for s in 0..<6 where !mdp.isTerminal[s] {
                    for t in 0..<6 { next[t] += distribution[s] * oracle.stateTransitions[s, t] }
                }
                distribution = next
                weight *= kappa
            }
            #expect(relativeError(try oracle.visitation(discount: kappa), nu) < 1e-12, "κ = \(kappa)")
        }
    }

    @Test func stationaryDistributionIsInvariant() throws {
        let mdp = try FiniteMDP<Double>.random(states: 9, actions: 3, discount: 0.9, seed: 51)
        let oracle = try ExactOracle(mdp: mdp, policy: randomPolicy(states: 9, actions: 3, seed: 7))
        let dBar = try oracle.stationaryDistribution()
        let moved = oracle.stateTransitions.multiplied(by: dBar, .transposed)
        #expect(relativeError(moved, dBar) < 1e-14)
        #expect(abs(dBar.reduce(0, +) - 1) < 1e-14 && dBar.allSatisfy { $0 > 0 })
        // Power iteration from the uniform distribution reaches the same vector.
        var d = [Double](repeating: 1.0 / 9, count: 9)
        for _ in 0..<500 { d = oracle.stateTransitions.multiplied(by: d, .transposed) }
        #expect(relativeError(dBar, d) < 1e-13)
    }

    @Test func stationaryDistributionNotUniqueForTwoClosedClasses() throws {
        // Two absorbing states, no terminal ones: every mixture is stationary.
        let mdp = try FiniteMDP<Double>(transitions: [[[1, 0]], [[0, 1]]], rewards: [[0], [1]],
                                        initialDistribution: [0.5, 0.5], discount: 0.9)
        let oracle = try ExactOracle(mdp: mdp, policy: Matrix([[1], [1]]))
        #expect(throws: FiniteMDPError.stationaryDistributionNotUnique(rank: 1)) { _ = try oracle.stationaryDistribution() }
    }

    @Test func averageRewardAndDifferentialValues() throws {
        let mdp = try FiniteMDP<Double>.random(states: 6, actions: 3, discount: 0.7, seed: 61)
        let pi = randomPolicy(states: 6, actions: 3, seed: 8)
        let oracle = try ExactOracle(mdp: mdp, policy: pi)
        let values = try oracle.differentialValues()
        #expect(abs(values.averageReward - (try oracle.averageReward())) < 1e-15)
        // Spec §1.6: J̄ = (1 − γ) d̄ᵀ V for every γ.
        for gamma in [0.0, 0.5, 0.7, 0.99] {
            let m = try FiniteMDP(transitionProbabilities: mdp.transitionProbabilities, rewards: mdp.rewards,
                                  initialDistribution: mdp.initialDistribution, discount: gamma)
            let v = try ExactOracle(mdp: m, policy: pi).stateValues
            #expect(abs((1 - gamma) * dot(values.stationaryDistribution, v) - values.averageReward) < 1e-12)
        }
        // h(s) = Σ_t (P_π^t R_π − J̄)(s): the series converges (all transitions are positive).
        var term = oracle.stateRewards
        var h = [Double](repeating: 0, count: 6)
        for _ in 0..<400 {
            for s in 0..<6 { h[s] += term[s] - values.averageReward }
            term = oracle.stateTransitions.multiplied(by: term)
        }
        #expect(relativeError(values.stateValues, h) < 1e-12)
        #expect(abs(dot(values.stationaryDistribution, values.stateValues)) < 1e-13)
        // h(s) = Σ_a π(a|s) Q̄(s, a).
        for s in 0..<6 {
            let hq = (0..<3).map { pi[s, $0] * values.actionValues[s, $0] }.reduce(0, +)
            #expect(abs(hq - values.stateValues[s]) < 1e-12)
        }
    }
}
