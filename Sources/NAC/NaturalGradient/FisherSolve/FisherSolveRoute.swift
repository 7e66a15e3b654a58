/// The ways NAC solves the damped Fisher system F w = g (see `FisherSystem`).
///
/// | route | work | memory | when |
/// |---|---|---|---|
/// | `explicitFisher` | B P² (syrk) + P³/3 (potrf) | P² | P ≤ a few thousand, B ≥ P |
/// | `leastSquaresQR` | (B + P) P² (B ≥ P) or B² (P + B) (B < P) | (B + P) P or (P + B) B; (4096 + k) k when streamed (k ≤ 384 columns, larger than the cache) | full-rank Ψ, accuracy |
/// | `leastSquaresSVD` | the QR cost + 8k³/3 (k = min(B, P)); more when a singular value is cut off | (B + P) P or (P + B) B | rank-deficient Ψ, pseudo-inverse |
/// | `kernel` | B² P (syrk) + B³/3 | B² | B < P |
/// | `conjugateGradient` | k Fisher-vector products | O(P) | P too large to factorise |
public enum FisherSolveRoute: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// Form F = Ψ_ωᵀ Ψ_ω + λI by syrk and solve by Cholesky (potrf/potrs).
    case explicitFisher
    /// The compatible regression as a damped least-squares problem, solved by Householder QR
    /// (its triangle only; see `FisherSystem.solveLeastSquares`).
    case leastSquaresQR
    /// The same least-squares problem solved through the SVD of its triangle: minimum-norm,
    /// rank-revealing (see `LeastSquaresMethod.svd`).
    case leastSquaresSVD
    /// The B × B kernel (Woodbury) form w = Ψ_ωᵀ (Ψ_ω Ψ_ωᵀ + λI)⁻¹ Â_ω, by Cholesky.
    case kernel
    /// Conjugate gradient on Fisher-vector products.
    case conjugateGradient

    public var description: String {
        switch self {
        case .explicitFisher: "explicit Fisher (Cholesky)"
        case .leastSquaresQR: "least squares (QR)"
        case .leastSquaresSVD: "least squares (SVD)"
        case .kernel: "kernel (Woodbury, Cholesky)"
        case .conjugateGradient: "conjugate gradient"
        }
    }
}
