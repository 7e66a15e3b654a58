import Testing
@testable import NAC

/// |a − b| ≤ tolerance · max(1, |b|) elementwise.
private func close(_ a: [Double], _ b: [Double], _ tolerance: Double = 1e-12) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tolerance * max(1, abs($1)) }
}

/// Steps `env` (already reset to the reference start state) through the reference actions and
/// compares every observation, reward and termination flag; then checks that a further step
/// after a termination throws `.episodeEnded`.
private func replay<E: Environment>(
    _ env: inout E, _ reference: ReferenceTrajectory, discrete: Bool, sourceLocation: SourceLocation = #_sourceLocation
) throws where E.Scalar == Double {
    for (k, expected) in reference.steps.enumerated() {
        let a = reference.actions[k]
        let result = try env.step(discrete ? .discrete(Int(a)) : .continuous([a]))
        #expect(close(result.observation, expected.observation),
                "step \(k): \(result.observation) vs \(expected.observation)", sourceLocation: sourceLocation)
        #expect(abs(result.reward - expected.reward) <= 1e-12 * max(1, abs(expected.reward)),
                "step \(k): reward \(result.reward) vs \(expected.reward)", sourceLocation: sourceLocation)
        #expect(result.terminated == expected.terminated, "step \(k)", sourceLocation: sourceLocation)
        #expect(!result.truncated, sourceLocation: sourceLocation)
    }
    if reference.steps.last?.terminated == true {
        #expect(env.needsReset, sourceLocation: sourceLocation)
        #expect(throws: EnvironmentError.episodeEnded(elapsedSteps: reference.steps.count, terminated: true),
                sourceLocation: sourceLocation) {
            _ = try env.step(discrete ? .discrete(0) : .continuous([0]))
        }
    }
}

@Suite struct CartPoleTests {
    typealias Env = CartPole<Double>

    private func start(_ r: ReferenceTrajectory) -> Env.State {
        Env.State(position: r.start[0], velocity: r.start[1], angle: r.start[2], angularVelocity: r.start[3])
    }

    @Test func matchesPublishedEquations() throws {
        var env = Env()
        #expect(env.reset(to: start(ReferenceTrajectories.cartPole)) == ReferenceTrajectories.cartPole.start)
        try replay(&env, ReferenceTrajectories.cartPole, discrete: true)
    }

    @Test func firstStepByHand() throws {
        // θ̈ and ẍ from the equations written out, for s = (0, 0, 0.1, 0), F = −10.
        let sinT = Double.sin(0.1), cosT = Double.cos(0.1)
        let temp = (-10.0 + 0) / 1.1
        let thetaAcc = (9.8 * sinT - cosT * temp) / (0.5 * (4.0 / 3.0 - 0.1 * cosT * cosT / 1.1))
        let xAcc = temp - 0.05 * thetaAcc * cosT / 1.1
        var env = Env()
        _ = env.reset(to: .init(position: 0, velocity: 0, angle: 0.1, angularVelocity: 0))
        let result = try env.step(.discrete(0))
        #expect(close(result.observation, [0, 0.02 * xAcc, 0.1, 0.02 * thetaAcc], 1e-15))
        #expect(result.reward == 1)
    }

    @Test func terminatesWhenThePoleFalls() throws {
        var env = Env()
        _ = env.reset(to: start(ReferenceTrajectories.cartPoleFalls))
        try replay(&env, ReferenceTrajectories.cartPoleFalls, discrete: true)
        // The cart leaving ±2.4 also terminates.
        _ = env.reset(to: .init(position: 2.39, velocity: 1, angle: 0, angularVelocity: 0))
        let result = try env.step(.discrete(1))
        #expect(result.terminated && result.reward == 1)
    }

    @Test func constantsAndTimeLimit() throws {
        #expect(Env.angleThreshold == 12 * 2 * Double.pi / 360)
        #expect(Env().timeLimit == 500 && Env().actionSpace == .discrete(2))
        var env = Env(timeLimit: 3)
        _ = env.reset(to: .init(position: 0, velocity: 0, angle: 0, angularVelocity: 0))
        for k in 1...3 {
            let r = try env.step(.discrete(k % 2))
            #expect(r.truncated == (k == 3) && !r.terminated)
        }
        #expect(throws: EnvironmentError.episodeEnded(elapsedSteps: 3, terminated: false)) { try env.step(.discrete(0)) }
    }

    @Test func resetDistribution() {
        var env = Env()
        var lowest = [Double](repeating: 1, count: 4), highest = [Double](repeating: -1, count: 4)
        for seed in 0..<300 {
            let o = env.reset(seed: UInt64(seed))
            for i in 0..<4 {
                #expect(o[i] >= -0.05 && o[i] < 0.05)
                lowest[i] = min(lowest[i], o[i])
                highest[i] = max(highest[i], o[i])
            }
        }
        #expect(lowest.allSatisfy { $0 < -0.045 } && highest.allSatisfy { $0 > 0.045 })
    }

    @Test func floatFollowsTheDoubleTrajectoryRounded() throws {
        var d = CartPole<Double>(), f = CartPole<Float>()
        var od = d.reset(seed: 5), of = f.reset(seed: 5)
        for k in 0..<40 {
            #expect(of == od.map { Float($0) })
            let rd = try d.step(.discrete(k % 3 == 0 ? 0 : 1)), rf = try f.step(.discrete(k % 3 == 0 ? 0 : 1))
            od = rd.observation
            of = rf.observation
            #expect(rd.terminated == rf.terminated)
            if rd.isDone { break }
        }
    }
}

@Suite struct MountainCarTests {
    typealias Env = MountainCar<Double>

    @Test func matchesPublishedEquations() throws {
        for reference in [ReferenceTrajectories.mountainCar, ReferenceTrajectories.mountainCarWall,
                          ReferenceTrajectories.mountainCarGoal] {
            var env = Env()
            _ = env.reset(to: .init(position: reference.start[0], velocity: reference.start[1]))
            try replay(&env, reference, discrete: true)
        }
    }

    @Test func truncatesAfter200Steps() throws {
        var env = Env()
        _ = env.reset(seed: 3)
        for k in 1...200 {
            let r = try env.step(.discrete(1))
            #expect(r.reward == -1 && !r.terminated && r.truncated == (k == 200))
        }
        #expect(env.needsReset)
    }

    @Test func resetDistribution() {
        var env = Env()
        var positions = [Double]()
        for seed in 0..<300 {
            let o = env.reset(seed: UInt64(seed))
            #expect(o[1] == 0 && o[0] >= -0.6 && o[0] < -0.4)
            positions.append(o[0])
        }
        #expect(positions.min()! < -0.59 && positions.max()! > -0.41)
    }
}

@Suite struct MountainCarContinuousTests {
    typealias Env = MountainCarContinuous<Double>

    @Test func matchesPublishedEquations() throws {
        for reference in [ReferenceTrajectories.mountainCarContinuous, ReferenceTrajectories.mountainCarContinuousGoal] {
            var env = Env()
            _ = env.reset(to: .init(position: reference.start[0], velocity: reference.start[1]))
            try replay(&env, reference, discrete: false)
        }
    }

    @Test func timeLimitIs999() throws {
        var env = Env()
        #expect(env.timeLimit == 999 && env.actionSpace == .box(lower: [-1], upper: [1]))
        _ = env.reset(seed: 1)
        var steps = 0
        while true {
            let r = try env.step(.continuous([0]))
            steps += 1
            if r.isDone { #expect(r.truncated && !r.terminated); break }
        }
        #expect(steps == 999)
    }
}

@Suite struct AcrobotTests {
    typealias Env = Acrobot<Double>

    @Test func matchesBookDynamicsWithRK4() throws {
        for reference in [ReferenceTrajectories.acrobot, ReferenceTrajectories.acrobotFast,
                          ReferenceTrajectories.acrobotTerminal] {
            var env = Env()
            let s = reference.start
            _ = env.reset(to: .init(angle1: s[0], angle2: s[1], angularVelocity1: s[2], angularVelocity2: s[3]))
            try replay(&env, reference, discrete: true)
        }
    }

    @Test func wrapsAnglesAndClipsVelocities() throws {
        var env = Env()
        _ = env.reset(to: .init(angle1: 3.0, angle2: -2.9, angularVelocity1: 12, angularVelocity2: -27))
        _ = try env.step(.discrete(2))
        #expect(abs(env.state.angle1) <= Double.pi && abs(env.state.angle2) <= Double.pi)
        #expect(env.state.angularVelocity1 == 4 * Double.pi && env.state.angularVelocity2 == -9 * Double.pi)
    }

    @Test func hangingAtRestTruncatesAt500() throws {
        var env = Env()
        _ = env.reset(to: .init(angle1: 0, angle2: 0, angularVelocity1: 0, angularVelocity2: 0))
        for k in 1...500 {
            let r = try env.step(.discrete(1))
            #expect(r.reward == -1 && !r.terminated && r.truncated == (k == 500))
        }
    }

    @Test func resetDistribution() {
        var env = Env()
        for seed in 0..<200 {
            let o = env.reset(seed: UInt64(seed))
            let s = env.state
            for x in [s.angle1, s.angle2, s.angularVelocity1, s.angularVelocity2] { #expect(x >= -0.1 && x < 0.1) }
            #expect(o.count == 6 && o[0] == Double.cos(s.angle1) && o[3] == Double.sin(s.angle2))
        }
    }
}

@Suite struct PendulumTests {
    typealias Env = Pendulum<Double>

    @Test func matchesPublishedEquations() throws {
        for reference in [ReferenceTrajectories.pendulum, ReferenceTrajectories.pendulumWrapped] {
            var env = Env()
            _ = env.reset(to: .init(angle: reference.start[0], angularVelocity: reference.start[1]))
            try replay(&env, reference, discrete: false)
        }
    }

    @Test func normalizedAngleIsFlooredModulus() {
        #expect(Env.normalizedAngle(0) == 0)
        #expect(abs(Env.normalizedAngle(4.0) - (4.0 - 2 * Double.pi)) < 1e-15)
        #expect(abs(Env.normalizedAngle(-4.0) - (-4.0 + 2 * Double.pi)) < 1e-15)
        #expect(abs(Env.normalizedAngle(7 * Double.pi + 0.5) - (-Double.pi + 0.5)) < 1e-12)
    }

    @Test func neverTerminatesAndTruncatesAt200() throws {
        var env = Env()
        _ = env.reset(seed: 9)
        for k in 1...200 {
            let r = try env.step(.continuous([5]))  // clipped to 2
            #expect(!r.terminated && r.truncated == (k == 200))
            #expect(r.reward <= 0 && r.reward >= -(Double.pi * Double.pi + 0.1 * 64 + 0.001 * 4))
            #expect(abs(r.observation[2]) <= 8)
        }
    }

    @Test func resetDistribution() {
        var env = Env()
        for seed in 0..<200 {
            let o = env.reset(seed: UInt64(seed))
            #expect(env.state.angle >= -Double.pi && env.state.angle < Double.pi)
            #expect(o[2] >= -1 && o[2] < 1)
        }
    }
}

@Suite struct ReproducibilityTests {
    /// Observations of a 60-step rollout with a fixed action pattern.
    private func rollout<E: Environment>(_ env: E, seed: UInt64, actions: (Int) -> Action) throws -> [[E.Scalar]] {
        var env = env
        var out = [env.reset(seed: seed)]
        for k in 0..<60 {
            let r = try env.step(actions(k))
            out.append(r.observation)
            if r.isDone { out.append(env.reset()) }
        }
        return out
    }

    @Test func sameSeedSameTrajectoryDifferentSeedDifferent() throws {
        let discrete: (Int) -> Action = { .discrete($0 * 7 % 3 == 0 ? 0 : 1) }
        let continuous: (Int) -> Action = { .continuous([Double($0 % 5) - 2]) }
        #expect(try rollout(CartPole<Double>(), seed: 1, actions: discrete) == rollout(CartPole<Double>(), seed: 1, actions: discrete))
        #expect(try rollout(CartPole<Double>(), seed: 1, actions: discrete) != rollout(CartPole<Double>(), seed: 2, actions: discrete))
        #expect(try rollout(Acrobot<Float>(), seed: 4, actions: discrete) == rollout(Acrobot<Float>(), seed: 4, actions: discrete))
        #expect(try rollout(Pendulum<Double>(), seed: 4, actions: continuous) == rollout(Pendulum<Double>(), seed: 4, actions: continuous))
        #expect(try rollout(Pendulum<Double>(), seed: 4, actions: continuous) != rollout(Pendulum<Double>(), seed: 5, actions: continuous))
        #expect(try rollout(MountainCar<Double>(), seed: 8, actions: discrete) != rollout(MountainCar<Double>(), seed: 9, actions: discrete))
    }
}
