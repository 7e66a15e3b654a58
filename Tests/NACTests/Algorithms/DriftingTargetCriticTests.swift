import Foundation
import Testing
@testable import NAC

/// Spec §2.2 PITFALL 2 on the drifting target (σ = 0.1, θ = 0.3, γ = 0.9, Δs = 0.01). For this
/// domain ψ_θ = (a − θ)/σ², only r_t depends on a_t, and E[ψ_θ Q] = −2(θ − s_t), so the
/// compatible regression with state weights ω_t gives w = −2σ² Σ ω_t (θ − s_t) / Σ ω_t:
/// −0.004201 for ω_t = γ^t (unbiased) and +0.0039 for ω_t = 1 (biased).
///
/// Tolerances: 300 episodes with the actor frozen and a quadratic baseline [1, s, s²] (it does not
/// change w in expectation, only its variance). Over 6 seeds the estimates had standard
/// deviations of about 1.5 % (NAC-LSTD unbiased), 3 % (eNAC2 unbiased) and 5 % (both biased)
/// of the prediction; the bounds are about 4 standard deviations: 12 % unbiased, 20 % biased.
/// Biased and unbiased predictions have opposite signs, so the bounds still separate them.
@Suite struct DriftingTargetCriticTests {
    static let sigma = 0.1, theta = 0.3, gamma = 0.9
    static let quadratic = BaselineFeatures<Double>.map(.polynomial(PolynomialBasis(inputDimension: 1, degree: 2)))

    static func prediction(_ bias: TimeWeighting) -> Double {
        driftingTargetPrediction(theta: theta, sigma: sigma, stepSize: 0.01) {
            bias == .unbiased ? pow(gamma, Double($0)) : 1
        }
    }

    static func tolerance(_ bias: TimeWeighting) -> Double { bias == .unbiased ? 0.12 : 0.20 }

    @Test func analyticPredictionsMatchSpec() {
        #expect(abs(Self.prediction(.unbiased) - -0.00420) < 5e-6)
        #expect(abs(Self.prediction(.biased) - 0.00390) < 1e-9)
    }

    static func lstd(_ bias: TimeWeighting, literal: Bool, seed: UInt64) throws -> Double {
        var c = frozenConfiguration(discount: gamma, bias: bias)
        c.literalTrace = literal
        var learner = try NACLSTD(environment: try DriftingTarget<Double>(stepSize: 0.01),
                                  policy: driftingTargetPolicy(theta: theta, sigma: sigma), features: quadratic,
                                  configuration: c, seed: seed)
        for _ in 0..<300 { _ = try learner.iterate() }
        return learner.latestEstimate!.w[0]
    }

    @Test(arguments: [TimeWeighting.unbiased, .biased])
    func nacLSTDMatchesPrediction(bias: TimeWeighting) throws {
        let w = try Self.lstd(bias, literal: false, seed: 1)
        let expected = Self.prediction(bias)
        #expect(abs(w - expected) <= Self.tolerance(bias) * abs(expected))
    }

    @Test(arguments: [TimeWeighting.unbiased, .biased])
    func enac2MatchesPrediction(bias: TimeWeighting) throws {
        var learner = try ENAC2(environment: try DriftingTarget<Double>(stepSize: 0.01),
                                policy: driftingTargetPolicy(theta: Self.theta, sigma: Self.sigma), features: Self.quadratic,
                                configuration: frozenConfiguration(discount: Self.gamma, bias: bias), seed: 2)
        for _ in 0..<300 { _ = try learner.iterate() }
        let w = learner.latestEstimate!.w[0]
        let expected = Self.prediction(bias)
        #expect(abs(w - expected) <= Self.tolerance(bias) * abs(expected))
    }

    /// The literal c = λ trace (P&S and T14 as printed) accumulates every earlier ψ without
    /// decay, so its statistics differ from the γλ trace's and it gives a different value for
    /// the same data. On this domain its expectation is the same prediction (only r_t depends on
    /// a_t), but its spread is far larger: over 6 seeds the unbiased estimates ranged from
    /// −0.0023 to −0.0060 (the spec's single measurement, −0.00261 unbiased / 0.00522 biased,
    /// lies in that spread), against −0.00416 … −0.00431 for the γλ trace.
    @Test func literalTraceDiffers() throws {
        let literal = try Self.lstd(.unbiased, literal: true, seed: 1)
        let standard = try Self.lstd(.unbiased, literal: false, seed: 1)
        #expect(literal.isFinite && literal < 0)
        #expect(abs(literal - standard) > 1e-5)
    }
}
