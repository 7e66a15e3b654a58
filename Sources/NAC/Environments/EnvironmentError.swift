/// A failure an `Environment` reports instead of trapping: a bad action, a step outside an
/// episode, an unknown name or a bad configuration value. Each case names the offending value.
public enum EnvironmentError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A discrete action index outside 0..<count.
    case actionOutOfRange(index: Int, count: Int)
    /// A discrete action sent to a continuous environment, or the reverse.
    case wrongActionKind(received: Action, actionSpace: Space)
    /// A continuous action with the wrong number of components.
    case wrongActionDimension(expected: Int, received: Int)
    /// A continuous action component that is NaN or ±∞ (0-based component index).
    case nonFiniteAction(component: Int, value: Double)
    /// `step` before the first `reset`.
    case resetRequired
    /// `step` after the episode ended (terminated or truncated) without a `reset`.
    case episodeEnded(elapsedSteps: Int, terminated: Bool)
    /// `EnvironmentRegistry.make` with a name it does not know; `known` lists the valid names.
    case unknownEnvironment(name: String, known: [String])
    /// A configuration value outside its valid range.
    case invalidConfiguration(parameter: String, value: String, reason: String)
    /// A failure of copy `index` of a `VectorEnvironment`.
    indirect case inCopy(index: Int, error: EnvironmentError)

    public var description: String {
        switch self {
        case .actionOutOfRange(let index, let count):
            "action index \(index) is outside 0..<\(count)"
        case .wrongActionKind(let action, let space):
            "action \(action) does not match the action space \(space)"
        case .wrongActionDimension(let expected, let received):
            "continuous action has \(received) components, the action space has \(expected)"
        case .nonFiniteAction(let component, let value):
            "continuous action component \(component) is \(value)"
        case .resetRequired:
            "step called before reset"
        case .episodeEnded(let steps, let terminated):
            "step called after the episode \(terminated ? "terminated" : "was truncated") at step \(steps); call reset first"
        case .unknownEnvironment(let name, let known):
            "unknown environment \"\(name)\"; known environments: \(known.joined(separator: ", "))"
        case .invalidConfiguration(let parameter, let value, let reason):
            "invalid \(parameter) = \(value): \(reason)"
        case .inCopy(let index, let error):
            "environment copy \(index): \(error)"
        }
    }
}
