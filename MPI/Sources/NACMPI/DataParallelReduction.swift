import NAC

/// The MPI implementation of `NaturalGradientReduction`: makes a `NaturalPolicyGradient`
/// learner on every rank compute its update from the union of all ranks' batches.
///
/// - `solve`: the explicit Fisher matrix all-reduced (`solveExplicitFisher`) when P ≤
///   `explicitFisherLimit`, otherwise conjugate gradient with all-reduced Fisher-vector products
///   (`solveConjugateGradient`); both broadcast rank 0's w, so w is bit-identical everywhere.
/// - `sum`: all-reduce, then rank 0's result broadcast (an all-reduce alone does not promise
///   the same rounding on every rank for more than two processes).
/// - `didUpdate`: checks that θ is bit-identical on every rank (`isIdenticalOnAllRanks`).
///
/// Communication failures and a θ that differs between ranks end the job (`abort`), since one
/// rank throwing while the others wait in a collective would hang it. Numerical failures of
/// the reduced solve are the same on every rank and are thrown as `.naturalGradient`.
public final class DataParallelReduction<Scalar: NACScalar>: NaturalGradientReduction {
    /// The ranks taking part.
    public let world: Communicator
    /// The largest P solved through the explicit P × P Fisher matrix (all-reduce of P² + P + 1
    /// scalars, Cholesky on every rank); above it CG with `conjugateGradientIterations` steps.
    public let explicitFisherLimit: Int
    /// CG steps (one P-vector all-reduce each) above `explicitFisherLimit`.
    public let conjugateGradientIterations: Int
    /// Identity checks passed so far (one per iteration).
    public private(set) var checks = 0
    /// θ as of the last `didUpdate` (identical on every rank once checked).
    public private(set) var lastParameters: [Scalar] = []
    /// Seconds spent in `solve` (local Fisher/CG work and its collectives).
    public private(set) var solveSeconds = 0.0

    public init(world: Communicator, explicitFisherLimit: Int = 2048, conjugateGradientIterations: Int = 20) {
        self.world = world
        self.explicitFisherLimit = explicitFisherLimit
        self.conjugateGradientIterations = conjugateGradientIterations
    }

    public func solve(_ local: FisherSystem<Scalar>) throws(TrainingError) -> NaturalGradientSolution<Scalar> {
        let start = MPIEnvironment.wallTime()
        defer { solveSeconds += MPIEnvironment.wallTime() - start }
        do {
            if local.parameterCount <= explicitFisherLimit {
                return try world.solveExplicitFisher(local)
            }
            return try world.solveConjugateGradient(
                local, options: .init(maximumIterations: conjugateGradientIterations,
                                      onNonPositiveCurvature: .returnCurrentIterate, verifyResidual: false))
        } catch {
            switch error {
            case .naturalGradient(let e): throw .naturalGradient(e)
            default: world.abort("the data-parallel natural-gradient solve failed: \(error)")
            }
        }
    }

    public func sum(_ values: [Scalar]) throws(TrainingError) -> [Scalar] {
        var buffer = values
        do {
            try world.allReduce(&buffer)
            if world.size > 2 { try world.broadcast(&buffer) }
        } catch {
            world.abort("all-reduce in the natural policy gradient failed: \(error)")
        }
        return buffer
    }

    public func didUpdate(parameters: [Scalar], iteration: Int) throws(TrainingError) {
        let identical: Bool
        do { identical = try world.isIdenticalOnAllRanks(parameters) } catch {
            world.abort("checking θ after iteration \(iteration) failed: \(error)")
        }
        guard identical else {
            world.abort("the policy parameters differ between ranks after iteration \(iteration) (\(parameters.count) parameters)")
        }
        checks += 1
        lastParameters = parameters
    }
}
