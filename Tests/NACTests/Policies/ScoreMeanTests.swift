import Testing
@testable import NAC

/// E_{a ~ π(·|s)}[ψ(s, a)] = Σ_a ∇π(a|s) = ∇1 = 0 for every policy: the mean of the scores of
/// actions sampled from the policy itself is zero up to sampling noise.
@Suite struct ScoreMeanTests {
    /// B = 3000 rows, each with its own random state and one action drawn from the policy, so
    /// the rows' scores are i.i.d. with mean zero. Per coordinate p the mean is checked against
    /// 5 standard errors (sample sd / √B, plus 1e-12 for coordinates whose score is always 0):
    /// under the normal approximation a false alarm has probability 5.7e-7 per coordinate, so
    /// below 1e-3 over the ≈ 300 coordinates of all kinds together; the seeds are fixed, so the
    /// outcome is deterministic. A biased score (say a missing −ℓ term or a wrong softmax
    /// normaliser) shifts the mean by O(1) standard deviations of a single score, ≈ 50 SE.
    @Test func scoresHaveMeanZeroUnderThePolicysOwnActions() throws {
        let b = 3000
        var rng = Xoshiro256StarStar(seed: 31)
        for (name, policy) in PolicyFixtures.all(Double.self) {
            let s: Matrix<Double> = PolicyFixtures.observations(rows: b, columns: 3, seed: 32)
            let a = try policy.sample(observations: s, using: &rng)
            let psi = try policy.scores(observations: s, actions: a)
            var failures = [String]()
            for p in 0..<policy.parameterCount {
                let column = psi.column(p)
                let mean = column.reduce(0, +) / Double(b)
                let variance = column.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(b - 1)
                let standardError = (variance / Double(b)).squareRoot()
                if abs(mean) > 5 * standardError + 1e-12 { failures.append("θ[\(p)]: mean \(mean), SE \(standardError)") }
            }
            #expect(failures.isEmpty, "\(name): \(failures)")
            // The mean gradient is the same mean (one reduced pass).
            let g = try policy.meanLogProbabilityGradient(observations: s, actions: a)
            let fromPsi = psi.multiplied(by: [Double](repeating: 1.0 / Double(b), count: b), .transposed)
            #expect(zip(g, fromPsi).allSatisfy { abs($0 - $1) <= 1e-12 }, "\(name)")
        }
    }
}
