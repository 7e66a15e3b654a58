import Foundation

/// The size of the processor's last-level cache, read from Linux's sysfs, and the Jacobian size
/// from which the engine writes with streaming stores.
///
/// `sysconf(_SC_LEVEL3_CACHE_SIZE)` is not used: on this project's VMs it reports 320 MiB for a
/// 32 MiB L3. sysfs (`/sys/devices/system/cpu/cpu0/cache/index*/{level,size}`) reports the size of
/// one cache instance, 32 MiB there.
enum LastLevelCache {
    /// The last-level cache of CPU 0 in bytes, or `nil` where sysfs does not say (not Linux, or a
    /// restricted container).
    static let bytes: Int? = bytes(cacheDirectory: "/sys/devices/system/cpu/cpu0/cache")

    /// The size of the highest-level data or unified cache listed under `cacheDirectory` (the
    /// layout of `/sys/devices/system/cpu/cpuN/cache`: `indexK/level`, `indexK/type`, `indexK/size`).
    static func bytes(cacheDirectory: String) -> Int? {
        var best: (level: Int, bytes: Int)? = nil
        for index in 0..<16 {
            let directory = cacheDirectory + "/index\(index)"
            guard let levelText = read(directory + "/level") else { continue }
            guard let level = Int(levelText), let bytes = read(directory + "/size").flatMap(parseSize) else { continue }
            if read(directory + "/type") == "Instruction" { continue }
            if best == nil || level > best!.level { best = (level, bytes) }
        }
        return best?.bytes
    }

    /// Bytes of a sysfs cache size: "32768K", "1M", "512" (bytes); `nil` for anything else.
    static func parseSize(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let last = trimmed.last else { return nil }
        let multiplier: Int
        var digits = Substring(trimmed)
        switch last {
        case "K", "k": multiplier = 1 << 10; digits = digits.dropLast()
        case "M", "m": multiplier = 1 << 20; digits = digits.dropLast()
        case "G", "g": multiplier = 1 << 30; digits = digits.dropLast()
        default: multiplier = 1
        }
        guard let value = Int(digits), value > 0 else { return nil }
        return value * multiplier
    }

    private static func read(_ path: String) -> String? {
        (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Half the last-level cache, clamped to 4…16 MiB (16 MiB when the size is unknown): the size of
    /// per-sample Jacobian from which the engine writes with streaming (non-temporal) stores.
    ///
    /// Below it, ordinary stores leave the Jacobian in cache, where repeated calls into the same
    /// buffer and the consumer that reads it next (a Fisher solve) find it. Above it, ordinary
    /// stores would read every line from memory before writing it and evict everything else.
    /// Half the cache is the usual rule (the C library's memset streams from ¾ of a thread's
    /// share of it); the upper clamp keeps a large cache shared with other virtual machines from
    /// pushing it further.
    ///
    /// Measured on this project's VMs (32 MiB L3, W1, threshold 8 against 16 MiB, one run, the
    /// machine quiet): repeated calls into one buffer, the 11.7 MB Jacobians (float64 B = 256,
    /// float32 B = 512) took 484–677 and 504–516 µs with ordinary stores against 666–678 and
    /// 687–691 µs streamed; on two threads 317–341 and 334–337 µs against 553–590 and 569–637 µs.
    /// Each followed by the kernel-route natural gradient (12 and 22 ms), the pair was 0.9–2.2 %
    /// faster on one thread and 1–4 % on two (the solve reads Ψ from cache). The 23 MB Jacobians
    /// stream either way: with ordinary stores they took 1.8–2.2 ms against 1.3–1.4 ms on one
    /// thread. An earlier session, with the shared cache busy, measured the 11.7 MB cases 30–45 %
    /// slower with ordinary stores than streamed: streaming is the safer choice when the cache is
    /// contended, ordinary stores the faster one when not. Streaming the 5.8 MB ones too (a 4 MiB
    /// threshold) made float64 B = 128 1.3–1.5× slower, hence half the cache rather than less.
    static func streamingThresholdBytes(lastLevelCacheBytes: Int?) -> Int {
        guard let cache = lastLevelCacheBytes else { return 16 << 20 }
        return Swift.min(16 << 20, Swift.max(4 << 20, cache / 2))
    }
}

/// Bytes of per-sample Jacobian from which the engine writes it with streaming stores (see
/// `LastLevelCache.streamingThresholdBytes(lastLevelCacheBytes:)`): 16 MiB on this project's VMs.
let jacobianStreamingThresholdBytes = LastLevelCache.streamingThresholdBytes(lastLevelCacheBytes: LastLevelCache.bytes)
