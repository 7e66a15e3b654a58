import Foundation

/// Observations and actions of one batch, as read from files for `nac scores` and for
/// cross-checks with other frameworks.
///
/// Two sources:
/// - a JSON object in the reference layout: `observations` (B rows of d numbers) and `actions`
///   (B rows of A numbers for continuous actions — a flat list of B numbers when A = 1 — or B
///   integer indices, flat or one per row, for discrete actions), optionally `dtype`
///   (default float64); other members are ignored, so a reference file is a batch file too;
/// - two `.npy` files: observations (B × d, float32 or float64) and actions (B × A floats, or B
///   integer indices as int32/int64, or integral floats).
///
/// The policy's action space decides how `actions` is read. Widths and batch sizes are checked
/// against the policy by `Policy.validate(observations:actions:)`.
public struct PolicyBatch<Scalar: NACScalar>: Sendable {
    public var observations: Matrix<Scalar>
    public var actions: Actions<Scalar>

    public init(observations: Matrix<Scalar>, actions: Actions<Scalar>) {
        self.observations = observations
        self.actions = actions
    }

    /// Reads a batch from JSON text.
    public init(jsonBytes: [UInt8], actionSpace: ActionSpace) throws(PersistenceError) {
        let root = try JSONFields(try JSONValue.parse(jsonBytes), path: "")
        let dtype = root.optional("dtype") == nil ? ScalarType.float64 : try SavedModel<Scalar>.dataType(root, "dtype")
        observations = try root.matrix("observations", dtype: dtype, as: Scalar.self)
        let values = try root.array("actions")
        switch actionSpace {
        case .continuous:
            if values.allSatisfy({ if case .number = $0 { true } else { false } }) {
                actions = .continuous(Matrix(column: try JSONFields.numbers(values, field: "actions", dtype: dtype, indexOffset: 0)))
            } else {
                actions = .continuous(try root.matrix("actions", dtype: dtype, as: Scalar.self))
            }
        case .discrete:
            var indices = [Int]()
            indices.reserveCapacity(values.count)
            for (i, v) in values.enumerated() {
                var element = v
                if case .array(let row) = v {
                    guard row.count == 1 else { throw .wrongSize(field: "actions[\(i)]", expected: 1, actual: row.count) }
                    element = row[0]
                }
                indices.append(try JSONFields.integer(element, field: "actions[\(i)]"))
            }
            actions = .discrete(indices)
        }
    }

    /// Reads a batch from a JSON file.
    public init(contentsOf url: URL, actionSpace: ActionSpace) throws(PersistenceError) {
        try self.init(jsonBytes: try readFile(url), actionSpace: actionSpace)
    }

    /// A batch from `.npy` arrays: observations 2-D (or 1-D for one-column observations), actions
    /// as described above.
    public init(observations: NumPyArray, actions: NumPyArray, actionSpace: ActionSpace) throws(NumPyError) {
        guard observations.shape.count == 2 || observations.shape.count == 1 else {
            throw .wrongDimensions(expected: "observations of shape (B, d)", shape: observations.shape)
        }
        self.observations = try observations.matrix(as: Scalar.self)
        switch actionSpace {
        case .continuous: self.actions = .continuous(try actions.matrix(as: Scalar.self))
        case .discrete: self.actions = .discrete(try actions.integers())
        }
    }
}
