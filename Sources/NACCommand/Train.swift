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
            let options = LearnerOption.allCases.filter(entry.options.contains).map(\.description)
            return "  \(entry.name): \(entry.summary) [" + (options.isEmpty ? "no algorithm options" : options.joined(separator: ", ")) + "]"
        }.joined(separator: "\n"))

        An algorithm option in brackets applies to that algorithm only; giving it to another one is an error.

        Training stops after --steps environment steps (default 150000) or --episodes episodes, \
        or as soon as the mean return of the last 100 episodes reaches --stop-at (checked once 100 episodes have ended). Progress goes \
        to stderr; DIR (default runs/ENV-ALGORITHM-seedSEED) receives learning_curve.csv (one row \
        per episode: episode, steps, return, mean_return, length, truncated, iteration, seconds, \
        then the learner's diagnostics, appended as episodes end), learning_curve.svg and policy.json \
        (NAC model format; run it with nac evaluate), saved every --checkpoint-seconds and at the end. \
        Ctrl-C (or SIGTERM) stops after the current iteration and saves everything (exit status 130); \
        if the learner fails, the curve, the plot and the policy from before the failing iteration are saved before the error.

        Example: swift run -c release nac train cartpole
        """)

    @Argument(help: "The environment.") var environment: String
    @Option(help: "The learning algorithm (default npg).") var algorithm: String = "npg"
    @Option(help: "biased (f(t) = 1) or unbiased (f(t) = γ^t): for the Thomas (2014) algorithms.") var bias: String?
    @Option(help: "Random seed.") var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: "Environment-step budget (default 150000 unless --episodes is given), checked after each iteration (npg: 1024 steps by default).") var steps: Int?
    @Option(parsing: .unconditional, help: "Episode budget, checked after each iteration.") var episodes: Int?
    @Option(name: .customLong("stop-at"), parsing: .unconditional,
            help: "Stop when the mean return of the last 100 episodes reaches this value (negative values too: --stop-at -200).") var stopAt: Double?
    @Option(help: "Output directory (default runs/ENV-ALGORITHM-seedSEED, or the first free runs/…-2, -3, … when it holds a run).") var out: String?
    @Flag(help: "Replace the run already in --out (or in the default directory) instead of refusing (or choosing a fresh one).") var overwrite = false
    @Option(help: "Policy kind: categorical, gaussian, state-dependent-gaussian (default: by action space).") var policy: String?
    @Option(parsing: .unconditional, help: "Hidden layer widths of the policy, comma-separated (default 32).") var hidden: String?
    @Option(parsing: .unconditional, help: "Discount γ in [0, 1] (default 0.99).") var gamma: Double?
    @Option(parsing: .unconditional, help: "GAE λ in [0, 1] (default 0.95).") var lambda: Double?
    @Option(name: .customLong("batch-size"), parsing: .unconditional, help: "Environment steps per iteration, rounded up to a multiple of --copies (default: 128 per copy for npg, 1024 with 8 copies; 64 per copy for npg-replay, 512).") var batchSize: Int?
    @Option(parsing: .unconditional, help: "KL trust region δ (default: npg 0.02, npg-replay 0.01).") var kl: Double?
    @Option(parsing: .unconditional, help: "Environment copies stepped together (default 8; without --batch-size the batch scales with them).") var copies: Int?
    @Option(help: "Scalar type: float32 or float64.") var dtype: String = "float64"
    @Option(parsing: .unconditional, help: "BLAS threads (default 1: the batches are small, and extra threads only spin).") var threads: Int = 1
    @Option(name: .customLong("checkpoint-seconds"), parsing: .unconditional, help: "Seconds between saves of policy.json during training (0: every iteration).")
    var checkpointSeconds: Double = 60
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
        guard checkpointSeconds.isFinite, checkpointSeconds >= 0 else {
            throw ValidationError("--checkpoint-seconds must be finite and ≥ 0, got \(checkpointSeconds)")
        }
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
        guard s.isFinite, s < 1e9 else { return "?" }
        if s < 60 { return String(format: "%.0f s", s) }
        return "\(Int(s) / 60) min " + String(format: "%02d s", Int(s) % 60)
    }

    func train<S: NACScalar>(_: S.Type) throws {
        let spec = try specification()
        let entry = try LearnerRegistry.entry(algorithm, as: S.self)
        let learner: any Learner<S>
        do { learner = try LearnerRegistry.make(entry.name, specification: spec, as: S.self) } catch {
            throw CommandError("\(error)")
        }
        let canonical = EnvironmentRegistry.canonicalName(environment)!
        // Never replace an earlier run's files unasked: a given --out that holds one is refused,
        // the default directory moves on to the first free runs/…-2, -3, ….
        let directory: URL
        if let out {
            directory = URL(fileURLWithPath: out)
            if !overwrite && TrainingFiles.holdsRun(directory) {
                throw CommandError("\(directory.path) already holds a run (learning_curve.csv, learning_curve.svg or policy.json); "
                                   + "pass --overwrite to replace it, or choose another --out")
            }
        } else {
            let base = URL(fileURLWithPath: "runs/\(canonical)-\(entry.name)-seed\(seed)")
            directory = overwrite ? base : TrainingFiles.freshDirectory(base: base)
            if directory != base { Self.note("nac train: \(base.path) holds an earlier run; writing \(directory.path) instead (--overwrite replaces it)") }
        }
        let stepBudget = episodes == nil ? (steps ?? 150_000) : nil
        let stop = StopRequest()
        var run = TrainingRun(learner: learner, directory: directory, title: "\(canonical) — \(entry.name), seed \(seed)",
                              stepBudget: stepBudget, episodeBudget: episodes, stopAt: stopAt,
                              referenceReturn: stopAt ?? (canonical == "cartpole" ? 475 : nil), stopRequest: stop)
        run.checkpointInterval = checkpointSeconds
        let signalSources = stop.requestOnTerminationSignals {
            Self.note("\nnac train: stopping after the current iteration and saving (send the signal again to abort)")
        }
        defer { signalSources.forEach { $0.cancel() } }

        Self.note("nac train: \(canonical), \(entry.name), seed \(seed), \(dtype); "
                  + (stepBudget.map { "budget \(Self.grouped($0)) steps" } ?? "budget \(episodes!) episodes")
                  + (stopAt.map { ", stop at mean return \($0)" } ?? "") + "; writing \(directory.path)"
                  + " (Ctrl-C stops after the current iteration and saves)")
        var lastPrint = -1.0
        // A live line on a terminal (redrawn 4 times a second); one line every 5 s otherwise.
        let terminal = isatty(2) != 0
        func progress(_ curve: LearningCurve, _ t: Double, final: Bool) {
            guard !quiet else { return }
            guard final || t - lastPrint >= (terminal ? 0.25 : 5) else { return }
            lastPrint = t
            let rate = Double(curve.totalSteps) / max(t, 1e-9)
            var left = Double.nan
            if let stepBudget, curve.totalSteps > 0 { left = Double(stepBudget - curve.totalSteps) / rate }
            else if let episodes, curve.episodes > 0 { left = Double(episodes - curve.episodes) * t / Double(curve.episodes) }
            let mean = curve.recentMeanReturn.map { String(format: "%.1f", $0) } ?? "–"
            let line = "episode \(curve.episodes) | steps \(Self.grouped(curve.totalSteps)) | mean return (last 100) \(mean)"
                + " | \(Self.grouped(Int(rate))) steps/s | \(Self.duration(t)) elapsed | ~\(Self.duration(max(left, 0))) left"
            let text = terminal ? "\r\u{1B}[2K" + line + (final ? "\n" : "") : line + "\n"
            FileHandle.standardError.write(Data(text.utf8))
        }
        let summary: TrainingRun<S>.Summary
        do {
            summary = try run.run { curve, t in progress(curve, t, final: false) }
        } catch let failure as TrainingRun<S>.Failure {
            progress(failure.summary.curve, failure.summary.seconds, final: true)
            throw CommandError("\(entry.name) stopped at iteration \(failure.iteration): \(failure.error)\n"
                               + "saved " + failure.savedFiles.map(\.path).joined(separator: ", ")
                               + (failure.savedPolicyAtFailure ? " (the policy as it was before the failing iteration)"
                                                               : " (the policy had non-finite parameters: policy.json, if present, is the last checkpoint)"))
        } catch let error as PersistenceError {
            throw CommandError("cannot write the run's files in \(directory.path): \(error)")
        } catch {
            throw CommandError("cannot write the run's files in \(directory.path): \((error as NSError).localizedDescription)")
        }
        progress(summary.curve, summary.seconds, final: true)
        let curve = summary.curve
        let mean = curve.recentMeanReturn.map { String(format: "%.1f", $0) } ?? "–"
        let best = curve.rows.map(\.episodeReturn).max().map { String(format: "%.1f", $0) } ?? "–"
        var text = "\(canonical) \(entry.name) seed \(seed): \(curve.episodes) episodes, \(Self.grouped(curve.totalSteps)) steps, "
            + "\(curve.iterations) iterations (\(summary.policyUpdates) policy updates) in " + String(format: "%.1f s", summary.seconds)
            + " (\(Self.grouped(Int(Double(curve.totalSteps) / max(summary.seconds, 1e-9)))) steps/s); "
            + "mean return (last 100) \(mean), best \(best)"
        if let target = run.referenceReturn {
            text += summary.reachedReference.map { "; mean return ≥ \(LearningCurveFormat.number(target)) first at \(Self.grouped($0.steps)) steps, " + String(format: "%.1f s", $0.seconds) }
                ?? "; mean return never reached \(LearningCurveFormat.number(target))"
        }
        if summary.ending == .stopRequested { text += "; stopped on request before the budget" }
        print(text)
        print("wrote \(run.csvURL.path), \(run.svgURL.path), \(run.policyURL.path)")
        if summary.ending == .stopRequested { throw ExitCode(130) }
    }
}

/// Number formatting shared by the train summary.
enum LearningCurveFormat {
    static func number(_ x: Double) -> String { x == x.rounded() ? String(Int(x)) : String(x) }
}
