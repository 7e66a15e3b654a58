import Foundation
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

extension StopRequest {
    /// Requests a stop when the process receives SIGINT (Ctrl-C) or SIGTERM, after calling
    /// `onSignal` (to print a note, say); a second signal of the same kind then ends the process
    /// as usual. Keep the returned sources while listening; cancel them to stop.
    public func requestOnTerminationSignals(onSignal: @escaping @Sendable () -> Void = {}) -> [any DispatchSourceSignal] {
        [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)   // delivered to the source instead
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [self] in
                request()
                onSignal()
                signal(number, SIG_DFL)
            }
            source.resume()
            return source
        }
    }
}
