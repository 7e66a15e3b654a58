import Foundation

extension SavedModel {
    /// Reads a model from JSON text in the NAC format or the reference layout (see `SavedModel`),
    /// validating every field first.
    public init(jsonText: String) throws(PersistenceError) {
        try self.init(jsonBytes: Array(jsonText.utf8))
    }

    /// Reads a model from the bytes of a JSON file.
    public init(jsonBytes: [UInt8]) throws(PersistenceError) {
        let root = try JSONFields(try JSONValue.parse(jsonBytes), path: "")
        if root.members["format"] != nil {
            self = try Self.decodeNAC(root)
        } else if root.members["params_flat"] != nil {
            self = try Self.decodeReference(root)
        } else {
            throw .unrecognizedFormat("no \"format\" member (NAC format) and no \"params_flat\" member (reference layout)")
        }
    }

    /// Reads a model file.
    public init(contentsOf url: URL) throws(PersistenceError) {
        try self.init(jsonBytes: try readFile(url))
    }

    // MARK: NAC format

    static func decodeNAC(_ root: JSONFields) throws(PersistenceError) -> SavedModel {
        let format = try root.string("format")
        guard format == formatName else { throw .unrecognizedFormat("\"format\" is \"\(format)\", expected \"\(formatName)\"") }
        let version = try root.int("version")
        guard supportedVersions.contains(version) else { throw .unsupportedVersion(found: version, supported: supportedVersions) }
        let kind = try root.string("kind")
        let dtype = try dataType(root, "dtype")
        let observationDimension = try root.count("observation_dim")

        func network(output: Int, outputName: String) throws(PersistenceError) -> MLP<Scalar> {
            let mlp = try layers(root, "layers")
            guard mlp.inputDimension == observationDimension else {
                throw .inconsistent(field: "layers[0].in", reason: "\(mlp.inputDimension) inputs but observation_dim is \(observationDimension)")
            }
            guard mlp.outputDimension == output else {
                throw .inconsistent(field: "layers[\(mlp.layers.count - 1)].out",
                                    reason: "\(mlp.outputDimension) outputs but the \(kind) needs \(output) (\(outputName))")
            }
            return mlp
        }
        func featureMap() throws(PersistenceError) -> AnyFeatureMap<Scalar> {
            let f = try features(try root.object("features"), dtype: dtype)
            guard f.inputDimension == observationDimension else {
                throw .inconsistent(field: "features", reason: "the map reads \(f.inputDimension) inputs but observation_dim is \(observationDimension)")
            }
            return f
        }
        func theta(_ count: Int) throws(PersistenceError) -> [Scalar] {
            let declared = try root.int("parameter_count")
            guard declared == count else { throw .wrongSize(field: "parameter_count", expected: count, actual: declared) }
            let values: [Scalar] = try root.numbers("parameters", dtype: dtype, as: Scalar.self)
            guard values.count == count else { throw .wrongSize(field: "parameters", expected: count, actual: values.count) }
            return values
        }

        switch kind {
        case "gaussian_policy":
            let a = try root.count("action_dim")
            let mlp = try network(output: a, outputName: "action_dim")
            return .gaussianPolicy(GaussianPolicy(meanNetwork: mlp, parameters: try theta(mlp.parameterCount + a)))
        case "state_dependent_gaussian_policy":
            let a = try root.count("action_dim")
            let mlp = try network(output: 2 * a, outputName: "2 × action_dim")
            return .stateDependentGaussianPolicy(StateDependentGaussianPolicy(network: mlp, parameters: try theta(mlp.parameterCount)))
        case "categorical_policy":
            let n = try root.count("num_actions")
            let mlp = try network(output: n, outputName: "num_actions")
            return .categoricalPolicy(CategoricalPolicy(logitNetwork: mlp, parameters: try theta(mlp.parameterCount)))
        case "linear_softmax_policy":
            let n = try root.count("num_actions")
            let f = try featureMap()
            let p = try product(n, f.featureCount, field: "num_actions")
            return .linearSoftmaxPolicy(LinearSoftmaxPolicy(features: f, actionCount: n, parameters: try theta(p)))
        case "linear_gaussian_policy":
            let a = try root.count("action_dim")
            let f = try featureMap()
            let p = try product(a, f.featureCount + 1, field: "action_dim")
            return .linearGaussianPolicy(LinearGaussianPolicy(features: f, actionDimension: a, parameters: try theta(p)))
        case "linear_value_function":
            let f = try featureMap()
            return .linearValueFunction(LinearValueFunction(features: f, parameters: try theta(f.featureCount)))
        case "mlp_value_function":
            let mlp = try network(output: 1, outputName: "one value")
            return .mlpValueFunction(MLPValueFunction(network: mlp, parameters: try theta(mlp.parameterCount)))
        default:
            throw .unknownKind(field: "kind", name: kind)
        }
    }

    /// Sizes beyond this are refused as invalid before anything is allocated.
    static var sizeLimit: Int { 1 << 31 }

    static func product(_ a: Int, _ b: Int, field: String) throws(PersistenceError) -> Int {
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow, p <= sizeLimit else { throw .invalidValue(field: field, reason: "\(a) × \(b) parameters is too many") }
        return p
    }

    static func dataType(_ fields: JSONFields, _ key: String) throws(PersistenceError) -> ScalarType {
        let name = try fields.string(key)
        guard let t = ScalarType(rawValue: name) else { throw .unknownDataType(field: fields.field(key), name: name) }
        return t
    }

    /// The `layers` array as an MLP starting at θ[0], checked to chain.
    static func layers(_ root: JSONFields, _ key: String) throws(PersistenceError) -> MLP<Scalar> {
        let array = try root.array(key)
        guard !array.isEmpty else { throw .wrongSize(field: root.field(key), expected: 1, actual: 0) }
        var specs = [(inputs: Int, outputs: Int, activation: Activation)]()
        var total = 0
        for (i, value) in array.enumerated() {
            let layer = try JSONFields(value, path: "\(root.field(key))[\(i)]")
            let inputs = try layer.count("in"), outputs = try layer.count("out")
            let name = try layer.string("activation")
            guard let activation = Activation(rawValue: name) else {
                throw .unknownActivation(field: layer.field("activation"), name: name)
            }
            if let previous = specs.last, previous.outputs != inputs {
                throw .inconsistent(field: layer.field("in"), reason: "\(inputs) inputs but the previous layer has \(previous.outputs) outputs")
            }
            let count = try product(inputs + 1, outputs, field: layer.path)
            total += count
            guard total <= sizeLimit else { throw .invalidValue(field: root.field(key), reason: "too many parameters") }
            specs.append((inputs, outputs, activation))
        }
        return MLP(layers: specs)
    }

    static func features(_ f: JSONFields, dtype: ScalarType) throws(PersistenceError) -> AnyFeatureMap<Scalar> {
        let kind = try f.string("kind")
        let limit = 1 << 20
        switch kind {
        case "identity":
            let d = try f.count("input_dim")
            let constant = f.optional("append_constant") == nil ? false : try f.bool("append_constant")
            return .identity(IdentityFeatures(inputDimension: d, appendsConstant: constant))
        case "polynomial":
            let d = try f.count("input_dim"), n = try f.count("degree", minimum: 0)
            // C(d + n, n), refused past `limit` before the exponents are generated.
            var count = 1
            for i in 0..<min(n, d + n) {
                count = count * (d + n - i) / (i + 1)   // ≤ 2²⁰ · 2³² before the division: no overflow
                guard count <= limit else { throw .invalidValue(field: f.path, reason: "more than \(limit) polynomial features") }
            }
            return .polynomial(PolynomialBasis(inputDimension: d, degree: n))
        case "fourier":
            let order = try f.count("order", minimum: 0)
            let lower: [Scalar] = try f.numbers("lower", dtype: dtype, as: Scalar.self)
            let upper: [Scalar] = try f.numbers("upper", dtype: dtype, as: Scalar.self)
            guard !lower.isEmpty else { throw .wrongSize(field: f.field("lower"), expected: 1, actual: 0) }
            guard upper.count == lower.count else { throw .wrongSize(field: f.field("upper"), expected: lower.count, actual: upper.count) }
            if let i = lower.indices.first(where: { !(upper[$0] > lower[$0]) }) {
                throw .invalidValue(field: f.field("upper"), reason: "upper[\(i)] = \(upper[i]) is not above lower[\(i)] = \(lower[i])")
            }
            var count = 1
            for _ in lower {
                count = count * (order + 1)
                guard count <= limit else { throw .invalidValue(field: f.path, reason: "more than \(limit) Fourier features") }
            }
            return .fourier(FourierBasis(order: order, lower: lower, upper: upper))
        case "radial_basis":
            let centers: Matrix<Scalar> = try f.matrix("centers", dtype: dtype, as: Scalar.self)
            guard centers.rows >= 1, centers.columns >= 1 else {
                throw .wrongSize(field: f.field("centers"), expected: 1, actual: centers.count)
            }
            let widths: [Scalar] = try f.numbers("widths", dtype: dtype, as: Scalar.self)
            guard widths.count == centers.rows else { throw .wrongSize(field: f.field("widths"), expected: centers.rows, actual: widths.count) }
            if let j = widths.firstIndex(where: { !($0 > 0) }) {
                throw .invalidValue(field: f.field("widths"), reason: "width \(widths[j]) of centre \(j) is not positive")
            }
            return .radialBasis(RadialBasis(centers: centers, widths: widths))
        case "one_hot":
            let n = try f.count("num_states")
            guard n <= limit else { throw .invalidValue(field: f.field("num_states"), reason: "more than \(limit) states") }
            return .oneHot(OneHotEncoding(stateCount: n))
        default:
            throw .unknownKind(field: f.field("kind"), name: kind)
        }
    }

    // MARK: Reference layout

    static func decodeReference(_ root: JSONFields) throws(PersistenceError) -> SavedModel {
        let policy = try root.string("policy")
        guard policy == "gaussian" || policy == "categorical" else { throw .unknownKind(field: "policy", name: policy) }
        let dtype = root.optional("dtype") == nil ? ScalarType.float64 : try dataType(root, "dtype")
        let mlp = try layers(root, "layers")
        let gaussian = policy == "gaussian"
        let outputs = mlp.outputDimension
        let count = mlp.parameterCount + (gaussian ? outputs : 0)
        let theta: [Scalar] = try root.numbers("params_flat", dtype: dtype, as: Scalar.self)
        guard theta.count == count else { throw .wrongSize(field: "params_flat", expected: count, actual: theta.count) }

        func check(_ key: String, equals expected: Int) throws(PersistenceError) {
            guard root.optional(key) != nil else { return }
            let value = try root.int(key)
            guard value == expected else { throw .inconsistent(field: key, reason: "\(value), but the layers and params_flat give \(expected)") }
        }
        try check("obs_dim", equals: mlp.inputDimension)
        try check(gaussian ? "action_dim" : "num_actions", equals: outputs)
        try check("param_count", equals: count)
        func checkSlice(_ key: JSONFields, _ name: String, _ slice: ParameterSlice, matrix: Bool) throws(PersistenceError) {
            guard key.optional(name) != nil else { return }
            let values: [Scalar]
            if matrix {
                let m: Matrix<Scalar> = try key.matrix(name, dtype: dtype, as: Scalar.self)
                guard m.rows == slice.rows, m.columns == slice.columns else {
                    throw .wrongSize(field: key.field(name), expected: slice.count, actual: m.count)
                }
                values = m.elements
            } else {
                values = try key.numbers(name, dtype: dtype, as: Scalar.self)
                guard values.count == slice.count else { throw .wrongSize(field: key.field(name), expected: slice.count, actual: values.count) }
            }
            if let i = values.indices.first(where: { values[$0] != theta[slice.offset + $0] }) {
                throw .inconsistent(field: key.field(name), reason: "element \(i) differs from params_flat[\(slice.offset + i)]")
            }
        }
        for (i, value) in try root.array("layers").enumerated() {
            let layer = try JSONFields(value, path: "layers[\(i)]")
            try checkSlice(layer, "weight", mlp.layers[i].weight, matrix: true)
            try checkSlice(layer, "bias", mlp.layers[i].bias, matrix: false)
        }
        if gaussian {
            try checkSlice(root, "log_std", ParameterSlice(offset: mlp.parameterCount, count: outputs), matrix: false)
            return .gaussianPolicy(GaussianPolicy(meanNetwork: mlp, parameters: theta))
        }
        return .categoricalPolicy(CategoricalPolicy(logitNetwork: mlp, parameters: theta))
    }
}

/// The bytes of a file, or `.fileUnreadable`.
func readFile(_ url: URL) throws(PersistenceError) -> [UInt8] {
    do {
        return Array(try Data(contentsOf: url))
    } catch {
        let reason = FileManager.default.fileExists(atPath: url.path) ? error.localizedDescription : "no such file"
        throw .fileUnreadable(path: url.path, reason: reason)
    }
}
