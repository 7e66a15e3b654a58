/// When the actor (policy) is updated, spec §2.0 (Thomas 2014 §5, "TYPE 1" and "TYPE 2").
public enum ActorUpdateRule<Scalar: NACScalar>: Sendable, Equatable {
    /// TYPE 1 (Peters & Schaal): update once the estimate has settled, when the angle
    /// ∠(w_now, w_{k estimates ago}) = arccos(wᵀw′ / (‖w‖‖w′‖)) is ≤ ε (radians). "Estimates"
    /// are per step for the online algorithms and per episode (or batch) for eNAC2 / eNAC.
    case angle(threshold: Scalar, lag: Int)
    /// TYPE 2 (Bhatnagar two-timescale): update every k steps (online algorithms) or every k
    /// episodes (eNAC2) or estimates (eNAC).
    case every(Int)
    /// Never update the policy: the critic estimates the natural gradient of a fixed policy
    /// (tests, diagnostics).
    case frozen

    /// Throws `.invalidHyperparameter` for ε < 0 (or non-finite) or k < 1.
    public func validate() throws(AlgorithmError) {
        switch self {
        case .angle(let epsilon, let k):
            guard epsilon.isFinite, epsilon >= 0 else {
                throw .invalidHyperparameter(name: "angleThreshold", value: Double(epsilon), requirement: "finite and ≥ 0")
            }
            try checkCount("k", k, atLeast: 1)
        case .every(let k):
            try checkCount("k", k, atLeast: 1)
        case .frozen:
            break
        }
    }

    /// The angle ∠(x, y) in [0, π]; π/2 if either vector is zero (no direction to agree on).
    public static func angle(_ x: [Scalar], _ y: [Scalar]) -> Scalar {
        let nx = norm(x), ny = norm(y)
        guard nx > 0, ny > 0 else { return Scalar.pi / 2 }
        let c = Swift.min(1, Swift.max(-1, dot(x, y) / (nx * ny)))
        return Scalar.acos(c)
    }
}

/// How the actor moves θ along the natural-gradient estimate w (spec §2.0).
public enum ActorStep: Sendable, Equatable, Hashable {
    /// θ ← θ + η w/‖w‖₂ (Thomas 2014's default; a zero w leaves θ unchanged).
    case normalized
    /// θ ← θ + η w (Peters & Schaal, INAC, Bhatnagar).
    case plain
}

/// TYPE 1's memory: the last k estimates of w in a ring buffer, so that each new estimate can be
/// compared with the one k estimates ago.
struct AngleHistory<Scalar: NACScalar>: Sendable {
    let lag: Int
    private var buffer: [[Scalar]] = []
    private var next = 0

    init(lag: Int) { self.lag = lag }

    /// Records w and returns whether ∠(w, w_{k ago}) ≤ ε (false until k earlier estimates exist).
    mutating func record(_ w: [Scalar], threshold: Scalar) -> Bool {
        var passed = false
        if buffer.count == lag {
            passed = ActorUpdateRule.angle(w, buffer[next]) <= threshold
            buffer[next] = w
        } else {
            buffer.append(w)
        }
        next = (next + 1) % lag
        return passed
    }

    mutating func reset() {
        buffer.removeAll(keepingCapacity: true)
        next = 0
    }
}

/// The shared actor of every algorithm in this folder: decides when to update (TYPE 1/2 or
/// frozen), counts updates τ, and applies θ ← θ + η_τ w/‖w‖ or θ + η_τ w to the trainable
/// parameters, refusing non-finite results.
struct Actor<Scalar: NACScalar>: Sendable {
    let rule: ActorUpdateRule<Scalar>
    let step: ActorStep
    let stepSize: StepSizeSchedule<Scalar>
    /// τ, the actor-update counter used to index η_τ.
    var updateCount = 0
    /// Updates since construction (never reset; `updateCount` may be reset per episode).
    var totalUpdates = 0
    var history: AngleHistory<Scalar>?

    init(rule: ActorUpdateRule<Scalar>, step: ActorStep, stepSize: StepSizeSchedule<Scalar>) {
        self.rule = rule
        self.step = step
        self.stepSize = stepSize
        if case .angle(_, let k) = rule { history = AngleHistory(lag: k) }
    }

    /// Records the newest estimate w (TYPE 1) and says whether the actor should update now;
    /// `counter` is the step or episode count used by TYPE 2 (1-based).
    mutating func shouldUpdate(estimate w: [Scalar]?, counter: Int) -> Bool {
        switch rule {
        case .frozen: return false
        case .every(let k): return counter % k == 0
        case .angle(let epsilon, _):
            guard let w else { return false }
            return history!.record(w, threshold: epsilon)
        }
    }

    /// Whether TYPE 1 needs an estimate at every step (so the critic must be solved each time).
    var needsEveryEstimate: Bool {
        if case .angle = rule { true } else { false }
    }

    /// θ[trainable] += η_τ w (normalised or not); τ += 1.
    /// - Throws: `.nonFinite("w")` or `.nonFinite("theta")` (θ unchanged).
    mutating func apply(_ w: [Scalar], to theta: inout [Scalar], trainable: [Int]) throws(AlgorithmError) {
        precondition(w.count == trainable.count, "Actor: w has \(w.count) components for \(trainable.count) parameters")
        guard w.allSatisfy(\.isFinite) else { throw .nonFinite(quantity: "w", step: totalUpdates + 1) }
        var eta = stepSize.value(at: updateCount)
        if step == .normalized {
            let length = norm(w)
            eta = length > 0 ? eta / length : 0
        }
        var updated = theta
        for (j, p) in trainable.enumerated() { updated[p] += eta * w[j] }
        guard updated.allSatisfy(\.isFinite) else { throw .nonFinite(quantity: "theta", step: totalUpdates + 1) }
        theta = updated
        updateCount += 1
        totalUpdates += 1
    }
}
