import NAC
import NACMPI

/// A minimal test runner for code that must run on every rank: a check passes only if it
/// passes on every rank (one all-reduce per check); rank 0 prints `PASS`/`FAIL` lines and the
/// final `N passed, M failed` line that `run-tests.sh` and CI read.
struct Harness {
    let world: Communicator
    var passed = 0
    var failed = 0

    mutating func test(_ name: String, _ body: () throws -> String?) {
        var problem: String?
        do { problem = try body() } catch { problem = "threw \(error)" }
        let everywhere: Double
        do {
            everywhere = try world.allReduce(problem == nil ? 1.0 : 0.0, .minimum)
        } catch {
            world.abort("the harness's all-reduce failed: \(error)")
        }
        if let problem { print("rank \(world.rank): FAIL \(name): \(problem)") }
        if everywhere == 1 {
            passed += 1
            if world.isRoot { print("PASS \(name)") }
        } else {
            failed += 1
            if world.isRoot { print("FAIL \(name)") }
        }
    }
}

/// ‖a − b‖ / ‖b‖ (or ‖a − b‖ when b = 0).
func relativeDifference(_ a: [Double], _ b: [Double]) -> Double {
    precondition(a.count == b.count, "relativeDifference: \(a.count) vs \(b.count) elements")
    var d = 0.0, n = 0.0
    for i in a.indices { d += (a[i] - b[i]) * (a[i] - b[i]); n += b[i] * b[i] }
    return n > 0 ? (d / n).squareRoot() : d.squareRoot()
}

/// nil when `value ≤ bound`, otherwise a message naming both.
func within(_ what: String, _ value: Double, _ bound: Double) -> String? {
    value <= bound ? nil : "\(what) = \(value) > \(bound)"
}

/// Rows `[start, end)` of `total` samples owned by `rank` of `size`: contiguous, uneven (rank 0
/// takes the remainder), in rank order — so the union in rank order is the original batch.
func ownedRows(total: Int, rank: Int, size: Int) -> Range<Int> {
    let base = total / size, extra = total % size
    let start = rank == 0 ? 0 : base + extra + (rank - 1) * base
    let count = rank == 0 ? base + extra : base
    return start..<(start + count)
}
