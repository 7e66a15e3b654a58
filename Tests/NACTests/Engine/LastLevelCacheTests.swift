import Foundation
import Testing
@testable import NAC

@Suite struct LastLevelCacheTests {
    @Test func parsesSysfsSizes() {
        #expect(LastLevelCache.parseSize("32768K\n") == 32 << 20)
        #expect(LastLevelCache.parseSize("1024K") == 1 << 20)
        #expect(LastLevelCache.parseSize("2M") == 2 << 20)
        #expect(LastLevelCache.parseSize("1G") == 1 << 30)
        #expect(LastLevelCache.parseSize("512") == 512)
        #expect(LastLevelCache.parseSize("") == nil)
        #expect(LastLevelCache.parseSize("K") == nil)
        #expect(LastLevelCache.parseSize("0K") == nil)
        #expect(LastLevelCache.parseSize("-4K") == nil)
        #expect(LastLevelCache.parseSize("32 MB") == nil)
    }

    /// A directory laid out as `/sys/devices/system/cpu/cpu0/cache`.
    private func makeCacheDirectory(_ entries: [(level: String, type: String, size: String)]) throws -> String {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("nac-cache-\(UInt64.random(in: 0...UInt64.max))").path
        for (index, entry) in entries.enumerated() {
            let directory = root + "/index\(index)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try (entry.level + "\n").write(toFile: directory + "/level", atomically: true, encoding: .utf8)
            try (entry.type + "\n").write(toFile: directory + "/type", atomically: true, encoding: .utf8)
            try (entry.size + "\n").write(toFile: directory + "/size", atomically: true, encoding: .utf8)
        }
        return root
    }

    @Test func picksTheHighestLevelDataOrUnifiedCache() throws {
        // As on this project's VMs (AMD EPYC): L1d, L1i, L2, L3.
        let root = try makeCacheDirectory([("1", "Data", "32K"), ("1", "Instruction", "32K"),
                                           ("2", "Unified", "1024K"), ("3", "Unified", "32768K")])
        defer { try? FileManager.default.removeItem(atPath: root) }
        #expect(LastLevelCache.bytes(cacheDirectory: root) == 32 << 20)

        // Listed out of order, with an instruction cache at the highest level (ignored).
        let shuffled = try makeCacheDirectory([("3", "Unified", "8M"), ("4", "Instruction", "64M"),
                                               ("2", "Unified", "512K")])
        defer { try? FileManager.default.removeItem(atPath: shuffled) }
        #expect(LastLevelCache.bytes(cacheDirectory: shuffled) == 8 << 20)
    }

    @Test func unknownWithoutSysfs() throws {
        #expect(LastLevelCache.bytes(cacheDirectory: "/nonexistent/nac/cache") == nil)
        let unreadable = try makeCacheDirectory([("2", "Unified", "lots")])
        defer { try? FileManager.default.removeItem(atPath: unreadable) }
        #expect(LastLevelCache.bytes(cacheDirectory: unreadable) == nil)
    }

    @Test func thresholdIsHalfTheCacheWithin4To16MiB() {
        #expect(LastLevelCache.streamingThresholdBytes(lastLevelCacheBytes: 32 << 20) == 16 << 20)
        #expect(LastLevelCache.streamingThresholdBytes(lastLevelCacheBytes: 12 << 20) == 6 << 20)
        #expect(LastLevelCache.streamingThresholdBytes(lastLevelCacheBytes: 4 << 20) == 4 << 20)
        #expect(LastLevelCache.streamingThresholdBytes(lastLevelCacheBytes: 256 << 20) == 16 << 20)
        #expect(LastLevelCache.streamingThresholdBytes(lastLevelCacheBytes: nil) == 16 << 20)
    }

    /// The engine's threshold follows this machine's cache as sysfs reports it.
    @Test func engineThresholdMatchesThisMachine() {
        let cache = LastLevelCache.bytes(cacheDirectory: "/sys/devices/system/cpu/cpu0/cache")
        #expect(LastLevelCache.bytes == cache)
        #expect(jacobianStreamingThresholdBytes == LastLevelCache.streamingThresholdBytes(lastLevelCacheBytes: cache))
    }
}
