extension ScoreBenchmark {
    /// The engine issue's targets checked against results, one line each, closing `nac bench scores`:
    ///
    /// - batched ≥ 100× faster than the per-sample loop at B = 1024 on W1, with the bound loop ÷
    ///   floor (no implementation that writes Ψ can be faster than the floor);
    /// - batched ≤ 3× a plain batch gradient (every case), missed cases with the floor over the
    ///   gradient (writing Ψ at the floor's speed already costs that many gradients);
    /// - into a reused buffer ≤ 2× the floor for B ≥ 1024 and ≤ 3× at B = 256, on one thread and
    ///   on the threaded columns' threads; single-thread cases that miss it are listed with their
    ///   forward pass over the floor (the Jacobian costs at least the forward pass plus the writes).
    ///
    /// Lines whose cases were not run are left out.
    public static func targetSummary(_ results: [Result]) -> [String] {
        func verdict(_ met: Bool) -> String { met ? "met" : "NOT met" }
        func ratio(_ x: Double) -> String { x >= 10 ? String(format: "%.0f×", x) : String(format: "%.2f×", x) }
        func label(_ r: Result) -> String { "\(r.workload.id) B=\(r.batchSize) \(r.scalarType)" }
        var lines = [String]()

        let loopCases = results.filter { $0.workload.id == "W1" && $0.batchSize == 1024 }
        if !loopCases.isEmpty {
            let parts = loopCases.map { "\($0.scalarType) " + ratio($0.speedUp) + " (bound: loop ÷ floor = " + ratio($0.loopOverFloor) + ")" }
            lines.append("batched ≥ 100× the per-sample loop at B = 1024 on W1: " + parts.joined(separator: ", ")
                         + " — \(verdict(loopCases.allSatisfy { $0.speedUp >= 100 }))")
        }

        if let worst = results.max(by: { $0.overBatchGradient < $1.overBatchGradient }) {
            let missed = results.filter { $0.overBatchGradient > 3 }
            if missed.isEmpty {
                lines.append("batched ≤ 3× a batch gradient: worst " + ratio(worst.overBatchGradient) + " (\(label(worst))) — met")
            } else {
                lines.append("batched ≤ 3× a batch gradient: \(results.count - missed.count) of \(results.count) cases; missed: "
                             + missed.map { "\(label($0)) " + ratio($0.overBatchGradient) + " (floor alone " + ratio($0.floorOverBatchGradient) + ")" }
                                .joined(separator: ", ")
                             + " — NOT met")
            }
        }

        /// The floor target of a batch size, if it has one.
        func floorTarget(_ batchSize: Int) -> Double? { batchSize >= 1024 ? 2 : batchSize == 256 ? 3 : nil }
        let floorCases = results.filter { floorTarget($0.batchSize) != nil }
        let threadCounts = Set(results.map(\.threads)).subtracting([1]).sorted()
        for threads in [1] + threadCounts {
            let measured: [(result: Result, overFloor: Double)] = floorCases.compactMap { r in
                threads == 1 ? (r, r.overFloor) : (r.threads == threads ? r.threadedOverFloor.map { (r, $0) } : nil)
            }
            guard !measured.isEmpty else { continue }
            let missed = measured.filter { $0.overFloor > floorTarget($0.result.batchSize)! }
            let worst = measured.max(by: { $0.overFloor < $1.overFloor })!
            var line = "into a reused buffer ≤ 2× the floor for B ≥ 1024, ≤ 3× at B = 256, \(threads) thread\(threads == 1 ? "" : "s"): "
            if missed.isEmpty {
                line += "worst " + ratio(worst.overFloor) + " (\(label(worst.result))) — met"
            } else {
                line += "\(measured.count - missed.count) of \(measured.count) cases; missed: "
                    + missed.map {
                        "\(label($0.result)) " + ratio($0.overFloor)
                            + (threads == 1 ? " (forward alone " + ratio($0.result.forwardOverFloor) + ")" : "")
                    }
                        .joined(separator: ", ")
                    + " — NOT met"
            }
            lines.append(line)
        }
        return lines
    }
}
