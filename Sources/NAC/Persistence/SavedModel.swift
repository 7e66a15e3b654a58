/// Any policy or value function NAC can save, and the versioned JSON format it is saved in.
///
/// ## The NAC model format, version 1
///
/// A UTF-8 JSON object:
///
/// ```json
/// {
///   "format": "nac-model",
///   "version": 1,
///   "kind": "gaussian_policy",
///   "dtype": "float64",
///   "observation_dim": 17,
///   "action_dim": 6,
///   "layers": [{"in": 17, "out": 64, "activation": "tanh"}, …],
///   "parameter_count": 5708,
///   "parameters": [θ₀, θ₁, …]
/// }
/// ```
///
/// - `format` (string, `"nac-model"`) and `version` (integer; this library reads 1).
/// - `kind`: `gaussian_policy`, `state_dependent_gaussian_policy`, `categorical_policy`,
///   `linear_softmax_policy`, `linear_gaussian_policy`, `linear_value_function`,
///   `mlp_value_function`.
/// - `dtype`: `float32` or `float64`, the type the numbers were written from. Numbers are the
///   shortest decimal that reads back to the same value of that type, so loading with the same
///   type is bit-exact; loading with the other type converts each value once.
/// - `observation_dim`: d. `action_dim`: A (Gaussian kinds). `num_actions`: n (categorical and
///   linear softmax).
/// - `layers` (MLP kinds): `in`, `out`, `activation` (identity, tanh, relu, sigmoid, softplus)
///   per dense layer from the input; they must chain, start at d and end at A (Gaussian), 2A
///   (state-dependent Gaussian: mean outputs then log-std outputs), n (categorical) or 1 (value).
/// - `features` (linear kinds), one of
///   `{"kind": "identity", "input_dim": d, "append_constant": false}`,
///   `{"kind": "polynomial", "input_dim": d, "degree": n}`,
///   `{"kind": "fourier", "order": n, "lower": [d], "upper": [d]}`,
///   `{"kind": "radial_basis", "centers": [[d] × k], "widths": [k]}`,
///   `{"kind": "one_hot", "num_states": n}`.
/// - `parameter_count`: P, and `parameters`: θ (P numbers) in NAC's documented order (each
///   model type's documentation gives it: layer by layer W [out, in] row-major then b; a log-std
///   last).
///
/// Unknown extra members are ignored. NaN and ±Infinity (Python's `NaN`, `Infinity` tokens) are
/// rejected, as is every missing field, wrong type, wrong size, unknown name, unknown version or
/// inconsistent architecture — each with its own `PersistenceError`, and nothing half-built is
/// ever returned.
///
/// ## The reference layout
///
/// A file in the layout of the shared reference files (`reference_scores_W1.json`) loads as-is:
/// `policy` (`"gaussian"` or `"categorical"`), `layers` (`in`, `out`, `activation`, optionally
/// `weight` [out][in] and `bias`), `params_flat` (θ), optionally `dtype` (default float64),
/// `obs_dim`, `action_dim` / `num_actions`, `param_count`, `log_std`. Every optional field that is
/// present must agree with `params_flat`. Other members (observations, scores…) are ignored.
public enum SavedModel<Scalar: NACScalar>: Sendable {
    case gaussianPolicy(GaussianPolicy<Scalar>)
    case stateDependentGaussianPolicy(StateDependentGaussianPolicy<Scalar>)
    case categoricalPolicy(CategoricalPolicy<Scalar>)
    case linearSoftmaxPolicy(LinearSoftmaxPolicy<Scalar>)
    case linearGaussianPolicy(LinearGaussianPolicy<Scalar>)
    case linearValueFunction(LinearValueFunction<Scalar>)
    case mlpValueFunction(MLPValueFunction<Scalar>)

    /// `"nac-model"`.
    public static var formatName: String { "nac-model" }
    /// The version this library writes.
    public static var currentVersion: Int { 1 }
    /// The versions this library reads.
    public static var supportedVersions: [Int] { [1] }

    /// The `kind` written to the file.
    public var kindName: String {
        switch self {
        case .gaussianPolicy: "gaussian_policy"
        case .stateDependentGaussianPolicy: "state_dependent_gaussian_policy"
        case .categoricalPolicy: "categorical_policy"
        case .linearSoftmaxPolicy: "linear_softmax_policy"
        case .linearGaussianPolicy: "linear_gaussian_policy"
        case .linearValueFunction: "linear_value_function"
        case .mlpValueFunction: "mlp_value_function"
        }
    }

    /// The model as a policy, if it is one.
    public var policy: (any Policy<Scalar>)? {
        switch self {
        case .gaussianPolicy(let p): p
        case .stateDependentGaussianPolicy(let p): p
        case .categoricalPolicy(let p): p
        case .linearSoftmaxPolicy(let p): p
        case .linearGaussianPolicy(let p): p
        case .linearValueFunction, .mlpValueFunction: nil
        }
    }

    /// The model as a value function, if it is one.
    public var valueFunction: (any ValueFunction<Scalar>)? {
        switch self {
        case .linearValueFunction(let v): v
        case .mlpValueFunction(let v): v
        default: nil
        }
    }

    /// θ.
    public var parameters: [Scalar] {
        switch self {
        case .gaussianPolicy(let p): p.parameters
        case .stateDependentGaussianPolicy(let p): p.parameters
        case .categoricalPolicy(let p): p.parameters
        case .linearSoftmaxPolicy(let p): p.parameters
        case .linearGaussianPolicy(let p): p.parameters
        case .linearValueFunction(let v): v.parameters
        case .mlpValueFunction(let v): v.parameters
        }
    }
}
