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
    /// The header line written, to notice when the curve's columns grow.
    private var writtenHeader = ""

    /// Whether `directory` holds any of a run's files (`nac train` refuses to overwrite them
    /// unless asked to).
    public static func holdsRun(_ directory: URL) -> Bool {
        [csvURL(in: directory), svgURL(in: directory), policyURL(in: directory)]
            .contains { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// `base` if it holds no run, else the first of `base-2`, `base-3`, … that does not.
    public static func freshDirectory(base: URL) -> URL {
        guard holdsRun(base) else { return base }
        var k = 2
        while true {
            let candidate = base.deletingLastPathComponent().appendingPathComponent("\(base.lastPathComponent)-\(k)")
            if !holdsRun(candidate) { return candidate }
            k += 1
        }
    }

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
    /// When the curve's diagnostic columns appeared after the header was written (a learner
    /// that reports diagnostics only once it has an estimate), the file is rewritten once with
    /// the full header, the earlier rows getting empty cells, so every line has the header's
    /// columns.
    public func append(_ rows: ArraySlice<LearningCurve.Row>, of curve: LearningCurve) {
        guard !rows.isEmpty else { return }
        if headerWritten && curve.csvHeader != writtenHeader {
            do {
                try csv.truncate(atOffset: 0)
                try csv.seek(toOffset: 0)
            } catch {
                // Keep appending: a ragged file is better than none.
            }
            csv.write(Data(curve.csvText().utf8))
            writtenHeader = curve.csvHeader
            return
        }
        var text = headerWritten ? "" : curve.csvHeader + "\n"
        if !headerWritten { writtenHeader = curve.csvHeader }
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
            writtenHeader = curve.csvHeader
            headerWritten = true
        }
        var plot = curve.svgPlot(title: title, target: target)
        plot.title += " (\(curve.totalSteps) steps, " + String(format: "%.1f s", seconds) + ")"
        try plot.svgText().write(to: svgURL, atomically: true, encoding: .utf8)
    }
}
