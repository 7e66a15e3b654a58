import Foundation

/// A policy or value function that can be saved to and loaded from NAC's JSON format
/// (see `SavedModel` for the format).
///
/// ```swift
/// try policy.save(to: URL(fileURLWithPath: "policy.json"))
/// let back = try GaussianPolicy<Double>(contentsOf: URL(fileURLWithPath: "policy.json"))
/// // back.parameters == policy.parameters, bit for bit
/// ```
public protocol PersistableModel: Sendable {
    associatedtype Scalar: NACScalar
    /// The model wrapped for saving.
    var savedModel: SavedModel<Scalar> { get }
    /// The model of this type inside `saved`, or `.unexpectedKind`.
    init(_ saved: SavedModel<Scalar>) throws(PersistenceError)
}

extension PersistableModel {
    /// The model in NAC's JSON format.
    public func jsonText() throws(PersistenceError) -> String { try savedModel.jsonText() }

    /// Saves the model in NAC's JSON format.
    public func save(to url: URL) throws(PersistenceError) { try savedModel.save(to: url) }

    /// Loads a model of this type from JSON text (NAC format, or the reference layout for the
    /// Gaussian and categorical policies).
    public init(jsonText: String) throws(PersistenceError) { try self.init(try SavedModel(jsonText: jsonText)) }

    /// Loads a model of this type from a file.
    public init(contentsOf url: URL) throws(PersistenceError) { try self.init(try SavedModel(contentsOf: url)) }
}

extension GaussianPolicy: PersistableModel {
    public var savedModel: SavedModel<Scalar> { .gaussianPolicy(self) }
    public init(_ saved: SavedModel<Scalar>) throws(PersistenceError) {
        guard case .gaussianPolicy(let p) = saved else { throw .unexpectedKind(expected: "gaussian_policy", found: saved.kindName) }
        self = p
    }
}

extension StateDependentGaussianPolicy: PersistableModel {
    public var savedModel: SavedModel<Scalar> { .stateDependentGaussianPolicy(self) }
    public init(_ saved: SavedModel<Scalar>) throws(PersistenceError) {
        guard case .stateDependentGaussianPolicy(let p) = saved else {
            throw .unexpectedKind(expected: "state_dependent_gaussian_policy", found: saved.kindName)
        }
        self = p
    }
}

extension CategoricalPolicy: PersistableModel {
    public var savedModel: SavedModel<Scalar> { .categoricalPolicy(self) }
    public init(_ saved: SavedModel<Scalar>) throws(PersistenceError) {
        guard case .categoricalPolicy(let p) = saved else { throw .unexpectedKind(expected: "categorical_policy", found: saved.kindName) }
        self = p
    }
}

extension LinearSoftmaxPolicy: PersistableModel {
    public var savedModel: SavedModel<Scalar> { .linearSoftmaxPolicy(self) }
    public init(_ saved: SavedModel<Scalar>) throws(PersistenceError) {
        guard case .linearSoftmaxPolicy(let p) = saved else { throw .unexpectedKind(expected: "linear_softmax_policy", found: saved.kindName) }
        self = p
    }
}

extension LinearGaussianPolicy: PersistableModel {
    public var savedModel: SavedModel<Scalar> { .linearGaussianPolicy(self) }
    public init(_ saved: SavedModel<Scalar>) throws(PersistenceError) {
        guard case .linearGaussianPolicy(let p) = saved else { throw .unexpectedKind(expected: "linear_gaussian_policy", found: saved.kindName) }
        self = p
    }
}

extension LinearValueFunction: PersistableModel {
    public var savedModel: SavedModel<Scalar> { .linearValueFunction(self) }
    public init(_ saved: SavedModel<Scalar>) throws(PersistenceError) {
        guard case .linearValueFunction(let v) = saved else { throw .unexpectedKind(expected: "linear_value_function", found: saved.kindName) }
        self = v
    }
}

extension MLPValueFunction: PersistableModel {
    public var savedModel: SavedModel<Scalar> { .mlpValueFunction(self) }
    public init(_ saved: SavedModel<Scalar>) throws(PersistenceError) {
        guard case .mlpValueFunction(let v) = saved else { throw .unexpectedKind(expected: "mlp_value_function", found: saved.kindName) }
        self = v
    }
}
