import Foundation

/// Runs a learner to a budget and keeps its results on disk as it goes, so that a long run loses
/// nothing to an interruption or a failure:
///
/// - `learning_curve.csv`: one line per episode, appended after every iteration that ended one
///   (see `LearningCurve`);
/// - `policy.json`: the current policy (NAC model format), rewritten atomically every
///   `checkpointInterval` seconds and when the run ends — by budget, by reaching `stopAt`, by a
///   `StopRequest`, or because the learner failed (then the policy as it was before the failing
///   iteration, kept by the run itself: an online learner updates θ many times within one
///   iteration, and its θ at the failure may be what failed; a policy with a non-finite parameter
///   is never written over the last checkpoint);
/// - `learning_curve.svg`: the plot, written when the run ends (also after a failure).
///
/// `nac train` is this with a progress line and signal handling.
public struct TrainingRun<Scalar: NACScalar> {
    /// Why a run ended normally.
    public enum Ending: Sendable, Equatable {
        /// The step or episode budget was used up.
        case budget
        /// The mean return of the last 100 episodes reached `stopAt`.
        case target
        /// A `StopRequest` was honoured.
        case stopRequested
    }

    /// What a finished run did.
    public struct Summary: Sendable {
        public var ending: Ending
        public var curve: LearningCurve
        /// Actor updates over all iterations.
        public var policyUpdates: Int
        public var seconds: Double
        /// The first (steps, seconds) at which the mean of the last 100 episodes reached
        /// `referenceReturn`, once 100 episodes had ended.
        public var reachedReference: (steps: Int, seconds: Double)?
        /// Times `policy.json` was written (checkpoints and the final save).
        public var policySaves: Int
    }

    /// A run whose learner threw: what was saved, and the learner's error.
    public struct Failure: Error, CustomStringConvertible {
        /// The 1-based iteration that failed.
        public var iteration: Int
        /// The learner's error.
        public var error: any Error
        /// The files written after the failure (the curve, its plot, and the policy unless it was
        /// non-finite); the CSV holds every episode completed before the failure.
        public var savedFiles: [URL]
        /// Whether `policy.json` holds the policy at the time of the failure (false: the last
        /// checkpoint, or no policy file if there was none).
        public var savedPolicyAtFailure: Bool
        public var summary: Summary

        public var description: String {
            "\(error) (iteration \(iteration)); saved \(savedFiles.map(\.lastPathComponent).joined(separator: ", "))"
                + (savedPolicyAtFailure ? "" : "; the policy had non-finite parameters and was not saved")
        }
    }

    public var learner: any Learner<Scalar>
    /// The output directory (created if needed).
    public var directory: URL
    /// Title of the plot.
    public var title: String
    /// Stop after this many environment steps (checked between iterations).
    public var stepBudget: Int?
    /// Stop after this many episodes (checked between iterations).
    public var episodeBudget: Int?
    /// Stop once 100 episodes have ended and their mean return is ≥ this.
    public var stopAt: Double?
    /// Drawn on the plot and timed in `Summary.reachedReference` (defaults to `stopAt`).
    public var referenceReturn: Double?
    /// Seconds between policy checkpoints (0: after every iteration).
    public var checkpointInterval: Double = 60
    /// Asks the run to stop after the current iteration.
    public let stopRequest: StopRequest

    public var csvURL: URL { TrainingFiles.csvURL(in: directory) }
    public var svgURL: URL { TrainingFiles.svgURL(in: directory) }
    public var policyURL: URL { TrainingFiles.policyURL(in: directory) }

    /// - Precondition: at least one of `stepBudget`, `episodeBudget`, `stopAt` is set, and every
    ///   budget given is ≥ 1.
    public init(learner: any Learner<Scalar>, directory: URL, title: String, stepBudget: Int? = nil,
                episodeBudget: Int? = nil, stopAt: Double? = nil, referenceReturn: Double? = nil,
                stopRequest: StopRequest = StopRequest()) {
        precondition(stepBudget != nil || episodeBudget != nil || stopAt != nil, "TrainingRun: no budget and no stopAt")
        precondition((stepBudget ?? 1) >= 1 && (episodeBudget ?? 1) >= 1,
                     "TrainingRun: budgets must be ≥ 1, got steps \(String(describing: stepBudget)), episodes \(String(describing: episodeBudget))")
        self.learner = learner
        self.directory = directory
        self.title = title
        self.stepBudget = stepBudget
        self.episodeBudget = episodeBudget
        self.stopAt = stopAt
        self.referenceReturn = referenceReturn ?? stopAt
        self.stopRequest = stopRequest
    }

    /// Runs to the end. `progress` is called after every iteration with the curve so far and
    /// the seconds elapsed.
    /// - Throws: `Failure` when the learner throws (after saving), or `PersistenceError` /
    ///   a file error when the output cannot be written.
    public mutating func run(progress: (LearningCurve, Double) -> Void = { _, _ in }) throws -> Summary {
        let files = try TrainingFiles(directory: directory)
        var summary = Summary(ending: .budget, curve: LearningCurve(window: 100), policyUpdates: 0, seconds: 0,
                              reachedReference: nil, policySaves: 0)
        let start = Date()
        var lastCheckpoint = 0.0
        func elapsed() -> Double { Date().timeIntervalSince(start) }
        /// Writes the policy (the learner's current one by default) unless it is non-finite;
        /// returns whether it did.
        func savePolicy(_ policy: SavedModel<Scalar>? = nil) throws -> Bool {
            defer { summary.policySaves = files.policySaves }
            return try files.savePolicy(policy ?? learner.currentPolicy)
        }

        while true {
            let curve = summary.curve
            if let stepBudget, curve.totalSteps >= stepBudget { summary.ending = .budget; break }
            if let episodeBudget, curve.episodes >= episodeBudget { summary.ending = .budget; break }
            if let stopAt, curve.episodes >= 100, let m = curve.recentMeanReturn, m >= stopAt { summary.ending = .target; break }
            if stopRequest.isRequested { summary.ending = .stopRequested; break }
            let step: LearnerIteration
            let before = learner.currentPolicy
            do { step = try learner.iterate() } catch {
                summary.seconds = elapsed()
                try files.writePlot(of: summary.curve, title: title, target: referenceReturn, seconds: summary.seconds)
                let saved = try savePolicy(before)
                var written = [csvURL, svgURL]
                if saved || FileManager.default.fileExists(atPath: policyURL.path) { written.append(policyURL) }
                throw Failure(iteration: curve.iterations + 1, error: error, savedFiles: written,
                              savedPolicyAtFailure: saved, summary: summary)
            }
            summary.policyUpdates += step.policyUpdates
            let seconds = elapsed()
            files.append(summary.curve.record(step, seconds: seconds), of: summary.curve)
            if summary.reachedReference == nil, let reference = referenceReturn, summary.curve.episodes >= 100,
               let m = summary.curve.recentMeanReturn, m >= reference {
                summary.reachedReference = (summary.curve.totalSteps, seconds)
            }
            if seconds - lastCheckpoint >= checkpointInterval {
                _ = try savePolicy()
                lastCheckpoint = seconds
            }
            progress(summary.curve, seconds)
        }
        summary.seconds = elapsed()
        try files.writePlot(of: summary.curve, title: title, target: referenceReturn, seconds: summary.seconds)
        _ = try savePolicy()
        return summary
    }
}
