import ArgumentParser
import Foundation
import NAC

/// `nac evaluate POLICY.json ENV`: mean ± standard deviation of a saved policy's returns.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a saved policy in an environment and print the mean ± std of its episode returns.",
        discussion: """
        POLICY is a policy in NAC's JSON model format (for example runs/cartpole-npg-seed0/policy.json \
        from nac train). Actions are drawn from the policy, or with --deterministic taken as the most \
        probable action (categorical) or the mean (Gaussian). Episode k is reset with the k-th seed \
        derived from --seed.

        Example: swift run -c release nac evaluate runs/cartpole-npg-seed0/policy.json cartpole --episodes 100
        """)

    @Argument(help: "The saved policy (NAC JSON).") var policy: String
    @Argument(help: "The environment.") var environment: String
    @Option(help: "Episodes to run.") var episodes: Int = 100
    @Option(help: "Random seed.") var seed: UInt64 = 12345
    @Flag(help: "Take the most probable action / the mean instead of sampling.") var deterministic = false

    func validate() throws {
        guard EnvironmentRegistry.canonicalName(environment) != nil else {
            throw ValidationError("unknown environment '\(environment)' (known: \(EnvironmentRegistry.names.joined(separator: ", ")))")
        }
        guard episodes >= 1 else { throw ValidationError("--episodes must be at least 1, got \(episodes)") }
    }

    func run() throws {
        let model: SavedModel<Double>
        do { model = try SavedModel<Double>(contentsOf: URL(fileURLWithPath: policy)) } catch {
            throw CommandError("policy \(policy): \(error)")
        }
        let env: AnyEnvironment<Double> = try EnvironmentRegistry.make(environment)
        let start = Date()
        let returns: [Double]
        do {
            returns = try PolicyEvaluation.returns(of: model, in: env, episodes: episodes, seed: seed, deterministic: deterministic)
        } catch { throw CommandError("\(error)") }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(returns.count - 1, 1))
        print(String(format: "%@ on %@ (%@, %d episodes): return %.2f ± %.2f (min %.1f, max %.1f) in %.1f s",
                     policy, env.name, deterministic ? "deterministic" : "stochastic", returns.count, mean,
                     variance.squareRoot(), returns.min()!, returns.max()!, Date().timeIntervalSince(start)))
    }
}
