import Testing
@testable import NAC

private func relativeError(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count)
    let scale = max(b.map { abs($0) }.max() ?? 0, 1e-300)
    return zip(a, b).map { abs($0 - $1) }.max()! / scale
}

private func randomVector(_ n: Int, seed: UInt64, scale: Double = 1) -> [Double] {
    var g = Xoshiro256StarStar(seed: seed)
    return (0..<n).map { _ in scale * g.normal(Double.self) }
}

/// Shared-parameter features: φ(s, a) random (S·A) × n, so states share θ.
private func sharedPolicy(states: Int, actions: Int, parameters: Int, seed: UInt64) -> FiniteSoftmaxPolicy<Double> {
    FiniteSoftmaxPolicy(features: .randomNormal(rows: states * actions, columns: parameters, seed: seed),
                        actionCount: actions)
}

/// Tabular features with the last action of each state as the reference: A − 1 parameters for
/// each of the first `decisionStates` states (the others, terminal, get none), so the Fisher
/// matrix is non-singular.
private func reducedTabularPolicy(states: Int, decisionStates: Int, actions: Int) -> FiniteSoftmaxPolicy<Double> {
    var phi = Matrix<Double>.zeros(rows: states * actions, columns: decisionStates * (actions - 1))
    for s in 0..<decisionStates { for a in 0..<(actions - 1) { phi[s * actions + a, s * (actions - 1) + a] = 1 } }
    return FiniteSoftmaxPolicy(features: phi, actionCount: actions)
}

/// Central finite differences of f at θ with step h.
private func centralDifferences(_ theta: [Double], h: Double = 1e-5, _ f: ([Double]) throws -> Double) rethrows -> [Double] {
    try theta.indices.map { i in
        var plus = theta, minus = theta
        plus[i] += h
        minus[i] -= h
        return (try f(plus) - f(minus)) / (2 * h)
    }
}

@Suite struct FiniteSoftmaxPolicyTests {
    @Test func probabilitiesAndScores() {
        let policy = sharedPolicy(states: 3, actions: 4, parameters: 2, seed: 1)
        let theta = [0.7, -1.3]
        let pi = policy.probabilities(theta)
        let psi = policy.scores(theta)
        for s in 0..<3 {
            #expect(abs(pi.row(s).reduce(0, +) - 1) < 1e-15)
            // Σ_a π ψ = 0 and ψ = ∇ log π (finite differences).
            for k in 0..<2 {
                #expect(abs((0..<4).map { pi[s, $0] * psi[s * 4 + $0, k] }.reduce(0, +)) < 1e-15)
            }
            for a in 0..<4 {
                let fd = centralDifferences(theta) { Double.log(policy.probabilities($0)[s, a]) }
                #expect(relativeError(psi.row(s * 4 + a), fd) < 1e-8)
            }
        }
        // Large preferences do not overflow.
        let huge = FiniteSoftmaxPolicy<Double>.tabular(stateCount: 1, actionCount: 2).probabilities([1000, 0])
        #expect(huge.row(0) == [1, 0])
    }
}

@Suite struct NaturalGradientOracleTests {
    @Test func policyGradientMatchesFiniteDifferencesOfJ() throws {
        let cases: [(FiniteMDP<Double>, FiniteSoftmaxPolicy<Double>)] = [
            (try .random(states: 6, actions: 3, discount: 0.9, terminalStateCount: 1, seed: 71),
             sharedPolicy(states: 6, actions: 3, parameters: 4, seed: 2)),
            (try .random(states: 5, actions: 2, discount: 0.8, seed: 72), sharedPolicy(states: 5, actions: 2, parameters: 3, seed: 3)),
            (try .random(states: 5, actions: 3, discount: 1, terminalStateCount: 2, seed: 73), .tabular(stateCount: 5, actionCount: 3)),
            (try .chain(length: 5, discount: 0.95, slipProbability: 0.2, stepReward: -0.1), sharedPolicy(states: 5, actions: 2, parameters: 2, seed: 4)),
        ]
        for (index, (mdp, policy)) in cases.enumerated() {
            let theta = randomVector(policy.parameterCount, seed: UInt64(10 + index), scale: 0.5)
            let oracle = try ExactOracle(mdp: mdp, policy: policy.probabilities(theta))
            let gradient = try oracle.policyGradient(scores: policy.scores(theta))
            let fd = try centralDifferences(theta) { try ExactOracle(mdp: mdp, policy: policy.probabilities($0)).objective }
            #expect(relativeError(gradient, fd) < 1e-6, "case \(index): \(gradient) vs \(fd)")
            // With discounted weights, g of the natural-gradient system is ∇J.
            let natural = try oracle.naturalGradient(scores: policy.scores(theta), weighting: .discounted, solve: .pseudoInverse)
            #expect(relativeError(natural.gradient, gradient) < 1e-12)
        }
    }

    @Test func naturalGradientSolvesTheFisherSystem() throws {
        let mdp = try FiniteMDP<Double>.random(states: 7, actions: 3, discount: 0.9, terminalStateCount: 1, seed: 81)
        let policy = sharedPolicy(states: 7, actions: 3, parameters: 5, seed: 5)
        let theta = randomVector(5, seed: 6, scale: 0.3)
        let oracle = try ExactOracle(mdp: mdp, policy: policy.probabilities(theta))
        let psi = policy.scores(theta)
        for weighting in [ExactOracle<Double>.StateWeighting.discounted, .undiscounted, .visitation(discount: 0.81)] {
            let result = try oracle.naturalGradient(scores: psi, weighting: weighting)
            #expect(relativeError(result.fisher.multiplied(by: result.naturalGradient), result.gradient) < 1e-12)
            // G is Σ_s w(s) Σ_a π ψψᵀ, built here term by term.
            var g = Matrix<Double>.zeros(rows: 5, columns: 5)
            let pi = oracle.policy
            for s in 0..<7 where !mdp.isTerminal[s] {
                for a in 0..<3 {
                    let row = psi.row(s * 3 + a), c = result.stateWeights[s] * pi[s, a]
                    for i in 0..<5 { for j in 0..<5 { g[i, j] += c * row[i] * row[j] } }
                }
            }
            #expect(result.fisher.isApproximatelyEqual(to: g, absoluteTolerance: 1e-13))
            #expect(result.stateWeights[6] == 0)   // terminal state ignored
        }
        // Pseudo-inverse and Cholesky agree on a non-singular system.
        let a = try oracle.naturalGradient(scores: psi, weighting: .discounted, solve: .cholesky)
        let b = try oracle.naturalGradient(scores: psi, weighting: .discounted, solve: .pseudoInverse)
        #expect(relativeError(a.naturalGradient, b.naturalGradient) < 1e-10)
    }

    @Test func tabularNaturalGradientDoesNotDependOnTheWeighting() throws {
        // Spec §1.4, tabular corollary: G is block-diagonal by state, so w is the same for γ^t
        // and undiscounted weightings.
        let mdp = try FiniteMDP<Double>.random(states: 6, actions: 3, discount: 0.9, terminalStateCount: 1, seed: 91)
        let full = FiniteSoftmaxPolicy<Double>.tabular(stateCount: 6, actionCount: 3)
        let theta = randomVector(18, seed: 7)
        let oracle = try ExactOracle(mdp: mdp, policy: full.probabilities(theta))
        let psi = full.scores(theta)
        let discounted = try oracle.naturalGradient(scores: psi, weighting: .discounted, solve: .pseudoInverse)
        let undiscounted = try oracle.naturalGradient(scores: psi, weighting: .undiscounted, solve: .pseudoInverse)
        #expect(relativeError(discounted.naturalGradient, undiscounted.naturalGradient) < 1e-9)
        #expect(relativeError(discounted.gradient, undiscounted.gradient) > 1e-2)   // the gradients do differ
        // The full tabular Fisher matrix is singular (Σ_a π ψ = 0): Cholesky reports it.
        #expect(throws: FiniteMDPError.self) { _ = try oracle.naturalGradient(scores: psi, weighting: .discounted) }
        do {
            _ = try oracle.naturalGradient(scores: psi, weighting: .discounted)
        } catch {
            guard case .singularFisher = error else { Issue.record("\(error)"); return }
        }
        // The reduced tabular parameterisation is non-singular: same conclusion with Cholesky.
        let reduced = reducedTabularPolicy(states: 6, decisionStates: 5, actions: 3)
        let thetaReduced = randomVector(10, seed: 8)
        let oracleReduced = try ExactOracle(mdp: mdp, policy: reduced.probabilities(thetaReduced))
        let psiReduced = reduced.scores(thetaReduced)
        let wD = try oracleReduced.naturalGradient(scores: psiReduced, weighting: .discounted).naturalGradient
        let wU = try oracleReduced.naturalGradient(scores: psiReduced, weighting: .undiscounted).naturalGradient
        let wS = try oracleReduced.naturalGradient(scores: psiReduced, weighting: .visitation(discount: 0.3)).naturalGradient
        #expect(relativeError(wD, wU) < 1e-9 && relativeError(wD, wS) < 1e-9)
        // Tabular natural gradient = the advantage: w[s, a] = A(s, a) − A(s, last action).
        for s in 0..<5 {
            for a in 0..<2 {
                let expected = oracleReduced.actionValues[s, a] - oracleReduced.actionValues[s, 2]
                #expect(abs(wD[s * 2 + a] - expected) < 1e-9 * max(1, abs(expected)))
            }
        }
    }

    @Test func sharedParametersMakeTheWeightingMatter() throws {
        let mdp = try FiniteMDP<Double>.random(states: 6, actions: 3, discount: 0.9, terminalStateCount: 1, seed: 91)
        let policy = sharedPolicy(states: 6, actions: 3, parameters: 3, seed: 9)
        let theta = randomVector(3, seed: 10, scale: 0.5)
        let oracle = try ExactOracle(mdp: mdp, policy: policy.probabilities(theta))
        let psi = policy.scores(theta)
        let unbiased = try oracle.naturalGradient(scores: psi, weighting: .discounted).naturalGradient
        let biased = try oracle.naturalGradient(scores: psi, weighting: .undiscounted).naturalGradient
        #expect(relativeError(biased, unbiased) > 1e-2, "\(biased) vs \(unbiased)")
    }

    @Test func atGammaOneDiscountedAndUndiscountedCoincide() throws {
        let mdp = try FiniteMDP<Double>.random(states: 5, actions: 2, discount: 1, terminalStateCount: 1, seed: 95)
        let policy = sharedPolicy(states: 5, actions: 2, parameters: 3, seed: 11)
        let theta = randomVector(3, seed: 12)
        let oracle = try ExactOracle(mdp: mdp, policy: policy.probabilities(theta))
        let psi = policy.scores(theta)
        #expect(try oracle.naturalGradient(scores: psi, weighting: .discounted).naturalGradient
                == oracle.naturalGradient(scores: psi, weighting: .undiscounted).naturalGradient)
    }

    @Test func lemma61() throws {
        // Spec §3 point 3 (T14 Lemma 6.1): Σ_s d̄ Σ_a ∂π/∂θ Q = (1 − γ) Σ_s d̄ ∂V/∂θ.
        let mdp = try FiniteMDP<Double>.random(states: 6, actions: 3, discount: 0.75, seed: 101)
        let policy = sharedPolicy(states: 6, actions: 3, parameters: 4, seed: 13)
        let theta = randomVector(4, seed: 14, scale: 0.5)
        let oracle = try ExactOracle(mdp: mdp, policy: policy.probabilities(theta))
        let dBar = try oracle.stationaryDistribution()
        let left = try oracle.naturalGradient(scores: policy.scores(theta), weighting: .stationary).gradient
        let right = try centralDifferences(theta) { t in
            let v = try ExactOracle(mdp: mdp, policy: policy.probabilities(t)).stateValues
            return 0.25 * dot(dBar, v)   // d̄ held at θ: only V is differentiated
        }
        #expect(relativeError(left, right) < 1e-6, "\(left) vs \(right)")
        // The average-reward natural gradient (Q̄) differs from the biased one (Q) in general,
        // and both solve their Fisher systems.
        let averageReward = try oracle.naturalGradient(scores: policy.scores(theta), weighting: .stationary,
                                                       actionValues: .differential)
        #expect(relativeError(averageReward.fisher.multiplied(by: averageReward.naturalGradient), averageReward.gradient) < 1e-12)
    }

    @Test func averageRewardGradientMatchesFiniteDifferencesOfJBar() throws {
        // Σ_s d̄ Σ_a π ψ Q̄ = ∂J̄/∂θ (the average-reward policy-gradient theorem).
        let mdp = try FiniteMDP<Double>.random(states: 5, actions: 2, discount: 0.9, seed: 111)
        let policy = sharedPolicy(states: 5, actions: 2, parameters: 3, seed: 15)
        let theta = randomVector(3, seed: 16, scale: 0.5)
        let oracle = try ExactOracle(mdp: mdp, policy: policy.probabilities(theta))
        let g = try oracle.naturalGradient(scores: policy.scores(theta), weighting: .stationary, actionValues: .differential).gradient
        let fd = try centralDifferences(theta) { try ExactOracle(mdp: mdp, policy: policy.probabilities($0)).averageReward() }
        #expect(relativeError(g, fd) < 1e-6, "\(g) vs \(fd)")
    }
}
