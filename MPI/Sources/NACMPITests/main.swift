import NAC
import NACMPI
#if canImport(Glibc)
import Glibc
#endif

// The NACMPI test driver, run by MPI/run-tests.sh under `mpirun -np 2`.
//
//   NACMPITests              run every test; rank 0 prints `N passed, M failed`; exit 1 on failure
//   NACMPITests fail-abort   the last rank meets an error and aborts the job (`Communicator.abort`)
//                            while the others wait in an all-reduce: the job must end, not hang
//   NACMPITests fail-exit    the last rank exits without MPI_Finalize while the others wait:
//                            mpirun must end the job

let mode = CommandLine.arguments.dropFirst().first ?? "test"
let mpi: MPIEnvironment
do {
    mpi = try MPIEnvironment.initialize()
} catch {
    writeToStandardError("NACMPITests: \(error)\n")
    exit(2)
}
let world = mpi.world

switch mode {
case "fail-abort", "fail-exit":
    if world.rank == world.size - 1 && world.size > 1 {
        if mode == "fail-exit" {
            writeToStandardError("NACMPITests: rank \(world.rank) exits without finalising (deliberate)\n")
            exit(3)
        }
        do {
            // A local failure: a non-finite score in this rank's batch.
            _ = try FisherSystem<Double>(scores: Matrix(rows: 1, columns: 2, elements: [1, .nan]),
                                         advantages: [1], damping: 0)
        } catch {
            world.abort("deliberate failure: \(error)")
        }
    }
    // The other ranks wait for a collective the failed rank never joins.
    var buffer = [1.0]
    try? world.allReduce(&buffer)
    writeToStandardError("NACMPITests: rank \(world.rank) was not stopped by the failure\n")
    exit(4)
default:
    var harness = Harness(world: world)
    if world.isRoot { print("NACMPITests on \(world.size) processes") }
    runAllTests(&harness)
    runTrainingTests(&harness)
    if world.isRoot { print("\(harness.passed) passed, \(harness.failed) failed") }
    do { try mpi.finalize() } catch { writeToStandardError("NACMPITests: \(error)\n") }
    exit(harness.failed == 0 ? 0 : 1)
}
