/// A type-erased `Environment` with observations and rewards of type `Scalar`: what
/// `EnvironmentRegistry.make` returns, so a command-line tool can hold any built-in task.
///
/// It forwards every requirement to closures made when it wraps the environment, so that, made
/// where the environment's type is concrete (as `EnvironmentRegistry.make` is, specialised for
/// `Float` and `Double`), each step runs code compiled for that type. (Forwarding through an
/// `any Environment` ran the environment's generic code unspecialised: a CartPole step paid for
/// runtime metadata lookups on every arithmetic operation.) Value semantics are kept: a copy
/// shares the wrapped state until either side mutates it, which copies it first.
public struct AnyEnvironment<Scalar: NACScalar>: Environment {
    private var storage: AnyEnvironmentStorage
    private let operations: Operations

    /// Wraps `environment` (an `AnyEnvironment` is not wrapped twice).
    public init<E: Environment>(_ environment: E) where E.Scalar == Scalar {
        if let erased = environment as? AnyEnvironment<Scalar> {
            self = erased
            return
        }
        storage = EnvironmentStorage(environment)
        operations = Operations(E.self)
    }

    /// The wrapped environment (a copy of its current state).
    public var base: any Environment<Scalar> { operations.base(storage) }

    public var name: String { operations.name(storage) }
    public var observationSpace: Space { operations.observationSpace(storage) }
    public var actionSpace: Space { operations.actionSpace(storage) }
    public var timeLimit: Int? { operations.timeLimit(storage) }
    public var elapsedSteps: Int { operations.elapsedSteps(storage) }
    public var needsReset: Bool { operations.needsReset(storage) }

    public mutating func reset(seed: UInt64) -> [Scalar] {
        makeStorageUnique()
        return operations.resetWithSeed(storage, seed)
    }

    public mutating func reset() -> [Scalar] {
        makeStorageUnique()
        return operations.reset(storage)
    }

    public mutating func step(_ action: Action) throws(EnvironmentError) -> StepResult<Scalar> {
        makeStorageUnique()
        return try operations.step(storage, action)
    }

    private mutating func makeStorageUnique() {
        if !isKnownUniquelyReferenced(&storage) { storage = operations.copy(storage) }
    }

    /// The wrapped environment's requirements, compiled for its type.
    private struct Operations: Sendable {
        let base: @Sendable (AnyEnvironmentStorage) -> any Environment<Scalar>
        let name: @Sendable (AnyEnvironmentStorage) -> String
        let observationSpace: @Sendable (AnyEnvironmentStorage) -> Space
        let actionSpace: @Sendable (AnyEnvironmentStorage) -> Space
        let timeLimit: @Sendable (AnyEnvironmentStorage) -> Int?
        let elapsedSteps: @Sendable (AnyEnvironmentStorage) -> Int
        let needsReset: @Sendable (AnyEnvironmentStorage) -> Bool
        let resetWithSeed: @Sendable (AnyEnvironmentStorage, UInt64) -> [Scalar]
        let reset: @Sendable (AnyEnvironmentStorage) -> [Scalar]
        let step: @Sendable (AnyEnvironmentStorage, Action) throws(EnvironmentError) -> StepResult<Scalar>
        let copy: @Sendable (AnyEnvironmentStorage) -> AnyEnvironmentStorage

        init<E: Environment>(_: E.Type) where E.Scalar == Scalar {
            @Sendable func cell(_ s: AnyEnvironmentStorage) -> EnvironmentStorage<E> {
                unsafeDowncast(s, to: EnvironmentStorage<E>.self)
            }
            base = { cell($0).environment }
            name = { cell($0).environment.name }
            observationSpace = { cell($0).environment.observationSpace }
            actionSpace = { cell($0).environment.actionSpace }
            timeLimit = { cell($0).environment.timeLimit }
            elapsedSteps = { cell($0).environment.elapsedSteps }
            needsReset = { cell($0).environment.needsReset }
            resetWithSeed = { cell($0).environment.reset(seed: $1) }
            reset = { cell($0).environment.reset() }
            step = { (s, action) throws(EnvironmentError) in try cell(s).environment.step(action) }
            copy = { EnvironmentStorage(cell($0).environment) }
        }
    }
}

/// The heap cell of an `AnyEnvironment`. Mutated only through an `AnyEnvironment` that holds
/// the sole reference (copy-on-write), like an array's buffer.
class AnyEnvironmentStorage: @unchecked Sendable {}

final class EnvironmentStorage<E: Environment>: AnyEnvironmentStorage, @unchecked Sendable {
    var environment: E
    init(_ environment: E) { self.environment = environment }
}
