import Foundation
import Synchronization

/// Process-wide limit on the threads the engine's per-sample Jacobian uses when its caller does
/// not pass a thread count.
///
/// Writing a large B × P Jacobian is memory-bound, and on this project's 2-core machines two
/// threads fill memory about 1.7× faster than one; a long batch of a small policy is
/// compute-bound and splits just as well. So large per-sample Jacobians split their rows over
/// threads. Small ones do not: waking a sleeping thread costs 50–100 µs on these virtual machines.
public enum EngineThreads {
    /// 0 means "the active processor count".
    private static let storedMaximum = Atomic<Int>(0)

    /// Jacobians of at least this many bytes use threads.
    public static let minimumParallelBytes = 8 << 20
    /// Batches of at least this many rows use threads, whatever the Jacobian's size.
    public static let minimumParallelRows = 2048
    /// Every thread gets at least this many rows.
    public static let minimumRowsPerThread = 64

    /// The most threads an automatic per-sample Jacobian uses (default: the active processor
    /// count). Set it to 1 when the process already runs one computation per core — one MPI
    /// rank per core, or your own parallel loop over independent batches. Values below 1 are
    /// refused.
    public static var maximum: Int {
        get {
            let stored = storedMaximum.load(ordering: .relaxed)
            return stored > 0 ? stored : Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
        }
        set {
            precondition(newValue >= 1, "EngineThreads.maximum: \(newValue) threads requested")
            storedMaximum.store(newValue, ordering: .relaxed)
        }
    }

    /// The contiguous rows thread `thread` of `threadCount` takes out of `rows`: sizes differ by at
    /// most one, in order.
    public static func rows(ofThread thread: Int, of threadCount: Int, rows: Int) -> Range<Int> {
        (thread * rows / threadCount)..<((thread + 1) * rows / threadCount)
    }

    /// The thread count for a per-sample Jacobian of `rows` rows and `bytes` bytes: `maximum`
    /// from `minimumParallelBytes` or `minimumParallelRows` on, 1 below both, and never fewer
    /// than `minimumRowsPerThread` rows per thread.
    ///
    /// Measured (W1, P = 5708, and W2, P = 226; median ratios of one thread's time to two
    /// threads'): W1 float64 B = 256 (11.7 MB) 1.2–1.3×, B = 1024 1.5–1.7×, B = 4096 1.5×;
    /// W1 float32 B = 256 (5.8 MB) 0.8–0.9×; W2 B = 1024 0.9×, B = 4096 1.8×.
    public static func automaticCount(rows: Int, bytes: Int) -> Int {
        guard bytes >= minimumParallelBytes || rows >= minimumParallelRows else { return 1 }
        return Swift.max(1, Swift.min(maximum, rows / minimumRowsPerThread))
    }
}
