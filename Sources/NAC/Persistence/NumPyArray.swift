import Foundation

/// An n-dimensional array in NumPy's `.npy` format (version 1.0 written; 1.x–3.x read), so that
/// parameters and score matrices can be checked or plotted from Python
/// (`numpy.load("scores.npy")`) and batches prepared in Python can be read.
///
/// Written files: the magic `\x93NUMPY`, version bytes 1 0, a little-endian UInt16 header length,
/// then the header `{'descr': '<f8', 'fortran_order': False, 'shape': (B, P), }` padded with
/// spaces and a final newline so that the data starts at a multiple of 64 bytes, then the
/// elements in C (row-major) order, little-endian. `descr` is `<f4` for Float and `<f8` for
/// Double; a vector is written with shape `(n,)`.
///
/// Read files may be float32, float64, int32 or int64, in either byte order, C or Fortran order.
///
/// ```swift
/// try NumPyArray(scores).write(to: URL(fileURLWithPath: "scores.npy"))
/// let obs: Matrix<Double> = try NumPyArray(contentsOf: url).matrix(as: Double.self)
/// ```
public struct NumPyArray: Sendable, Equatable {
    /// The elements, in C order, in their file type.
    public enum Elements: Sendable, Equatable {
        case float32([Float])
        case float64([Double])
        case int64([Int64])
    }

    /// The dimensions (empty for a scalar).
    public let shape: [Int]
    public let elements: Elements

    public init(shape: [Int], elements: Elements) {
        let n = shape.reduce(1, *)
        let count: Int
        switch elements {
        case .float32(let e): count = e.count
        case .float64(let e): count = e.count
        case .int64(let e): count = e.count
        }
        precondition(shape.allSatisfy { $0 >= 0 } && n == count, "NumPyArray: shape \(shape) for \(count) elements")
        self.shape = shape
        self.elements = elements
    }

    /// A 2-D array (rows × columns) of the matrix.
    public init<S: NACScalar>(_ matrix: Matrix<S>) {
        self.init(shape: [matrix.rows, matrix.columns], elements: Self.elements(matrix.elements))
    }

    /// A 1-D array.
    public init<S: NACScalar>(_ vector: [S]) {
        self.init(shape: [vector.count], elements: Self.elements(vector))
    }

    static func elements<S: NACScalar>(_ v: [S]) -> Elements {
        if let f = v as? [Float] { return .float32(f) }
        if let d = v as? [Double] { return .float64(d) }
        return .float64(v.map { Double($0) })
    }

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// The NumPy dtype descriptor written for these elements.
    public var descriptor: String {
        switch elements {
        case .float32: "<f4"
        case .float64: "<f8"
        case .int64: "<i8"
        }
    }

    // MARK: Writing

    /// The header text (including padding and the final newline) for version 1.0.
    public var header: String {
        let dims = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var h = "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': \(dims), }"
        let total = 10 + h.utf8.count + 1
        h += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
        return h
    }

    /// The complete file contents.
    public func encoded() -> [UInt8] {
        let h = Array(header.utf8)
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(h.count & 0xFF), UInt8(h.count >> 8)] + h
        switch elements {
        case .float32(let e): Self.appendLittleEndian(e.map(\.bitPattern), to: &out)
        case .float64(let e): Self.appendLittleEndian(e.map(\.bitPattern), to: &out)
        case .int64(let e): Self.appendLittleEndian(e, to: &out)
        }
        return out
    }

    static func appendLittleEndian<T: FixedWidthInteger>(_ words: [T], to out: inout [UInt8]) {
        #if _endian(little)
        words.withUnsafeBytes { out.append(contentsOf: $0) }
        #else
        words.map(\.littleEndian).withUnsafeBytes { out.append(contentsOf: $0) }
        #endif
    }

    /// Writes the `.npy` file (atomically).
    public func write(to url: URL) throws(NumPyError) {
        precondition(header.utf8.count < 65536, "NumPyArray: header too long for format 1.0")
        do { try Data(encoded()).write(to: url, options: .atomic) } catch {
            throw .fileUnwritable(path: url.path, reason: error.localizedDescription)
        }
    }

    // MARK: Reading

    /// Reads a `.npy` file.
    public init(contentsOf url: URL) throws(NumPyError) {
        let bytes: [UInt8]
        do { bytes = Array(try Data(contentsOf: url)) } catch {
            let reason = FileManager.default.fileExists(atPath: url.path) ? error.localizedDescription : "no such file"
            throw .fileUnreadable(path: url.path, reason: reason)
        }
        try self.init(bytes: bytes)
    }

    /// Parses the contents of a `.npy` file.
    public init(bytes: [UInt8]) throws(NumPyError) {
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else { throw .notNumPy }
        let major = Int(bytes[6]), minor = Int(bytes[7])
        let headerLength: Int, headerStart: Int
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            headerStart = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw .malformedHeader("file ends inside the header length") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            headerStart = 12
        default:
            throw .unsupportedVersion(major: major, minor: minor)
        }
        guard headerStart + headerLength <= bytes.count else { throw .malformedHeader("file ends inside the header") }
        let header = String(decoding: bytes[headerStart..<(headerStart + headerLength)], as: UTF8.self)
        let (descr, fortran, shape) = try Self.parseHeader(header)

        let order = descr.first!
        let code = String(descr.dropFirst())
        let bigEndian: Bool
        switch order {
        case "<", "|", "=": bigEndian = false   // "=" is native order; NAC's platforms are little-endian.
        case ">": bigEndian = true
        default: throw .unsupportedDataType(descr)
        }
        let itemSize: Int
        switch code {
        case "f4", "i4": itemSize = 4
        case "f8", "i8": itemSize = 8
        default: throw .unsupportedDataType(descr)
        }
        var n = 1
        for d in shape {
            let (p, o) = n.multipliedReportingOverflow(by: d)
            guard !o, p <= Int(Int32.max) else { throw .malformedHeader("shape \(shape) is too large") }
            n = p
        }
        let dataStart = headerStart + headerLength
        let expected = n * itemSize, actual = bytes.count - dataStart
        guard actual == expected else { throw .wrongDataLength(expectedBytes: expected, actualBytes: actual) }

        func words<T: FixedWidthInteger>(_: T.Type) -> [T] {
            var w = [T](repeating: 0, count: n)
            w.withUnsafeMutableBytes { dst in
                bytes.withUnsafeBytes { src in
                    dst.copyMemory(from: UnsafeRawBufferPointer(rebasing: src[dataStart..<(dataStart + expected)]))
                }
            }
            return w.map { bigEndian ? T(bigEndian: $0) : T(littleEndian: $0) }
        }
        var elements: Elements
        switch code {
        case "f4": elements = .float32(words(UInt32.self).map { Float(bitPattern: $0) })
        case "f8": elements = .float64(words(UInt64.self).map { Double(bitPattern: $0) })
        case "i4": elements = .int64(words(Int32.self).map { Int64($0) })
        default: elements = .int64(words(Int64.self))
        }
        if fortran && shape.count >= 2 {
            elements = Self.fromFortranOrder(elements, shape: shape)
        }
        self.init(shape: shape, elements: elements)
    }

    /// Reorders column-major (Fortran) elements to C order.
    static func fromFortranOrder(_ e: Elements, shape: [Int]) -> Elements {
        let n = shape.reduce(1, *)
        // C index of each Fortran position.
        var cIndex = [Int](repeating: 0, count: n)
        var stridesC = [Int](repeating: 1, count: shape.count)
        for k in stride(from: shape.count - 2, through: 0, by: -1) { stridesC[k] = stridesC[k + 1] * shape[k + 1] }
        var idx = [Int](repeating: 0, count: shape.count)
        for f in 0..<n {
            cIndex[f] = zip(idx, stridesC).reduce(0) { $0 + $1.0 * $1.1 }
            for k in 0..<shape.count {
                idx[k] += 1
                if idx[k] < shape[k] { break }
                idx[k] = 0
            }
        }
        func reorder<T>(_ a: [T]) -> [T] {
            var out = a
            for f in 0..<n { out[cIndex[f]] = a[f] }
            return out
        }
        switch e {
        case .float32(let a): return .float32(reorder(a))
        case .float64(let a): return .float64(reorder(a))
        case .int64(let a): return .int64(reorder(a))
        }
    }

    /// Parses `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }`.
    static func parseHeader(_ header: String) throws(NumPyError) -> (String, Bool, [Int]) {
        func value(of key: String) throws(NumPyError) -> Substring {
            guard let r = header.range(of: "'\(key)'") else { throw .malformedHeader("no '\(key)' in \(header)") }
            var rest = header[r.upperBound...].drop { $0 == " " }
            guard rest.first == ":" else { throw .malformedHeader("no ':' after '\(key)'") }
            rest = rest.dropFirst().drop { $0 == " " }
            return rest
        }
        let d = try value(of: "descr")
        guard d.first == "'", let end = d.dropFirst().firstIndex(of: "'") else { throw .malformedHeader("descr is not a string") }
        let descr = String(d[d.index(after: d.startIndex)..<end])
        guard !descr.isEmpty else { throw .unsupportedDataType(descr) }
        let f = try value(of: "fortran_order")
        let fortran: Bool
        if f.hasPrefix("False") { fortran = false } else if f.hasPrefix("True") { fortran = true } else {
            throw .malformedHeader("fortran_order is neither True nor False")
        }
        let s = try value(of: "shape")
        guard s.first == "(", let close = s.firstIndex(of: ")") else { throw .malformedHeader("shape is not a tuple") }
        let inner = s[s.index(after: s.startIndex)..<close]
        var shape = [Int]()
        for part in inner.split(separator: ",") {
            let t = part.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            guard let v = Int(t.hasSuffix("L") ? String(t.dropLast()) : t), v >= 0 else {
                throw .malformedHeader("shape entry '\(t)'")
            }
            shape.append(v)
        }
        return (descr, fortran, shape)
    }

    // MARK: Conversions

    /// The elements as `S` (integers converted exactly when they fit), in C order.
    public func values<S: NACScalar>(as: S.Type) -> [S] {
        switch elements {
        case .float32(let e): S.self == Float.self ? e as! [S] : e.map { S($0) }
        case .float64(let e): S.self == Double.self ? e as! [S] : e.map { S($0) }
        case .int64(let e): e.map { S($0) }
        }
    }

    /// The array as a matrix: a 2-D array as it is, a 1-D array of n as n × 1.
    /// - Throws: `.wrongDimensions` for other ranks, `.nonFiniteElement` for NaN or ±∞
    ///   (also after rounding float64 to float32).
    public func matrix<S: NACScalar>(as: S.Type) throws(NumPyError) -> Matrix<S> {
        let v = values(as: S.self)
        if let i = v.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteElement(index: i) }
        switch shape.count {
        case 2: return Matrix(rows: shape[0], columns: shape[1], elements: v)
        case 1: return Matrix(rows: shape[0], columns: 1, elements: v)
        default: throw .wrongDimensions(expected: "a 1-D or 2-D array", shape: shape)
        }
    }

    /// The array as integers (action indices): a 1-D array, or a 2-D array of one column, of
    /// integers or of floats with integral values.
    public func integers() throws(NumPyError) -> [Int] {
        guard shape.count == 1 || (shape.count == 2 && shape[1] == 1) else {
            throw .wrongDimensions(expected: "a 1-D array (or one column) of indices", shape: shape)
        }
        switch elements {
        case .int64(let e): return e.map { Int($0) }
        case .float32, .float64:
            let v = values(as: Double.self)
            var out = [Int]()
            out.reserveCapacity(v.count)
            for (i, x) in v.enumerated() {
                guard x.isFinite, x.rounded() == x, x.magnitude < 1e15 else { throw .notAnInteger(index: i, value: x) }
                out.append(Int(x))
            }
            return out
        }
    }
}
