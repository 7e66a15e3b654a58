import Foundation
import Testing
@testable import NAC

/// Closed-form entropies and KL divergences against independent computations: textbook
/// formulas written separately here (full-covariance forms, direct sums), and Monte Carlo
/// estimates from the policies' own samples and log-probabilities.
@Suite struct EntropyAndKLTests {
    /// H = ½ log((2πe)^A det Σ) for Σ = diag(σ²).
    func gaussianEntropy(_ sigma: [Double]) -> Double {
        0.5 * log(pow(2 * Double.pi * M_E, Double(sigma.count)) * sigma.reduce(1) { $0 * $1 * $1 })
    }

    /// KL = ½ [tr(Σ₂⁻¹Σ₁) + (μ₂ − μ₁)ᵀ Σ₂⁻¹ (μ₂ − μ₁) − A + log(det Σ₂ / det Σ₁)].
    func gaussianKL(_ m1: [Double], _ s1: [Double], _ m2: [Double], _ s2: [Double]) -> Double {
        var trace = 0.0, quad = 0.0, det1 = 1.0, det2 = 1.0
        for i in m1.indices {
            trace += (s1[i] * s1[i]) / (s2[i] * s2[i])
            quad += (m2[i] - m1[i]) * (m2[i] - m1[i]) / (s2[i] * s2[i])
            det1 *= s1[i] * s1[i]
            det2 *= s2[i] * s2[i]
        }
        return 0.5 * (trace + quad - Double(m1.count) + log(det2 / det1))
    }

    @Test func gaussianEntropyAndKLMatchTextbookFormulas() throws {
        let p = PolicyFixtures.gaussian(Double.self, seed: 1), q = PolicyFixtures.gaussian(Double.self, seed: 7)
        let s: Matrix<Double> = PolicyFixtures.observations(rows: 4, columns: 3, seed: 21)
        let h = try p.entropy(observations: s)
        let sigmaP = p.logStandardDeviations.map { exp($0) }, sigmaQ = q.logStandardDeviations.map { exp($0) }
        for v in h { #expect(abs(v - gaussianEntropy(sigmaP)) <= 1e-12) }
        let kl = try p.klDivergence(to: q, observations: s)
        let mp = try p.means(observations: s), mq = try q.means(observations: s)
        for b in 0..<4 {
            #expect(abs(kl[b] - gaussianKL(mp.row(b), sigmaP, mq.row(b), sigmaQ)) <= 1e-12)
        }
        #expect(try p.klDivergence(to: p, observations: s).allSatisfy { abs($0) <= 1e-15 })

        let sp = PolicyFixtures.stateDependentGaussian(Double.self, seed: 2), sq = PolicyFixtures.stateDependentGaussian(Double.self, seed: 9)
        let dp = try sp.distribution(observations: s), dq = try sq.distribution(observations: s)
        let hs = try sp.entropy(observations: s), kls = try sp.klDivergence(to: sq, observations: s)
        for b in 0..<4 {
            let s1 = dp.logStandardDeviations.row(b).map { exp($0) }, s2 = dq.logStandardDeviations.row(b).map { exp($0) }
            #expect(abs(hs[b] - gaussianEntropy(s1)) <= 1e-12)
            #expect(abs(kls[b] - gaussianKL(dp.means.row(b), s1, dq.means.row(b), s2)) <= 1e-12)
        }
    }

    @Test func categoricalEntropyAndKLMatchDirectSums() throws {
        let p = PolicyFixtures.categorical(Double.self, seed: 3), q = PolicyFixtures.categorical(Double.self, seed: 8)
        let s: Matrix<Double> = PolicyFixtures.observations(rows: 4, columns: 3, seed: 22)
        func softmax(_ z: [Double]) -> [Double] { let e = z.map { exp($0) }; let t = e.reduce(0, +); return e.map { $0 / t } }
        let lp = try p.logits(observations: s), lq = try q.logits(observations: s)
        let h = try p.entropy(observations: s), kl = try p.klDivergence(to: q, observations: s)
        for b in 0..<4 {
            let pp = softmax(lp.row(b)), pq = softmax(lq.row(b))
            #expect(abs(h[b] - (-zip(pp, pp).reduce(0) { $0 + $1.0 * log($1.1) })) <= 1e-12)
            #expect(abs(kl[b] - zip(pp, pq).reduce(0) { $0 + $1.0 * log($1.0 / $1.1) }) <= 1e-12)
        }
    }

    /// Monte Carlo: with N draws a ~ π(·|s) at one state, −mean log π(a|s) estimates H and
    /// mean [log π(a|s) − log π'(a|s)] estimates KL(π‖π'); both are means of i.i.d. terms, so
    /// |estimate − closed form| ≤ 5 standard errors (sample sd / √N) fails with probability
    /// below 6e-7 per check (normal approximation, N = 4000), and the seeds are fixed.
    @Test func monteCarloAgreesWithClosedFormsForEveryKind() throws {
        let n = 4000
        var rng = Xoshiro256StarStar(seed: 23)
        let state: Matrix<Double> = PolicyFixtures.observations(rows: 1, columns: 3, seed: 24)
        let states = Matrix(rows: n, columns: 3, elements: Array((0..<n).map { _ in state.elements }.joined()))
        func check<P: Policy<Double>>(_ name: String, _ p: P, _ q: P) throws {
            let a = try p.sample(observations: states, using: &rng)
            let lp = try p.logProbabilities(observations: states, actions: a)
            let lq = try q.logProbabilities(observations: states, actions: a)
            func meanAndError(_ x: [Double]) -> (Double, Double) {
                let m = x.reduce(0, +) / Double(x.count)
                let v = x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)
                return (m, (v / Double(x.count)).squareRoot())
            }
            let (hEstimate, hError) = meanAndError(lp.map { -$0 })
            let h = try p.entropy(observations: state)[0]
            #expect(abs(hEstimate - h) <= 5 * hError + 1e-12, "\(name): entropy \(h), MC \(hEstimate) ± \(hError)")
            let (klEstimate, klError) = meanAndError(zip(lp, lq).map { $0 - $1 })
            let kl = try p.klDivergence(to: q, observations: state)[0]
            #expect(abs(klEstimate - kl) <= 5 * klError + 1e-12, "\(name): KL \(kl), MC \(klEstimate) ± \(klError)")
        }
        try check("gaussian", PolicyFixtures.gaussian(Double.self, seed: 1), PolicyFixtures.gaussian(Double.self, seed: 7))
        try check("stateDependentGaussian", PolicyFixtures.stateDependentGaussian(Double.self, seed: 2),
                  PolicyFixtures.stateDependentGaussian(Double.self, seed: 9))
        try check("categorical", PolicyFixtures.categorical(Double.self, seed: 3), PolicyFixtures.categorical(Double.self, seed: 8))
        try check("linearSoftmax", PolicyFixtures.linearSoftmax(Double.self, seed: 4), PolicyFixtures.linearSoftmax(Double.self, seed: 10))
        try check("linearGaussian", PolicyFixtures.linearGaussian(Double.self, seed: 5), PolicyFixtures.linearGaussian(Double.self, seed: 11))
    }
}
