/// The built-in environments by name, as type-erased `AnyEnvironment`s (for `nac train` and
/// other front ends).
///
/// ```swift
/// var env: AnyEnvironment<Float> = try EnvironmentRegistry.make("cartpole")
/// print(EnvironmentRegistry.names)   // ["cartpole", "mountaincar", …]
/// ```
///
/// Every environment is built with its published defaults:
///
/// | name | environment | actions | time limit |
/// |---|---|---|---|
/// | `cartpole` | `CartPole` (CartPole-v1) | discrete 2 | 500 |
/// | `mountaincar` | `MountainCar` (MountainCar-v0) | discrete 3 | 200 |
/// | `mountaincar-continuous` | `MountainCarContinuous` (MountainCarContinuous-v0) | box 1 | 999 |
/// | `acrobot` | `Acrobot` (Acrobot-v1) | discrete 3 | 500 |
/// | `pendulum` | `Pendulum` (Pendulum-v1, g = 10) | box 1 | 200 |
/// | `lqr` | `LinearQuadraticRegulator.doubleIntegrator()` (dt 0.1, R = 0.1) | box 1 | 100 |
/// | `drifting-target` | `DriftingTarget` (Δs = 0.01, Thomas 2014) | box 1 | none (100 steps) |
/// | `chain` | `FiniteMDP.chain()` (5 states, γ 0.9, slip 0.1) | discrete 2 | 100 |
/// | `random-mdp` | `FiniteMDP.random(states: 10, actions: 3, discount: 0.9, seed: 0)`, continuing | discrete 3 | 100 |
///
/// Gymnasium ids are accepted as aliases (`CartPole-v1`, `MountainCar-v0`,
/// `MountainCarContinuous-v0`, `Acrobot-v1`, `Pendulum-v1`); names are case-insensitive.
public enum EnvironmentRegistry {
    /// The canonical names, in the order of the table above.
    public static let names = [
        "cartpole", "mountaincar", "mountaincar-continuous", "acrobot", "pendulum", "lqr", "drifting-target",
        "chain", "random-mdp",
    ]

    /// Gymnasium ids (lower-cased) mapped to canonical names.
    public static let aliases = [
        "cartpole-v1": "cartpole", "mountaincar-v0": "mountaincar",
        "mountaincarcontinuous-v0": "mountaincar-continuous", "acrobot-v1": "acrobot", "pendulum-v1": "pendulum",
    ]

    /// A one-line description of each canonical name.
    public static func summary(of name: String) -> String? {
        switch canonicalName(name) {
        case "cartpole": "CartPole-v1: balance a pole on a cart (4 observations, 2 actions, 500 steps)"
        case "mountaincar": "MountainCar-v0: drive up a hill by rocking (2 observations, 3 actions, 200 steps)"
        case "mountaincar-continuous": "MountainCarContinuous-v0: the same with a force in [-1, 1] (999 steps)"
        case "acrobot": "Acrobot-v1: swing a two-link arm up, RK4 book dynamics (6 observations, 3 actions, 500 steps)"
        case "pendulum": "Pendulum-v1: swing a pendulum up with torque in [-2, 2] (3 observations, 200 steps)"
        case "lqr": "double-integrator LQR, reward -(x'Qx + u'Ru) (2 observations, 1 action, 100 steps)"
        case "drifting-target": "Thomas (2014) drifting target: s += 0.01 to 1, reward -(a - s)^2 (1 observation, 1 action)"
        case "chain": "5-state chain MDP, reward 1 at the right end, slip 0.1 (one-hot observations, 2 actions)"
        case "random-mdp": "random continuing MDP, 10 states, 3 actions, seed 0 (one-hot observations, 100 steps)"
        default: nil
        }
    }

    /// The canonical name for `name` (lower-cased, aliases resolved), or `nil`.
    public static func canonicalName(_ name: String) -> String? {
        let key = name.lowercased()
        if names.contains(key) { return key }
        return aliases[key]
    }

    /// The environment called `name`, with `Scalar` observations and rewards.
    /// - Throws: `.unknownEnvironment` listing the known names.
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public static func make<Scalar: NACScalar>(
        _ name: String, as _: Scalar.Type = Scalar.self
    ) throws(EnvironmentError) -> AnyEnvironment<Scalar> {
        guard let canonical = canonicalName(name) else { throw .unknownEnvironment(name: name, known: names) }
        switch canonical {
        case "cartpole": return AnyEnvironment(CartPole<Scalar>())
        case "mountaincar": return AnyEnvironment(MountainCar<Scalar>())
        case "mountaincar-continuous": return AnyEnvironment(MountainCarContinuous<Scalar>())
        case "acrobot": return AnyEnvironment(Acrobot<Scalar>())
        case "pendulum": return AnyEnvironment(Pendulum<Scalar>())
        case "lqr": return AnyEnvironment(try LinearQuadraticRegulator<Scalar>.doubleIntegrator())
        case "drifting-target": return AnyEnvironment(DriftingTarget<Scalar>())
        case "chain":
            return try finite { () throws(FiniteMDPError) in try FiniteMDP<Scalar>.chain(timeLimit: 100) }
        case "random-mdp":
            return try finite { () throws(FiniteMDPError) in
                try FiniteMDP<Scalar>.random(states: 10, actions: 3, discount: 0.9, seed: 0, timeLimit: 100)
            }
        default: throw .unknownEnvironment(name: name, known: names)
        }
    }

    private static func finite<Scalar: NACScalar>(
        _ build: () throws(FiniteMDPError) -> FiniteMDP<Scalar>
    ) throws(EnvironmentError) -> AnyEnvironment<Scalar> {
        do throws(FiniteMDPError) {
            return AnyEnvironment(try build())
        } catch {
            throw .invalidConfiguration(parameter: "finite MDP", value: "default", reason: error.description)
        }
    }
}
