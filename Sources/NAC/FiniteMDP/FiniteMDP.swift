/// A finite Markov decision process (S, A, P, R, d0, γ) with optional terminal states: the
/// exact model behind `ExactOracle`, and an `Environment` that samples it.
///
/// **Model.** S states and A actions, both 0-based.
/// - `transitionProbabilities`, an (S·A) × S matrix: row s·A + a is Pr(s_{t+1} = · | s_t = s, a_t = a).
/// - `rewards`, an S × A matrix: R[s, a] = E[r_t | s_t = s, a_t = a].
/// - `initialDistribution` d0 (S), `discount` γ ∈ [0, 1].
/// - `isTerminal` (S). **Episodic convention** (spec §1.1, simplified to one state): entering a
///   terminal state ends the episode; in the model a terminal state is absorbing with zero
///   reward for every action (P[t·A + a] = e_t, R[t, a] = 0), so it stands for both the
///   terminal and the post-terminal absorbing state. The rows of terminal states passed to
///   `init` are not read. γ = 1 is allowed only when there are terminal states; d0 must put
///   no mass on them.
///
/// **Environment.** The observation is the one-hot encoding of the current state (S
/// components, `oneHot(_:)`), which a linear or neural policy can consume directly; the index
/// itself is `currentState`. Actions are `.discrete(A)`. A step draws s' from row s·A + a of
/// P, returns the reward R[s, a] (the expected reward: this environment's rewards are
/// deterministic given (s, a)), and terminates when s' is terminal. Continuing MDPs should be
/// given a `timeLimit`.
///
/// ```swift
/// let mdp = try FiniteMDP<Double>.chain(length: 5, discount: 0.9)
/// let oracle = try ExactOracle(mdp: mdp, policy: .init(rows: 5, columns: 2, repeating: 0.5))
/// print(oracle.objective)            // J = d0ᵀV
/// ```
public struct FiniteMDP<Scalar: NACScalar>: Sendable {
    /// S.
    public let stateCount: Int
    /// A.
    public let actionCount: Int
    /// P, (S·A) × S; row s·A + a is the next-state distribution of (s, a).
    public let transitionProbabilities: Matrix<Scalar>
    /// R, S × A: expected rewards.
    public let rewards: Matrix<Scalar>
    /// d0 (S).
    public let initialDistribution: [Scalar]
    /// γ.
    public let discount: Scalar
    /// Whether each state is terminal (S).
    public let isTerminal: [Bool]
    /// The identifier reported as `name`.
    public let name: String

    /// The current state of the sampled episode.
    public internal(set) var currentState: Int = 0
    var clock: EpisodeClock
    var generator = Xoshiro256StarStar(seed: 0)

    /// The terminal states, ascending.
    public var terminalStates: [Int] { isTerminal.indices.filter { isTerminal[$0] } }
    /// Whether the MDP has terminal states.
    public var isEpisodic: Bool { isTerminal.contains(true) }

    /// An MDP from its matrices.
    /// - Parameters:
    ///   - transitionProbabilities: P, (S·A) × S, where S × A is the shape of `rewards`.
    ///   - rewards: R, S × A.
    ///   - initialDistribution: d0 (S), zero on terminal states.
    ///   - discount: γ ∈ [0, 1); 1 only with terminal states.
    ///   - terminalStates: indices of terminal states (their rows of P and R are replaced by the
    ///     absorbing zero-reward loop and not read).
    ///   - timeLimit: the environment's truncation limit (`nil`: none).
    ///   - tolerance: how far a probability vector's sum may be from 1; default √ε of `Scalar`.
    ///   - name: the environment identifier.
    /// - Throws: `FiniteMDPError` naming the first bad shape, entry or sum.
    /// - Complexity: O(S²A).
    public init(
        transitionProbabilities: Matrix<Scalar>, rewards: Matrix<Scalar>, initialDistribution: [Scalar],
        discount: Scalar, terminalStates: Set<Int> = [], timeLimit: Int? = nil,
        tolerance: Scalar = Scalar.ulpOfOne.squareRoot(), name: String = "finite-mdp"
    ) throws(FiniteMDPError) {
        let s = rewards.rows, a = rewards.columns
        guard s > 0, a > 0 else {
            throw .wrongSize(argument: "rewards", expected: "S × A with S, A ≥ 1", actual: "\(s) × \(a)")
        }
        guard transitionProbabilities.rows == s * a, transitionProbabilities.columns == s else {
            throw .wrongSize(argument: "transitionProbabilities", expected: "\(s * a) × \(s)",
                             actual: "\(transitionProbabilities.rows) × \(transitionProbabilities.columns)")
        }
        guard initialDistribution.count == s else {
            throw .wrongSize(argument: "initialDistribution", expected: "\(s)", actual: "\(initialDistribution.count)")
        }
        var terminal = [Bool](repeating: false, count: s)
        for t in terminalStates.sorted() {
            guard t >= 0 && t < s else { throw .terminalStateOutOfRange(state: t, stateCount: s) }
            terminal[t] = true
        }
        guard discount.isFinite, discount >= 0, discount < 1 || (discount == 1 && terminal.contains(true)) else {
            throw .invalidDiscount(Double(discount))
        }
        var p = transitionProbabilities
        var r = rewards
        for state in 0..<s {
            for action in 0..<a {
                let row = state * a + action
                if terminal[state] {
                    for next in 0..<s { p.elements[row * s + next] = next == state ? 1 : 0 }
                    r.elements[state * a + action] = 0
                    continue
                }
                let reward = r.elements[state * a + action]
                guard reward.isFinite else {
                    throw .nonFinite(argument: "rewards", index: [state, action], value: Double(reward))
                }
                try Self.checkDistribution(p.elements[(row * s)..<((row + 1) * s)], argument: "transitionProbabilities",
                                           index: [state, action], tolerance: tolerance)
            }
        }
        try Self.checkDistribution(initialDistribution[...], argument: "initialDistribution", index: [],
                                   tolerance: tolerance)
        for state in 0..<s where terminal[state] && initialDistribution[state] != 0 {
            throw .initialMassOnTerminalState(state: state, probability: Double(initialDistribution[state]))
        }
        stateCount = s
        actionCount = a
        self.transitionProbabilities = p
        self.rewards = r
        self.initialDistribution = initialDistribution
        self.discount = discount
        isTerminal = terminal
        self.name = name
        clock = EpisodeClock(timeLimit: timeLimit)
    }

    /// An MDP from nested arrays: `transitions[s][a][s']`, `rewards[s][a]`.
    /// - Throws: `FiniteMDPError.wrongSize` for ragged arrays, then as the matrix initialiser.
    public init(
        transitions: [[[Scalar]]], rewards: [[Scalar]], initialDistribution: [Scalar], discount: Scalar,
        terminalStates: Set<Int> = [], timeLimit: Int? = nil,
        tolerance: Scalar = Scalar.ulpOfOne.squareRoot(), name: String = "finite-mdp"
    ) throws(FiniteMDPError) {
        let s = transitions.count
        let a = transitions.first?.count ?? 0
        guard rewards.count == s else {
            throw .wrongSize(argument: "rewards", expected: "\(s) rows", actual: "\(rewards.count) rows")
        }
        var flat = [Scalar]()
        flat.reserveCapacity(s * a * s)
        for (state, row) in transitions.enumerated() {
            guard row.count == a else {
                throw .wrongSize(argument: "transitions[\(state)]", expected: "\(a) actions", actual: "\(row.count)")
            }
            guard rewards[state].count == a else {
                throw .wrongSize(argument: "rewards[\(state)]", expected: "\(a) actions", actual: "\(rewards[state].count)")
            }
            for (action, probabilities) in row.enumerated() {
                guard probabilities.count == s else {
                    throw .wrongSize(argument: "transitions[\(state)][\(action)]", expected: "\(s) next states",
                                     actual: "\(probabilities.count)")
                }
                flat.append(contentsOf: probabilities)
            }
        }
        try self.init(transitionProbabilities: Matrix(rows: s * a, columns: s, elements: flat),
                      rewards: Matrix(rows: s, columns: a, elements: rewards.flatMap { $0 }),
                      initialDistribution: initialDistribution, discount: discount, terminalStates: terminalStates,
                      timeLimit: timeLimit, tolerance: tolerance, name: name)
    }

    /// Throws unless `values` are finite, non-negative and sum to 1 within `tolerance`.
    static func checkDistribution(
        _ values: ArraySlice<Scalar>, argument: String, index: [Int], tolerance: Scalar
    ) throws(FiniteMDPError) {
        var sum: Scalar = 0
        for (k, v) in values.enumerated() {
            guard v.isFinite else { throw .nonFinite(argument: argument, index: index + [k], value: Double(v)) }
            guard v >= 0 else { throw .negativeProbability(argument: argument, index: index + [k], value: Double(v)) }
            sum += v
        }
        guard abs(sum - 1) <= tolerance else { throw .notNormalized(argument: argument, index: index, sum: Double(sum)) }
    }

    /// Pr(s' | s, a).
    public func transitionProbability(from state: Int, action: Int, to next: Int) -> Scalar {
        transitionProbabilities[state * actionCount + action, next]
    }

    /// The one-hot encoding e_s of `state` (S components): the environment's observation.
    public func oneHot(_ state: Int) -> [Scalar] {
        precondition(state >= 0 && state < stateCount, "FiniteMDP.oneHot: state \(state) outside 0..<\(stateCount)")
        var e = [Scalar](repeating: 0, count: stateCount)
        e[state] = 1
        return e
    }

    /// The one-hot state features as an S × S matrix (row s is e_s): tabular features for critics.
    public var oneHotStateFeatures: Matrix<Scalar> { .identity(stateCount) }

    /// The state a one-hot observation encodes (the index of its largest component).
    public func state(ofObservation observation: [Scalar]) -> Int {
        precondition(observation.count == stateCount,
                     "FiniteMDP.state(ofObservation:): \(observation.count) components for \(stateCount) states")
        return observation.indices.max { observation[$0] < observation[$1] }!
    }
}
