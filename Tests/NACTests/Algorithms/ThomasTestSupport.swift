@testable import NAC

/// The drifting-target policy of Thomas (2014) §6: a ~ N(θ, σ²), one trained parameter (the mean
/// over a constant feature; log σ fixed by `trainableParameters = [0]`).
func driftingTargetPolicy(theta: Double, sigma: Double) -> LinearGaussianPolicy<Double> {
    LinearGaussianPolicy(features: .polynomial(PolynomialBasis(inputDimension: 1, degree: 0)), actionDimension: 1,
                         parameters: [theta, Double.log(sigma)])
}

/// The analytic critic fixed point of spec §2.2 PITFALL 2 for the drifting target:
/// w = −2σ² Σ_t ω_t (θ − s_t) / Σ_t ω_t, s_t = tΔs, t = 0 … K − 1.
func driftingTargetPrediction(theta: Double, sigma: Double, stepSize: Double, weight: (Int) -> Double) -> Double {
    let k = DriftingTarget<Double>.episodeLength(stepSize: stepSize)
    var numerator = 0.0, denominator = 0.0
    for t in 0..<k {
        let s = min(Double(t) * stepSize, 1)
        numerator += weight(t) * (theta - s)
        denominator += weight(t)
    }
    return -2 * sigma * sigma * numerator / denominator
}

func frozenConfiguration(discount: Double, bias: TimeWeighting?) -> ThomasConfiguration<Double> {
    var c = ThomasConfiguration<Double>()
    c.discount = discount
    c.traceDecay = 1
    c.forgetting = 0
    c.bias = bias
    c.actorUpdate = .frozen
    c.trainableParameters = [0]
    return c
}

func cosineSimilarity(_ a: [Double], _ b: [Double]) -> Double {
    dot(a, b) / (norm(a) * norm(b))
}
