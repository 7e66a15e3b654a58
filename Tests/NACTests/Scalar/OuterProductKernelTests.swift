import Testing
@testable import NAC

/// The outer-product kernel behind per-sample dense-layer Jacobians, in its plain and streaming
/// (non-temporal store) paths, against a direct computation — including odd widths and
/// destinations that do not start on a 16-byte boundary, which take the scratch-chunk path, and
/// (on AVX2 machines) rows whose width is not a multiple of the vector, which the plain path ends
/// with an overlapping vector, and rows narrower than one vector. (With AVX2, streaming requests for
/// such rows take the cached path, and with AVX-512 the flat path of 64-byte streaming stores; the
/// scratch-chunk path remains for misaligned destinations.)
@Suite struct OuterProductKernelTests {
    func check<S: NACScalar>(_: S.Type, m: Int, n: Int, offset: Int, streaming: Bool, accumulate: Bool) {
        let rows = 5, stride = offset + m * n + 3
        var rng = Xoshiro256StarStar(seed: UInt64(m * 1000 + n * 10 + offset))
        let u = (0..<(rows * m)).map { _ in rng.normal(S.self) }
        let v = (0..<(rows * n)).map { _ in rng.normal(S.self) }
        let initial = (0..<(rows * stride)).map { _ in rng.normal(S.self) }
        var dst = initial
        let alpha: S = 0.75
        u.withUnsafeBufferPointer { pu in
            v.withUnsafeBufferPointer { pv in
                dst.withUnsafeMutableBufferPointer { pd in
                    S.outerProductRows(rows: rows, m: m, n: n, alpha: alpha, u: pu.baseAddress!, uRowStride: m,
                                       v: pv.baseAddress!, vRowStride: n, accumulate: accumulate,
                                       streaming: streaming, into: pd.baseAddress! + offset, dstRowStride: stride)
                }
            }
        }
        for b in 0..<rows {
            for k in 0..<stride {
                let index = b * stride + k
                var expected = initial[index]
                if k >= offset && k < offset + m * n {
                    let o = (k - offset) / n, i = (k - offset) % n
                    let product = alpha * u[b * m + o] * v[b * n + i]
                    expected = accumulate ? initial[index] + product : product
                }
                #expect(dst[index] == expected, "row \(b) column \(k): \(dst[index]) ≠ \(expected)")
            }
        }
    }

    @Test(arguments: [(3, 17, 0), (64, 64, 1), (6, 7, 3), (2, 2, 0), (17, 5, 2), (9, 300, 1), (4, 8, 0), (3, 9, 1), (5, 4, 2), (2, 1, 0)])
    func streamingAndPlainPathsAreExact(_ shape: (Int, Int, Int)) {
        for streaming in [false, true] {
            for accumulate in [false, true] {
                check(Double.self, m: shape.0, n: shape.1, offset: shape.2, streaming: streaming, accumulate: accumulate)
                check(Float.self, m: shape.0, n: shape.1, offset: shape.2, streaming: streaming, accumulate: accumulate)
            }
        }
    }

    /// Streams `rows` blocks of m × n (α u vᵀ, seeded) into a 64-byte-aligned buffer of rows
    /// `stride` apart, each block starting `offset` elements into its row, the rest of the buffer
    /// −7; returns the number of elements that differ from that expectation.
    func mismatchesAfterStreaming<S: NACScalar>(_: S.Type, rows: Int, m: Int, n: Int, stride: Int, offset: Int) -> Int {
        let bytes = MemoryLayout<S>.stride
        let count = rows * stride
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * bytes, alignment: 64)
        defer { raw.deallocate() }
        let dst = raw.bindMemory(to: S.self, capacity: count)
        dst.initialize(repeating: -7, count: count)
        var rng = Xoshiro256StarStar(seed: UInt64(m * 1000 + n * 10 + offset))
        let u = (0..<(rows * m)).map { _ in rng.normal(S.self) }
        let v = (0..<(rows * n)).map { _ in rng.normal(S.self) }
        let alpha: S = 1.25
        u.withUnsafeBufferPointer { pu in
            v.withUnsafeBufferPointer { pv in
                S.outerProductRows(rows: rows, m: m, n: n, alpha: alpha, u: pu.baseAddress!, uRowStride: m,
                                   v: pv.baseAddress!, vRowStride: n, accumulate: false, streaming: true,
                                   into: dst + offset, dstRowStride: stride)
            }
        }
        var wrong = 0
        for b in 0..<rows {
            for k in 0..<stride {
                let inside = k >= offset && k < offset + m * n
                let expected: S = inside ? alpha * u[b * m + (k - offset) / n] * v[b * n + (k - offset) % n] : -7
                if dst[b * stride + k] != expected { wrong += 1 }
            }
        }
        return wrong
    }

    /// The aligned streaming path (rows on 16-byte boundaries, alternately 32-byte aligned and 16
    /// bytes past one), with block rows of one vector, several, and 32-byte multiples plus a
    /// 16-byte remainder; the columns after each block are left alone.
    func checkAlignedStreaming<S: NACScalar>(_: S.Type, m: Int, n: Int) {
        // Row stride ≡ 16 (mod 32) bytes: even rows 32-byte aligned, odd rows 16 past.
        var stride = m * n + 1
        while (stride * MemoryLayout<S>.stride) % 32 != 16 { stride += 1 }
        let wrong = mismatchesAfterStreaming(S.self, rows: 6, m: m, n: n, stride: stride, offset: 0)
        #expect(wrong == 0, "\(S.self) m \(m) n \(n): \(wrong) elements wrong")
    }

    /// Streaming blocks whose rows are not a multiple of the 16-byte vector, at least one AVX-512
    /// vector wide (the flat path where the CPU has AVX-512): destinations at every 4-byte offset
    /// from a 64-byte line (rows 4 bytes apart modulo 64, the block one element in), so the head
    /// takes 0–15 elements of ordinary stores and 16-byte pieces, blocks ending mid-vector and
    /// mid-piece, one to several rows of u; the elements around each block are left alone.
    func checkFlatStreaming<S: NACScalar>(_: S.Type, m: Int, n: Int) {
        let bytes = MemoryLayout<S>.stride
        var stride = m * n + 2
        while (stride * bytes) % 64 != (bytes == 4 ? 4 : 8) { stride += 1 }
        let wrong = mismatchesAfterStreaming(S.self, rows: 17, m: m, n: n, stride: stride, offset: 1)
        #expect(wrong == 0, "\(S.self) m \(m) n \(n): \(wrong) elements wrong")
    }

    @Test func flatStreamingOfOddWidths() {
        for m in [1, 2, 5, 64] {
            for n in [17, 18, 19, 33, 63, 129] { checkFlatStreaming(Float.self, m: m, n: n) }
            for n in [9, 11, 17, 63] { checkFlatStreaming(Double.self, m: m, n: n) }
        }
    }

    @Test func alignedStreamingRowsOfEveryWidth() {
        for m in [1, 3, 6] {
            for n in [2, 4, 6, 10, 64] where m * n >= 8 { checkAlignedStreaming(Double.self, m: m, n: n) }
            for n in [4, 8, 12, 20, 64] where m * n >= 16 { checkAlignedStreaming(Float.self, m: m, n: n) }
        }
    }
}
