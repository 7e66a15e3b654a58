import ArgumentParser
import NAC

@main
struct NACTool: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nac",
        abstract: "Natural actor-critic reinforcement learning: batched scores, Fisher solves, Thomas (2014) algorithms.",
        discussion: """
        Subcommands planned next: train (learn a policy on a built-in environment), evaluate \
        (run a saved policy), scores (per-sample score matrix of a saved policy as .npy), \
        bench (speed tables), example (the worked examples).
        """,
        version: NACVersion.string,
        subcommands: [Demo.self, Example.self]
    )
}
