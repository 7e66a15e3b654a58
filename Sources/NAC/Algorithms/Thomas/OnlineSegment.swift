/// Steps of an online algorithm taken with one fixed θ: between two points where the actor may
/// update (every step under TYPE 1, every k-th step under TYPE 2, the episode end when
/// frozen), nothing the agent does depends on the critic, so the steps are collected first and
/// their scores ψ_θ computed in one engine call; the critic then processes them in order,
/// exactly as if it had run step by step (spec §2.0: "batch where the algorithm allows").
struct OnlineSegment<Scalar: NACScalar>: Sendable {
    var observations: [[Scalar]] = []
    var nextObservations: [[Scalar]] = []
    var rewards: [Scalar] = []
    var ends: [StepEnd] = []
    /// The global step count after each step (1-based), for TYPE 2.
    var counts: [Int] = []
    /// ψ_θ, one row per step.
    var scores = Matrix<Scalar>.zeros(rows: 0, columns: 0)

    var count: Int { rewards.count }
    /// Whether the segment ended the episode.
    var endsEpisode: Bool { ends.last?.endsEpisode ?? false }
    var truncated: Bool { ends.last == .truncated }

    /// ψ_θ(s_t, a_t) of step i.
    func score(_ i: Int) -> [Scalar] {
        let n = scores.columns
        return Array(scores.elements[(i * n)..<((i + 1) * n)])
    }

    /// Step i as a compatible transition with baseline features φ.
    func transition(_ i: Int, features: BaselineFeatures<Scalar>) -> CompatibleTransition<Scalar> {
        CompatibleTransition(score: score(i), features: features(observations[i]), reward: rewards[i],
                             nextFeatures: ends[i] == .terminated ? nil : features(nextObservations[i]), end: ends[i])
    }
}

extension ActorUpdateRule {
    /// Whether the actor may update after global step `count` (1-based).
    func mayUpdate(afterStep count: Int) -> Bool {
        switch self {
        case .angle: true
        case .every(let k): count % k == 0
        case .frozen: false
        }
    }
}

extension ThomasAgent {
    /// Steps from `observation` (updated in place) until the actor may update or the episode
    /// ends, then computes the segment's scores in one call.
    mutating func collectSegment(
        from observation: inout [Scalar], rule: ActorUpdateRule<Scalar>
    ) throws(AlgorithmError) -> OnlineSegment<Scalar> {
        var segment = OnlineSegment<Scalar>()
        var indices = [Int](), continuous = [Scalar]()
        while true {
            let (actions, action) = try sample(observation)
            switch actions {
            case .discrete(let i): indices.append(i[0])
            case .continuous(let m): continuous.append(contentsOf: m.elements)
            }
            let result = try step(action)
            segment.observations.append(observation)
            segment.nextObservations.append(result.observation)
            segment.rewards.append(result.reward)
            let end = Self.end(of: result)
            segment.ends.append(end)
            segment.counts.append(totalSteps)
            observation = result.observation
            if end.endsEpisode || rule.mayUpdate(afterStep: totalSteps) { break }
        }
        let t = segment.count
        let actions: Actions<Scalar> = switch policy.actionSpace {
        case .discrete: .discrete(indices)
        case .continuous(let a): .continuous(Matrix(rows: t, columns: a, elements: continuous))
        }
        let obs = Matrix(rows: t, columns: environment.observationDimension,
                         elements: segment.observations.flatMap { $0 })
        segment.scores = try scores(observations: obs, actions: actions)
        return segment
    }
}
