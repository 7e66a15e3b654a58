import ArgumentParser
import Foundation
import NAC

/// `nac train ENV`: runs a registered learner with a live progress line, a learning-curve CSV and
/// SVG, and the final policy as JSON.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a policy on a built-in environment.",
        discussion: """
        ENV is a built-in environment (\(EnvironmentRegistry.names.joined(separator: ", "))). \
        ALGORITHM is a registered learner:
        \(LearnerRegistry.entries(Double.self).map { entry in
            "  \(entry.name): \(entry.summary) [" + LearnerOption.allCases.filter(entry.options.contains).map(\.description)
                .joined(separator: ", ") + "]"
        }.joined(separator: "\n"))

        An algorithm option in brackets applies to that algorithm only; giving it to another one is an error.

        Training stops after --steps environment steps (default 150000) or --episodes episodes, \
        or as soon as the mean return of the last 100 episodes reaches --stop-at (checked once 100 episodes have ended). Progress goes \
        to stderr; DIR (default runs/ENV-ALGORITHM-seedSEED) receives learning_curve.csv (one row \
        per episode: episode, steps, return, mean_return, length, truncated, iteration, seconds, \
        then the learner's diagnostics), learning_curve.svg and policy.json (NAC model format; \
        run it with nac evaluate).

        Example: swift run -c release nac train cartpole
        """)

    @Argument(help: "The environment.") var environment: String
    @Option(help: "The learning algorithm (default npg).") var algorithm: String = "npg"
    @Option(help: "biased (f(t) = 1) or unbiased (f(t) = γ^t): for the Thomas (2014) algorithms.") var bias: String?
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(help: "Environment-step budget (default 150000 unless --episodes is given).") var steps: Int?
    @Option(help: "Episode budget.") var episodes: Int?
    @Option(name: .customLong("stop-at"), help: "Stop when the mean return of the last 100 episodes reaches this value.") var stopAt: Double?
    @Option(help: "Output directory.") var out: String?
    @Option(help: "Policy kind: categorical, gaussian, state-dependent-gaussian (default: by action space).") var policy: String?
    @Option(help: "Hidden layer widths of the policy, comma-separated (default 32).") var hidden: String?
    @Option(help: "Discount γ in [0, 1] (default 0.99).") var gamma: Double?
    @Option(help: "GAE λ in [0, 1] (default 0.95).") var lambda: Double?
    @Option(name: .customLong("batch-size"), help: "Environment steps per iteration (default: npg 1024, npg-replay 512).") var batchSize: Int?
    @Option(help: "KL trust region δ (default: npg 0.02, npg-replay 0.01).") var kl: Double?
    @Option(help: "Environment copies stepped together (default 8).") var copies: Int?
    @Option(help: "Scalar type: float32 or float64.") var dtype: String = "float64"
    @Option(help: "BLAS threads (default 1: the batches are small, and extra threads only spin).") var threads: Int = 1
    @Flag(help: "No live progress line.") var quiet = false

    func parsedHidden() throws -> [Int]? {
        guard let hidden else { return nil }
        return try hidden.split(separator: ",", omittingEmptySubsequences: false).map {
            guard let w = Int($0.trimmingCharacters(in: .whitespaces)), w >= 1 else {
                throw ValidationError("--hidden must be comma-separated positive widths such as 64,64, got '\(hidden)'")
            }
            return w
        }
    }

    func specification() throws -> LearnerSpecification {
        var kind: PolicyKind?
        if let policy {
            guard let k = PolicyKind(rawValue: policy.lowercased()) else {
                throw ValidationError("unknown --policy '\(policy)' (known: \(PolicyKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            kind = k
        }
        var weighting: TimeWeighting?
        if let bias {
            switch bias.lowercased() {
            case "biased": weighting = .biased
            case "unbiased": weighting = .unbiased
            default: throw ValidationError("--bias must be biased or unbiased, got '\(bias)'")
            }
        }
        let spec = LearnerSpecification(
            environment: environment, seed: seed, policyKind: kind, hiddenLayers: try parsedHidden(), discount: gamma,
            gaeLambda: lambda, batchSize: batchSize, maximumKL: kl, copies: copies, bias: weighting)
        do { try spec.validate() } catch { throw ValidationError(error.description) }
        return spec
    }

    func validate() throws {
        guard EnvironmentRegistry.canonicalName(environment) != nil else {
            throw ValidationError("unknown environment '\(environment)' (known: \(EnvironmentRegistry.names.joined(separator: ", ")))")
        }
        let entry: LearnerRegistry.Entry<Double>
        do { entry = try LearnerRegistry.entry(algorithm, as: Double.self) } catch {
            throw ValidationError(error.description)
        }
        guard ScalarType(rawValue: dtype) != nil else { throw ValidationError("--dtype must be float32 or float64, got '\(dtype)'") }
        if steps != nil && episodes != nil { throw ValidationError("give --steps or --episodes, not both") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
        if let episodes, episodes < 1 { throw ValidationError("--episodes must be at least 1, got \(episodes)") }
        if let stopAt, !stopAt.isFinite { throw ValidationError("--stop-at must be finite") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
        do { try entry.requireApplicable(try specification()) } catch let error as TrainingError {
            throw ValidationError(error.description)
        }
    }

    func run() throws {
        LinearAlgebra.threadCount = threads
        switch ScalarType(rawValue: dtype)! {
        case .float32: try train(Float.self)
        case .float64: try train(Double.self)
        }
    }

    static func note(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

    static func grouped(_ n: Int) -> String {
        let s = String(n)
        var out = ""
        for (i, c) in s.reversed().enumerated() {
            if i > 0 && i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }

    static func duration(_ s: Double) -> String {
        if !s.isFinite { return "?" }
        if s < 60 { return String(format: "%.0f s", s) }
        return String(format: "%d min %02d s", Int(s) / 60, Int(s) % 60)
    }

    func train<S: NACScalar>(_: S.Type) throws {
        let spec = try specification()
        let entry = try LearnerRegistry.entry(algorithm, as: S.self)
        var learner: any Learner<S>
        do { learner = try LearnerRegistry.make(entry.name, specification: spec, as: S.self) } catch {
            throw CommandError("\(error)")
        }
        let canonical = EnvironmentRegistry.canonicalName(environment)!
        let directory = URL(fileURLWithPath: out ?? "runs/\(canonical)-\(entry.name)-seed\(seed)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let csvURL = directory.appendingPathComponent("learning_curve.csv")
        let svgURL = directory.appendingPathComponent("learning_curve.svg")
        let policyURL = directory.appendingPathComponent("policy.json")
        FileManager.default.createFile(atPath: csvURL.path, contents: nil)
        let csv = try FileHandle(forWritingTo: csvURL)
        defer { try? csv.close() }
        let stepBudget = episodes == nil ? (steps ?? 150_000) : nil

        Self.note("nac train: \(canonical), \(entry.name), seed \(seed), \(dtype); "
                  + (stepBudget.map { "budget \(Self.grouped($0)) steps" } ?? "budget \(episodes!) episodes")
                  + (stopAt.map { ", stop at mean return \($0)" } ?? "") + "; writing \(directory.path)")
        var curve = LearningCurve(window: 100)
        var headerWritten = false
        let start = Date()
        var lastPrint = -1.0
        var reachedAt: (steps: Int, seconds: Double)?
        var updates = 0
        // A live line on a terminal (redrawn 4 times a second); one line every 5 s otherwise.
        let terminal = isatty(2) != 0
        func progress(final: Bool) {
            guard !quiet else { return }
            let t = Date().timeIntervalSince(start)
            guard final || t - lastPrint >= (terminal ? 0.25 : 5) else { return }
            lastPrint = t
            let rate = Double(curve.totalSteps) / max(t, 1e-9)
            var left = Double.nan
            if let stepBudget { left = Double(stepBudget - curve.totalSteps) / max(rate, 1e-9) }
            else if let episodes, curve.episodes > 0 { left = Double(episodes - curve.episodes) * t / Double(curve.episodes) }
            let mean = curve.recentMeanReturn.map { String(format: "%.1f", $0) } ?? "–"
            let line = "episode \(curve.episodes) | steps \(Self.grouped(curve.totalSteps)) | mean return (last 100) \(mean)"
                + " | \(Self.grouped(Int(rate))) steps/s | \(Self.duration(t)) elapsed | ~\(Self.duration(max(left, 0))) left"
            let text = terminal ? "\r\u{1B}[2K" + line + (final ? "\n" : "") : line + "\n"
            FileHandle.standardError.write(Data(text.utf8))
        }
        while true {
            if let stepBudget, curve.totalSteps >= stepBudget { break }
            if let episodes, curve.episodes >= episodes { break }
            let step: LearnerIteration
            do { step = try learner.iterate() } catch {
                progress(final: true)
                throw CommandError("\(entry.name) stopped at iteration \(curve.iterations + 1): \(error)")
            }
            updates += step.policyUpdates
            let rows = curve.record(step, seconds: Date().timeIntervalSince(start))
            if !rows.isEmpty {
                var text = ""
                if !headerWritten { text += curve.csvHeader + "\n"; headerWritten = true }
                for row in rows { text += curve.csvLine(row) + "\n" }
                csv.write(Data(text.utf8))
            }
            if reachedAt == nil, let target = stopAt ?? (canonical == "cartpole" ? 475 : nil),
               let m = curve.recentMeanReturn, curve.episodes >= 100, m >= target {
                reachedAt = (curve.totalSteps, Date().timeIntervalSince(start))
            }
            progress(final: false)
            if let stopAt, curve.episodes >= 100, let m = curve.recentMeanReturn, m >= stopAt { break }
        }
        progress(final: true)
        if !headerWritten { csv.write(Data((curve.csvHeader + "\n").utf8)) }
        let elapsed = Date().timeIntervalSince(start)
        let target = stopAt ?? (canonical == "cartpole" ? 475 : nil)
        var plot = curve.svgPlot(title: "\(canonical) — \(entry.name), seed \(seed)", target: target)
        plot.title += " (\(Self.grouped(curve.totalSteps)) steps, \(Self.duration(elapsed)))"
        try plot.svgText().write(to: svgURL, atomically: true, encoding: .utf8)
        do { try learner.currentPolicy.save(to: policyURL) } catch { throw CommandError("saving \(policyURL.path): \(error)") }
        let mean = curve.recentMeanReturn.map { String(format: "%.1f", $0) } ?? "–"
        let best = curve.rows.map(\.episodeReturn).max().map { String(format: "%.1f", $0) } ?? "–"
        var summary = "\(canonical) \(entry.name) seed \(seed): \(curve.episodes) episodes, \(Self.grouped(curve.totalSteps)) steps, "
            + "\(curve.iterations) iterations (\(updates) policy updates) in " + String(format: "%.1f s", elapsed)
            + " (\(Self.grouped(Int(Double(curve.totalSteps) / max(elapsed, 1e-9)))) steps/s); "
            + "mean return (last 100) \(mean), best \(best)"
        if let target {
            summary += reachedAt.map { "; mean return ≥ \(LearningCurveFormat.number(target)) first at \(Self.grouped($0.steps)) steps, " + String(format: "%.1f s", $0.seconds) }
                ?? "; mean return never reached \(LearningCurveFormat.number(target))"
        }
        print(summary)
        print("wrote \(csvURL.path), \(svgURL.path), \(policyURL.path)")
    }
}

/// Number formatting shared by the train summary.
enum LearningCurveFormat {
    static func number(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
}
