internal import CNACMPI

/// The element-wise operation of an all-reduce.
public enum ReductionOperation: Sendable, Equatable {
    /// Σ over ranks (`MPI_SUM`). Floating-point sums are rounded in an order chosen by MPI, so
    /// they may differ from a sequential sum in the last bits. Open MPI's algorithms give every
    /// rank the same bits, but the MPI standard only recommends it, so NACMPI broadcasts
    /// parameter updates from rank 0 instead of relying on it.
    case sum
    /// max over ranks (`MPI_MAX`).
    case maximum
    /// min over ranks (`MPI_MIN`).
    case minimum

    var handle: MPI_Op {
        switch self {
        case .sum: nac_mpi_sum()
        case .maximum: nac_mpi_max()
        case .minimum: nac_mpi_min()
        }
    }
}
