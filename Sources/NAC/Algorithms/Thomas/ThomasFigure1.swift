import Foundation

/// The reproduction of Thomas (2014) Figure 1 (spec §4.1), meant for `nac paper thomas2014`:
/// the final policy parameter θ (the mean of a ~ N(θ, σ²)) learned on the drifting-target
/// domain, against γ, by the biased and unbiased natural actor-critics and by Peters &
/// Schaal's eNAC, beside the analytic fixed point of each weighting.
///
/// **Analytic values.** With one state-independent parameter, the critic's w is proportional
/// to Σ_t ω_t (s_t − θ) (spec §2.2 PITFALL 2: w = −2σ² Σ ω_t (θ − s_t)/Σ ω_t), so learning
/// stops at
///
///     θ* = Σ_t ω_t s_t / Σ_t ω_t,   s_t = tΔs, t = 0 … K − 1,
///
/// with ω_t = γ^t for the unbiased algorithms (this is also the true optimum of the discounted
/// objective J, since ∂J/∂θ = Σ γ^t · 2(s_t − θ)), ω_t = 1 for the biased ones and γ^{2t} for
/// eNAC (spec §1.4).
///
/// **Methods run.** "unbiased" and "biased" are eNAC2 (Algorithm 1; TYPE 2, k = 5 episodes,
/// β = 0) with f(t) = γ^t and f(t) = 1, optionally also NAC-LSTD (TYPE 2 every 5 episodes'
/// steps); "enac" is P&S eNAC with N = 20 episodes per estimate. With one parameter the
/// normalised step moves θ by ±η_τ, so only the sign of w matters. All use the normalised step with η_τ = η₀/(1 + τ/τ₀)^p, start at
/// θ = 0 and train only θ (σ fixed).
public enum ThomasFigure1 {
    /// What to run.
    public struct Configuration: Sendable {
        public var discounts: [Double] = [1.0, 0.999, 0.995, 0.99, 0.95, 0.9, 0.7, 0.5]
        /// Δs values: 0.01 (the paper's text) and 0.001 (what reproduces its plot; spec §5).
        public var stepSizes: [Double] = [0.001, 0.01]
        public var sigma = 0.1
        public var episodes = 600
        /// Episodes per actor update (eNAC2: TYPE 2 k; NAC-LSTD: every k·K steps; eNAC: N = 4k
        /// episodes per estimate, so eNAC updates a quarter as often).
        public var episodesPerUpdate = 5
        public var actorStepSize = StepSizeSchedule<Double>.decaying(initial: 0.05, halfLife: 5, power: 0.6)
        /// Also run NAC-LSTD (biased and unbiased, TYPE 2 every K steps = once per episode).
        public var includesNACLSTD = false
        public var seed: UInt64 = 0
        public init() {}
    }

    /// One learned θ.
    public struct Row: Sendable {
        public var stepSize: Double
        public var discount: Double
        /// "unbiased", "biased", "enac", "nac-lstd-unbiased", "nac-lstd-biased".
        public var method: String
        public var finalTheta: Double
        /// θ* of the method's weighting.
        public var analyticTheta: Double
        /// The value read off the paper's plot (spec §4.1), where there is one.
        public var paperTheta: Double?
    }

    /// The results of a run.
    public struct Table: Sendable {
        public var rows: [Row]

        /// `step_size,discount,method,final_theta,analytic_theta,paper_theta`.
        public var csv: String {
            var s = "step_size,discount,method,final_theta,analytic_theta,paper_theta\n"
            for r in rows {
                s += "\(r.stepSize),\(r.discount),\(r.method),\(String(format: "%.5f", r.finalTheta)),"
                s += "\(String(format: "%.5f", r.analyticTheta)),\(r.paperTheta.map { String($0) } ?? "")\n"
            }
            return s
        }

        /// θ against γ for each method (markers: learned; dashed: analytic), one Δs.
        public func plot(stepSize: Double) -> SVGLinePlot {
            var plot = SVGLinePlot(title: "Thomas (2014) Figure 1: drifting target, Δs = \(stepSize)",
                                   xLabel: "γ", yLabel: "final θ")
            let selected = rows.filter { $0.stepSize == stepSize }
            var methods = [String]()
            for r in selected where !methods.contains(r.method) { methods.append(r.method) }
            for m in methods {
                let rs = selected.filter { $0.method == m }.sorted { $0.discount < $1.discount }
                plot.add(.init(name: m, points: rs.map { ($0.discount, $0.finalTheta) }))
            }
            for m in methods where !m.hasPrefix("nac-lstd") {
                let rs = selected.filter { $0.method == m }.sorted { $0.discount < $1.discount }
                plot.add(.init(name: "\(m) θ*", points: rs.map { ($0.discount, $0.analyticTheta) }, dashed: true))
            }
            return plot
        }
    }

    /// θ* = Σ ω_t s_t / Σ ω_t over the visited states, ω_t = κ^t.
    public static func analyticTheta(stepSize: Double, weightBase kappa: Double) -> Double {
        let k = DriftingTarget<Double>.episodeLength(stepSize: stepSize)
        var num = 0.0, den = 0.0, w = 1.0
        for t in 0..<k {
            num += w * min(Double(t) * stepSize, 1)
            den += w
            w *= kappa
        }
        return num / den
    }

    /// The paper's plotted values (spec §4.1), for γ ∈ {1, 0.995, 0.5}.
    public static func paperTheta(method: String, discount: Double) -> Double? {
        let base = method.hasPrefix("nac-lstd-") ? String(method.dropFirst("nac-lstd-".count)) : method
        switch (base, discount) {
        case (_, 1.0): return 0.5
        case ("unbiased", 0.995): return 0.195
        case ("unbiased", 0.5): return 0.0
        case ("biased", 0.995): return 0.49
        case ("biased", 0.5): return 0.5
        case ("enac", 0.995): return 0.10
        case ("enac", 0.5): return 0.0
        default: return nil
        }
    }

    /// Runs every (Δs, γ, method).
    /// - Throws: `AlgorithmError` (for example an invalid configuration).
    public static func run(_ configuration: Configuration = .init()) throws(AlgorithmError) -> Table {
        var rows = [Row]()
        var methods = ["unbiased", "biased", "enac"]
        if configuration.includesNACLSTD { methods += ["nac-lstd-unbiased", "nac-lstd-biased"] }
        for stepSize in configuration.stepSizes {
            let environment: DriftingTarget<Double>
            do throws(EnvironmentError) {
                environment = try DriftingTarget<Double>(stepSize: stepSize)
            } catch {
                throw .environment(error)
            }
            for gamma in configuration.discounts {
                for method in methods {
                    let theta = try train(method: method, environment: environment, discount: gamma, configuration)
                    let kappa = method.hasSuffix("unbiased") ? gamma : (method == "enac" ? gamma * gamma : 1)
                    rows.append(Row(stepSize: stepSize, discount: gamma, method: method, finalTheta: theta,
                                    analyticTheta: analyticTheta(stepSize: stepSize, weightBase: kappa),
                                    paperTheta: paperTheta(method: method, discount: gamma)))
                }
            }
        }
        return Table(rows: rows)
    }

    static func train(method: String, environment: DriftingTarget<Double>, discount: Double,
                      _ configuration: Configuration) throws(AlgorithmError) -> Double {
        let policy = LinearGaussianPolicy<Double>(
            features: .polynomial(PolynomialBasis(inputDimension: 1, degree: 0)), actionDimension: 1,
            parameters: [0, Double.log(configuration.sigma)])
        let baseline = BaselineFeatures<Double>.map(.polynomial(PolynomialBasis(inputDimension: 1, degree: 2)))
        var c = ThomasConfiguration<Double>()
        c.discount = discount
        c.traceDecay = 1
        c.forgetting = 0
        c.actorStep = .normalized
        c.actorStepSize = configuration.actorStepSize
        c.trainableParameters = [0]
        switch method {
        case "unbiased", "biased":
            c.bias = method == "unbiased" ? .unbiased : .biased
            c.actorUpdate = .every(configuration.episodesPerUpdate)
            var learner = try ENAC2(environment: environment, policy: policy, features: baseline, configuration: c,
                                    seed: configuration.seed)
            return try finalParameter(of: &learner, episodes: configuration.episodes)
        case "enac":
            c.actorUpdate = .every(1)
            c.episodesPerEstimate = 4 * configuration.episodesPerUpdate
            var learner = try EpisodicNAC(environment: environment, policy: policy, configuration: c,
                                          seed: configuration.seed)
            return try finalParameter(of: &learner, episodes: configuration.episodes)
        default:
            c.bias = method.hasSuffix("unbiased") ? .unbiased : .biased
            c.actorUpdate = .every(environment.episodeLength * configuration.episodesPerUpdate)
            var learner = try NACLSTD(environment: environment, policy: policy, features: baseline, configuration: c,
                                      seed: configuration.seed)
            return try finalParameter(of: &learner, episodes: configuration.episodes)
        }
    }

    /// Runs `episodes` iterations and returns θ₀. Generic over the concrete learner (not
    /// `any Learner`) so that the optimiser specialises the whole training loop for it: through an
    /// existential, the generic learner ran unspecialised, a third of its time in metadata lookups.
    static func finalParameter<L: Learner<Double>>(of learner: inout L, episodes: Int) throws(AlgorithmError) -> Double {
        for _ in 0..<episodes {
            do {
                _ = try learner.iterate()
            } catch let error as AlgorithmError {
                throw error
            } catch {
                throw .nonFinite(quantity: "unexpected error \(error)", step: 0)
            }
        }
        return learner.currentPolicy.parameters[0]
    }
}
