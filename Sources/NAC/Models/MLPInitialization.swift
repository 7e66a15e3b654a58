/// How `MLP.initializeParameters` draws a fresh θ.
///
/// Draw order (so that a seed fixes every number): layer by layer from the input; within a
/// layer every weight entry in row-major order ([out, in]), then every bias entry. Normal
/// variates come from `Xoshiro256StarStar.normal` (Box–Muller) in `Double` and are rounded to
/// the scalar type. Biases with standard deviation 0 are set to 0 and consume no draws.
///
/// - `default`: weights N(0, 1/fan_in) (LeCun normal: keeps tanh pre-activations near unit
///   variance), zero biases;
/// - `workloadTiming`: the timing inputs of the shared workloads file: weights N(0, 1/fan_in),
///   biases N(0, 0.1²).
public struct MLPInitialization: Sendable, Hashable {
    /// The distribution of weight entries.
    public enum Weights: Sendable, Hashable {
        /// N(0, 1/fan_in), fan_in = the layer's input width.
        case scaledNormal
        /// Uniform on ±√(6 / (fan_in + fan_out)) (Glorot & Bengio 2010).
        case xavierUniform
        /// All zero.
        case zeros
    }

    public var weights: Weights
    /// Standard deviation of the biases (0: zero biases).
    public var biasStandardDeviation: Double
    /// A factor applied to the last layer's weights and biases (for example 0.01 for a policy
    /// whose initial output should be near zero).
    public var outputLayerScale: Double

    public init(weights: Weights = .scaledNormal, biasStandardDeviation: Double = 0, outputLayerScale: Double = 1) {
        precondition(biasStandardDeviation >= 0 && biasStandardDeviation.isFinite,
                     "MLPInitialization: bias standard deviation \(biasStandardDeviation)")
        precondition(outputLayerScale.isFinite, "MLPInitialization: output layer scale \(outputLayerScale)")
        self.weights = weights
        self.biasStandardDeviation = biasStandardDeviation
        self.outputLayerScale = outputLayerScale
    }

    /// Weights N(0, 1/fan_in), zero biases.
    public static let `default` = MLPInitialization()
    /// Weights N(0, 1/fan_in), biases N(0, 0.1²): the shared workloads' timing inputs.
    public static let workloadTiming = MLPInitialization(biasStandardDeviation: 0.1)
}
