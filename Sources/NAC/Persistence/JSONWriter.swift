/// Builds the JSON text of NAC's files: numbers are written with Swift's shortest round-trip
/// `description` (so reading them back with the same type is bit-exact).
struct JSONWriter {
    var text = ""

    static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if c.value < 0x20 { out += "\\u" + String(repeating: "0", count: 4 - String(c.value, radix: 16).count) + String(c.value, radix: 16) }
                else { out.unicodeScalars.append(c) }
            }
        }
        return out + "\""
    }

    static func numbers<S: NACScalar>(_ values: some Collection<S>) -> String {
        "[" + values.map { $0.description }.joined(separator: ", ") + "]"
    }

    static func matrix<S: NACScalar>(_ m: Matrix<S>, indent: String) -> String {
        if m.rows == 0 { return "[]" }
        let rows = (0..<m.rows).map { r in indent + "  " + numbers(m.elements[(r * m.columns)..<((r + 1) * m.columns)]) }
        return "[\n" + rows.joined(separator: ",\n") + "\n" + indent + "]"
    }

    /// An object from already encoded member values, one member per line.
    static func object(_ members: [(String, String)], indent: String = "") -> String {
        if members.isEmpty { return "{}" }
        let inner = indent + "  "
        return "{\n" + members.map { inner + quoted($0.0) + ": " + $0.1 }.joined(separator: ",\n") + "\n" + indent + "}"
    }

    /// An object on one line.
    static func inlineObject(_ members: [(String, String)]) -> String {
        "{" + members.map { quoted($0.0) + ": " + $0.1 }.joined(separator: ", ") + "}"
    }
}
