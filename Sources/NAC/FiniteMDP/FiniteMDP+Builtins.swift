extension FiniteMDP {
    /// A chain of `length` states, start at state 0, goal (terminal) at state `length − 1`.
    ///
    /// Action 0 moves left (s → max(s − 1, 0)), action 1 moves right (s → s + 1); with
    /// probability `slipProbability` the move goes the other way. Every step earns
    /// `stepReward`; the transition into the goal earns `goalReward` in addition, so
    /// R[s, a] = stepReward + goalReward · Pr(s' = goal | s, a). Episodic.
    ///
    /// - Throws: `.invalidParameter` for `length < 2`, a slip probability outside [0, 1] or
    ///   non-finite rewards; `.invalidDiscount` for γ outside [0, 1].
    public static func chain(
        length: Int = 5, discount: Scalar = 0.9, slipProbability: Scalar = 0.1,
        goalReward: Scalar = 1, stepReward: Scalar = 0, timeLimit: Int? = nil
    ) throws(FiniteMDPError) -> FiniteMDP {
        guard length >= 2 else {
            throw .invalidParameter(name: "length", value: "\(length)", reason: "a chain needs at least 2 states")
        }
        guard slipProbability >= 0 && slipProbability <= 1 else {
            throw .invalidParameter(name: "slipProbability", value: "\(slipProbability)", reason: "must be in [0, 1]")
        }
        guard goalReward.isFinite, stepReward.isFinite else {
            throw .invalidParameter(name: "rewards", value: "\(goalReward), \(stepReward)", reason: "must be finite")
        }
        let n = length, goal = length - 1
        var p = Matrix<Scalar>.zeros(rows: n * 2, columns: n)
        var r = Matrix<Scalar>.zeros(rows: n, columns: 2)
        for s in 0..<goal {
            let left = max(s - 1, 0), right = s + 1
            for a in 0..<2 {
                let intended = a == 0 ? left : right
                let slipped = a == 0 ? right : left
                p[s * 2 + a, intended] += 1 - slipProbability
                p[s * 2 + a, slipped] += slipProbability
                r[s, a] = stepReward + goalReward * p[s * 2 + a, goal]
            }
        }
        var d0 = [Scalar](repeating: 0, count: n)
        d0[0] = 1
        return try FiniteMDP(transitionProbabilities: p, rewards: r, initialDistribution: d0, discount: discount,
                             terminalStates: [goal], timeLimit: timeLimit, name: "chain")
    }

    /// A random MDP drawn from `seed`: every row of P and the initial distribution (over the
    /// non-terminal states) is Dirichlet(1, …, 1) (normalised exponential variates), every
    /// reward uniform on [−1, 1). The last `terminalStateCount` states are terminal; since every
    /// transition probability is positive, termination is then certain under every policy.
    ///
    /// - Throws: `.invalidParameter` for fewer than one non-terminal state or action;
    ///   `.invalidDiscount`.
    /// - Complexity: O(S²A).
    public static func random(
        states: Int, actions: Int, discount: Scalar, terminalStateCount: Int = 0, seed: UInt64,
        timeLimit: Int? = nil
    ) throws(FiniteMDPError) -> FiniteMDP {
        guard actions >= 1 else {
            throw .invalidParameter(name: "actions", value: "\(actions)", reason: "must be ≥ 1")
        }
        guard terminalStateCount >= 0, states - terminalStateCount >= 1 else {
            throw .invalidParameter(name: "terminalStateCount", value: "\(terminalStateCount)",
                                    reason: "need 0 ≤ terminal states < states (\(states))")
        }
        var generator = Xoshiro256StarStar(seed: seed)
        func dirichlet(_ count: Int) -> [Scalar] {
            var x = (0..<count).map { _ in -Double.log(1 - generator.uniform(Double.self)) }
            let total = x.reduce(0, +)
            for i in x.indices { x[i] /= total }
            return x.map { Scalar($0) }
        }
        var p = [Scalar]()
        p.reserveCapacity(states * actions * states)
        for _ in 0..<(states * actions) { p.append(contentsOf: dirichlet(states)) }
        let r = (0..<(states * actions)).map { _ in Scalar(generator.uniform(in: -1.0..<1.0)) }
        let live = states - terminalStateCount
        let d0 = dirichlet(live) + [Scalar](repeating: 0, count: terminalStateCount)
        return try FiniteMDP(
            transitionProbabilities: Matrix(rows: states * actions, columns: states, elements: p),
            rewards: Matrix(rows: states, columns: actions, elements: r), initialDistribution: d0,
            discount: discount, terminalStates: Set(live..<states), timeLimit: timeLimit,
            // Rounding a Double Dirichlet row to Float can move its sum by ~S ulp.
            tolerance: Scalar(Double(states) * 8) * Scalar.ulpOfOne + Scalar.ulpOfOne.squareRoot(),
            name: "random-mdp")
    }
}
