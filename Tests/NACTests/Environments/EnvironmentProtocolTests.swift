import Testing
@testable import NAC

@Suite struct BadActionTests {
    @Test func discreteEnvironmentRejectsBadActions() throws {
        var env = CartPole<Double>()
        #expect(throws: EnvironmentError.resetRequired) { try env.step(.discrete(0)) }
        _ = env.reset(seed: 1)
        let before = env.state
        #expect(throws: EnvironmentError.actionOutOfRange(index: 2, count: 2)) { try env.step(.discrete(2)) }
        #expect(throws: EnvironmentError.actionOutOfRange(index: -1, count: 2)) { try env.step(.discrete(-1)) }
        #expect(throws: EnvironmentError.wrongActionKind(received: .continuous([1]), actionSpace: .discrete(2))) {
            try env.step(.continuous([1]))
        }
        // A throwing step leaves the environment unchanged.
        #expect(env.state == before && env.elapsedSteps == 0 && !env.needsReset)
        _ = try env.step(.discrete(1))
        #expect(env.elapsedSteps == 1)
    }

    @Test func continuousEnvironmentRejectsBadActions() throws {
        var env = Pendulum<Double>()
        _ = env.reset(seed: 2)
        #expect(throws: EnvironmentError.wrongActionDimension(expected: 1, received: 2)) { try env.step(.continuous([1, 2])) }
        #expect(throws: EnvironmentError.wrongActionKind(received: .discrete(0), actionSpace: env.actionSpace)) {
            try env.step(.discrete(0))
        }
        do {
            _ = try env.step(.continuous([.nan]))
            Issue.record("NaN action accepted")
        } catch {
            guard case .nonFiniteAction(let component, let value) = error else { Issue.record("\(error)"); return }
            #expect(component == 0 && value.isNaN)
            #expect(error.description.contains("nan"))
        }
        #expect(throws: EnvironmentError.nonFiniteAction(component: 0, value: .infinity)) { try env.step(.continuous([.infinity])) }
        #expect(env.elapsedSteps == 0)
    }

    @Test func errorDescriptionsNameTheBadValue() {
        #expect(EnvironmentError.actionOutOfRange(index: 7, count: 3).description.contains("7"))
        #expect(EnvironmentError.wrongActionDimension(expected: 1, received: 4).description.contains("4"))
        let unknown = EnvironmentError.unknownEnvironment(name: "cartpol", known: EnvironmentRegistry.names)
        #expect(unknown.description.contains("cartpol") && unknown.description.contains("acrobot"))
    }

    @Test func actionConversions() {
        #expect(Action(continuous: [Float(0.5), -1]) == .continuous([0.5, -1]))
        #expect(Action.discrete(3).index == 3 && Action.discrete(3).values == nil)
        #expect(Space.box(lower: [0, -1], upper: [1, 1]).contains([0.5, 1]))
        #expect(!Space.box(lower: [0, -1], upper: [1, 1]).contains([1.5, 0]))
        #expect(Space.discrete(4).count == 4 && Space.discrete(4).dimension == 1)
    }
}

@Suite struct EnvironmentRegistryTests {
    @Test func makesEveryBuiltInEnvironment() throws {
        let expected: [String: (observations: Int, actions: Space)] = [
            "cartpole": (4, .discrete(2)), "mountaincar": (2, .discrete(3)),
            "mountaincar-continuous": (2, .box(lower: [-1], upper: [1])), "acrobot": (6, .discrete(3)),
            "pendulum": (3, .box(lower: [-2], upper: [2])), "lqr": (2, .box(lower: [-.infinity], upper: [.infinity])),
            "drifting-target": (1, .box(lower: [-.infinity], upper: [.infinity])), "chain": (5, .discrete(2)),
            "random-mdp": (10, .discrete(3)),
        ]
        #expect(Set(EnvironmentRegistry.names) == Set(expected.keys))
        for name in EnvironmentRegistry.names {
            var env = try EnvironmentRegistry.make(name, as: Float.self)
            #expect(env.name == name)
            #expect(env.observationDimension == expected[name]!.observations, "\(name)")
            #expect(env.actionSpace == expected[name]!.actions, "\(name)")
            #expect(EnvironmentRegistry.summary(of: name) != nil)
            let o = env.reset(seed: 3)
            #expect(o.count == env.observationDimension)
            for k in 0..<20 {
                let action: Action = env.actionSpace.count.map { .discrete(k % $0) } ?? .continuous([0.1])
                let r = try env.step(action)
                #expect(r.observation.count == env.observationDimension && r.reward.isFinite)
                if r.isDone { _ = env.reset() }
            }
        }
    }

    @Test func unknownNameListsTheKnownOnes() {
        #expect(throws: EnvironmentError.unknownEnvironment(name: "cartpol", known: EnvironmentRegistry.names)) {
            _ = try EnvironmentRegistry.make("cartpol", as: Double.self)
        }
    }

    @Test func aliasesAndCase() throws {
        #expect(try EnvironmentRegistry.make("CartPole-v1", as: Double.self).name == "cartpole")
        #expect(try EnvironmentRegistry.make("Pendulum-V1", as: Double.self).timeLimit == 200)
        #expect(try EnvironmentRegistry.make("ACROBOT", as: Double.self).timeLimit == 500)
        #expect(try EnvironmentRegistry.make("mountaincar", as: Double.self).timeLimit == 200)
        #expect(try EnvironmentRegistry.make("MountainCarContinuous-v0", as: Double.self).timeLimit == 999)
    }

    @Test func typeErasedEnvironmentBehavesLikeTheWrapped() throws {
        var plain = Acrobot<Double>()
        var erased = AnyEnvironment(Acrobot<Double>())
        #expect(plain.reset(seed: 12) == erased.reset(seed: 12))
        for k in 0..<30 { #expect(try plain.step(.discrete(k % 3)) == erased.step(.discrete(k % 3))) }
        // Wrapping an AnyEnvironment does not nest.
        let twice = AnyEnvironment(erased)
        #expect(twice.base is Acrobot<Double>)
        #expect(erased.name == plain.name && erased.timeLimit == plain.timeLimit && erased.elapsedSteps == plain.elapsedSteps
                && erased.needsReset == plain.needsReset && erased.actionSpace == plain.actionSpace
                && erased.observationSpace == plain.observationSpace)
    }

    /// Copies of an `AnyEnvironment` are independent (its wrapped state is copied on write), as
    /// copies of the environment itself are.
    @Test func typeErasedCopiesAreIndependent() throws {
        var original = try EnvironmentRegistry.make("cartpole", as: Double.self)
        _ = original.reset(seed: 5)
        for _ in 0..<3 { _ = try original.step(.discrete(1)) }
        var copy = original
        var bare = try #require(original.base as? CartPole<Double>)
        let first = try original.step(.discrete(0))
        #expect(copy.elapsedSteps == 3 && original.elapsedSteps == 4, "the copy moved with the original")
        #expect(try copy.step(.discrete(0)) == first)
        #expect(try bare.step(.discrete(0)) == first)
        _ = copy.reset(seed: 9)
        #expect(original.elapsedSteps == 4 && copy.elapsedSteps == 0)
    }
}
