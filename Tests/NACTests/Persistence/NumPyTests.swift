import Foundation
import Testing
@testable import NAC

@Suite struct NumPyTests {
    @Test func headerFollowsFormatVersion1() throws {
        let m = Matrix<Double>([[1, 2, 3], [4, 5, 6]])
        let bytes = NumPyArray(m).encoded()
        #expect(Array(bytes[0..<8]) == [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0])
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        #expect((10 + headerLength) % 64 == 0)
        let header = String(decoding: bytes[10..<(10 + headerLength)], as: UTF8.self)
        #expect(header.hasPrefix("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"))
        #expect(header.hasSuffix("\n"))
        #expect(header.dropLast().allSatisfy { $0.isASCII })
        #expect(bytes.count == 10 + headerLength + 6 * 8)
        // Data: little-endian float64 in C order.
        let second = (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[10 + headerLength + 8 + $1]) << (8 * UInt64($1)) }
        #expect(Double(bitPattern: second) == 2)

        let f = NumPyArray([Float(1.5), -2])
        #expect(f.header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }"))
        let back = try NumPyArray(bytes: f.encoded())
        #expect(back == f)
        #expect(try NumPyArray(bytes: NumPyArray(m).encoded()).matrix(as: Double.self) == m)
    }

    /// Builds a file by hand, as NumPy would for other dtypes and orders.
    func file(descr: String, fortran: Bool, shape: String, data: [UInt8], version: UInt8 = 1) -> [UInt8] {
        var h = "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }"
        let prefix = version == 1 ? 10 : 12
        h += String(repeating: " ", count: (64 - (prefix + h.utf8.count + 1) % 64) % 64) + "\n"
        let n = h.utf8.count
        let length: [UInt8] = version == 1 ? [UInt8(n & 0xFF), UInt8(n >> 8)] : [UInt8(n & 0xFF), UInt8(n >> 8), 0, 0]
        return [0x93] + Array("NUMPY".utf8) + [version, 0] + length + Array(h.utf8) + data
    }

    func littleEndian<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { v in withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    }

    @Test func readsIntegersFortranOrderAndVersion2() throws {
        let ints = try NumPyArray(bytes: file(descr: "<i8", fortran: false, shape: "(3,)", data: littleEndian([Int64(2), 0, 1])))
        #expect(try ints.integers() == [2, 0, 1])
        let int32 = try NumPyArray(bytes: file(descr: "<i4", fortran: false, shape: "(2, 1)", data: littleEndian([Int32(1), 3])))
        #expect(try int32.integers() == [1, 3])
        // Fortran order 2 × 3: stored column by column.
        let columnMajor: [Double] = [1, 4, 2, 5, 3, 6]
        let fortran = try NumPyArray(bytes: file(descr: "<f8", fortran: true, shape: "(2, 3)",
                                                 data: littleEndian(columnMajor.map(\.bitPattern)), version: 2))
        #expect(try fortran.matrix(as: Double.self) == Matrix([[1, 2, 3], [4, 5, 6]]))
        let big = try NumPyArray(bytes: file(descr: ">f4", fortran: false, shape: "(1,)",
                                             data: withUnsafeBytes(of: Float(2.5).bitPattern.bigEndian) { Array($0) }))
        #expect(try big.matrix(as: Float.self) == Matrix(column: [2.5]))
    }

    @Test func rejectsBadFiles() {
        #expect(throws: NumPyError.notNumPy) { try NumPyArray(bytes: Array("not numpy at all".utf8)) }
        #expect(throws: NumPyError.unsupportedDataType("<c16")) {
            try NumPyArray(bytes: file(descr: "<c16", fortran: false, shape: "(1,)", data: []))
        }
        #expect(throws: NumPyError.wrongDataLength(expectedBytes: 24, actualBytes: 16)) {
            try NumPyArray(bytes: file(descr: "<f8", fortran: false, shape: "(3,)", data: [UInt8](repeating: 0, count: 16)))
        }
        let halves = NumPyArray([0.5, 1.0])
        #expect(throws: NumPyError.notAnInteger(index: 0, value: 0.5)) { try halves.integers() }
        #expect(throws: NumPyError.nonFiniteElement(index: 1)) { try NumPyArray([1.0, .nan]).matrix(as: Double.self) }
    }

    @Test func batchesLoadFromJSONAndNumPy() throws {
        let json = #"{"observations": [[1, 2], [3, 4]], "actions": [1, 0]}"#
        let b = try PolicyBatch<Double>(jsonBytes: Array(json.utf8), actionSpace: .discrete(count: 2))
        #expect(b.observations == Matrix([[1, 2], [3, 4]]) && b.actions == .discrete([1, 0]))
        let c = try PolicyBatch<Float>(jsonBytes: Array(json.utf8), actionSpace: .continuous(dimension: 1))
        #expect(c.actions == .continuous(Matrix(column: [1, 0])))
        #expect(throws: PersistenceError.missingField("actions")) {
            try PolicyBatch<Double>(jsonBytes: Array(#"{"observations": [[1]]}"#.utf8), actionSpace: .discrete(count: 2))
        }
        #expect(throws: PersistenceError.wrongSize(field: "observations[1]", expected: 2, actual: 1)) {
            try PolicyBatch<Double>(jsonBytes: Array(#"{"observations": [[1, 2], [3]], "actions": [0, 0]}"#.utf8), actionSpace: .discrete(count: 2))
        }
        let n = try PolicyBatch<Double>(observations: NumPyArray(Matrix<Double>([[1, 2]])), actions: NumPyArray([Float(1)]),
                                        actionSpace: .discrete(count: 2))
        #expect(n.actions == .discrete([1]))
        // Integral actions written as floats (NumPy's tolist() of a float array), or with an
        // exponent, are integers; a fraction is not.
        let floats = #"{"observations": [[1, 2], [3, 4], [5, 6]], "actions": [1.0, 0.0, 1e0]}"#
        #expect(try PolicyBatch<Double>(jsonBytes: Array(floats.utf8), actionSpace: .discrete(count: 2)).actions == .discrete([1, 0, 1]))
        #expect(throws: PersistenceError.wrongType(field: "actions[0]", expected: "an integer", found: "a non-integer number")) {
            try PolicyBatch<Double>(jsonBytes: Array(#"{"observations": [[1, 2]], "actions": [0.5]}"#.utf8), actionSpace: .discrete(count: 2))
        }
        #expect(throws: PersistenceError.wrongType(field: "actions[0]", expected: "an integer", found: "a non-integer number")) {
            try PolicyBatch<Double>(jsonBytes: Array(#"{"observations": [[1, 2]], "actions": [1e300]}"#.utf8), actionSpace: .discrete(count: 2))
        }
    }
}
