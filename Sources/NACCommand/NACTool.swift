import ArgumentParser
import NAC

@main
struct NACTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nac",
        abstract: "Natural actor-critic reinforcement learning: batched scores, Fisher solves, Thomas (2014) algorithms.",
        discussion: """
        Subcommands: train (learn a policy on a built-in environment, e.g. nac train cartpole), \
        evaluate (run a saved policy), scores (per-sample score matrix of a saved policy as .npy), \
        bench (speed tables: bench scores, bench environments), example (the worked examples: \
        lqr, cartpole, argmin, sac), paper (reproductions: paper thomas2014), demo (a BLAS/LAPACK check).
        """,
        version: NACVersion.string,
        subcommands: [Train.self, Evaluate.self, Scores.self, Bench.self, Example.self, Paper.self, Demo.self]
    )
}
