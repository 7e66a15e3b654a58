internal import CNACMPI

/// A failed MPI call, or a misuse of the MPI environment, as a typed error.
///
/// NACMPI installs `MPI_ERRORS_RETURN` on the world communicator, so a failing call returns its
/// error code instead of aborting inside the library; the wrapper turns it into
/// `.callFailed(call:code:message:)` naming the MPI function, its return code and Open MPI's
/// text for it (`MPI_Error_string`). Failures that leave the job inconsistent (a collective that
/// failed on one rank only) cannot be recovered: call `Communicator.abort(_:)` with the error's
/// description so that every rank stops instead of waiting forever.
public enum MPIError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The MPI function `call` returned `code` (not `MPI_SUCCESS`); `message` is MPI's text for it.
    case callFailed(call: String, code: Int32, message: String)
    /// `MPIEnvironment.initialize()` was called after MPI was initialised (MPI allows it once).
    case alreadyInitialized
    /// An MPI call was attempted after `MPI_Finalize`.
    case alreadyFinalized
    /// The library granted a lower thread-support level than `MPI_THREAD_FUNNELED`.
    case insufficientThreadSupport(provided: Int32)
    /// The ranks disagree about a value that must be the same everywhere (`what` names it), for
    /// example the length of the parameter vector.
    case inconsistentAcrossRanks(what: String, minimum: Double, maximum: Double)

    /// `.callFailed` for `call` and `code`, with MPI's own text for the code.
    public init(call: String, code: Int32) {
        var buffer = [CChar](repeating: 0, count: Int(nac_mpi_max_error_string()) + 1)
        var length: Int32 = 0
        let status = MPI_Error_string(code, &buffer, &length)
        let text = status == nac_mpi_success()
            ? String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            : "unknown MPI error code"
        self = .callFailed(call: call, code: code, message: text)
    }

    public var description: String {
        switch self {
        case let .callFailed(call, code, message):
            "\(call) failed with error code \(code): \(message)"
        case .alreadyInitialized:
            "MPI is already initialised (MPIEnvironment.initialize() may be called once per process)"
        case .alreadyFinalized:
            "MPI has already been finalised"
        case let .insufficientThreadSupport(provided):
            "MPI granted thread support level \(provided), below MPI_THREAD_FUNNELED"
        case let .inconsistentAcrossRanks(what, minimum, maximum):
            "the ranks disagree about \(what): values range from \(minimum) to \(maximum)"
        }
    }
}

/// Throws `.callFailed` unless `code` is `MPI_SUCCESS`.
@inline(__always)
func check(_ code: Int32, _ call: StaticString) throws(MPIError) {
    if code != nac_mpi_success() { throw MPIError(call: "\(call)", code: code) }
}
