/// A type-erased `Environment` with observations and rewards of type `Scalar`: what
/// `EnvironmentRegistry.make` returns, so a command-line tool can hold any built-in task.
///
/// It forwards every requirement to the wrapped environment (one existential call per step).
public struct AnyEnvironment<Scalar: NACScalar>: Environment {
    /// The wrapped environment.
    public private(set) var base: any Environment<Scalar>

    /// Wraps `environment`.
    public init<E: Environment>(_ environment: E) where E.Scalar == Scalar {
        if let erased = environment as? AnyEnvironment<Scalar> {
            base = erased.base
        } else {
            base = environment
        }
    }

    public var name: String { base.name }
    public var observationSpace: Space { base.observationSpace }
    public var actionSpace: Space { base.actionSpace }
    public var timeLimit: Int? { base.timeLimit }
    public var elapsedSteps: Int { base.elapsedSteps }
    public var needsReset: Bool { base.needsReset }

    public mutating func reset(seed: UInt64) -> [Scalar] { base.reset(seed: seed) }
    public mutating func reset() -> [Scalar] { base.reset() }
    public mutating func step(_ action: Action) throws(EnvironmentError) -> StepResult<Scalar> {
        try base.step(action)
    }
}
