import Testing
@testable import NAC

@Suite struct DriftingTargetTests {
    @Test func hundredStepsOfOneHundredth() throws {
        var env = DriftingTarget<Double>()
        #expect(env.episodeLength == 100 && env.reset(seed: 7) == [0])
        let theta = 0.3
        var total = 0.0
        for k in 0..<100 {
            let r = try env.step(.continuous([theta]))
            let s = Double(k) * 0.01
            #expect(abs(r.reward - -(theta - s) * (theta - s)) < 1e-15)
            #expect(r.terminated == (k == 99) && !r.truncated)
            #expect(abs(r.observation[0] - min(Double(k + 1) * 0.01, 1)) < 1e-15)
            total += r.reward
        }
        // Σ_k (θ − k/100)² for k = 0..99, in closed form: 100θ² − 2θ·49.5 + Σk²/10⁴.
        let closedForm = 100 * theta * theta - 2 * theta * 49.5 + 328_350.0 / 10_000
        #expect(abs(total + closedForm) < 1e-12)
        #expect(throws: EnvironmentError.episodeEnded(elapsedSteps: 100, terminated: true)) {
            try env.step(.continuous([0]))
        }
    }

    @Test func coarseDriftIsClippedAtOne() throws {
        var env = try DriftingTarget<Float>(stepSize: 0.3)
        _ = env.reset()
        var observations = [Float]()
        while true {
            let r = try env.step(.continuous([0]))
            observations.append(r.observation[0])
            if r.isDone { break }
        }
        #expect(observations == [Float(0.3), Float(2 * 0.3), Float(3 * 0.3), 1])
    }

    @Test func invalidStepSizeThrows() {
        #expect(throws: EnvironmentError.invalidConfiguration(parameter: "stepSize", value: "0.0", reason: "must be in (0, 1]")) {
            _ = try DriftingTarget<Double>(stepSize: 0)
        }
        #expect(throws: EnvironmentError.self) { _ = try DriftingTarget<Double>(stepSize: 1.5) }
    }
}

@Suite struct LinearQuadraticRegulatorTests {
    @Test func stepByHand() throws {
        var env = try LinearQuadraticRegulator<Double>.doubleIntegrator(timeStep: 0.1, inputCost: 0.1, horizon: 3)
        _ = env.reset(to: [1, -0.5])
        let r = try env.step(.continuous([2]))
        // x' = [1 + 0.1(−0.5) + 0.005·2, −0.5 + 0.1·2] = [0.96, −0.3]; r = −(1 + 0.25 + 0.1·4).
        #expect(abs(r.observation[0] - 0.96) < 1e-15 && abs(r.observation[1] - -0.3) < 1e-15)
        #expect(abs(r.reward - -1.65) < 1e-15)
        _ = try env.step(.continuous([0]))
        let last = try env.step(.continuous([0]))
        #expect(last.truncated && !last.terminated && env.needsReset)
    }

    @Test func noiseHasTheConfiguredStandardDeviation() throws {
        let sigma = 0.3
        var env = try LinearQuadraticRegulator<Double>(
            stateMatrix: .zeros(rows: 1, columns: 1), inputMatrix: Matrix([[1]]), stateCost: .identity(1),
            inputCost: .identity(1), horizon: 4000, noiseStandardDeviation: sigma)
        _ = env.reset(seed: 3)
        var sum = 0.0, sumSquares = 0.0
        for _ in 0..<4000 {
            let x = try env.step(.continuous([0.25])).observation[0] - 0.25  // A = 0: x' = u + σε
            sum += x
            sumSquares += x * x
        }
        let mean = sum / 4000, sd = (sumSquares / 4000 - mean * mean).squareRoot()
        #expect(abs(mean) < 4 * sigma / 4000.0.squareRoot())
        #expect(abs(sd - sigma) < 0.02)
    }

    @Test func resetsInsideTheInitialBox() {
        var env = try! LinearQuadraticRegulator<Double>.doubleIntegrator()
        for seed in 0..<100 {
            let o = env.reset(seed: UInt64(seed))
            #expect(o.allSatisfy { $0 >= -1 && $0 < 1 })
        }
    }

    @Test func badConfigurationThrows() {
        #expect(throws: EnvironmentError.invalidConfiguration(parameter: "inputMatrix", value: "3 × 1",
                                                              reason: "B must be 2 × m with m ≥ 1")) {
            _ = try LinearQuadraticRegulator<Double>(stateMatrix: .identity(2), inputMatrix: .zeros(rows: 3, columns: 1),
                                                     stateCost: .identity(2), inputCost: .identity(1))
        }
        #expect(throws: EnvironmentError.self) {
            _ = try LinearQuadraticRegulator<Double>(stateMatrix: Matrix([[Double.nan]]), inputMatrix: Matrix([[1]]),
                                                     stateCost: .identity(1), inputCost: .identity(1))
        }
        #expect(throws: EnvironmentError.self) {
            _ = try LinearQuadraticRegulator<Double>(stateMatrix: .identity(1), inputMatrix: Matrix([[1]]),
                                                     stateCost: .identity(1), inputCost: .identity(1), horizon: 0)
        }
    }
}
