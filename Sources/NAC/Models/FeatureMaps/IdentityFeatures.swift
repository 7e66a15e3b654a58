/// φ(s) = s, optionally followed by a constant 1 (a bias feature): k = d or d + 1.
///
/// Use it for observations that already are features (precomputed φ).
public struct IdentityFeatures<Scalar: NACScalar>: FeatureMap {
    public let inputDimension: Int
    /// Whether a constant feature 1 is appended after the d inputs.
    public let appendsConstant: Bool

    public init(inputDimension: Int, appendsConstant: Bool = false) {
        precondition(inputDimension >= 1, "IdentityFeatures: input dimension \(inputDimension)")
        self.inputDimension = inputDimension
        self.appendsConstant = appendsConstant
    }

    public var featureCount: Int { inputDimension + (appendsConstant ? 1 : 0) }

    public func features(_ observations: Matrix<Scalar>) -> Matrix<Scalar> {
        checkInput(observations, "IdentityFeatures")
        guard appendsConstant else { return observations }
        return .concatenatingColumns([observations, Matrix(rows: observations.rows, columns: 1, repeating: 1)])
    }
}
