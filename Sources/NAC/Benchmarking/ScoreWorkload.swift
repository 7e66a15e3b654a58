/// One benchmark workload of `../shared/reference/workloads.json`: a policy architecture whose
/// per-sample score matrix (B × P) is timed, built in as data so that `nac bench scores` and the
/// benchmark package need no file at run time.
///
/// Conventions (those of the workloads file): dense layers y = W x + b with W [out, in]
/// row-major, tanh after every hidden layer, identity output; Gaussian policies have a
/// state-independent log-std after the MLP's parameters.
public struct ScoreWorkload: Sendable, Hashable, Identifiable, CustomStringConvertible {
    /// The policy family.
    public enum Family: String, Sendable, Hashable {
        /// Diagonal Gaussian, MLP mean, state-independent log-std (`GaussianPolicy`).
        case gaussian
        /// Softmax over MLP logits (`CategoricalPolicy`).
        case categorical
    }

    /// "W1" …
    public let id: String
    public let name: String
    public let family: Family
    public let observationDimension: Int
    public let hiddenLayers: [Int]
    /// A for Gaussian policies, the number of actions for categorical ones.
    public let outputDimension: Int

    public init(id: String, name: String, family: Family, observationDimension: Int, hiddenLayers: [Int], outputDimension: Int) {
        self.id = id
        self.name = name
        self.family = family
        self.observationDimension = observationDimension
        self.hiddenLayers = hiddenLayers
        self.outputDimension = outputDimension
    }

    /// `[obs, hidden…, out]`.
    public var layerSizes: [Int] { [observationDimension] + hiddenLayers + [outputDimension] }

    /// P = Σ (in · out + out), plus A for the Gaussian log-std.
    public var parameterCount: Int {
        let sizes = layerSizes
        var count = family == .gaussian ? outputDimension : 0
        for i in 0..<(sizes.count - 1) {
            let inputs = sizes[i], outputs = sizes[i + 1]
            count += inputs * outputs + outputs
        }
        return count
    }

    /// Bytes of the B × P Jacobian.
    public func jacobianBytes(batchSize: Int, scalarType: ScalarType) -> Int {
        batchSize * parameterCount * scalarType.byteCount
    }

    /// The workloads file's skip rule: a case is skipped when its Jacobian exceeds 2 GiB.
    public func isSkipped(batchSize: Int, scalarType: ScalarType) -> Bool {
        jacobianBytes(batchSize: batchSize, scalarType: scalarType) > Self.jacobianLimitBytes
    }

    /// 2 GiB (`jacobian_limit_bytes`).
    public static let jacobianLimitBytes = 2_147_483_648

    public var description: String { "\(id) (\(family.rawValue) \(layerSizes.map(String.init).joined(separator: "→")), P = \(parameterCount))" }

    /// HalfCheetah-sized Gaussian policy: 17 → 64 → 64 → 6, P = 5708.
    public static let w1 = ScoreWorkload(id: "W1", name: "HalfCheetah-sized Gaussian policy", family: .gaussian,
                                         observationDimension: 17, hiddenLayers: [64, 64], outputDimension: 6)
    /// CartPole-sized categorical policy: 4 → 32 → 2, P = 226.
    public static let w2 = ScoreWorkload(id: "W2", name: "CartPole-sized categorical policy", family: .categorical,
                                         observationDimension: 4, hiddenLayers: [32], outputDimension: 2)
    /// Large Gaussian policy: 64 → 256 → 256 → 8, P = 84496.
    public static let w3 = ScoreWorkload(id: "W3", name: "Large Gaussian policy", family: .gaussian,
                                         observationDimension: 64, hiddenLayers: [256, 256], outputDimension: 8)
    /// LunarLander-sized categorical policy (extra): 8 → 64 → 64 → 4, P = 4996.
    public static let w4 = ScoreWorkload(id: "W4", name: "LunarLander-sized categorical policy", family: .categorical,
                                         observationDimension: 8, hiddenLayers: [64, 64], outputDimension: 4)

    /// W1–W4.
    public static let all = [w1, w2, w3, w4]
    /// The workloads `nac bench scores` runs by default: W1, W2, W3.
    public static let standard = [w1, w2, w3]
    /// The workloads file's batch sizes.
    public static let batchSizes = [32, 256, 1024, 4096]

    /// The workload with this id (case-insensitive), if any.
    public static func named(_ id: String) -> ScoreWorkload? { all.first { $0.id.lowercased() == id.lowercased() } }
}
