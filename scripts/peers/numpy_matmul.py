#!/usr/bin/env python3
"""NumPy float32 matmul timed like gantry-bench's "gemm" suite: same shapes, same statistic.

One process measures one thread count: OpenBLAS reads its thread count when NumPy is first imported, so
the caller (scripts/bench) starts one process per count; this script also sets the variables itself before
importing NumPy, in case it is run by hand. Prints one JSON object per line with "case":"gemm-numpy".
"""
import argparse
import json
import os
import sys
import time

# The shapes of Sources/GantryBench/GEMMBenchmarks.swift: (m, n, k, op), op(A) m×k, op(B) k×n.
CASES = [
    (128, 128, 128, "NN"),
    (256, 512, 512, "NN"),
    (256, 512, 512, "TN"),
    (256, 512, 512, "NT"),
    (1024, 1024, 1024, "NN"),
    (128, 2, 128, "NT"),
    (256, 1, 128, "NT"),
    (256, 128, 1, "NN"),
]


def median_seconds_per_call(body, repetitions=5, minimum_seconds=0.2):
    """Same procedure as medianSecondsPerCall in BenchmarkRunner.swift: size a batch once by doubling until
    it runs minimum_seconds/4, make it 4× larger, time `repetitions` batches, return the median per call."""
    body()
    calls = 1
    while True:
        start = time.perf_counter()
        for _ in range(calls):
            body()
        if time.perf_counter() - start >= minimum_seconds / 4 or calls >= 1 << 30:
            break
        calls *= 2
    calls *= 4
    samples = []
    for _ in range(repetitions):
        start = time.perf_counter()
        for _ in range(calls):
            body()
        samples.append((time.perf_counter() - start) / calls)
    samples.sort()
    return samples[len(samples) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, required=True, help="BLAS threads for this process")
    args = parser.parse_args()
    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(args.threads)
    import numpy as np  # only now: the BLAS thread pool is sized at import

    rng = np.random.default_rng(0)
    for m, n, k, op in CASES:
        # Operands stored as Gantry stores them; a transposed operand is a transposed view, which NumPy
        # hands to BLAS as a transpose flag rather than copying.
        a = rng.uniform(-1, 1, (k, m) if op[0] == "T" else (m, k)).astype(np.float32)
        b = rng.uniform(-1, 1, (n, k) if op[1] == "T" else (k, n)).astype(np.float32)
        a_op = a.T if op[0] == "T" else a
        b_op = b.T if op[1] == "T" else b
        c = np.empty((m, n), dtype=np.float32)
        seconds = median_seconds_per_call(lambda: np.matmul(a_op, b_op, out=c))
        line = {"case": "gemm-numpy", "m": m, "n": n, "k": k, "op": op, "threads": args.threads,
                "gflops": float(f"{2 * m * n * k / seconds / 1e9:.4g}"), "seconds": float(f"{seconds:.4g}"),
                "numpy": np.__version__}
        print(json.dumps(line, separators=(",", ":")), flush=True)


if __name__ == "__main__":
    sys.exit(main())
