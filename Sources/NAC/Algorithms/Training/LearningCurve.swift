import Foundation

/// The learning curve of a training run: one row per completed episode, with the running mean
/// of the last `window` returns, the cumulative environment steps and wall-clock seconds, and
/// the diagnostics of the learner iteration the episode ended in. Written as CSV by
/// `nac train` (streamed line by line) and plotted by `svgPlot(title:)`.
///
/// CSV columns: `episode,steps,return,mean_return,length,truncated,iteration,seconds`, then the
/// diagnostic names (sorted) of the first recorded iteration that had any. `steps` and `seconds`
/// are measured at the end of the iteration in which the episode ended (a learner reports
/// completed episodes per iteration). A diagnostic an iteration did not report is an empty cell.
public struct LearningCurve: Sendable {
    /// One completed episode.
    public struct Row: Sendable, Equatable {
        public var episode: Int
        public var steps: Int
        public var episodeReturn: Double
        public var meanReturn: Double
        public var length: Int
        public var truncated: Bool
        public var iteration: Int
        public var seconds: Double
        public var diagnostics: [String: Double]
    }

    /// The fixed leading columns.
    public static let baseColumns = ["episode", "steps", "return", "mean_return", "length", "truncated", "iteration", "seconds"]
    /// Returns averaged into `mean_return`.
    public let window: Int
    public private(set) var rows: [Row] = []
    /// The diagnostic columns, fixed by the first iteration that reported diagnostics.
    public private(set) var diagnosticNames: [String]?
    /// Environment steps and learner iterations recorded so far.
    public private(set) var totalSteps = 0
    public private(set) var iterations = 0
    private var recent: [Double] = []
    private var recentSum = 0.0

    public init(window: Int = 100) {
        precondition(window >= 1, "LearningCurve: window \(window)")
        self.window = window
    }

    /// The mean return of the last `window` episodes (nil before the first).
    public var recentMeanReturn: Double? { recent.isEmpty ? nil : recentSum / Double(recent.count) }
    /// Episodes recorded.
    public var episodes: Int { rows.count }

    /// Records one learner iteration that ended `seconds` after the start of training.
    /// - Returns: the rows it added (one per completed episode).
    @discardableResult
    public mutating func record(_ iteration: LearnerIteration, seconds: Double) -> ArraySlice<Row> {
        iterations += 1
        totalSteps += iteration.environmentSteps
        if diagnosticNames == nil && !iteration.diagnostics.isEmpty {
            diagnosticNames = iteration.diagnostics.keys.sorted()
        }
        let first = rows.count
        for e in iteration.completedEpisodes {
            recent.append(e.totalReward)
            recentSum += e.totalReward
            if recent.count > window { recentSum -= recent.removeFirst() }
            rows.append(Row(episode: rows.count + 1, steps: totalSteps, episodeReturn: e.totalReward,
                            meanReturn: recentSum / Double(recent.count), length: e.length, truncated: e.truncated,
                            iteration: iterations, seconds: seconds, diagnostics: iteration.diagnostics))
        }
        return rows[first...]
    }

    /// The header line (no newline).
    public var csvHeader: String { (Self.baseColumns + (diagnosticNames ?? [])).joined(separator: ",") }

    /// One CSV line (no newline) for `row`.
    public func csvLine(_ row: Row) -> String {
        var cells = [String(row.episode), String(row.steps), Self.number(row.episodeReturn), Self.number(row.meanReturn),
                     String(row.length), row.truncated ? "1" : "0", String(row.iteration), String(format: "%.3f", row.seconds)]
        for name in diagnosticNames ?? [] { cells.append(row.diagnostics[name].map(Self.number) ?? "") }
        return cells.joined(separator: ",")
    }

    /// The whole CSV document (header and one line per episode, newline-terminated).
    public func csvText() -> String {
        ([csvHeader] + rows.map(csvLine)).joined(separator: "\n") + "\n"
    }

    /// Shortest round-trip decimal of `x` (`nan`, `inf`, `-inf` for non-finite values).
    static func number(_ x: Double) -> String {
        if x.isNaN { return "nan" }
        if x.isInfinite { return x > 0 ? "inf" : "-inf" }
        return x == x.rounded() && abs(x) < 1e15 ? String(Int64(x)) : "\(x)"
    }

    /// Episode returns (light) and the running mean (bold) against environment steps.
    public func svgPlot(title: String, target: Double? = nil) -> SVGLinePlot {
        var plot = SVGLinePlot(title: title, xLabel: "environment steps", yLabel: "episode return")
        plot.add(.init(name: "episode return", points: rows.map { (Double($0.steps), $0.episodeReturn) },
                       color: "#9ecae1", strokeWidth: 1))
        plot.add(.init(name: "mean of last \(window)", points: rows.map { (Double($0.steps), $0.meanReturn) },
                       color: "#08519c", strokeWidth: 2))
        if let target { plot.referenceLines = [(target, "target \(Self.number(target))")] }
        return plot
    }
}
