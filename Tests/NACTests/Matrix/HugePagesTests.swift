import Foundation
import Testing
@testable import NAC

/// Large uninitialised matrices ask for 2 MiB pages, and get them where the kernel offers them.
@Suite struct HugePagesTests {
    /// The kernel's transparent-huge-page mode ("always", "madvise" or "never"), nil off Linux.
    static var transparentHugePageMode: String? {
        guard let text = try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/enabled", encoding: .utf8),
              let open = text.firstIndex(of: "["), let close = text.firstIndex(of: "]") else { return nil }
        return String(text[text.index(after: open)..<close])
    }

    /// Kibibytes of anonymous huge pages in this process's mapping that contains `address`
    /// (from /proc/self/smaps).
    static func anonymousHugePageKiB(containing address: UInt) -> Int? {
        // Read to the end: procfs files report a size of 0.
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/smaps"),
              let text = String(data: handle.readDataToEndOfFile(), encoding: .utf8) else { return nil }
        var inside = false
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let range = fields.first, range.contains("-"), !range.hasSuffix(":") {
                let bounds = range.split(separator: "-").compactMap { UInt($0, radix: 16) }
                inside = bounds.count == 2 && bounds[0] <= address && address < bounds[1]
            } else if inside, fields.first == "AnonHugePages:", fields.count >= 2 {
                return Int(fields[1])
            }
        }
        return nil
    }

    @Test func largeUninitializedMatricesAreBackedByHugePages() throws {
        // 32 MiB: at least 14 whole aligned 2 MiB pages inside the buffer, wherever it starts.
        let rows = 4096, columns = 1024
        let m = Matrix<Double>(rows: rows, columns: columns) { buffer in
            for i in 0..<buffer.count { buffer[i] = Double(i % 7) }
        }
        #expect(m[rows - 1, columns - 1] == Double((rows * columns - 1) % 7) && m[0, 3] == 3)
        let mode = try #require(Self.transparentHugePageMode, "no transparent-huge-page setting on this system")
        guard mode != "never" else { return }   // the advice is refused: nothing to observe
        let address = m.elements.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress!) }
        // Keep m alive while smaps is read: an optimised build may free it after its last use.
        let hugeKiB = try #require(withExtendedLifetime(m) { Self.anonymousHugePageKiB(containing: address + UInt(16 << 20)) })
        #expect(hugeKiB >= 14 * 2048, "\(hugeKiB) KiB of huge pages behind a 32 MiB matrix (mode \(mode))")
    }

    @Test func smallAndHugeMatricesAreLeftAlone() throws {
        // Below 4 MiB nothing is advised; the buffer works the same either way.
        let m = Matrix<Float>(rows: 100, columns: 100) { buffer in buffer.initialize(repeating: 2) }
        #expect(m.elements.allSatisfy { $0 == 2 })
        #expect(HugePages.minimumBytes == 4 << 20 && HugePages.maximumBytes == 256 << 20 && HugePages.pageBytes == 2 << 20)
        // Above 256 MiB neither (a first call would pay for compacting memory): 264 MiB of Float.
        let big = Matrix<Float>(rows: 1056, columns: 65536) { buffer in buffer.initialize(repeating: 1) }
        #expect(big[1055, 65535] == 1)
        guard let mode = Self.transparentHugePageMode, mode == "madvise" else { return }   // "always" maps them anyway
        let address = big.elements.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress!) }
        let hugeKiB = try #require(withExtendedLifetime(big) { Self.anonymousHugePageKiB(containing: address + UInt(128 << 20)) })
        #expect(hugeKiB == 0, "\(hugeKiB) KiB of huge pages behind an unadvised 264 MiB matrix")
    }
}
