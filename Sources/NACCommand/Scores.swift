import ArgumentParser
import Foundation
import NAC

/// `nac scores POLICY BATCH --out FILE.npy`: the per-sample score matrix of a saved policy.
struct Scores: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compute the per-sample score matrix Ψ (B × P) of a saved policy for a batch, as a NumPy .npy file.",
        discussion: """
        POLICY is a policy saved in NAC's JSON format, or a JSON file in the layout of the shared \
        reference files (policy, layers, params_flat, optionally log_std …).

        BATCH is either a JSON file with "observations" (B rows of d numbers) and "actions" \
        (B rows of A numbers for a Gaussian policy, B integer indices for a categorical one) — a \
        reference file is a valid batch file — or a .npy file of observations (B × d), in which \
        case --actions gives a .npy file of actions (B × A floats, or B integer indices).

        Ψ[b, p] = ∂ log π(a_b | s_b) / ∂θ_p, with θ in the file's documented order, is written to \
        --out as a C-order array of shape (B, P); --log-probs writes log π(a_b | s_b) (shape (B,)), --parameters writes θ (shape (P,)). \
        Both are computed in --dtype (default float64) and written with that dtype.

        Example: nac scores reference_scores_W1.json reference_scores_W1.json --out scores.npy
        """)

    @Argument(help: "The policy file (NAC JSON format or reference layout).") var policy: String
    @Argument(help: "The batch: a JSON file with observations and actions, or a .npy file of observations.") var batch: String
    @Option(help: "Where to write the score matrix (.npy, shape (B, P)).") var out: String
    @Option(name: .customLong("log-probs"), help: "Where to write the log-probabilities (.npy, shape (B,)).") var logProbs: String?
    @Option(help: "Where to write the policy's parameters θ (.npy, shape (P,)), in the documented order.") var parameters: String?
    @Option(help: "Actions as a .npy file, when BATCH is a .npy file of observations.") var actions: String?
    @Option(help: "Scalar type of the computation and the output: float32 or float64.") var dtype: String = "float64"
    @Option(name: .customLong("chunk-size"), help: "Rows per engine pass (default: the whole batch), to bound memory.") var chunkSize: Int?
    @Option(help: "Threads writing the score matrix (default: every core for matrices of 8 MiB or 2048 rows and more).") var threads: Int?

    func validate() throws {
        guard ScalarType(rawValue: dtype) != nil else { throw ValidationError("--dtype must be float32 or float64, got '\(dtype)'") }
        if let chunkSize, chunkSize < 1 { throw ValidationError("--chunk-size must be at least 1, got \(chunkSize)") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1, got \(threads)") }
        if batch.lowercased().hasSuffix(".npy") && actions == nil {
            throw ValidationError("BATCH '\(batch)' is a .npy file of observations: give the actions with --actions FILE.npy")
        }
        if !batch.lowercased().hasSuffix(".npy") && actions != nil {
            throw ValidationError("--actions is only used when BATCH is a .npy file of observations")
        }
        // Each output its own file: the same path twice would silently keep only the last one.
        let outputs = [("--out", out), ("--log-probs", logProbs), ("--parameters", parameters)]
            .compactMap { name, path in path.map { (name, URL(fileURLWithPath: $0).standardizedFileURL.path) } }
        for (i, a) in outputs.enumerated() {
            for b in outputs[(i + 1)...] where a.1 == b.1 {
                throw ValidationError("\(a.0) and \(b.0) name the same file '\(a.1)': give each output its own path")
            }
        }
    }

    func run() throws {
        switch ScalarType(rawValue: dtype)! {
        case .float32: try compute(Float.self)
        case .float64: try compute(Double.self)
        }
    }

    func compute<S: NACScalar>(_: S.Type) throws {
        let model: SavedModel<S>
        do { model = try SavedModel<S>(contentsOf: URL(fileURLWithPath: policy)) } catch {
            throw CommandError("policy \(policy): \(error)")
        }
        guard let policyModel = model.policy else {
            throw CommandError("policy \(policy) holds a \(model.kindName), not a policy")
        }
        let data: PolicyBatch<S>
        if batch.lowercased().hasSuffix(".npy"), let actions {
            do {
                let obs = try NumPyArray(contentsOf: URL(fileURLWithPath: batch))
                let act = try NumPyArray(contentsOf: URL(fileURLWithPath: actions))
                data = try PolicyBatch(observations: obs, actions: act, actionSpace: policyModel.actionSpace)
            } catch { throw CommandError("batch \(batch) / \(actions): \(error)") }
        } else {
            do { data = try PolicyBatch(contentsOf: URL(fileURLWithPath: batch), actionSpace: policyModel.actionSpace) } catch {
                throw CommandError("batch \(batch): \(error)")
            }
        }
        var psi = Matrix<S>(rows: 0, columns: 0, repeating: 0)
        let logProbabilities: [S]
        do {
            logProbabilities = try policyModel.scores(observations: data.observations, actions: data.actions,
                                                      into: &psi, chunkSize: chunkSize, threadCount: threads)
        } catch { throw CommandError("batch \(batch) does not fit policy \(policy): \(error)") }
        do {
            try NumPyArray(psi).write(to: URL(fileURLWithPath: out))
            if let logProbs { try NumPyArray(logProbabilities).write(to: URL(fileURLWithPath: logProbs)) }
            if let parameters { try NumPyArray(policyModel.parameters).write(to: URL(fileURLWithPath: parameters)) }
        } catch { throw CommandError("\(error)") }
        let written = [out] + [logProbs, parameters].compactMap { $0 }
        let message = "nac scores: \(model.kindName), B = \(psi.rows), P = \(psi.columns), \(dtype): wrote "
            + written.joined(separator: ", ")
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
