import Foundation

/// The files a training run keeps in its directory: `learning_curve.csv` (appended as episodes
/// end, see `LearningCurve`), `learning_curve.svg` and `policy.json` (both rewritten atomically).
/// Used by `TrainingRun` and by NACMPI's data-parallel trainer on rank 0.
public final class TrainingFiles {
    public let directory: URL
    public var csvURL: URL { Self.csvURL(in: directory) }
    public var svgURL: URL { Self.svgURL(in: directory) }
    public var policyURL: URL { Self.policyURL(in: directory) }
    public static func csvURL(in directory: URL) -> URL { directory.appendingPathComponent("learning_curve.csv") }
    public static func svgURL(in directory: URL) -> URL { directory.appendingPathComponent("learning_curve.svg") }
    public static func policyURL(in directory: URL) -> URL { directory.appendingPathComponent("policy.json") }
    /// Times `savePolicy` wrote `policy.json`.
    public private(set) var policySaves = 0
    private let csv: FileHandle
    private var headerWritten = false

    /// Creates `directory` if needed and an empty `learning_curve.csv` (replacing an earlier one).
    /// - Throws: `PersistenceError.fileUnwritable`, or the file system's error.
    public init(directory: URL) throws {
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = Self.csvURL(in: directory)
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw PersistenceError.fileUnwritable(path: url.path, reason: "cannot create the file")
        }
        csv = try FileHandle(forWritingTo: url)
    }

    deinit { try? csv.close() }

    /// Appends `rows` (what `curve.record` just added), preceded the first time by the header.
    public func append(_ rows: ArraySlice<LearningCurve.Row>, of curve: LearningCurve) {
        guard !rows.isEmpty else { return }
        var text = headerWritten ? "" : curve.csvHeader + "\n"
        headerWritten = true
        for row in rows { text += curve.csvLine(row) + "\n" }
        csv.write(Data(text.utf8))
    }

    /// Writes `model` to `policy.json` unless it has a non-finite parameter (which never
    /// overwrites an earlier checkpoint); returns whether it did.
    @discardableResult
    public func savePolicy<Scalar: NACScalar>(_ model: SavedModel<Scalar>) throws(PersistenceError) -> Bool {
        guard model.parameters.allSatisfy(\.isFinite) else { return false }
        try model.save(to: policyURL)
        policySaves += 1
        return true
    }

    /// Completes the curve (its header, if no episode ended) and writes the plot, titled
    /// `title (N steps, T s)`.
    public func writePlot(of curve: LearningCurve, title: String, target: Double?, seconds: Double) throws {
        if !headerWritten {
            csv.write(Data((curve.csvHeader + "\n").utf8))
            headerWritten = true
        }
        var plot = curve.svgPlot(title: title, target: target)
        plot.title += " (\(curve.totalSteps) steps, " + String(format: "%.1f s", seconds) + ")"
        try plot.svgText().write(to: svgURL, atomically: true, encoding: .utf8)
    }
}
