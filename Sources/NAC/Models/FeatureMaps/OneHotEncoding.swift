/// One-hot features of a finite state: the observation is one column holding a state index
/// s ∈ {0, …, n − 1} (stored as a scalar), φ(s) = e_s ∈ ℝⁿ.
///
/// With one-hot features a linear policy or critic is tabular.
public struct OneHotEncoding<Scalar: NACScalar>: FeatureMap {
    /// n, the number of states.
    public let stateCount: Int

    public init(stateCount: Int) {
        precondition(stateCount >= 1, "OneHotEncoding: \(stateCount) states")
        self.stateCount = stateCount
    }

    public var inputDimension: Int { 1 }
    public var featureCount: Int { stateCount }

    /// The first row whose entry is not an integer in 0..<n, if any.
    public func firstInvalidRow(_ observations: Matrix<Scalar>) -> Int? {
        observations.elements.firstIndex { !($0 >= 0 && $0 < Scalar(stateCount) && $0.rounded(.towardZero) == $0) }
    }

    /// e_s for every row; every entry must be an integer in 0..<n (precondition).
    public func features(_ observations: Matrix<Scalar>) -> Matrix<Scalar> {
        checkInput(observations, "OneHotEncoding")
        if let r = firstInvalidRow(observations) {
            preconditionFailure("OneHotEncoding: row \(r) holds \(observations.elements[r]), not a state index in 0..<\(stateCount)")
        }
        var out = Matrix<Scalar>.zeros(rows: observations.rows, columns: stateCount)
        for (r, s) in observations.elements.enumerated() { out.elements[r * stateCount + Int(s)] = 1 }
        return out
    }
}
