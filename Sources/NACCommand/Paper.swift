import ArgumentParser
import Foundation
import NAC

/// Paper reproductions (see Papers/).
struct Paper: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reproduce a paper's experiment (see Papers/).",
        subcommands: [Thomas2014.self])

    struct Thomas2014: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "thomas2014",
            abstract: "Thomas (2014), Figure 1: final policy parameter against γ on the drifting-target domain for biased, unbiased and eNAC estimators, beside the analytic values.")

        @Option(help: "Folder for results.csv, figure1.svg (Δs = 0.001) and figure1-ds0.01.svg.")
        var output: String = "Papers/Thomas2014"
        @Option(help: "Training episodes per run.") var episodes: Int = 600
        @Option(help: "Random seed.") var seed: UInt64 = 0

        func validate() throws {
            guard episodes >= 1 else { throw ValidationError("--episodes must be at least 1, got \(episodes)") }
        }

        func run() throws {
            var configuration = ThomasFigure1.Configuration()
            configuration.episodes = episodes
            configuration.seed = seed
            FileHandle.standardError.write(Data("running \(configuration.discounts.count) discounts × \(configuration.stepSizes.count) step sizes × 3 methods…\n".utf8))
            // The output folder first, so that a bad path fails before the computation, not after.
            do { try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true) } catch {
                throw CommandError("cannot create the output folder \(output): \((error as NSError).localizedDescription)")
            }
            let table = try ThomasFigure1.run(configuration)
            let folder = URL(fileURLWithPath: output)
            try table.csv.write(to: folder.appendingPathComponent("results.csv"), atomically: true, encoding: .utf8)
            try table.plot(stepSize: 0.001).svg().write(to: folder.appendingPathComponent("figure1.svg"),
                                                        atomically: true, encoding: .utf8)
            try table.plot(stepSize: 0.01).svg().write(to: folder.appendingPathComponent("figure1-ds0.01.svg"),
                                                       atomically: true, encoding: .utf8)
            print(table.csv, terminator: "")
            print("wrote results.csv, figure1.svg and figure1-ds0.01.svg to \(output)")
        }
    }
}
