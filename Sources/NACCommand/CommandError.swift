/// A failure of a subcommand, printed by ArgumentParser as "Error: <message>" (exit status 1).
struct CommandError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
