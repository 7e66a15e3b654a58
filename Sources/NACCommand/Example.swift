import ArgumentParser
import Foundation
import NAC
import NACExamples

/// `nac example NAME`: runs one of the worked examples of NACExamples and prints its result.
struct Example: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a worked example and print its result.",
        discussion: """
        lqr       A loss containing ∂V/∂x: policy iteration for continuous-time LQR with an MLP value \
        function fitted to the HJB residual; the learned gain against the Riccati gain.
        cartpole  Gradients through a simulation: cart-pole swing-up by back-propagation through \
        an RK4 rollout, trained with Adam; the wall time to a rollout that ends upright and still.
        argmin    Gradients through an argmin: Q-learning with a Q convex in the action, the TD \
        target through min_v Q(x⁺, v) differentiated by the implicit-function theorem; derivative \
        checks and the greedy gain against the Riccati gain.
        sac       Checking hand-derived gradients: discrete soft actor-critic policy and critic \
        losses, engine vs hand formulas vs finite differences.
        replay    Per-sample scores in an actor-critic loop: a replay-buffer natural actor-critic \
        on CartPole, scoring every minibatch batched and per sample; the speed-up.
        Run in release (swift run -c release nac example NAME) for the timings.
        """)

    enum Name: String, ExpressibleByArgument, CaseIterable {
        case lqr, cartpole, argmin, sac, replay
    }

    @Argument(help: "The example to run.")
    var name: Name

    @Option(help: "Random seed.") var seed: UInt64 = 0

    @Option(help: "cartpole: the most Adam iterations.") var maximumIterations: Int = 2000

    func validate() throws {
        guard maximumIterations >= 1 else {
            throw ValidationError("--maximum-iterations must be at least 1, got \(maximumIterations)")
        }
    }

    func run() throws {
        switch name {
        case .lqr: try runLQR()
        case .cartpole: runCartPole()
        case .argmin: try runArgmin()
        case .sac: runSAC()
        case .replay: try runReplay()
        }
    }

    func runLQR() throws {
        let problems = [("scalar", LQRPolicyIterationExample.Problem.scalar), ("2-D", .twoDimensional)]
        for (activation, hidden, samples) in [(FeedForwardNetwork.Activation.square, [6], 64), (.tanh, [16, 16], 256)] {
            for (label, problem) in problems {
                var configuration = LQRPolicyIterationExample.Configuration()
                configuration.seed = seed
                configuration.activation = activation
                configuration.hiddenLayers = hidden
                configuration.samples = samples
                let result = try LQRPolicyIterationExample.run(problem, configuration: configuration)
                let reference = try ContinuousAlgebraicRiccati.solve(
                    a: problem.a, b: problem.b, q: problem.q, r: problem.r, initialGain: problem.initialGain)
                let error = (result.gain - reference.gain).maximumMagnitude / reference.gain.maximumMagnitude
                let sizes = [problem.stateDimension] + hidden + [1]
                print("LQR \(label): V = MLP \(sizes) \(activation), \(samples) states, \(configuration.policyIterations) policy iterations (\(format(result.seconds)) s)")
                for (i, (k, e)) in zip(result.gainHistory, result.residualRMS).enumerated() {
                    print("  iteration \(i + 1): HJB residual RMS \(format(e)), gain [\(k.elements.map(format).joined(separator: ", "))]")
                }
                print("  learned K = [\(result.gain.elements.map(format).joined(separator: ", "))], Riccati K* = [\(reference.gain.elements.map(format).joined(separator: ", "))], relative error \(format(error))")
            }
        }
    }

    func runCartPole() {
        var configuration = CartPoleSwingUpExample.Configuration()
        configuration.seed = seed
        configuration.maximumIterations = maximumIterations
        print("Cart-pole swing-up: controller MLP [5, \(configuration.hiddenLayers.map(String.init).joined(separator: ", ")), 1], \(configuration.initialStates.rows) initial states hanging down, \(configuration.horizon) s rollouts of RK4 steps of \(configuration.timeStep) s, Adam")
        let result = CartPoleSwingUpExample.run(configuration)
        let every = Swift.max(1, result.losses.count / 10)
        for (i, loss) in result.losses.enumerated() where i % every == 0 || i == result.losses.count - 1 {
            print("  iteration \(i + 1): loss \(format(loss))")
        }
        if let iterations = result.solvedAtIteration, let seconds = result.secondsToSolve {
            print("every rollout ends upright and still after \(iterations) iterations: \(format(seconds)) s wall time")
        } else {
            print("not solved in \(result.iterations) iterations (\(format(result.seconds)) s)")
        }
        print("final states (x, ẋ, ϑ, ϑ̇):")
        for b in 0..<result.finalStates.rows { print("  (\(result.finalStates.row(b).map(format).joined(separator: ", ")))") }
    }

    func runArgmin() throws {
        let problem = ConvexQLearningExample.Problem.doubleIntegrator
        let reference = try DiscreteAlgebraicRiccati.solve(a: problem.a, b: problem.b, q: problem.q, r: problem.r,
                                                           discount: problem.discount)
        for (activation, hidden) in [(FeedForwardNetwork.Activation.square, [6]), (.tanh, [16])] {
            var configuration = ConvexQLearningExample.Configuration()
            configuration.seed = seed
            configuration.activation = activation
            configuration.hiddenLayers = hidden
            let result = try ConvexQLearningExample.run(problem, configuration: configuration)
            let error = (result.gain - reference.gain).maximumMagnitude / reference.gain.maximumMagnitude
            print("Q-learning: Q(x, u) = ½ a(x) u² + b(x) u + c(x), (a, b, c) from an MLP \(result.qNetwork.network.layerSizes) \(activation), \(configuration.samples) transitions, γ = \(problem.discount)")
            print("  TD residual RMS \(format(result.initialResidualRMS)) → \(format(result.residualRMS)) in \(result.iterations) Gauss–Newton iterations (\(format(result.seconds)) s)")
            print("  greedy gain K = [\(result.gain.elements.map(format).joined(separator: ", "))], Riccati K* = [\(reference.gain.elements.map(format).joined(separator: ", "))], relative error \(format(error))")
            for (label, theta) in [("initial", result.initialParameters), ("trained", result.parameters)] {
                let c = ConvexQLearningExample.checks(result.qNetwork, at: theta, transitions: result.transitions,
                                                      discount: problem.discount)
                print("  checks at the \(label) θ (worst relative errors):")
                print("    ∂u*/∂θ by the implicit-function rule vs finite differences  \(format(c.argminJacobian.maximumRelativeError))")
                print("    u* tangent (JVP) vs Jacobian × direction                    \(format(c.argminTangent.maximumRelativeError))")
                print("    envelope: d/dθ min_v Q (through u*) vs ∂Q/∂θ at v = u*       \(format(c.envelope.maximumRelativeError))")
                print("    d/dθ min_v Q vs finite differences                          \(format(c.minimumGradient.maximumRelativeError))")
                print("    TD residuals' per-sample Jacobian vs finite differences     \(format(c.temporalDifferenceJacobian.maximumRelativeError))")
                print("    Q_uu by forward-over-reverse vs a(x)                        \(format(c.curvature.maximumRelativeError))")
                print("    max |∂Q/∂u| at u*                                           \(format(c.stationarity))")
            }
        }
    }

    func runReplay() throws {
        var configuration = ReplayNaturalActorCriticExample.Configuration()
        configuration.seed = seed
        print("Replay-buffer natural actor-critic on CartPole: softmax policy MLP [4, \(configuration.hiddenLayers.map(String.init).joined(separator: ", ")), 2], \(configuration.stepsPerIteration) steps per iteration, minibatches of \(configuration.minibatchSize) from a buffer of \(configuration.bufferCapacity), KL step \(configuration.trustRegion)")
        let r = try ReplayNaturalActorCriticExample.run(configuration)
        for (i, m) in r.meanReturns.enumerated() where i % 5 == 4 || i == r.meanReturns.count - 1 {
            print("  iteration \(i + 1): mean return \(format(m))")
        }
        print("scores of \(r.meanReturns.count) minibatches: batched \(format(r.batchedScoringSeconds)) s, per sample \(format(r.perSampleScoringSeconds)) s — speed-up \(format(r.speedUp))×; largest difference \(format(r.largestScoreDifference))")
    }

    func runSAC() {
        typealias SAC = DiscreteSoftActorCriticExample
        let architecture = SAC.Architecture(stateDimension: 4, actionCount: 3, hiddenLayers: [16])
        let weights = SAC.Weights.random(architecture, seed: seed)
        let batch = SAC.Batch.random(architecture, size: 32, seed: seed &+ 1)
        print("Discrete SAC: policy and critic MLP \(architecture.network.network.layerSizes) tanh, random weights (seed \(seed)), batch 32, α = 0.2, γ = 0.99")
        print(SAC.check(architecture, weights: weights, batch: batch))
    }

    /// Six significant digits.
    func format(_ x: Double) -> String { String(format: "%.6g", x) }
}
