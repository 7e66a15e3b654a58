#!/usr/bin/env python3
"""NumPy/SciPy reference timings for the LinalgBenchmarks suite (same operations and sizes).

Run it in the same session as `swift package benchmark`, with the same thread count:

    OPENBLAS_NUM_THREADS=1 python3 numpy_compare.py
    OPENBLAS_NUM_THREADS=2 python3 numpy_compare.py gemm posv    # only some operations

For each operation it prints the median (p50) wall-clock time, GFLOP/s from it, and the p50 process
CPU time (comparable to package-benchmark's "Time (total CPU)"; on a loaded machine it is the steadier
figure for single-threaded runs) of
  numpy/scipy  — NumPy 2.x / SciPy as installed; their wheels bundle their own OpenBLAS
                 (scipy-openblas, a newer release than Debian's), so they measure the *library*
                 difference as much as any wrapper overhead;
  raw C        — the system OpenBLAS/LAPACKE that NAC links (libopenblas.so.0, liblapacke.so.3),
                 called through ctypes with the same layouts NAC uses (row-major CBLAS,
                 column-major LAPACKE on a fresh copy of the inputs, as NAC copies them). This is
                 the floor for NAC's wrappers.

Flop counts (as in the benchmark names): gemm 2n³, syrk n³, posv n³/3 + 2n², potrf n³/3,
gelsd ≈ 6n³ for a 2n × n matrix (QR 10n³/3 + bidiagonalisation of R 8n³/3; rough).
Iteration caps match the Swift suite: 1000 (n < 1024), 20 (n = 1024; gelsd 5), at most 2 s.
"""
import ctypes
import os
import statistics
import sys
import time

import numpy as np
import scipy.linalg

SIZES = [64, 256, 1024]
TYPES = [np.float32, np.float64]

# --- the system libraries NAC links -----------------------------------------------------------
blas = ctypes.CDLL("libopenblas.so.0")
lapacke = ctypes.CDLL("liblapacke.so.3")
ROW, COL = 101, 102                       # CblasRowMajor, LAPACK_COL_MAJOR
NOTRANS, TRANS, UPPER = 111, 112, 121     # CblasNoTrans, CblasTrans, CblasUpper
P = ctypes.c_void_p
I = ctypes.c_int


def ptr(a):
    return a.ctypes.data_as(P)


def prefix(dtype):
    return "s" if dtype == np.float32 else "d"


def c_scalar(dtype):
    return ctypes.c_float if dtype == np.float32 else ctypes.c_double


for p in "sd":
    c = ctypes.c_float if p == "s" else ctypes.c_double
    getattr(blas, f"cblas_{p}gemm").argtypes = [I, I, I, I, I, I, c, P, I, P, I, c, P, I]
    getattr(blas, f"cblas_{p}syrk").argtypes = [I, I, I, I, I, c, P, I, c, P, I]
    getattr(lapacke, f"LAPACKE_{p}posv").argtypes = [I, ctypes.c_char, I, I, P, I, P, I]
    getattr(lapacke, f"LAPACKE_{p}potrf").argtypes = [I, ctypes.c_char, I, P, I]
    getattr(lapacke, f"LAPACKE_{p}gelsd").argtypes = [I, I, I, I, P, I, P, I, P, c, ctypes.POINTER(I)]


def median_us(fn, max_iterations, max_seconds=2.0, warmup=2):
    """p50 wall-clock and p50 process CPU time (all threads), in µs."""
    for _ in range(warmup):
        fn()
    wall, cpu = [], []
    start = time.perf_counter()
    while len(wall) < max_iterations and time.perf_counter() - start < max_seconds:
        c0 = time.process_time_ns()
        t0 = time.perf_counter_ns()
        fn()
        wall.append(time.perf_counter_ns() - t0)
        cpu.append(time.process_time_ns() - c0)
    return statistics.median(wall) / 1e3, statistics.median(cpu) / 1e3


def cases(n, dtype):
    rng = np.random.default_rng(n)
    a = rng.standard_normal((n, n)).astype(dtype)
    b = rng.standard_normal((n, n)).astype(dtype)
    g = rng.standard_normal((n, n)).astype(dtype)
    spd = (g.T @ g / n + np.eye(n)).astype(dtype)
    rhs = rng.standard_normal((n, 1)).astype(dtype)
    tall = rng.standard_normal((2 * n, n)).astype(dtype)
    tall_rhs = rng.standard_normal((2 * n, 1)).astype(dtype)
    p, cs, one, zero = prefix(dtype), c_scalar(dtype), c_scalar(dtype)(1), c_scalar(dtype)(0)
    cube = float(n) ** 3

    gemm_out = np.empty((n, n), dtype)
    def raw_gemm():
        getattr(blas, f"cblas_{p}gemm")(ROW, NOTRANS, NOTRANS, n, n, n, one, ptr(a), n, ptr(b), n, zero, ptr(gemm_out), n)

    syrk_out = np.empty((n, n), dtype)
    def raw_syrk():
        getattr(blas, f"cblas_{p}syrk")(ROW, UPPER, TRANS, n, n, one, ptr(a), n, zero, ptr(syrk_out), n)

    def raw_posv():
        fa, fb = spd.copy(), rhs.copy()   # symmetric: the row-major buffer is the column-major one
        info = getattr(lapacke, f"LAPACKE_{p}posv")(COL, b"L", n, 1, ptr(fa), n, ptr(fb), n)
        assert info == 0

    def raw_potrf():
        fa = spd.copy()
        info = getattr(lapacke, f"LAPACKE_{p}potrf")(COL, b"L", n, ptr(fa), n)
        assert info == 0

    def raw_gelsd():
        fa = np.asfortranarray(tall)      # column-major copy, as NAC makes
        fb = tall_rhs.copy()
        s = np.empty(n, dtype)
        rank = I(0)
        info = getattr(lapacke, f"LAPACKE_{p}gelsd")(COL, 2 * n, n, 1, ptr(fa), 2 * n, ptr(fb), 2 * n, ptr(s),
                                                      cs(-1.0), ctypes.byref(rank))
        assert info == 0

    big = n >= 1024
    return [
        ("gemm", 2 * cube, lambda: a @ b, raw_gemm, 20 if big else 1000),
        ("syrk", cube, lambda: a.T @ a, raw_syrk, 20 if big else 1000),
        ("posv", cube / 3 + 2 * n * n, lambda: scipy.linalg.solve(spd, rhs, assume_a="pos"), raw_posv,
         20 if big else 1000),
        ("potrf", cube / 3, lambda: scipy.linalg.cho_factor(spd), raw_potrf, 20 if big else 1000),
        ("gelsd", 6 * cube, lambda: np.linalg.lstsq(tall, tall_rhs, rcond=None), raw_gelsd, 5 if big else 1000),
    ]


OPERATIONS = ["gemm", "syrk", "posv", "potrf", "gelsd"]


def main():
    selected = sys.argv[1:] or OPERATIONS
    unknown = [op for op in selected if op not in OPERATIONS]
    if unknown:
        sys.exit(f"unknown operation(s) {unknown}; choose from {OPERATIONS}")
    threads = os.environ.get("OPENBLAS_NUM_THREADS", "(unset)")
    print(f"OPENBLAS_NUM_THREADS={threads}; numpy {np.__version__}, scipy {scipy.__version__}, python {sys.version.split()[0]}")
    print("numpy/scipy: gemm a @ b; syrk a.T @ a; posv scipy.linalg.solve(assume_a='pos'); "
          "potrf scipy.linalg.cho_factor; gelsd numpy.linalg.lstsq")
    print(f"{'op':6} {'type':8} {'n':>5} {'Mflop':>10} | {'numpy p50 µs':>13} {'GFLOP/s':>8} {'CPU µs':>10} | "
          f"{'raw C p50 µs':>13} {'GFLOP/s':>8} {'CPU µs':>10}")
    for op_index, op in enumerate(OPERATIONS):
        if op not in selected:
            continue
        for dtype in TYPES:
            for n in SIZES:
                name, flop, numpy_fn, raw_fn, iterations = cases(n, dtype)[op_index]
                t_np, c_np = median_us(numpy_fn, iterations)
                t_raw, c_raw = median_us(raw_fn, iterations)
                type_name = "float32" if dtype == np.float32 else "float64"
                print(f"{name:6} {type_name:8} {n:5} {flop / 1e6:10.2f} | {t_np:13.1f} {flop / t_np / 1e3:8.2f} {c_np:10.1f} | "
                      f"{t_raw:13.1f} {flop / t_raw / 1e3:8.2f} {c_raw:10.1f}", flush=True)


if __name__ == "__main__":
    main()
