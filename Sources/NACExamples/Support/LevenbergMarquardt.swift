import NAC

/// Damped Gauss–Newton (Levenberg–Marquardt) for min_θ ½ Σ_b e_b(θ)², given the residuals and
/// their per-sample Jacobian J[b, p] = ∂e_b/∂θ_p — which the engine's per-sample modes give in
/// one pass. Each step solves (JᵀJ + λ d̄ I) δ = −Jᵀe (d̄ the mean diagonal of JᵀJ) by Cholesky and is kept only if the loss
/// falls (λ shrinks), otherwise λ grows and the step is retried.
struct LevenbergMarquardt: Sendable {
    var damping = 1e-3
    var maximumIterations = 100
    /// Stop when a kept step lowers the loss by less than this fraction…
    var relativeTolerance = 1e-12
    /// …or when the loss itself is below this.
    var absoluteTolerance = 1e-24

    struct Outcome {
        var theta: [Double]
        var loss: Double
        var iterations: Int
    }

    /// - Parameters:
    ///   - residualsAndJacobian: e(θ) (B) and J(θ) (B × P).
    ///   - residuals: e(θ) alone (a cheaper pass, used to test a trial step).
    func minimize(
        from theta: [Double], residualsAndJacobian: ([Double]) -> ([Double], Matrix<Double>),
        residuals: ([Double]) -> [Double]
    ) -> Outcome {
        var theta = theta
        var lambda = damping
        var (e, j) = residualsAndJacobian(theta)
        var loss = 0.5 * dot(e, e)
        var iterations = 0
        while iterations < maximumIterations && loss > absoluteTolerance {
            iterations += 1
            let g = j.multiplied(by: e, .transposed)
            let jtj = j.gram()
            // λ is relative to the mean curvature, so it is independent of the residuals' scale.
            var meanCurvature = 0.0
            for i in 0..<jtj.rows { meanCurvature += jtj[i, i] / Double(jtj.rows) }
            meanCurvature = Swift.max(meanCurvature, .leastNormalMagnitude)
            var kept = false
            for _ in 0..<30 {
                var a = jtj
                a.addToDiagonal(lambda * meanCurvature)
                guard let delta = try? a.solvePositiveDefinite(g) else { lambda *= 10; continue }
                let trial = zip(theta, delta).map { $0 - $1 }
                let trialResiduals = residuals(trial)
                let trialLoss = 0.5 * dot(trialResiduals, trialResiduals)
                if trialLoss.isFinite && trialLoss < loss {
                    let decrease = (loss - trialLoss) / loss
                    theta = trial
                    loss = trialLoss
                    lambda = Swift.max(lambda / 3, 1e-12)
                    kept = true
                    if decrease < relativeTolerance { return Outcome(theta: theta, loss: loss, iterations: iterations) }
                    break
                }
                lambda *= 4
            }
            guard kept else { break }
            (e, j) = residualsAndJacobian(theta)
        }
        return Outcome(theta: theta, loss: loss, iterations: iterations)
    }
}
