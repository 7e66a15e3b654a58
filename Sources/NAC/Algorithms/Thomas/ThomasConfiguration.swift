/// The hyper-parameters of every algorithm in `ThomasAlgorithm`, with defaults. Optional fields
/// left `nil` take the algorithm's own default (`resolved(for:)`); fields an algorithm does not
/// use are ignored, except `bias`, which is refused (`.unsupportedOption`) by the algorithms
/// without the f(t) switch.
///
/// | field | symbol | default | used by |
/// |---|---|---|---|
/// | `discount` | γ ∈ [0, 1] | 0.99 | all (INAC: γ of its TD error; Bhatnagar: unused) |
/// | `traceDecay` | λ ∈ [0, 1] | 1 | NAC-LSTD, NAC-S, INAC |
/// | `bias` | f(t) | `.unbiased` (INAC `.biased`) | NAC-LSTD, eNAC2, NAC-S, INAC |
/// | `literalTrace` | z decays by λ, not γλ (spec PITFALL 2) | false | NAC-LSTD |
/// | `resetsCountersEachEpisode` | τ₁, τ₂ reset per episode (Alg. 2 as printed) | false | NAC-S |
/// | `forgetting` | β ∈ [0, 1] | 0 | NAC-LSTD, eNAC2 |
/// | `actorUpdate` | TYPE 1 / TYPE 2 / frozen | every 100 steps (NAC-LSTD, NAC-S), every episode (eNAC2), every estimate (eNAC), every step (INAC, Bhatnagar) | all |
/// | `actorStep` | w/‖w‖ or w | normalised (plain for INAC, Bhatnagar) | all |
/// | `actorStepSize` | η_τ | 0.05 normalised, 0.001 plain | all |
/// | `criticStepSize` | α^w_t | 0.001 | NAC-S, INAC, Bhatnagar |
/// | `baselineStepSize` | α^v_t | 0.01 | NAC-S, INAC, Bhatnagar |
/// | `averageRewardStepSize` | ξ (Bhatnagar), α_R (INAC) | 0.01 | INAC, Bhatnagar |
/// | `episodesPerEstimate` | N | 2(n + 1) | eNAC |
/// | `trainableParameters` | indices of θ the actor moves | all | all |
/// | `lstdSolve` | how A ϖ = b is solved | SVD least squares | NAC-LSTD |
/// | `lstdTrackedInverseRidge` | ε of the tracked M = (A + εI)⁻¹ when `lstdSolve` is `.trackedInverse` | 0.001 | NAC-LSTD |
public struct ThomasConfiguration<Scalar: NACScalar>: Sendable, Equatable {
    public var discount: Scalar = 0.99
    public var traceDecay: Scalar = 1
    public var bias: TimeWeighting? = nil
    public var literalTrace = false
    public var resetsCountersEachEpisode = false
    public var forgetting: Scalar = 0
    public var actorUpdate: ActorUpdateRule<Scalar>? = nil
    public var actorStep: ActorStep? = nil
    public var actorStepSize: StepSizeSchedule<Scalar>? = nil
    public var criticStepSize: StepSizeSchedule<Scalar> = .constant(0.001)
    public var baselineStepSize: StepSizeSchedule<Scalar> = .constant(0.01)
    public var averageRewardStepSize: Scalar = 0.01
    public var episodesPerEstimate: Int? = nil
    /// Indices into θ that the actor updates and whose scores form ψ_θ (`nil`: all). The
    /// drifting-target reproduction trains only the mean of a Gaussian with fixed σ.
    public var trainableParameters: [Int]? = nil
    public var lstdSolve: LSTDSolveMethod<Scalar> = .leastSquares()
    /// ε > 0 of the Sherman–Morrison inverse M = (A + εI)⁻¹ that NAC-LSTD keeps when `lstdSolve`
    /// is `.trackedInverse`: each solve is then M b, O(N²), instead of a factorisation, O(N³) —
    /// what makes re-solving at every step (TYPE 1) affordable. The same ϖ as `.ridge(ε)`: with
    /// forgetting β > 0, M is re-inverted at ε after each actor update (O(N³), once per update;
    /// rescaling it would leave the ridge at εβᵏ, and round-off along A's null directions would
    /// take over w). A Sherman–Morrison breakdown is answered by one direct re-inversion.
    public var lstdTrackedInverseRidge: Scalar = 0.001

    public init() {}

    /// Every option filled in for `algorithm`.
    public func resolved(for algorithm: ThomasAlgorithm) -> ResolvedThomasConfiguration<Scalar> {
        let defaultRule: ActorUpdateRule<Scalar> = switch algorithm {
        case .nacLSTD, .nacS: .every(100)
        case .enac, .enac2: .every(1)
        case .inac, .bhatnagar: .every(1)
        }
        let defaultStep: ActorStep = algorithm == .inac || algorithm == .bhatnagar ? .plain : .normalized
        let step = actorStep ?? defaultStep
        return ResolvedThomasConfiguration(
            base: self,
            timeWeighting: bias ?? (algorithm == .inac ? .biased : .unbiased),
            actorUpdate: actorUpdate ?? defaultRule,
            actorStep: step,
            actorStepSize: actorStepSize ?? .constant(step == .normalized ? 0.05 : 0.001))
    }

    /// Checks every hyper-parameter `algorithm` uses.
    /// - Throws: `.invalidHyperparameter` naming the first bad value; `.unsupportedOption` for
    ///   `bias` on an algorithm without the switch.
    public func validate(for algorithm: ThomasAlgorithm) throws(AlgorithmError) {
        if bias != nil && !algorithm.hasBiasSwitch {
            throw .unsupportedOption(algorithm: algorithm.rawValue, option: "bias")
        }
        try checkHyperparameter("discount", discount, in: 0...1)
        try checkHyperparameter("traceDecay", traceDecay, in: 0...1)
        try checkHyperparameter("forgetting", forgetting, in: 0...1)
        let resolved = resolved(for: algorithm)
        try resolved.actorUpdate.validate()
        try resolved.actorStepSize.validate("actorStepSize")
        switch algorithm {
        case .nacS, .inac, .bhatnagar:
            try criticStepSize.validate("criticStepSize")
            try baselineStepSize.validate("baselineStepSize")
        default: break
        }
        if algorithm == .inac || algorithm == .bhatnagar {
            try checkHyperparameter("averageRewardStepSize", averageRewardStepSize, in: 0...1)
        }
        if let n = episodesPerEstimate { try checkCount("episodesPerEstimate", n, atLeast: 1) }
        if case .ridge(let epsilon) = lstdSolve { try checkPositive("lstdSolve.ridge", epsilon) }
        if case .leastSquares(let cutoff?) = lstdSolve, !(cutoff >= 0 && cutoff < 1) {
            throw .invalidHyperparameter(name: "lstdSolve.leastSquares.relativeCutoff", value: Double(cutoff),
                                         requirement: "0 ≤ relativeCutoff < 1")
        }
        if lstdSolve == .trackedInverse { try checkPositive("lstdTrackedInverseRidge", lstdTrackedInverseRidge) }
        if let trainableParameters {
            guard !trainableParameters.isEmpty, Set(trainableParameters).count == trainableParameters.count else {
                throw .incompatiblePolicy(reason: "trainableParameters must be non-empty and distinct")
            }
        }
    }
}

/// A `ThomasConfiguration` with the algorithm's defaults filled in.
public struct ResolvedThomasConfiguration<Scalar: NACScalar>: Sendable, Equatable {
    /// The configuration as given.
    public var base: ThomasConfiguration<Scalar>
    public var timeWeighting: TimeWeighting
    public var actorUpdate: ActorUpdateRule<Scalar>
    public var actorStep: ActorStep
    public var actorStepSize: StepSizeSchedule<Scalar>
}
