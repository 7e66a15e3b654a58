/// One episode run with a fixed θ (the episodic algorithms, eNAC and eNAC2), kept as batches so
/// that its scores come from one engine call.
struct EpisodeRecord<Scalar: NACScalar>: Sendable {
    /// s_t, T × d.
    var observations: Matrix<Scalar>
    /// a_t, T.
    var actions: Actions<Scalar>
    /// r_t, T.
    var rewards: [Scalar]
    /// How each step ends (the last one `.terminated` or `.truncated`).
    var ends: [StepEnd]
    /// φ(s_t), T × m.
    var features: Matrix<Scalar>
    /// Σ_t r_t in Double.
    var totalReward: Double

    var length: Int { rewards.count }
    var completed: CompletedEpisode {
        CompletedEpisode(totalReward: totalReward, length: length, truncated: ends.last == .truncated)
    }
}

extension ThomasAgent {
    /// Runs one episode with the current θ.
    mutating func rollout() throws(AlgorithmError) -> EpisodeRecord<Scalar> {
        var observation = reset()
        var observations = [Scalar](), features = [Scalar](), rewards = [Scalar](), ends = [StepEnd]()
        var indices = [Int](), continuous = [Scalar]()
        var total = 0.0
        while true {
            let (actions, action) = try sample(observation)
            switch actions {
            case .discrete(let i): indices.append(i[0])
            case .continuous(let m): continuous.append(contentsOf: m.elements)
            }
            observations.append(contentsOf: observation)
            features.append(contentsOf: self.features(observation))
            let result = try step(action)
            rewards.append(result.reward)
            total += Double(result.reward)
            let end = Self.end(of: result)
            ends.append(end)
            if end.endsEpisode { break }
            observation = result.observation
        }
        let t = rewards.count
        let actions: Actions<Scalar> = switch policy.actionSpace {
        case .discrete: .discrete(indices)
        case .continuous(let a): .continuous(Matrix(rows: t, columns: a, elements: continuous))
        }
        return EpisodeRecord(
            observations: Matrix(rows: t, columns: environment.observationDimension, elements: observations),
            actions: actions, rewards: rewards, ends: ends,
            features: Matrix(rows: t, columns: self.features.featureCount, elements: features), totalReward: total)
    }
}
