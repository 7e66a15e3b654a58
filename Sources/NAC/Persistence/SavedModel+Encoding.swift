import Foundation

extension SavedModel {
    /// The model in the NAC JSON format (see `SavedModel`).
    /// - Throws: `.nonFiniteNumber` if θ holds a NaN or an infinity (JSON cannot hold them).
    public func jsonText() throws(PersistenceError) -> String {
        let theta = parameters
        if let i = theta.firstIndex(where: { !$0.isFinite }) { throw .nonFiniteNumber(field: "parameters", index: i) }
        var members: [(String, String)] = [
            ("format", JSONWriter.quoted(Self.formatName)),
            ("version", String(Self.currentVersion)),
            ("kind", JSONWriter.quoted(kindName)),
            ("dtype", JSONWriter.quoted(ScalarType.of(Scalar.self).rawValue)),
        ]
        func layers(_ mlp: MLP<Scalar>) -> (String, String) {
            ("layers", "[\n" + mlp.layers.map {
                "    " + JSONWriter.inlineObject([("in", String($0.inputs)), ("out", String($0.outputs)),
                                                  ("activation", JSONWriter.quoted($0.activation.rawValue))])
            }.joined(separator: ",\n") + "\n  ]")
        }
        switch self {
        case .gaussianPolicy(let p):
            members += [("observation_dim", String(p.observationDimension)), ("action_dim", String(p.actionDimension)),
                        layers(p.meanNetwork)]
        case .stateDependentGaussianPolicy(let p):
            members += [("observation_dim", String(p.observationDimension)), ("action_dim", String(p.actionDimension)),
                        layers(p.network)]
        case .categoricalPolicy(let p):
            members += [("observation_dim", String(p.observationDimension)), ("num_actions", String(p.actionCount)),
                        layers(p.logitNetwork)]
        case .linearSoftmaxPolicy(let p):
            members += [("observation_dim", String(p.observationDimension)), ("num_actions", String(p.actionCount)),
                        ("features", Self.encode(p.features))]
        case .linearGaussianPolicy(let p):
            members += [("observation_dim", String(p.observationDimension)), ("action_dim", String(p.actionDimension)),
                        ("features", Self.encode(p.features))]
        case .linearValueFunction(let v):
            members += [("observation_dim", String(v.observationDimension)), ("features", Self.encode(v.features))]
        case .mlpValueFunction(let v):
            members += [("observation_dim", String(v.observationDimension)), layers(v.network)]
        }
        members += [("parameter_count", String(theta.count)), ("parameters", JSONWriter.numbers(theta))]
        return JSONWriter.object(members) + "\n"
    }

    static func encode(_ features: AnyFeatureMap<Scalar>) -> String {
        var members: [(String, String)] = [("kind", JSONWriter.quoted(features.kindName))]
        switch features {
        case .identity(let m):
            members += [("input_dim", String(m.inputDimension)), ("append_constant", m.appendsConstant ? "true" : "false")]
        case .polynomial(let m):
            members += [("input_dim", String(m.inputDimension)), ("degree", String(m.degree))]
        case .fourier(let m):
            members += [("order", String(m.order)), ("lower", JSONWriter.numbers(m.lower)), ("upper", JSONWriter.numbers(m.upper))]
        case .radialBasis(let m):
            members += [("centers", JSONWriter.matrix(m.centers, indent: "  ")), ("widths", JSONWriter.numbers(m.widths))]
        case .oneHot(let m):
            members += [("num_states", String(m.stateCount))]
        }
        return JSONWriter.object(members, indent: "  ")
    }

    /// Writes the JSON text to `url` (atomically: a reader never sees half a file).
    public func save(to url: URL) throws(PersistenceError) {
        let text = try jsonText()
        do {
            try Data(text.utf8).write(to: url, options: .atomic)
        } catch {
            throw .fileUnwritable(path: url.path, reason: error.localizedDescription)
        }
    }
}
