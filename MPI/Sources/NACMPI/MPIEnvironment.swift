internal import CNACMPI

/// The MPI library of this process: initialised once (`initialize()`), finalised once
/// (`finalize()`), giving the world communicator of all processes started by `mpirun`.
///
/// ```swift
/// let mpi = try MPIEnvironment.initialize()
/// let world = mpi.world
/// print("rank \(world.rank) of \(world.size)")
/// // … collectives on `world` …
/// try mpi.finalize()
/// ```
///
/// Threading: MPI is initialised with `MPI_THREAD_FUNNELED`, so every MPI call must come from
/// the thread that called `initialize()` (the main thread); compute may use other threads
/// (OpenBLAS, task groups) in between. The type is therefore not `Sendable`.
///
/// A process that is not started by `mpirun` also works: it is a world of one rank, and every
/// collective is the identity.
public final class MPIEnvironment {
    /// All processes of the job (`MPI_COMM_WORLD`, with `MPI_ERRORS_RETURN` installed).
    public let world: Communicator
    private var finalized = false

    private init(world: Communicator) { self.world = world }

    /// Initialises MPI (`MPI_Init_thread`, funneled) and installs `MPI_ERRORS_RETURN` on the
    /// world communicator so that failing calls throw `MPIError` instead of aborting silently.
    /// - Throws: `.alreadyInitialized`, `.alreadyFinalized`, `.insufficientThreadSupport`,
    ///   `.callFailed`.
    /// - Complexity: one collective start-up (process wire-up by the MPI runtime).
    public static func initialize() throws(MPIError) -> MPIEnvironment {
        var flag: Int32 = 0
        try check(MPI_Finalized(&flag), "MPI_Finalized")
        if flag != 0 { throw .alreadyFinalized }
        try check(MPI_Initialized(&flag), "MPI_Initialized")
        if flag != 0 { throw .alreadyInitialized }
        var provided: Int32 = 0
        try check(MPI_Init_thread(nil, nil, nac_mpi_thread_funneled(), &provided), "MPI_Init_thread")
        if provided < nac_mpi_thread_funneled() { throw .insufficientThreadSupport(provided: provided) }
        let world = nac_mpi_comm_world()!
        try check(MPI_Comm_set_errhandler(world, nac_mpi_errors_return()), "MPI_Comm_set_errhandler")
        return MPIEnvironment(world: try Communicator(handle: world))
    }

    /// Whether this process's MPI library has been initialised and not yet finalised.
    public static var isActive: Bool {
        var initialized: Int32 = 0, finalized: Int32 = 0
        MPI_Initialized(&initialized)
        MPI_Finalized(&finalized)
        return initialized != 0 && finalized == 0
    }

    /// Finalises MPI (`MPI_Finalize`, collective: every rank must call it). Idempotent.
    /// - Throws: `.callFailed`.
    public func finalize() throws(MPIError) {
        guard !finalized else { return }
        finalized = true
        try check(MPI_Finalize(), "MPI_Finalize")
    }

    /// Seconds since an arbitrary time in the past (`MPI_Wtime`), for timing collectives.
    public static func wallTime() -> Double { MPI_Wtime() }
}
