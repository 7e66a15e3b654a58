import Testing
@testable import NAC

/// `NACScalar.writeJacobianRows`, the kernel that writes per-sample Jacobian rows whole, in its
/// plain and AVX2 versions and in the generic default, against a direct computation: outer
/// products of every width class of the AVX2 version (narrower than a 128-bit vector, between a
/// 128- and a 256-bit vector, whole 256-bit vectors, with an overlapping last vector), copies,
/// a broadcast v (row stride 0), gaps before, between and after the blocks, and columns past the
/// row (row stride > columns) that must stay untouched.
@Suite struct JacobianRowsKernelTests {
    enum Version: CaseIterable { case plain, vectorised, generic }

    /// Writes `rows` rows of `columns` (stride `columns + 3`) from the blocks (offset, m, n; n = 0 for
    /// a copy, `broadcast` for v of row stride 0) over a buffer of −7, and checks every element.
    func check<S: NACScalar>(_: S.Type, _ version: Version, columns: Int,
                             blocks: [(offset: Int, m: Int, n: Int, broadcast: Bool)]) {
        let rows = 5, stride = columns + 3
        var rng = Xoshiro256StarStar(seed: UInt64(columns * 31 + blocks.count))
        let us = blocks.map { block in (0..<(rows * block.m)).map { _ in rng.normal(S.self) } }
        let vs = blocks.map { block in (0..<(rows * Swift.max(block.n, 1))).map { _ in rng.normal(S.self) } }
        var dst = [S](repeating: -7, count: rows * stride)
        let uBuffers = us.map { UnsafeMutableBufferPointer<S>.allocate(capacity: Swift.max($0.count, 1)) }
        let vBuffers = vs.map { UnsafeMutableBufferPointer<S>.allocate(capacity: Swift.max($0.count, 1)) }
        defer { (uBuffers + vBuffers).forEach { $0.deallocate() } }
        for k in blocks.indices {
            _ = uBuffers[k].initialize(from: us[k])
            _ = vBuffers[k].initialize(from: vs[k])
        }
        let segments = blocks.indices.map { k -> JacobianRowSegment<S> in
            let block = blocks[k], u = UnsafePointer(uBuffers[k].baseAddress!), v = UnsafePointer(vBuffers[k].baseAddress!)
            return block.n == 0
                ? JacobianRowSegment(offset: block.offset, copy: u, count: block.m, rowStride: block.m)
                : JacobianRowSegment(offset: block.offset, outer: u, rows: block.m, uRowStride: block.m, v,
                                     columns: block.n, vRowStride: block.broadcast ? 0 : block.n)
        }
        segments.withUnsafeBufferPointer { ps in
            dst.withUnsafeMutableBufferPointer { pd in
                switch version {
                case .plain, .vectorised:
                    S.writeJacobianRows(rows: rows, columns: columns, segments: ps, into: pd.baseAddress!,
                                        rowStride: stride, vectorExtensions: version == .vectorised)
                case .generic:
                    // The protocol extension's default, as a type without a C kernel would run it.
                    NACScalarDefaults<S>.writeJacobianRows(rows: rows, columns: columns, segments: ps,
                                                            into: pd.baseAddress!, rowStride: stride)
                }
            }
        }
        for b in 0..<rows {
            for c in 0..<stride {
                var expected: S = c < columns ? 0 : -7
                for (k, block) in blocks.enumerated() where c >= block.offset {
                    let local = c - block.offset
                    if block.n == 0, local < block.m {
                        expected = us[k][b * block.m + local]
                    } else if block.n > 0, local < block.m * block.n {
                        let o = local / block.n, i = local % block.n
                        expected = us[k][b * block.m + o] * vs[k][(block.broadcast ? 0 : b) * block.n + i]
                    }
                }
                let got = dst[b * stride + c]
                #expect(got == expected, "\(S.typeName) \(version) row \(b) column \(c): \(got) ≠ \(expected)")
            }
        }
    }

    @Test(arguments: Version.allCases)
    func blocksOfEveryWidthAndGaps(_ version: Version) {
        // n = 1, 3 (below / between vectors in float64), 4, 5, 7 (float32's 128-bit vector and
        // overlapping remainder), 8, 17 (256-bit vectors with an overlapping last one), copies.
        let blocks: [(offset: Int, m: Int, n: Int, broadcast: Bool)] = [
            (2, 3, 1, false), (5, 2, 3, false), (12, 4, 0, false), (16, 3, 4, false), (28, 2, 5, true),
            (40, 2, 7, false), (54, 3, 8, false), (78, 2, 17, false), (116, 1, 0, false), (117, 6, 0, false),
        ]
        check(Double.self, version, columns: 130, blocks: blocks)
        check(Float.self, version, columns: 130, blocks: blocks)
    }

    @Test(arguments: Version.allCases)
    func copiesAndGapsOfEveryWidth(_ version: Version) {
        // The AVX2 version's inline copies and zeros: single elements, 128-bit vectors (one or two
        // overlapping), 256-bit vectors with an overlapping last one, and memcpy / memset from 64
        // elements. Copies of 2, 3, 5, 9, 17, 70, 8, 4 elements after gaps of 3, 5, 9, 17, 70, 0, 1,
        // 4, and a trailing gap of 73.
        let blocks: [(offset: Int, m: Int, n: Int, broadcast: Bool)] = [
            (3, 2, 0, false), (10, 3, 0, false), (22, 5, 0, false), (44, 9, 0, false), (123, 17, 0, false),
            (140, 70, 0, false), (211, 8, 0, false), (223, 4, 0, false),
        ]
        check(Double.self, version, columns: 300, blocks: blocks)
        check(Float.self, version, columns: 300, blocks: blocks)
    }

    @Test(arguments: Version.allCases)
    func noBlocksZeroTheRowsAndFullRowsHaveNoGaps(_ version: Version) {
        check(Double.self, version, columns: 9, blocks: [])
        check(Float.self, version, columns: 9, blocks: [])
        check(Double.self, version, columns: 26, blocks: [(0, 4, 6, false), (24, 2, 0, false)])
        check(Float.self, version, columns: 26, blocks: [(0, 4, 6, true), (24, 2, 0, false)])
    }
}

/// Calls the `NACScalar` extension's default implementation rather than the type's own
/// requirement (Float and Double replace it by the C kernel).
enum NACScalarDefaults<S: NACScalar> {
    static func writeJacobianRows(
        rows: Int, columns: Int, segments: UnsafeBufferPointer<JacobianRowSegment<S>>,
        into dst: UnsafeMutablePointer<S>, rowStride: Int
    ) {
        S.genericWriteJacobianRows(rows: rows, columns: columns, segments: segments, into: dst, rowStride: rowStride)
    }
}
