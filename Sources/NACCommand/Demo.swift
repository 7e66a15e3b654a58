import ArgumentParser
import NAC

/// A quick check that BLAS and LAPACK work: a seeded random SPD solve with its residual.
struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Solve a random symmetric positive-definite system with BLAS and LAPACK and report the residual (exit 1 if it is wrong).")

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
        let solved = try spd.solvePositiveDefinite(Matrix(column: b)).elements
        var residual = spd * solved
        axpy(-1, b, &residual)
        var error = solved
        axpy(-1, x, &error)
        print("n = \(size): A = GᵀG + nI (G Gaussian), b = A x; Cholesky solve (LAPACK potrf/potrs): "
              + "‖A x̂ − b‖ / ‖b‖ = \(norm(residual) / norm(b)), ‖x̂ − x‖ / ‖x‖ = \(norm(error) / norm(x))")
        // A is well conditioned (κ of order 4): anything above 1e-10 means a broken BLAS or LAPACK.
        guard norm(residual) <= 1e-10 * norm(b), norm(error) <= 1e-10 * norm(x) else {
            throw CommandError("the solve is wrong: check the BLAS and LAPACK libraries")
        }
    }
}
