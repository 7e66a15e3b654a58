internal import CNACLapack

/// Process-wide settings of the BLAS/LAPACK library (OpenBLAS).
public enum LinearAlgebra {
    /// The number of threads OpenBLAS uses for one BLAS/LAPACK call.
    ///
    /// Set it before heavy work: on a 2-core machine one thread is faster for matrices below
    /// about 256 × 256, and when your own code runs several computations in parallel, nested
    /// OpenBLAS threads oversubscribe the cores. The environment variable
    /// `OPENBLAS_NUM_THREADS` sets the initial value. Values below 1 are refused.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
        set {
            precondition(newValue >= 1, "LinearAlgebra.threadCount: \(newValue) threads requested")
            openblas_set_num_threads(Int32(clamping: newValue))
        }
    }
}
