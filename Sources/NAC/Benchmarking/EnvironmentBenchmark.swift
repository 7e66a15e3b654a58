import Foundation

/// Environment steps per second of every built-in environment, stepped with uniformly random
/// actions (uniform index; uniform in the action box, unbounded components in [−1, 1]) and
/// reset when an episode ends — what `nac bench environments` prints. Action draws are
/// included in the time (they are a small part of it).
public enum EnvironmentBenchmark {
    public struct Result: Sendable {
        public var name: String
        public var steps: Int
        public var episodes: Int
        public var seconds: Double
        public var stepsPerSecond: Double { Double(steps) / seconds }
    }

    /// Steps `name` (as `Scalar`) for about `seconds` seconds.
    public static func measure<Scalar: NACScalar>(
        _ name: String, as _: Scalar.Type = Scalar.self, seconds: Double, seed: UInt64 = 0
    ) throws(EnvironmentError) -> Result {
        var env: AnyEnvironment<Scalar> = try EnvironmentRegistry.make(name)
        var rng = Xoshiro256StarStar(seed: seed)
        _ = env.reset(seed: seed)
        let space = env.actionSpace
        var steps = 0, episodes = 0
        let start = Date()
        var elapsed = 0.0
        while elapsed < seconds {
            for _ in 0..<1000 {
                let action: Action
                switch space {
                case .discrete(let n): action = .discrete(Int(rng.next() % UInt64(n)))
                case .box(let lower, let upper):
                    action = .continuous(zip(lower, upper).map { l, u in
                        let lo = l.isFinite ? l : -1, hi = u.isFinite ? u : 1
                        return lo + rng.uniform(Double.self) * (hi - lo)
                    })
                }
                let result = try env.step(action)
                steps += 1
                if result.isDone {
                    episodes += 1
                    _ = env.reset()
                }
            }
            elapsed = Date().timeIntervalSince(start)
        }
        return Result(name: name, steps: steps, episodes: episodes, seconds: elapsed)
    }
}
