import Synchronization

/// A flag another thread (a signal handler's queue, a UI) sets to ask a running `TrainingRun` to
/// stop after the iteration in progress, saving everything as if the budget had been reached.
public final class StopRequest: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    /// Asks the run to stop; idempotent.
    public func request() { flag.store(true, ordering: .releasing) }

    /// Whether `request()` was called.
    public var isRequested: Bool { flag.load(ordering: .acquiring) }
}
