#if canImport(Glibc)
import Glibc
#endif

/// Transparent huge pages for large, freshly allocated buffers.
///
/// The first write to each 4 KiB page of a new allocation faults into the kernel, about 2 µs a
/// page on this project's VMs: writing a fresh 47 MB Jacobian (W1, B = 1024, Double) costs
/// 23 ms of faults against 2 ms of writes. Linux's default (`transparent_hugepage = madvise`)
/// maps 2 MiB pages only where asked; asking before the first write makes one fault per 2 MiB
/// (measured in C on a fresh 47 MB buffer: 28 → 7 ms; 187 MB: 89 → 25 ms).
///
/// The first huge pages a process takes can cost the kernel a compaction of free memory, which
/// grows with the size. Fresh W1 float64 Jacobians, three processes each, first call / later
/// calls, advised vs not:
///
/// | B | size | advised | not advised |
/// |---|---|---|---|
/// | 1024 | 47 MB | 17–89 / 11–20 ms | 37–53 / 29–44 ms |
/// | 4096 | 187 MB | 49–442 / 35–183 ms | 119–193 / 97–134 ms |
/// | 16384 | 748 MB | 1.0–1.6 s / 133–166 ms | 0.47–0.51 s / 385–513 ms |
///
/// and W3 float32 at B = 4096 (1.38 GB): 3.1–4.4 s first, about 0.22 s later, against 0.64–0.87 s
/// and 0.68 s. So only buffers up to 256 MiB are advised: a much slower first call is not worth
/// it for buffers that large, which should be reused anyway (`perSampleJacobian(…into:)`).
enum HugePages {
    /// Buffers of at least this many bytes are advised…
    static let minimumBytes = 4 << 20
    /// …and of at most this many.
    static let maximumBytes = 256 << 20
    static let pageBytes = 2 << 20

    /// Advises the kernel to back the 2 MiB-aligned pages inside `[start, start + bytes)` with
    /// huge pages. Call it before the buffer is first written; the pages outside the aligned
    /// interior (and other allocations) are untouched. Does nothing outside `minimumBytes` …
    /// `maximumBytes`, on systems without the advice, or where it is refused (the buffer then
    /// works as before).
    static func advise(_ start: UnsafeMutableRawPointer, bytes: Int) {
        #if os(Linux)
        guard bytes >= minimumBytes && bytes <= maximumBytes else { return }
        let first = (UInt(bitPattern: start) + UInt(pageBytes - 1)) & ~UInt(pageBytes - 1)
        let end = (UInt(bitPattern: start) + UInt(bytes)) & ~UInt(pageBytes - 1)
        guard end > first, let aligned = UnsafeMutableRawPointer(bitPattern: first) else { return }
        _ = madvise(aligned, Int(end - first), MADV_HUGEPAGE)
        #endif
    }
}
