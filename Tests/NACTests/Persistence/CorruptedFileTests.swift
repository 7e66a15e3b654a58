import Foundation
import Testing
@testable import NAC

/// Every kind of damaged file is refused with its own error, naming the problem.
@Suite struct CorruptedFileTests {
    /// A valid categorical policy file (4 → 2 → 2, P = 16) with substitutions.
    static func document(
        version: String = "1", kind: String = "\"categorical_policy\"", dtype: String = "\"float64\"",
        layers: String = #"[{"in": 4, "out": 2, "activation": "tanh"}, {"in": 2, "out": 2, "activation": "identity"}]"#,
        count: String = "16", parameters: String? = nil, omit: String? = nil
    ) -> String {
        let values: [String] = (0..<16).map { String(Double($0) / 10) }
        let defaultTheta: String = "[" + values.joined(separator: ", ") + "]"
        let theta: String = parameters ?? defaultTheta
        let members: [(String, String)] = [
            ("format", "\"nac-model\""), ("version", version), ("kind", kind), ("dtype", dtype),
            ("observation_dim", "4"), ("num_actions", "2"), ("layers", layers),
            ("parameter_count", count), ("parameters", theta),
        ]
        let kept: [String] = members.filter { $0.0 != omit }.map { "\"\($0.0)\": \($0.1)" }
        return "{" + kept.joined(separator: ", ") + "}"
    }

    func load(_ text: String) throws(PersistenceError) { _ = try SavedModel<Double>(jsonText: text) }

    @Test func theTemplateIsValid() throws {
        let model = try SavedModel<Double>(jsonText: Self.document())
        #expect(model.kindName == "categorical_policy" && model.parameters.count == 16)
    }

    @Test func missingField() {
        for field in ["version", "kind", "dtype", "layers", "parameters", "parameter_count", "num_actions", "observation_dim"] {
            #expect(throws: PersistenceError.missingField(field)) { try load(Self.document(omit: field)) }
        }
        #expect(throws: PersistenceError.missingField("layers[1].activation")) {
            try load(Self.document(layers: #"[{"in": 4, "out": 2, "activation": "tanh"}, {"in": 2, "out": 2}]"#))
        }
    }

    @Test func wrongSize() {
        let fifteen = "[" + (0..<15).map { "\($0).5" }.joined(separator: ", ") + "]"
        #expect(throws: PersistenceError.wrongSize(field: "parameters", expected: 16, actual: 15)) {
            try load(Self.document(count: "16", parameters: fifteen))
        }
        #expect(throws: PersistenceError.wrongSize(field: "parameter_count", expected: 16, actual: 17)) {
            try load(Self.document(count: "17"))
        }
    }

    @Test func nonFiniteNumbers() {
        let theta = (0..<16).map { $0 == 5 ? "NaN" : "1.5" }
        #expect(throws: PersistenceError.nonFiniteNumber(field: "parameters", index: 5)) {
            try load(Self.document(parameters: "[" + theta.joined(separator: ", ") + "]"))
        }
        let inf = (0..<16).map { $0 == 0 ? "-Infinity" : "1.5" }
        #expect(throws: PersistenceError.nonFiniteNumber(field: "parameters", index: 0)) {
            try load(Self.document(parameters: "[" + inf.joined(separator: ", ") + "]"))
        }
        let huge = (0..<16).map { $0 == 15 ? "1e400" : "1.5" }
        #expect(throws: PersistenceError.nonFiniteNumber(field: "parameters", index: 15)) {
            try load(Self.document(parameters: "[" + huge.joined(separator: ", ") + "]"))
        }
        // 1e300 fits a Double but not a Float.
        let big = (0..<16).map { $0 == 3 ? "1e300" : "1.5" }
        #expect(throws: PersistenceError.nonFiniteNumber(field: "parameters", index: 3)) {
            _ = try SavedModel<Float>(jsonText: Self.document(parameters: "[" + big.joined(separator: ", ") + "]"))
        }
    }

    @Test func unknownVersionKindActivationAndType() {
        #expect(throws: PersistenceError.unsupportedVersion(found: 2, supported: [1])) { try load(Self.document(version: "2")) }
        #expect(throws: PersistenceError.unknownKind(field: "kind", name: "beta_policy")) { try load(Self.document(kind: "\"beta_policy\"")) }
        #expect(throws: PersistenceError.unknownActivation(field: "layers[0].activation", name: "gelu")) {
            try load(Self.document(layers: #"[{"in": 4, "out": 2, "activation": "gelu"}, {"in": 2, "out": 2, "activation": "identity"}]"#))
        }
        #expect(throws: PersistenceError.unknownDataType(field: "dtype", name: "float16")) { try load(Self.document(dtype: "\"float16\"")) }
        #expect(throws: PersistenceError.wrongType(field: "version", expected: "an integer", found: "a string")) {
            try load(Self.document(version: "\"1\""))
        }
    }

    @Test func inconsistentArchitecture() {
        #expect(throws: PersistenceError.inconsistent(field: "layers[1].in", reason: "3 inputs but the previous layer has 2 outputs")) {
            try load(Self.document(layers: #"[{"in": 4, "out": 2, "activation": "tanh"}, {"in": 3, "out": 2, "activation": "identity"}]"#))
        }
        #expect(throws: PersistenceError.self) {
            try load(Self.document(layers: #"[{"in": 4, "out": 2, "activation": "tanh"}, {"in": 2, "out": 3, "activation": "identity"}]"#))
        }
        #expect(throws: PersistenceError.invalidValue(field: "layers[0].out", reason: "0 is below 1")) {
            try load(Self.document(layers: #"[{"in": 4, "out": 0, "activation": "tanh"}, {"in": 0, "out": 2, "activation": "identity"}]"#))
        }
    }

    @Test func malformedOrTruncatedJSON() {
        let full = Self.document()
        for cut in [full.count / 2, full.count - 1, 1] {
            #expect {
                try load(String(full.prefix(cut)))
            } throws: { error in
                guard case .malformedJSON = error as? PersistenceError else { return false }
                return true
            }
        }
        #expect(throws: PersistenceError.unrecognizedFormat("no \"format\" member (NAC format) and no \"params_flat\" member (reference layout)")) {
            try load("{\"weights\": [1, 2]}")
        }
        #expect(throws: PersistenceError.wrongType(field: "(document)", expected: "an object", found: "an array")) { try load("[1, 2]") }
    }

    @Test func damagedReferenceLayout() throws {
        let url = Bundle.module.url(forResource: "reference_scores_W2", withExtension: "json", subdirectory: "Resources")!
        let text = try String(contentsOf: url, encoding: .utf8)
        _ = try SavedModel<Double>(jsonText: text)
        #expect(throws: PersistenceError.inconsistent(field: "param_count", reason: "227, but the layers and params_flat give 226")) {
            try load(text.replacingOccurrences(of: "\"param_count\": 226", with: "\"param_count\": 227"))
        }
        #expect(throws: PersistenceError.unknownKind(field: "policy", name: "beta")) {
            try load(text.replacingOccurrences(of: "\"policy\": \"categorical\"", with: "\"policy\": \"beta\""))
        }
        #expect(throws: PersistenceError.unknownActivation(field: "layers[0].activation", name: "tanhh")) {
            try load(text.replacingOccurrences(of: "\"activation\": \"tanh\"", with: "\"activation\": \"tanhh\""))
        }
        // A weight that disagrees with params_flat.
        let first = "-0.04276000903874369"
        #expect(text.components(separatedBy: first).count == 3)   // once in layers[0].weight, once in params_flat
        let range = text.range(of: first)!
        let changed = text.replacingCharacters(in: range, with: "-0.04276000903874368")
        #expect(throws: PersistenceError.self) { try load(changed) }
    }

    @Test func unreadableFile() {
        #expect(throws: PersistenceError.fileUnreadable(path: "/nonexistent/policy.json", reason: "no such file")) {
            _ = try SavedModel<Double>(contentsOf: URL(fileURLWithPath: "/nonexistent/policy.json"))
        }
    }
}
