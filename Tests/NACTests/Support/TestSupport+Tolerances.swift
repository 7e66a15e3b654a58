import Testing
@testable import NAC

// Shared helpers for the numeric tests: the scalar types to run every check with, and error
// measures computed in Double.
//
// Tolerances follow the usual backward-error bounds: a backward-stable solve of an n × n system
// has a normwise relative residual ‖Ax − b‖ / (‖A‖ ‖x‖) of order n ε, independent of the
// condition number κ; its forward error ‖x − x*‖ / ‖x*‖ is of order κ n ε. The constants (4–16)
// leave room for the rounding of the inputs to Float and for the norm inequalities, and are still
// many orders of magnitude below what a wrong triangle, transpose or stride would give.

/// Every test runs for both scalar types through one generic `check<S: NACScalar>(_: S.Type)`.
let scalarTypes: [any NACScalar.Type] = [Float.self, Double.self]

extension NACScalar {
    /// ε = 2⁻²³ (Float) or 2⁻⁵² (Double), as a Double.
    static var machineEpsilon: Double { Double(ulpOfOne) }

    /// The condition number of the ill-conditioned test systems: κ ε is then about 10⁻³ (Float,
    /// κ = 10⁴) or 10⁻⁵ (Double, κ = 10¹¹), so forward errors of order κ n ε are still meaningful.
    static var largeConditionNumber: Double { Self.self == Float.self ? 1e4 : 1e11 }
}

extension Matrix {
    /// The element-by-element conversion of another scalar type's matrix (rounding to nearest).
    init<T: NACScalar>(converting other: Matrix<T>) {
        self.init(rows: other.rows, columns: other.columns, elements: other.elements.map { Scalar(Double($0)) })
    }

    /// This matrix in Double (exact for Float).
    var inDouble: Matrix<Double> { Matrix<Double>(converting: self) }
}

/// ‖actual − expected‖_F / ‖expected‖_F, in Double (‖actual‖_F when `expected` is zero).
func relativeError<S: NACScalar>(_ actual: Matrix<S>, _ expected: Matrix<Double>) -> Double {
    precondition(actual.rows == expected.rows && actual.columns == expected.columns,
                 "relativeError: \(actual.shape) against \(expected.shape)")
    let difference = Reference.frobeniusNorm(Reference.subtract(actual.inDouble, expected))
    let scale = Reference.frobeniusNorm(expected)
    return scale == 0 ? difference : difference / scale
}

/// The normwise relative residual ‖A x − b‖_F / (‖A‖_F ‖x‖_F), computed in Double from the
/// matrices as stored in `S`.
func relativeResidual<S: NACScalar>(_ a: Matrix<S>, _ x: Matrix<S>, _ b: Matrix<S>) -> Double {
    let ad = a.inDouble, xd = x.inDouble
    let r = Reference.subtract(Reference.product(ad, xd), b.inDouble)
    return Reference.frobeniusNorm(r) / (Reference.frobeniusNorm(ad) * Reference.frobeniusNorm(xd))
}

/// Expects `value ≤ bound` (and not NaN), reporting both.
func expectBelow(
    _ value: Double, _ bound: Double, _ what: String, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(value <= bound, "\(what) = \(value), above the bound \(bound)", sourceLocation: sourceLocation)
}

/// Expects |actual − expected| ≤ tolerance.
func expectClose(
    _ actual: Double, _ expected: Double, tolerance: Double, _ what: String = "value",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(abs(actual - expected) <= tolerance,
            "\(what) = \(actual), expected \(expected) ± \(tolerance)", sourceLocation: sourceLocation)
}

/// Expects two matrices to agree within `tolerance` relative to ‖expected‖_F.
func expectClose<S: NACScalar>(
    _ actual: Matrix<S>, _ expected: Matrix<Double>, relativeTolerance tolerance: Double,
    _ what: String = "matrix", sourceLocation: SourceLocation = #_sourceLocation
) {
    guard actual.rows == expected.rows, actual.columns == expected.columns else {
        Issue.record("\(what): shape \(actual.shape), expected \(expected.shape)", sourceLocation: sourceLocation)
        return
    }
    expectBelow(relativeError(actual, expected), tolerance, "\(what): relative error", sourceLocation: sourceLocation)
}
