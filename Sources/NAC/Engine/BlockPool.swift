import Synchronization

/// Recycles the engine's value buffers between evaluations.
///
/// Every evaluation allocates the same set of buffer sizes. Returning them to the C allocator
/// lets it give the pages back to the kernel, and the next evaluation then pays a page fault
/// per 4 KiB on first touch (about 2 µs each on these VMs, measured as 6% of a W1 Jacobian).
/// The pool keeps freed buffers by size — at most `maximumPerSize` of each and
/// `maximumBytes` in all — and hands them out again. Thread-safe.
final class BlockPool: Sendable {
    static let shared = BlockPool()

    static let maximumBytes = 512 << 20
    static let maximumPerSize = 32
    /// Buffers smaller than this go straight to malloc, which recycles them well by itself.
    static let minimumBytes = 16 << 10

    /// Free buffers by size, as addresses (plain integers keep the state `Sendable`).
    private struct State: Sendable {
        var free: [Int: [UInt]] = [:]
        var pooledBytes = 0
    }

    private let state = Mutex(State())

    func take(bytes: Int) -> UnsafeMutableRawPointer {
        if bytes >= Self.minimumBytes {
            let reused: UInt? = state.withLock { s in
                guard var list = s.free[bytes], let p = list.popLast() else { return nil }
                s.free[bytes] = list
                s.pooledBytes -= bytes
                return p
            }
            if let reused, let p = UnsafeMutableRawPointer(bitPattern: reused) { return p }
        }
        // No `HugePages.advise` here. Measured on a fresh W3 Jacobian (B = 4096, float32), three
        // processes each: advising these blocks as well as the Jacobian made every process's
        // first call take 3.3–3.8 s, against 0.26–1.8 s for the Jacobian alone and 0.7–0.9 s
        // for no advice (later calls 0.21–0.26 s with advice, 0.64–0.76 s without). The pool
        // reuses its blocks, so they fault only once anyway.
        return .allocate(byteCount: bytes, alignment: 64)
    }

    func give(_ pointer: UnsafeMutableRawPointer, bytes: Int) {
        if bytes >= Self.minimumBytes {
            let address = UInt(bitPattern: pointer)
            let kept: Bool = state.withLock { s in
                guard s.pooledBytes + bytes <= Self.maximumBytes,
                      (s.free[bytes]?.count ?? 0) < Self.maximumPerSize else { return false }
                s.free[bytes, default: []].append(address)
                s.pooledBytes += bytes
                return true
            }
            if kept { return }
        }
        pointer.deallocate()
    }
}
