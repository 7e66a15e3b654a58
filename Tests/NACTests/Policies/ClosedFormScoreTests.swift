import Foundation
import Testing
@testable import NAC

/// Engine scores of the linear policies against their textbook closed forms.
@Suite struct ClosedFormScoreTests {
    @Test func linearSoftmaxScoresAreFeatureMinusExpectedFeature() throws {
        let policy = PolicyFixtures.linearSoftmax(Double.self)
        let s: Matrix<Double> = PolicyFixtures.observations(rows: 6, columns: 3, seed: 11)
        let actions = Actions<Double>.discrete([0, 2, 1, 1, 0, 2])
        let psi = try policy.scores(observations: s, actions: actions)
        let phi = policy.features.features(s)
        let k = phi.columns, n = policy.actionCount
        let logp = try policy.actionLogProbabilities(observations: s)
        for b in 0..<6 {
            // ψ = φ(s, a) − Σ_a' π(a'|s) φ(s, a'), with φ(s, a) = one-hot(a) ⊗ φ(s).
            for a in 0..<n {
                let indicator: Double = actions.indices![b] == a ? 1 : 0
                let p = exp(logp[b, a])
                for j in 0..<k {
                    let expected = (indicator - p) * phi[b, j]
                    #expect(abs(psi[b, a * k + j] - expected) <= 1e-12)
                }
            }
        }
    }

    @Test func linearGaussianScoresHaveTheTextbookForm() throws {
        let policy = PolicyFixtures.linearGaussian(Double.self)
        let s: Matrix<Double> = PolicyFixtures.observations(rows: 5, columns: 3, seed: 12)
        let a: Matrix<Double> = PolicyFixtures.observations(rows: 5, columns: 2, seed: 13)
        let psi = try policy.scores(observations: s, actions: .continuous(a))
        let phi = policy.features.features(s), mu = try policy.means(observations: s)
        let ls = policy.logStandardDeviations
        let k = phi.columns
        for b in 0..<5 {
            for i in 0..<2 {
                let sigma2 = exp(2 * ls[i]), d = a[b, i] - mu[b, i]
                // ψ_μ = (a − μ)/σ² · φ(s)
                for j in 0..<k { #expect(abs(psi[b, i * k + j] - d / sigma2 * phi[b, j]) <= 1e-12) }
                // ψ_ℓ = (a − μ)²/σ² − 1
                #expect(abs(psi[b, 2 * k + i] - (d * d / sigma2 - 1)) <= 1e-12)
            }
        }
    }

    /// Central differences of log π for every kind: the scores are the derivatives of the
    /// policy's own log-probabilities (catches a wrong parameter order in the heads).
    @Test func scoresMatchFiniteDifferencesForEveryKind() throws {
        var rng = Xoshiro256StarStar(seed: 14)
        for (name, policy) in PolicyFixtures.all(Double.self) {
            let s: Matrix<Double> = PolicyFixtures.observations(rows: 3, columns: 3, seed: 15)
            let actions = try policy.sample(observations: s, using: &rng)
            let psi = try policy.scores(observations: s, actions: actions)
            let h = 1e-6
            var worst = 0.0
            for p in 0..<policy.parameterCount {
                var plus = policy, minus = policy
                plus.parameters[p] += h
                minus.parameters[p] -= h
                let lp = try plus.logProbabilities(observations: s, actions: actions)
                let lm = try minus.logProbabilities(observations: s, actions: actions)
                for b in 0..<3 { worst = max(worst, abs((lp[b] - lm[b]) / (2 * h) - psi[b, p])) }
            }
            // Central differences with h = 1e-6 in Double: truncation ~h² and rounding ~1e-16/h,
            // both far below 1e-7.
            #expect(worst <= 1e-7, "\(name): worst finite-difference error \(worst)")
        }
    }
}
