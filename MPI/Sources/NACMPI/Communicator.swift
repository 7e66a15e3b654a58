internal import CNACMPI
import NAC
#if canImport(Glibc)
import Glibc
#endif

/// A group of MPI processes that take part in collectives together — in practice the world
/// of `MPIEnvironment.world`: `rank` is this process's index in 0..<`size`.
///
/// Collectives (`allReduce`, `broadcast`, `gather`, `barrier`) must be called by every rank in
/// the same order with matching lengths, from the thread that initialised MPI. A rank that
/// cannot continue must call `abort(_:)`, which ends the whole job with a message, rather than
/// return early and leave the others waiting.
///
/// Not `Sendable`: MPI is initialised `MPI_THREAD_FUNNELED`.
public struct Communicator {
    let handle: MPI_Comm
    /// This process's index, 0..<size.
    public let rank: Int
    /// The number of processes.
    public let size: Int
    let counter = CommunicationCounter()

    init(handle: MPI_Comm) throws(MPIError) {
        var rank: Int32 = 0, size: Int32 = 0
        try check(MPI_Comm_rank(handle, &rank), "MPI_Comm_rank")
        try check(MPI_Comm_size(handle, &size), "MPI_Comm_size")
        self.handle = handle
        self.rank = Int(rank)
        self.size = Int(size)
    }

    /// Whether this is rank 0, the rank that writes files and reports.
    public var isRoot: Bool { rank == 0 }

    /// Calls, bytes and seconds spent in this communicator's collectives so far.
    public var statistics: CommunicationStatistics { counter.value }

    /// Ends every process of the job (`MPI_Abort`) after printing
    /// `NACMPI: rank r of n aborting the job: <message>` to standard error. Use it when one
    /// rank fails, so that the others, which may be blocked in a collective, do not hang.
    public func abort(_ message: String, exitCode: Int32 = 1) -> Never {
        writeToStandardError("NACMPI: rank \(rank) of \(size) aborting the job: \(message)\n")
        fflush(nil)
        MPI_Abort(handle, exitCode)
        exit(exitCode)   // MPI_Abort does not return; this satisfies `Never`.
    }

    /// Blocks until every rank has called it (`MPI_Barrier`).
    public func barrier() throws(MPIError) {
        try timed(bytes: 0) { () throws(MPIError) in try check(MPI_Barrier(handle), "MPI_Barrier") }
    }

    /// Runs `body` (one MPI call) and adds its time and `bytes` to the statistics.
    func timed(bytes: Int, _ body: () throws(MPIError) -> Void) throws(MPIError) {
        let start = MPI_Wtime()
        defer {
            counter.value.calls += 1
            counter.value.bytes += bytes
            counter.value.seconds += MPI_Wtime() - start
        }
        try body()
    }
}

/// The MPI datatype of a NAC scalar (`MPI_FLOAT` or `MPI_DOUBLE`).
func mpiDatatype<S: NACScalar>(_: S.Type) -> MPI_Datatype {
    if S.self == Double.self { return nac_mpi_double() }
    precondition(S.self == Float.self, "NACMPI: unsupported scalar type \(S.self)")
    return nac_mpi_float()
}

/// Elements per MPI call: counts are `Int32`, and some transports mishandle messages of 2 GiB
/// or more, so large buffers are sent in chunks of at most 2²⁶ elements (512 MiB of Double).
let maximumElementsPerCall = 1 << 26

/// Writes `text` to file descriptor 2 unbuffered (no shared `stderr` stream: Swift 6 strict
/// concurrency rejects the C global).
public func writeToStandardError(_ text: String) {
    var bytes = Array(text.utf8)
    bytes.withUnsafeMutableBytes { raw in
        var offset = 0
        while offset < raw.count {
            let n = write(2, raw.baseAddress! + offset, raw.count - offset)
            if n <= 0 { break }
            offset += n
        }
    }
}
