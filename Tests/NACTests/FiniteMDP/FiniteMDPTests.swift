import Testing
@testable import NAC

@Suite struct FiniteMDPValidationTests {
    /// A valid 2-state, 2-action continuing MDP, as nested arrays.
    private let p: [[[Double]]] = [[[0.5, 0.5], [1, 0]], [[0.2, 0.8], [0, 1]]]
    private let r: [[Double]] = [[1, 0], [0, 2]]

    @Test func acceptsAValidModel() throws {
        let mdp = try FiniteMDP(transitions: p, rewards: r, initialDistribution: [1, 0], discount: 0.9)
        #expect(mdp.stateCount == 2 && mdp.actionCount == 2 && !mdp.isEpisodic)
        #expect(mdp.transitionProbability(from: 1, action: 0, to: 1) == 0.8)
        #expect(mdp.transitionProbabilities.rows == 4 && mdp.rewards[1, 1] == 2)
    }

    @Test func rejectsBadProbabilities() {
        var bad = p
        bad[1][0] = [0.2, 0.7]
        #expect(throws: FiniteMDPError.notNormalized(argument: "transitionProbabilities", index: [1, 0], sum: 0.2 + 0.7)) {
            _ = try FiniteMDP(transitions: bad, rewards: r, initialDistribution: [1, 0], discount: 0.9)
        }
        bad[1][0] = [1.5, -0.5]
        #expect(throws: FiniteMDPError.negativeProbability(argument: "transitionProbabilities", index: [1, 0, 1], value: -0.5)) {
            _ = try FiniteMDP(transitions: bad, rewards: r, initialDistribution: [1, 0], discount: 0.9)
        }
        bad[1][0] = [.nan, 1]
        do {
            _ = try FiniteMDP(transitions: bad, rewards: r, initialDistribution: [1, 0], discount: 0.9)
            Issue.record("NaN accepted")
        } catch {
            guard case .nonFinite(let argument, let index, let value) = error else { Issue.record("\(error)"); return }
            #expect(argument == "transitionProbabilities" && index == [1, 0, 0] && value.isNaN)
        }
        #expect(throws: FiniteMDPError.notNormalized(argument: "initialDistribution", index: [], sum: 0.5)) {
            _ = try FiniteMDP(transitions: p, rewards: r, initialDistribution: [0.5, 0], discount: 0.9)
        }
        // Within the default tolerance (√ε) a sum is accepted.
        #expect(throws: Never.self) {
            _ = try FiniteMDP(transitions: p, rewards: r, initialDistribution: [1 - 1e-12, 0], discount: 0.9)
        }
    }

    @Test func rejectsBadShapesAndSettings() {
        #expect(throws: FiniteMDPError.wrongSize(argument: "transitions[1][0]", expected: "2 next states", actual: "3")) {
            _ = try FiniteMDP(transitions: [p[0], [[0.2, 0.3, 0.5], [0, 1]]], rewards: r, initialDistribution: [1, 0],
                              discount: 0.9)
        }
        #expect(throws: FiniteMDPError.wrongSize(argument: "initialDistribution", expected: "2", actual: "3")) {
            _ = try FiniteMDP(transitions: p, rewards: r, initialDistribution: [1, 0, 0], discount: 0.9)
        }
        #expect(throws: FiniteMDPError.wrongSize(argument: "transitionProbabilities", expected: "4 × 2", actual: "2 × 2")) {
            _ = try FiniteMDP(transitionProbabilities: .identity(2), rewards: Matrix(r), initialDistribution: [1, 0],
                              discount: 0.5)
        }
        #expect(throws: FiniteMDPError.nonFinite(argument: "rewards", index: [0, 1], value: .infinity)) {
            _ = try FiniteMDP(transitions: p, rewards: [[1, .infinity], [0, 2]], initialDistribution: [1, 0], discount: 0.9)
        }
        #expect(throws: FiniteMDPError.invalidDiscount(1)) {
            _ = try FiniteMDP(transitions: p, rewards: r, initialDistribution: [1, 0], discount: 1)
        }
        #expect(throws: FiniteMDPError.invalidDiscount(1.5)) {
            _ = try FiniteMDP(transitions: p, rewards: r, initialDistribution: [1, 0], discount: 1.5, terminalStates: [1])
        }
        #expect(throws: FiniteMDPError.terminalStateOutOfRange(state: 2, stateCount: 2)) {
            _ = try FiniteMDP(transitions: p, rewards: r, initialDistribution: [1, 0], discount: 0.9, terminalStates: [2])
        }
        #expect(throws: FiniteMDPError.initialMassOnTerminalState(state: 1, probability: 0.5)) {
            _ = try FiniteMDP(transitions: p, rewards: r, initialDistribution: [0.5, 0.5], discount: 0.9, terminalStates: [1])
        }
    }

    @Test func terminalRowsBecomeAbsorbingWithZeroReward() throws {
        // The terminal row given here is garbage on purpose: it is not read.
        let garbage: [[[Double]]] = [p[0], [[7, 7], [-1, 0]]]
        let mdp = try FiniteMDP(transitions: garbage, rewards: [[1, 0], [5, 5]], initialDistribution: [1, 0],
                                discount: 1, terminalStates: [1])
        #expect(mdp.isEpisodic && mdp.terminalStates == [1])
        #expect(mdp.transitionProbabilities.row(2) == [0, 1] && mdp.transitionProbabilities.row(3) == [0, 1])
        #expect(mdp.rewards.row(1) == [0, 0])
    }
}

@Suite struct FiniteMDPBuiltinTests {
    @Test func chainTransitionsAndRewards() throws {
        let mdp = try FiniteMDP<Double>.chain(length: 4, discount: 0.9, slipProbability: 0.25, goalReward: 2, stepReward: -0.1)
        #expect(mdp.terminalStates == [3] && mdp.initialDistribution == [1, 0, 0, 0])
        #expect(mdp.transitionProbabilities.row(0 * 2 + 0) == [0.75, 0.25, 0, 0])    // left at the wall; slips right
        #expect(mdp.transitionProbabilities.row(0 * 2 + 1) == [0.25, 0.75, 0, 0])
        #expect(mdp.transitionProbabilities.row(2 * 2 + 0) == [0, 0.75, 0, 0.25])
        #expect(mdp.rewards[2, 1] == -0.1 + 2 * 0.75 && mdp.rewards[2, 0] == -0.1 + 2 * 0.25 && mdp.rewards[1, 1] == -0.1)
        #expect(throws: FiniteMDPError.invalidParameter(name: "length", value: "1", reason: "a chain needs at least 2 states")) {
            _ = try FiniteMDP<Double>.chain(length: 1)
        }
    }

    @Test func randomMDPIsSeededAndValid() throws {
        let a = try FiniteMDP<Double>.random(states: 6, actions: 3, discount: 0.95, terminalStateCount: 2, seed: 4)
        let b = try FiniteMDP<Double>.random(states: 6, actions: 3, discount: 0.95, terminalStateCount: 2, seed: 4)
        let c = try FiniteMDP<Double>.random(states: 6, actions: 3, discount: 0.95, terminalStateCount: 2, seed: 5)
        #expect(a.transitionProbabilities == b.transitionProbabilities && a.rewards == b.rewards)
        #expect(a.transitionProbabilities != c.transitionProbabilities)
        #expect(a.terminalStates == [4, 5] && a.initialDistribution[4] == 0 && a.initialDistribution[5] == 0)
        #expect(a.rewards.elements.allSatisfy { $0 >= -1 && $0 < 1 })
        let f = try FiniteMDP<Float>.random(states: 30, actions: 4, discount: 0.9, seed: 1)
        #expect(f.stateCount == 30 && !f.isEpisodic)
    }
}

@Suite struct FiniteMDPEnvironmentTests {
    @Test func oneHotObservationsAndTermination() throws {
        var mdp = try FiniteMDP<Double>.chain(length: 3, discount: 0.9, slipProbability: 0)
        #expect(mdp.observationSpace == .box(dimension: 3, lower: 0, upper: 1) && mdp.actionSpace == .discrete(2))
        #expect(mdp.reset(seed: 1) == [1, 0, 0] && mdp.currentState == 0)
        var r = try mdp.step(.discrete(1))
        #expect(r.observation == [0, 1, 0] && r.reward == 0 && !r.terminated)
        r = try mdp.step(.discrete(1))
        #expect(r.observation == [0, 0, 1] && r.reward == 1 && r.terminated)
        #expect(mdp.state(ofObservation: r.observation) == 2)
        #expect(throws: EnvironmentError.episodeEnded(elapsedSteps: 2, terminated: true)) { try mdp.step(.discrete(1)) }
        #expect(mdp.oneHotStateFeatures == Matrix.identity(3))
    }

    @Test func sampledTransitionsFollowP() throws {
        var mdp = try FiniteMDP<Double>.random(states: 4, actions: 2, discount: 0.9, seed: 8)
        let draws = 20_000
        var counts = [Int](repeating: 0, count: 4)
        for k in 0..<draws {
            _ = mdp.reset(to: 2)
            _ = k
            let r = try mdp.step(.discrete(1))
            counts[mdp.currentState] += 1
            #expect(r.reward == mdp.rewards[2, 1])
        }
        for s in 0..<4 {
            let p = mdp.transitionProbability(from: 2, action: 1, to: s)
            let standardError = (p * (1 - p) / Double(draws)).squareRoot()
            #expect(abs(Double(counts[s]) / Double(draws) - p) < 5 * standardError + 1e-12, "state \(s)")
        }
    }
}
