import Testing
@testable import NAC

@Suite struct VectorEnvironmentTests {
    @Test func copiesEqualSingleEnvironmentsWithDerivedSeeds() throws {
        let n = 4, seed: UInt64 = 11
        var vector = VectorEnvironment(copies: n, of: CartPole<Double>())
        let seeds = VectorEnvironment<CartPole<Double>>.derivedSeeds(count: n, seed: seed)
        #expect(Set(seeds).count == n)
        var singles = (0..<n).map { _ in CartPole<Double>() }
        let first = vector.reset(seed: seed)
        #expect(first.rows == n && first.columns == 4)
        for i in 0..<n { #expect(first.row(i) == singles[i].reset(seed: seeds[i])) }
        var actionGenerator = Xoshiro256StarStar(seed: 99)
        var episodesEnded = 0
        for _ in 0..<300 {
            let actions = (0..<n).map { _ in Int(actionGenerator.next() % 2) }
            let batch = try vector.step(discrete: actions)
            for i in 0..<n {
                let single = try singles[i].step(.discrete(actions[i]))
                #expect(batch.rewards[i] == single.reward)
                #expect(batch.terminated[i] == single.terminated && batch.truncated[i] == single.truncated)
                if single.isDone {
                    episodesEnded += 1
                    #expect(batch.finalObservations[i] == single.observation)
                    #expect(batch.observations.row(i) == singles[i].reset())
                } else {
                    #expect(batch.finalObservations[i] == nil)
                    #expect(batch.observations.row(i) == single.observation)
                }
            }
        }
        #expect(episodesEnded > 4)   // random pushes end a cart-pole episode in a few dozen steps
    }

    @Test func withoutAutoResetAnEndedCopyMustBeReset() throws {
        var vector = VectorEnvironment(copies: 2, of: DriftingTarget<Double>(), autoReset: false)
        _ = vector.reset(seed: 0)
        for _ in 0..<100 { _ = try vector.step(continuous: Matrix(rows: 2, columns: 1, repeating: 0.5)) }
        let zeros = Matrix<Double>(rows: 2, columns: 1, repeating: 0)
        #expect(throws: EnvironmentError.inCopy(index: 0, error: .episodeEnded(elapsedSteps: 100, terminated: true))) {
            try vector.step(continuous: zeros)
        }
        #expect(vector.reset(copy: 0) == [0])
        #expect(throws: EnvironmentError.inCopy(index: 1, error: .episodeEnded(elapsedSteps: 100, terminated: true))) {
            try vector.step(continuous: zeros)
        }
    }

    @Test func aBadActionMovesNoCopy() throws {
        var vector = VectorEnvironment(copies: 3, of: MountainCar<Double>())
        _ = vector.reset(seed: 5)
        let before = vector.environments.map(\.state)
        #expect(throws: EnvironmentError.inCopy(index: 2, error: .actionOutOfRange(index: 3, count: 3))) {
            try vector.step(discrete: [0, 1, 3])
        }
        #expect(vector.environments.map(\.state) == before)
        #expect(vector.environments.allSatisfy { $0.elapsedSteps == 0 })
    }

    @Test func continuousBatchFromMatrixRows() throws {
        var vector = VectorEnvironment(copies: 2, of: Pendulum<Float>())
        _ = vector.reset(seed: 1)
        var single = Pendulum<Float>()
        _ = single.reset(seed: VectorEnvironment<Pendulum<Float>>.derivedSeeds(count: 2, seed: 1)[1])
        let result = try vector.step(continuous: Matrix<Float>([[0.5], [-1.5]]))
        #expect(result.observations.row(1) == (try single.step(.continuous([-1.5]))).observation)
        #expect(result.observations.columns == 3 && result.done == [false, false])
    }
}
