/// A learner behind closures that were compiled for its concrete type.
///
/// Learners are generic (over the scalar, the policy and the environment), and a call through
/// `any Learner` reaches the generic implementation: every array element and arithmetic operation
/// then goes through runtime metadata. Measured: the Thomas (2014) Figure 1 reproduction spent
/// about a third of its time in `swift_getGenericMetadata` and related lookups (11.2 s for 60
/// episodes, 3.2 s once specialised); the CartPole `npg` job spent about a fifth in value-witness
/// copies and generic arithmetic. Wrapping the learner where its type is concrete — in a
/// factory specialised for `Float` and `Double` — makes the optimiser compile `iterate()` for
/// that type; the wrapper then forwards to it.
///
/// Value semantics are kept: a copy shares the learner until either side iterates, which then
/// copies it first.
public struct SpecializedLearner<Scalar: NACScalar>: Learner {
    public let name: String
    private var storage: AnyObject
    private let iterateStorage: (AnyObject) throws -> LearnerIteration
    private let policyOfStorage: (AnyObject) -> SavedModel<Scalar>
    private let learnerOfStorage: (AnyObject) -> any Learner<Scalar>
    private let copyOfStorage: (AnyObject) -> AnyObject

    /// Wraps `learner`. Call it where `L` is a concrete type (not from generic code), or the
    /// closures are as generic as the learner.
    public init<L: Learner>(_ learner: L) where L.Scalar == Scalar {
        name = learner.name
        storage = LearnerStorage(learner)
        iterateStorage = { try unsafeDowncast($0, to: LearnerStorage<L>.self).learner.iterate() }
        policyOfStorage = { unsafeDowncast($0, to: LearnerStorage<L>.self).learner.currentPolicy }
        learnerOfStorage = { unsafeDowncast($0, to: LearnerStorage<L>.self).learner }
        copyOfStorage = { LearnerStorage(unsafeDowncast($0, to: LearnerStorage<L>.self).learner) }
    }

    public mutating func iterate() throws -> LearnerIteration {
        if !isKnownUniquelyReferenced(&storage) { storage = copyOfStorage(storage) }
        return try iterateStorage(storage)
    }

    public var currentPolicy: SavedModel<Scalar> { policyOfStorage(storage) }

    /// The wrapped learner as it is now (a copy), for its own API: cast it to its type.
    public var wrapped: any Learner<Scalar> { learnerOfStorage(storage) }
}

/// The heap cell of a `SpecializedLearner`.
private final class LearnerStorage<L: Learner> {
    var learner: L
    init(_ learner: L) { self.learner = learner }
}
