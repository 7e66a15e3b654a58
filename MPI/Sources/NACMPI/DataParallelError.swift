import NAC

/// A failure of a data-parallel natural-gradient computation.
///
/// Every rank runs the same collective sequence on the same reduced data, so numerical failures
/// (`.naturalGradient`) happen on every rank alike and the ranks stay in step; a communication
/// failure (`.communication`) may be local to one rank, which should then abort the job.
public enum DataParallelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An MPI call failed.
    case communication(MPIError)
    /// The natural-gradient computation on the reduced statistics failed (the same on every rank).
    case naturalGradient(NaturalGradientError)
    /// The route cannot be computed from all-reduced sums: `reason` says why and what to use.
    case routeNotDistributable(route: FisherSolveRoute, reason: String)
    /// A computation done by rank 0 alone failed there (its description), so the other ranks stop too.
    case rootFailed(String)
    /// Another rank (the lowest such) failed its local validation before the collective part,
    /// so this rank stops too instead of waiting for it.
    case failedOnOtherRank(rank: Int)

    public var description: String {
        switch self {
        case .communication(let error): "communication failed: \(error)"
        case .naturalGradient(let error): "natural gradient failed: \(error)"
        case let .routeNotDistributable(route, reason): "the \(route) route is not data-parallel: \(reason)"
        case .rootFailed(let message): "rank 0 failed: \(message)"
        case .failedOnOtherRank(let rank): "rank \(rank) failed its local part of the computation"
        }
    }
}
