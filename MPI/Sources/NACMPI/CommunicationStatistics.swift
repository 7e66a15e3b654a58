/// What a communicator's collectives have cost so far: calls, payload bytes and wall time
/// spent inside MPI (waiting for the slowest rank included). Benchmarks read differences of
/// two snapshots to separate communication from compute.
public struct CommunicationStatistics: Sendable, Equatable {
    /// Collective calls made (chunks of very large all-reduces count once each).
    public var calls: Int = 0
    /// Payload bytes this rank contributed (for an all-reduce, the buffer size).
    public var bytes: Int = 0
    /// Wall-clock seconds inside MPI collectives.
    public var seconds: Double = 0

    public init() {}

    /// The cost accumulated between `earlier` and this snapshot.
    public func since(_ earlier: CommunicationStatistics) -> CommunicationStatistics {
        var d = CommunicationStatistics()
        d.calls = calls - earlier.calls
        d.bytes = bytes - earlier.bytes
        d.seconds = seconds - earlier.seconds
        return d
    }
}

/// The mutable counter behind `Communicator.statistics` (one per communicator, used only from
/// the MPI thread).
final class CommunicationCounter {
    var value = CommunicationStatistics()
}
