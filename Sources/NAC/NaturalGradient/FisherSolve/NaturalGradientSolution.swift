/// The solution of the damped Fisher system F w = g: the natural gradient `w`, the vanilla
/// policy gradient `g` it was computed from, and diagnostics.
///
/// `w` is always finite: a route that would return NaN or ±∞ throws
/// `NaturalGradientError.nonFiniteSolution` instead.
public struct NaturalGradientSolution<Scalar: NACScalar>: Sendable {
    /// The natural gradient w = F⁻¹ g (length P).
    public var w: [Scalar]
    /// The right-hand side g = Σ_b ω_b ψ_b Â_b / Σ_b ω_b (length P): the vanilla policy-gradient
    /// estimate.
    public var gradient: [Scalar]
    /// How the solve went.
    public var diagnostics: FisherSolveDiagnostics<Scalar>

    public init(w: [Scalar], gradient: [Scalar], diagnostics: FisherSolveDiagnostics<Scalar>) {
        self.w = w
        self.gradient = gradient
        self.diagnostics = diagnostics
    }
}
