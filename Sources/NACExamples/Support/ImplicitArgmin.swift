import NAC

/// u*(c) = argmin_u Q(u; c) as an engine operation, for an objective Q strictly convex in the
/// decision u (B × m) given per-sample coefficients c (B × k) — typically the output of a network
/// of the state, so that θ reaches the argmin through c.
///
/// The primal solves ∇ᵤQ(u*; c) = 0 by Newton's method. The derivatives come from the
/// implicit-function theorem: differentiating ∇ᵤQ(u*(c); c) = 0 gives
///
///     tangent    u̇* = −Q_uu⁻¹ (Q_uc ċ)
///     adjoint    c̄  = −Q_cu (Q_uu⁻¹ ū)
///
/// and every second derivative is computed by the engine from `objective`, forward-over-reverse
/// (no hand derivatives of Q):
/// - Q_uu eᵢ is the tangent of the input gradient ∇ᵤQ along the input direction u̇ = eᵢ;
/// - Q_uc ċ is the tangent of ∇ᵤQ along the input direction ċ;
/// - Q_cu w is the tangent of ∇_cQ along the input direction u̇ = w.
/// Chained by the engine with ∂c/∂θ these give ∂u*/∂θ = −Q_uu⁻¹ Q_uθ.
///
/// ```swift
/// // Q(u; a, b, c) = ½ a u² + b u + c with a > 0: u* = −b/a.
/// let argmin = ImplicitArgmin<Double>(decisionDimension: 1) { u, k in
///     k.columns(0..<1) * u.squared() * 0.5 + k.columns(1..<2) * u + k.columns(2..<3)
/// }
/// let uStar = argmin(coefficients)          // on the tape, differentiable in θ
/// ```
///
/// Limitation: forward-over-reverse *through* the argmin (for example a Hessian-vector product
/// of a loss containing u*) would need third derivatives of Q and is refused with a
/// precondition failure; first-order modes (gradient, JVP, per-sample Jacobian) are exact.
public struct ImplicitArgmin<Scalar: NACScalar>: Sendable {
    /// Q(u; c) per sample (B × 1) from the decision u (B × m) and the coefficients c (B × k),
    /// recorded on their tape.
    public typealias Objective = @Sendable (_ decision: Variable<Scalar>, _ coefficients: Variable<Scalar>) -> Variable<Scalar>

    /// m, the width of u.
    public let decisionDimension: Int
    public let objective: Objective
    /// Newton stops when max |Δu| ≤ tolerance · (1 + max |u|), or after this many steps.
    public var maximumNewtonSteps = 50
    public var tolerance: Scalar = Scalar.ulpOfOne.squareRoot() * 1e-2
    /// Q(u; c) as an engine function of the inputs [u, c] (no parameters).
    public let function: DifferentiableFunction<Scalar>

    public init(decisionDimension: Int, objective: @escaping Objective) {
        precondition(decisionDimension >= 1, "ImplicitArgmin: decision dimension \(decisionDimension)")
        self.decisionDimension = decisionDimension
        self.objective = objective
        function = DifferentiableFunction(parameterCount: 0) { _, inputs in objective(inputs[0], inputs[1]) }
    }

    /// Records u* = argmin_u Q(u; c) (B × m) on c's tape.
    public func callAsFunction(_ coefficients: Variable<Scalar>) -> Variable<Scalar> {
        coefficients.tape.apply(operation, [coefficients])
    }

    /// The custom operation c ↦ u*(c).
    public var operation: CustomOperation<Scalar> {
        let argmin = self
        return CustomOperation(
            name: "implicit argmin",
            primal: { c in argmin.minimizer(c[0]) },
            tangent: { c, u, cDot in
                guard let cDot = cDot[0] else { return .zeros(rows: u.rows, columns: u.columns) }
                let mixed = argmin.mixedProduct(decision: u, coefficients: c[0], coefficientDirection: cDot)
                return -argmin.solve(hessians: argmin.hessians(decision: u, coefficients: c[0]), mixed)
            },
            adjoint: { c, u, uBar in
                precondition(c[0].tangent == nil && u.tangent == nil && uBar.tangent == nil,
                             "ImplicitArgmin: forward-over-reverse through the argmin needs third derivatives of Q; use first-order modes")
                let w = argmin.solve(hessians: argmin.hessians(decision: u.value, coefficients: c[0].value), uBar.value)
                return [Dual(-argmin.mixedTransposedProduct(decision: u.value, coefficients: c[0].value, direction: w))]
            })
    }

    // MARK: Derivatives of Q by the engine

    /// ∇ᵤQ (B × m), by the reverse pass.
    public func decisionGradient(decision u: Matrix<Scalar>, coefficients c: Matrix<Scalar>) -> Matrix<Scalar> {
        function.gradient(at: [], inputs: [u, c], inputGradients: true).inputs[0]
    }

    /// Q_uu for every sample: B × m² (row b holds sample b's m × m Hessian, row-major), one
    /// forward-over-reverse pass per column eᵢ.
    public func hessians(decision u: Matrix<Scalar>, coefficients c: Matrix<Scalar>) -> Matrix<Scalar> {
        let m = decisionDimension, rows = u.rows
        var h = Matrix<Scalar>.zeros(rows: rows, columns: m * m)
        for i in 0..<m {
            var e = Matrix<Scalar>.zeros(rows: rows, columns: m)
            for b in 0..<rows { e[b, i] = 1 }
            let column = function.gradientWithTangent(at: [], inputs: [u, c], inputDirections: [e, nil],
                                                      inputGradients: true).inputsTangent[0]
            for b in 0..<rows { for j in 0..<m { h[b, j * m + i] = column[b, j] } }
        }
        return h
    }

    /// Q_uc ċ (B × m): the tangent of ∇ᵤQ along the coefficient direction ċ.
    public func mixedProduct(
        decision u: Matrix<Scalar>, coefficients c: Matrix<Scalar>, coefficientDirection cDot: Matrix<Scalar>
    ) -> Matrix<Scalar> {
        function.gradientWithTangent(at: [], inputs: [u, c], inputDirections: [nil, cDot],
                                     inputGradients: true).inputsTangent[0]
    }

    /// Q_cu w (B × k): the tangent of ∇_cQ along the decision direction w.
    public func mixedTransposedProduct(
        decision u: Matrix<Scalar>, coefficients c: Matrix<Scalar>, direction w: Matrix<Scalar>
    ) -> Matrix<Scalar> {
        function.gradientWithTangent(at: [], inputs: [u, c], inputDirections: [w, nil],
                                     inputGradients: true).inputsTangent[1]
    }

    /// Solves H_b x_b = y_b for every sample (H as from `hessians`, y and x B × m).
    public func solve(hessians h: Matrix<Scalar>, _ y: Matrix<Scalar>) -> Matrix<Scalar> {
        let m = decisionDimension
        var x = y
        for b in 0..<y.rows {
            if m == 1 {
                precondition(h[b, 0] > 0, "ImplicitArgmin: Q is not strictly convex in u at sample \(b) (Q_uu = \(h[b, 0]))")
                x[b, 0] = y[b, 0] / h[b, 0]
            } else {
                let hb = Matrix(rows: m, columns: m, elements: h.row(b))
                guard let xb = try? hb.solvePositiveDefinite(y.row(b)) else {
                    preconditionFailure("ImplicitArgmin: Q is not strictly convex in u at sample \(b) (Q_uu not positive definite)")
                }
                x.setRow(b, to: xb)
            }
        }
        return x
    }

    /// argmin_u Q(u; c) for every sample by Newton's method from u = 0 (one step is exact when Q
    /// is quadratic in u).
    public func minimizer(_ c: Matrix<Scalar>) -> Matrix<Scalar> {
        var u = Matrix<Scalar>.zeros(rows: c.rows, columns: decisionDimension)
        for _ in 0..<maximumNewtonSteps {
            let step = solve(hessians: hessians(decision: u, coefficients: c),
                             decisionGradient(decision: u, coefficients: c))
            u = u - step
            if step.maximumMagnitude <= tolerance * (1 + u.maximumMagnitude) { break }
        }
        return u
    }
}
