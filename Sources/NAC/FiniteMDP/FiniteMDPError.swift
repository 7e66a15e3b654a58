/// A failure to build a `FiniteMDP` from data, or of an `ExactOracle` computation. Each case
/// names the offending argument and value; indices are 0-based.
public enum FiniteMDPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An argument has the wrong shape.
    case wrongSize(argument: String, expected: String, actual: String)
    /// An entry is NaN or ±∞. `index` is [s, a, s'] for transitions, [s, a] for rewards and
    /// policies, [s] for distributions.
    case nonFinite(argument: String, index: [Int], value: Double)
    /// A probability is negative.
    case negativeProbability(argument: String, index: [Int], value: Double)
    /// A probability vector does not sum to 1 within the tolerance.
    case notNormalized(argument: String, index: [Int], sum: Double)
    /// A terminal-state index outside 0..<stateCount.
    case terminalStateOutOfRange(state: Int, stateCount: Int)
    /// The initial distribution puts mass on a terminal state (episodes must start in a
    /// non-terminal state).
    case initialMassOnTerminalState(state: Int, probability: Double)
    /// γ outside [0, 1], or γ = 1 for an MDP without terminal states (spec §1.1: γ = 1 only for
    /// episodic MDPs).
    case invalidDiscount(Double)
    /// A builder parameter outside its valid range.
    case invalidParameter(name: String, value: String, reason: String)
    /// An undiscounted (γ = 1) quantity was asked for, but under this policy no terminal state
    /// is reachable from `state`, so the expected visit counts are infinite.
    case terminationNotCertain(state: Int)
    /// A stationary (average-reward) quantity was asked of an episodic MDP, whose stationary
    /// distribution is concentrated on its absorbing terminal states.
    case notContinuing
    /// The stationary distribution of P_π is not unique (the chain has several closed classes);
    /// `rank` is the numerical rank of the stacked system [(I − P_π)ᵀ; 1ᵀ].
    case stationaryDistributionNotUnique(rank: Int)
    /// The weighted Fisher matrix Σ_s weight(s) Σ_a π ψψᵀ is singular (Cholesky failed at the
    /// leading minor of this order); use the pseudo-inverse solve or drop redundant parameters.
    case singularFisher(order: Int)
    /// A linear solve failed.
    case linearAlgebra(LinearAlgebraError)

    public var description: String {
        switch self {
        case .wrongSize(let argument, let expected, let actual):
            "\(argument) has shape \(actual), expected \(expected)"
        case .nonFinite(let argument, let index, let value):
            "\(argument)\(index) is \(value)"
        case .negativeProbability(let argument, let index, let value):
            "\(argument)\(index) = \(value) is a negative probability"
        case .notNormalized(let argument, let index, let sum):
            "\(argument)\(index) sums to \(sum), not 1"
        case .terminalStateOutOfRange(let state, let count):
            "terminal state \(state) is outside 0..<\(count)"
        case .initialMassOnTerminalState(let state, let p):
            "the initial distribution puts probability \(p) on terminal state \(state)"
        case .invalidDiscount(let gamma):
            "discount \(gamma) must be in [0, 1), or exactly 1 for an MDP with terminal states"
        case .invalidParameter(let name, let value, let reason):
            "invalid \(name) = \(value): \(reason)"
        case .terminationNotCertain(let state):
            "no terminal state is reachable from state \(state) under this policy; undiscounted visit counts are infinite"
        case .notContinuing:
            "the MDP is episodic; stationary (average-reward) quantities need an MDP without terminal states"
        case .stationaryDistributionNotUnique(let rank):
            "the stationary distribution is not unique (rank \(rank))"
        case .singularFisher(let order):
            "the weighted Fisher matrix is singular (leading minor of order \(order))"
        case .linearAlgebra(let error):
            "linear solve failed: \(error)"
        }
    }
}
