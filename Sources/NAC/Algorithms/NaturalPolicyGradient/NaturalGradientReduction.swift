/// How a `NaturalPolicyGradient` learner combines its batch with the batches of other learners
/// that train the same policy on their own environments — the hook for data-parallel training
/// (the MPI implementation lives in the optional `NACMPI` package; the NAC library knows
/// nothing of MPI).
///
/// When a learner has a reduction (`NaturalPolicyGradient.reduction`), every batch mean that
/// decides the policy update is taken over the union of all participants' batches:
/// the advantage normalisation, the natural gradient w (`solve`), the curvature wᵀFw, and the
/// line search's mean KL and surrogate. So, as long as every participant starts from the same θ
/// and the reduction returns bit-identical results everywhere, every participant makes the same
/// update. The value baseline stays local (each participant fits its own V to its own batch).
///
/// Every method is collective: all participants call it in the same order with values of the
/// same length. An implementation that cannot communicate must end the whole job rather than
/// throw on one participant only (the others would wait forever).
public protocol NaturalGradientReduction<Scalar> {
    associatedtype Scalar: NACScalar

    /// The natural gradient of the union of the participants' systems (`local` is this
    /// participant's B_r × P system, with the learner's damping), the same on every participant.
    /// The single-process equivalent is `local.solve()`.
    func solve(_ local: FisherSystem<Scalar>) throws(TrainingError) -> NaturalGradientSolution<Scalar>

    /// The element-wise sum of `values` over all participants, bit-identical on every
    /// participant. The single-process equivalent is `values`.
    func sum(_ values: [Scalar]) throws(TrainingError) -> [Scalar]

    /// Called at the end of every iteration with the policy parameters θ (after the update, if
    /// one was accepted): for example to check that θ is bit-identical on every participant.
    func didUpdate(parameters: [Scalar], iteration: Int) throws(TrainingError)
}
