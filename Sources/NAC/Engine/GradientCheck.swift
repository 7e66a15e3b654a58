/// The outcome of comparing a derivative with central finite differences.
public struct GradientCheckReport<Scalar: NACScalar>: Sendable, CustomStringConvertible {
    /// max over entries of |analytic − numeric| / max(|analytic|, |numeric|, floor).
    public var maximumRelativeError: Scalar
    /// max over entries of |analytic − numeric|.
    public var maximumAbsoluteError: Scalar
    /// Where the worst relative error occurs: (output index, input index).
    public var worstOutput: Int
    public var worstInput: Int
    /// The two values at the worst entry.
    public var analyticAtWorst: Scalar
    public var numericAtWorst: Scalar
    /// The denominator floor used (see `maximumRelativeError`).
    public var floor: Scalar
    /// Number of entries compared.
    public var entriesCompared: Int

    /// Whether the worst relative error is at most `tolerance`.
    public func passes(tolerance: Scalar) -> Bool { maximumRelativeError <= tolerance }

    public var description: String {
        "worst relative error \(maximumRelativeError) at (output \(worstOutput), input \(worstInput)): analytic \(analyticAtWorst), numeric \(numericAtWorst); worst absolute error \(maximumAbsoluteError); \(entriesCompared) entries"
    }
}

/// Checks derivatives against central finite differences — the check people otherwise do by
/// hand in a notebook.
///
/// ```swift
/// let report = GradientCheck.compare(jacobian: j, of: { theta in f.evaluate(at: theta, inputs: x).elements }, at: theta)
/// #expect(report.passes(tolerance: 1e-6), "\(report)")
/// ```
public enum GradientCheck {
    /// Compares a Jacobian (m × n: row i = ∂fᵢ/∂x) of f: ℝⁿ → ℝᵐ with central differences
    /// (f(x + hⱼeⱼ) − f(x − hⱼeⱼ)) / 2hⱼ, hⱼ = step · max(1, |xⱼ|).
    /// - Parameters:
    ///   - step: the relative step; default ε^(1/3) (the optimum for central differences).
    ///   - floor: denominator floor of the relative error; default 10⁻³ × the largest |numeric| entry
    ///     (so entries that are zero up to finite-difference noise do not dominate).
    /// - Complexity: 2n evaluations of f.
    public static func compare<Scalar: NACScalar>(
        jacobian: Matrix<Scalar>, of f: ([Scalar]) -> [Scalar], at x: [Scalar], step: Scalar? = nil,
        floor: Scalar? = nil
    ) -> GradientCheckReport<Scalar> {
        precondition(jacobian.columns == x.count,
                     "GradientCheck: Jacobian is \(jacobian.rows) × \(jacobian.columns) but x has \(x.count) elements")
        let h = step ?? Scalar.pow(Scalar.ulpOfOne, Scalar(1) / 3)
        var numeric = Matrix<Scalar>.zeros(rows: jacobian.rows, columns: jacobian.columns)
        var probe = x
        for j in 0..<x.count {
            let hj = h * Swift.max(1, abs(x[j]))
            probe[j] = x[j] + hj
            let plus = f(probe)
            probe[j] = x[j] - hj
            let minus = f(probe)
            probe[j] = x[j]
            precondition(plus.count == jacobian.rows && minus.count == jacobian.rows,
                         "GradientCheck: f returned \(plus.count) values for a Jacobian of \(jacobian.rows) rows")
            let denominator = (x[j] + hj) - (x[j] - hj)   // the step actually taken
            for i in 0..<jacobian.rows { numeric[i, j] = (plus[i] - minus[i]) / denominator }
        }
        return report(analytic: jacobian, numeric: numeric, floor: floor)
    }

    /// Compares a gradient of a scalar f: ℝⁿ → ℝ with central differences.
    public static func compare<Scalar: NACScalar>(
        gradient: [Scalar], of f: ([Scalar]) -> Scalar, at x: [Scalar], step: Scalar? = nil, floor: Scalar? = nil
    ) -> GradientCheckReport<Scalar> {
        compare(jacobian: Matrix(row: gradient), of: { [f($0)] }, at: x, step: step, floor: floor)
    }

    /// Compares two matrices entry by entry (an analytic derivative against any reference).
    public static func report<Scalar: NACScalar>(
        analytic: Matrix<Scalar>, numeric: Matrix<Scalar>, floor: Scalar? = nil
    ) -> GradientCheckReport<Scalar> {
        precondition(analytic.rows == numeric.rows && analytic.columns == numeric.columns,
                     "GradientCheck: analytic is \(analytic.rows) × \(analytic.columns) but numeric is \(numeric.rows) × \(numeric.columns)")
        let scale = numeric.maximumMagnitude
        let floorValue = floor ?? Swift.max(scale * Scalar(1e-3), Scalar.leastNormalMagnitude)
        var r = GradientCheckReport<Scalar>(maximumRelativeError: 0, maximumAbsoluteError: 0, worstOutput: 0,
                                            worstInput: 0, analyticAtWorst: 0, numericAtWorst: 0,
                                            floor: floorValue, entriesCompared: analytic.count)
        for i in 0..<analytic.rows {
            for j in 0..<analytic.columns {
                let a = analytic[i, j], n = numeric[i, j]
                let absolute = abs(a - n)
                var relative = absolute / Swift.max(abs(a), abs(n), floorValue)
                if !absolute.isFinite { relative = .infinity }
                r.maximumAbsoluteError = Swift.max(r.maximumAbsoluteError, absolute)
                if relative > r.maximumRelativeError || (i == 0 && j == 0) {
                    r.maximumRelativeError = relative
                    r.worstOutput = i; r.worstInput = j
                    r.analyticAtWorst = a; r.numericAtWorst = n
                }
            }
        }
        return r
    }
}

extension DifferentiableFunction {
    /// Checks the per-sample Jacobian (B × P) against central differences of the outputs in θ.
    public func checkPerSampleJacobian(
        at theta: [Scalar], inputs: [Matrix<Scalar>], step: Scalar? = nil
    ) throws(DifferentiationError) -> GradientCheckReport<Scalar> {
        let j = try perSampleJacobian(at: theta, inputs: inputs).jacobian
        return GradientCheck.compare(jacobian: j, of: { evaluate(at: $0, inputs: inputs).elements }, at: theta, step: step)
    }

    /// Checks the reverse-mode gradient of Σ ω out against central differences in θ.
    public func checkGradient(
        at theta: [Scalar], inputs: [Matrix<Scalar>], outputWeights: Matrix<Scalar>? = nil, step: Scalar? = nil
    ) -> GradientCheckReport<Scalar> {
        let g = gradient(at: theta, inputs: inputs, outputWeights: outputWeights).parameters
        return GradientCheck.compare(gradient: g, of: { theta in
            let out = evaluate(at: theta, inputs: inputs)
            guard let w = outputWeights else { return out.elements.reduce(0, +) }
            return zip(out.elements, w.elements).reduce(0) { $0 + $1.0 * $1.1 }
        }, at: theta, step: step)
    }
}
