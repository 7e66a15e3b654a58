import Foundation
@testable import NAC

/// One policy of `../shared/reference/reference_scores_W*.json` (copied into the test resources):
/// parameters, a batch, and the per-sample scores and natural gradient computed by JAX in float64.
struct ReferencePolicy {
    struct Layer { let inputs: Int; let outputs: Int; let activation: String }
    let workload: String
    let policy: String          // "gaussian" or "categorical"
    let layers: [Layer]
    let parameters: [Double]
    let observations: Matrix<Double>
    let continuousActions: Matrix<Double>?
    let discreteActions: [Int]?
    let logProbabilities: [Double]
    let scores: Matrix<Double>
    let damping: Double
    let advantages: [Double]
    let naturalGradient: [Double]
    let naturalGradientCG10: [Double]
    let fisherRightHandSide: [Double]

    var parameterCount: Int { parameters.count }
    var batchSize: Int { observations.rows }

    static func load(_ name: String) throws -> ReferencePolicy {
        guard let url = Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Resources") else {
            throw CocoaError(.fileNoSuchFile)
        }
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        func matrix(_ key: String, in dict: [String: Any] = json) -> Matrix<Double> {
            Matrix((dict[key] as! [[Any]]).map { $0.map { ($0 as! NSNumber).doubleValue } })
        }
        func vector(_ key: String, in dict: [String: Any] = json) -> [Double] {
            (dict[key] as! [Any]).map { ($0 as! NSNumber).doubleValue }
        }
        let layers = (json["layers"] as! [[String: Any]]).map {
            Layer(inputs: $0["in"] as! Int, outputs: $0["out"] as! Int, activation: $0["activation"] as! String)
        }
        let policy = json["policy"] as! String
        let ng = json["natural_gradient"] as! [String: Any]
        var continuous: Matrix<Double>?, discrete: [Int]?
        if policy == "gaussian" { continuous = matrix("actions") } else {
            discrete = (json["actions"] as! [Any]).map { ($0 as! NSNumber).intValue }
        }
        return ReferencePolicy(
            workload: json["workload"] as! String, policy: policy, layers: layers,
            parameters: vector("params_flat"), observations: matrix("observations"),
            continuousActions: continuous, discreteActions: discrete,
            logProbabilities: vector("log_probs"), scores: matrix("scores"),
            damping: (ng["lambda"] as! NSNumber).doubleValue, advantages: vector("advantages", in: ng),
            naturalGradient: vector("w", in: ng), naturalGradientCG10: vector("w_cg10", in: ng),
            fisherRightHandSide: vector("g", in: ng))
    }
}
