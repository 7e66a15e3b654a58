/// Typed, validated access to the members of a JSON object, each error naming the field by its
/// path (`layers[1].activation`).
struct JSONFields {
    let members: [String: JSONValue]
    let path: String

    init(_ value: JSONValue, path: String) throws(PersistenceError) {
        guard case .object(let m) = value else {
            throw .wrongType(field: path.isEmpty ? "(document)" : path, expected: "an object", found: value.typeName)
        }
        members = Dictionary(m, uniquingKeysWith: { a, _ in a })
        self.path = path
    }

    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The member, or nil when it is absent or null.
    func optional(_ key: String) -> JSONValue? {
        guard let v = members[key], v != .null else { return nil }
        return v
    }

    func value(_ key: String) throws(PersistenceError) -> JSONValue {
        guard let v = optional(key) else { throw .missingField(field(key)) }
        return v
    }

    func string(_ key: String) throws(PersistenceError) -> String {
        let v = try value(key)
        guard case .string(let s) = v else { throw .wrongType(field: field(key), expected: "a string", found: v.typeName) }
        return s
    }

    func bool(_ key: String) throws(PersistenceError) -> Bool {
        let v = try value(key)
        guard case .bool(let b) = v else { throw .wrongType(field: field(key), expected: "a boolean", found: v.typeName) }
        return b
    }

    /// An integer field: a JSON number with an integral value, however it is written (`1`, `1.0`,
    /// `1e3` — NumPy's `tolist()` of a float array writes `1.0`), up to 2⁵³ in magnitude when it
    /// has a fraction or an exponent.
    static func integer(_ v: JSONValue, field: String) throws(PersistenceError) -> Int {
        guard case .number(let token) = v else {
            throw .wrongType(field: field, expected: "an integer", found: v.typeName)
        }
        if let i = Int(token) { return i }
        guard let d = Double(token), d == d.rounded(), abs(d) <= 9_007_199_254_740_992 else {
            throw .wrongType(field: field, expected: "an integer", found: "a non-integer number")
        }
        return Int(d)
    }

    func int(_ key: String) throws(PersistenceError) -> Int { try Self.integer(try value(key), field: field(key)) }

    /// An integer in `minimum ... 2³¹` (sizes beyond that are refused before anything is allocated).
    func count(_ key: String, minimum: Int = 1) throws(PersistenceError) -> Int {
        let n = try int(key)
        guard n >= minimum else { throw .invalidValue(field: field(key), reason: "\(n) is below \(minimum)") }
        guard n <= 1 << 31 else { throw .invalidValue(field: field(key), reason: "\(n) is too large") }
        return n
    }

    func object(_ key: String) throws(PersistenceError) -> JSONFields { try JSONFields(try value(key), path: field(key)) }

    func array(_ key: String) throws(PersistenceError) -> [JSONValue] {
        let v = try value(key)
        guard case .array(let a) = v else { throw .wrongType(field: field(key), expected: "an array", found: v.typeName) }
        return a
    }

    /// A flat array of numbers, each converted from the file's dtype to `S`.
    func numbers<S: NACScalar>(_ key: String, dtype: ScalarType, as: S.Type) throws(PersistenceError) -> [S] {
        try Self.numbers(try array(key), field: field(key), dtype: dtype, indexOffset: 0)
    }

    /// A nested array of equally long rows of numbers (rows × columns).
    func matrix<S: NACScalar>(_ key: String, dtype: ScalarType, as: S.Type) throws(PersistenceError) -> Matrix<S> {
        let rows = try array(key)
        var elements = [S]()
        var columns = -1
        for (r, row) in rows.enumerated() {
            guard case .array(let a) = row else {
                throw .wrongType(field: "\(field(key))[\(r)]", expected: "an array (one row)", found: row.typeName)
            }
            if columns < 0 { columns = a.count }
            guard a.count == columns else { throw .wrongSize(field: "\(field(key))[\(r)]", expected: columns, actual: a.count) }
            elements += try Self.numbers(a, field: field(key), dtype: dtype, indexOffset: r * columns)
        }
        return Matrix(rows: rows.count, columns: max(columns, 0), elements: elements)
    }

    static func numbers<S: NACScalar>(
        _ values: [JSONValue], field: String, dtype: ScalarType, indexOffset: Int
    ) throws(PersistenceError) -> [S] {
        var out = [S]()
        out.reserveCapacity(values.count)
        for (i, v) in values.enumerated() {
            guard case .number(let token) = v else {
                throw .wrongType(field: "\(field)[\(indexOffset + i)]", expected: "a number", found: v.typeName)
            }
            out.append(try scalar(token, dtype: dtype, field: field, index: indexOffset + i))
        }
        return out
    }

    /// One number, parsed with one correctly rounded conversion to the file's dtype, then
    /// converted (exactly, or by rounding from float64 to float32) to `S`.
    static func scalar<S: NACScalar>(_ token: String, dtype: ScalarType, field: String, index: Int) throws(PersistenceError) -> S {
        let value: S?
        switch dtype {
        case .float32: value = Float(token).map { S($0) }
        case .float64: value = Double(token).map { S($0) }
        }
        guard let value else { throw .wrongType(field: "\(field)[\(index)]", expected: "a number", found: token) }
        guard value.isFinite else { throw .nonFiniteNumber(field: field, index: index) }
        return value
    }
}
