extension FiniteMDP: Environment {
    public var observationSpace: Space { .box(dimension: stateCount, lower: 0, upper: 1) }
    public var actionSpace: Space { .discrete(actionCount) }
    public var timeLimit: Int? { clock.timeLimit }
    public var elapsedSteps: Int { clock.elapsedSteps }
    public var needsReset: Bool { clock.needsReset }

    public mutating func reset(seed: UInt64) -> [Scalar] {
        generator = Xoshiro256StarStar(seed: seed)
        return reset()
    }

    /// Draws s₀ from d0.
    public mutating func reset() -> [Scalar] {
        currentState = generator.categorical(initialDistribution)
        clock.start()
        return oneHot(currentState)
    }

    /// Starts a new episode in the non-terminal `state`.
    public mutating func reset(to state: Int) -> [Scalar] {
        precondition(state >= 0 && state < stateCount, "FiniteMDP.reset(to:): state \(state) outside 0..<\(stateCount)")
        precondition(!isTerminal[state], "FiniteMDP.reset(to:): state \(state) is terminal")
        currentState = state
        clock.start()
        return oneHot(state)
    }

    /// Draws s' ~ P(· | s, a); the reward is R[s, a].
    /// - Complexity: O(S).
    public mutating func step(_ action: Action) throws(EnvironmentError) -> StepResult<Scalar> {
        try clock.checkCanStep()
        let a = try actionSpace.validatedIndex(of: action)
        let row = currentState * actionCount + a
        let reward = rewards.elements[currentState * actionCount + a]
        // Inverse-CDF draw over the row, accumulated in Double.
        let u = generator.uniform(Double.self)
        var cumulative = 0.0
        var next = -1
        var lastPositive = 0
        for s in 0..<stateCount {
            let p = Double(transitionProbabilities.elements[row * stateCount + s])
            if p > 0 { lastPositive = s }
            cumulative += p
            if next < 0 && u < cumulative { next = s; break }
        }
        currentState = next >= 0 ? next : lastPositive
        let terminated = isTerminal[currentState]
        let truncated = clock.finishStep(terminated: terminated)
        return StepResult(observation: oneHot(currentState), reward: reward, terminated: terminated, truncated: truncated)
    }
}
