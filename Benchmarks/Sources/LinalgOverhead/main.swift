#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NAC

// What NAC's wrappers add to BLAS/LAPACK: each public call (gemm via `*`, `gram()`,
// `solvePositiveDefinite`, `cholesky()`, `leastSquaresSVD`) against the bare `NACScalar`
// requirement it ends in (a thin CBLAS/LAPACKE call), on the same inputs and with the same input
// copies LAPACK needs (it overwrites its arguments). The two are alternated iteration by
// iteration, so a change in machine load hits both alike, and both wall-clock and process CPU time
// are recorded (CPU time is the steadier figure for single-threaded runs on a busy machine).
//
//     cd Benchmarks && OPENBLAS_NUM_THREADS=1 swift run -c release LinalgOverhead

func clock(_ id: clockid_t) -> Double {
    var t = timespec()
    clock_gettime(id, &t)
    return Double(t.tv_sec) * 1e6 + Double(t.tv_nsec) * 1e-3
}

struct Timing { var wall: [Double] = []; var cpu: [Double] = [] }

func median(_ x: [Double]) -> Double { let s = x.sorted(); return s[s.count / 2] }

func measure(_ body: () -> Void, into timing: inout Timing) {
    let c0 = clock(CLOCK_PROCESS_CPUTIME_ID), w0 = clock(CLOCK_MONOTONIC)
    body()
    timing.wall.append(clock(CLOCK_MONOTONIC) - w0)
    timing.cpu.append(clock(CLOCK_PROCESS_CPUTIME_ID) - c0)
}

/// Alternates `api` and `raw` until `iterations` pairs or about `seconds` have passed.
func compare(iterations: Int, seconds: Double = 2, _ api: () -> Void, _ raw: () -> Void) -> (api: Timing, raw: Timing) {
    api(); raw(); api(); raw()   // warm-up
    var a = Timing(), r = Timing()
    let start = clock(CLOCK_MONOTONIC)
    while a.wall.count < iterations && clock(CLOCK_MONOTONIC) - start < seconds * 1e6 {
        measure(api, into: &a)
        measure(raw, into: &r)
    }
    return (a, r)
}

func format(_ x: Double) -> String {
    let r = x >= 100 ? x.rounded() : (x * 10).rounded() / 10
    return r >= 100 ? String(Int(r)) : String(r)
}

func report(_ name: String, _ type: String, _ n: Int, flop: Double, _ t: (api: Timing, raw: Timing)) {
    let aw = median(t.api.wall), rw = median(t.raw.wall), ac = median(t.api.cpu), rc = median(t.raw.cpu)
    let overhead = (ac / rc - 1) * 100
    print("| \(name) | \(type) | \(n) | \(format(aw)) | \(format(flop / aw / 1e3)) | \(format(rw)) | \(format(flop / rw / 1e3)) | "
          + "\(format(ac)) | \(format(rc)) | \(overhead >= 0 ? "+" : "")\(format(overhead)) % |")
}

func run<S: NACScalar>(_: S.Type, n: Int) {
    let type = S.typeName, cube = Double(n) * Double(n) * Double(n)
    let iterations = n >= 1024 ? 20 : 500
    let a = Matrix<S>.randomNormal(rows: n, columns: n, seed: 1)
    let b = Matrix<S>.randomNormal(rows: n, columns: n, seed: 2)
    var spd = Matrix<S>.randomNormal(rows: n, columns: n, seed: 4).gram() / S(n)
    spd.addToDiagonal(1)
    let rhs = Matrix<S>.randomNormal(rows: n, columns: 1, seed: 5)
    let tall = Matrix<S>.randomNormal(rows: 2 * n, columns: n, seed: 6)
    let tallRHS = Matrix<S>.randomNormal(rows: 2 * n, columns: 1, seed: 7)
    var out = [S](repeating: 0, count: n * n)

    report("gemm", type, n, flop: 2 * cube, compare(iterations: iterations, { _ = a * b }, {
        a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in
            S.gemm(.none, .none, m: n, n: n, k: n, alpha: 1, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: n,
                   beta: 0, c: &out, ldc: n) } }
    }))
    report("syrk", type, n, flop: cube, compare(iterations: iterations, { _ = a.gram() }, {
        a.withUnsafeBufferPointer { pa in
            S.syrk(.upper, .transposed, n: n, k: n, alpha: 1, a: pa.baseAddress!, lda: n, beta: 0, c: &out, ldc: n) }
    }))
    report("posv", type, n, flop: cube / 3 + 2 * Double(n * n), compare(iterations: iterations, {
        _ = try! spd.solvePositiveDefinite(rhs)
    }, {
        var f = spd.elements, x = rhs.elements
        _ = S.posv(.lower, n: n, nrhs: 1, a: &f, lda: n, b: &x, ldb: n)
    }))
    report("potrf", type, n, flop: cube / 3, compare(iterations: iterations, { _ = try! spd.cholesky() }, {
        var f = spd.elements
        _ = S.potrf(.lower, n: n, a: &f, lda: n)
    }))
    let columnMajor = tall.transposed().elements
    report("gelsd", type, n, flop: 6 * cube, compare(iterations: n >= 1024 ? 5 : 200, { _ = try! tall.leastSquaresSVD(tallRHS) }, {
        var f = columnMajor, x = tallRHS.elements, s = [S](repeating: 0, count: n), rank = 0
        _ = S.gelsd(m: 2 * n, n: n, nrhs: 1, a: &f, lda: 2 * n, b: &x, ldb: 2 * n, s: &s, rcond: -1, rank: &rank)
    }))
}

print("OPENBLAS threads: \(LinearAlgebra.threadCount). p50 of alternated iterations; GFLOP/s from wall clock;")
print("raw = the NACScalar requirement (CBLAS/LAPACKE) on copies of the inputs; overhead = API CPU / raw CPU − 1.")
print("| op | type | n | API wall µs | GFLOP/s | raw wall µs | GFLOP/s | API CPU µs | raw CPU µs | overhead (CPU) |")
print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for n in [64, 256, 1024] {
    run(Float.self, n: n)
    run(Double.self, n: n)
}
