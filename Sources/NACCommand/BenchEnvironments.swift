import ArgumentParser
import Foundation
import NAC

/// `nac bench environments`: steps per second of every built-in environment.
struct BenchEnvironments: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "environments",
        abstract: "Time every built-in environment with random actions (steps per second).",
        discussion: "Each environment is stepped for --seconds with uniformly random actions and reset after each episode. Run in release.")

    @Option(help: "Seconds per environment.") var seconds: Double = 1
    @Option(help: "Scalar type: float32 or float64.") var dtype: String = "float64"

    func validate() throws {
        guard seconds > 0 && seconds.isFinite else { throw ValidationError("--seconds must be positive") }
        guard ScalarType(rawValue: dtype) != nil else { throw ValidationError("--dtype must be float32 or float64") }
    }

    func run() throws {
        #if DEBUG
        FileHandle.standardError.write(Data("warning: nac was built in debug mode; timings are meaningless. Run: swift run -c release nac bench environments\n".utf8))
        #endif
        var results: [EnvironmentBenchmark.Result] = []
        for name in EnvironmentRegistry.names {
            switch ScalarType(rawValue: dtype)! {
            case .float32: results.append(try EnvironmentBenchmark.measure(name, as: Float.self, seconds: seconds))
            case .float64: results.append(try EnvironmentBenchmark.measure(name, as: Double.self, seconds: seconds))
            }
        }
        let width = results.map(\.name.count).max()! + 2
        print("environment".padding(toLength: width, withPad: " ", startingAt: 0) + "      steps/s    episodes   (\(dtype), random actions)")
        for r in results {
            print(r.name.padding(toLength: width, withPad: " ", startingAt: 0)
                  + String(format: "%13.0f  %10d", r.stepsPerSecond, r.episodes))
        }
    }
}
