"""Drift computation time: 100,000 sampled rows × 20 features against a baseline profile.

10 numeric and 10 categorical features; the baseline is profiled from 100,000 training rows
(``log_baseline``'s profile); the "window" is 100,000 rows in the shape the monitor stores them
(one dict per row). Prints the median of 5 runs of ``drift.report`` (goal ≤ 1 s) and of the
profile itself.

    PYTHONPATH=. .build/venv-test/bin/python benchmarks/drift_compute.py [--rows 100000]
"""

import argparse
import statistics
import time

import numpy as np

from jupyterlab_mlflow_workspace.monitor import drift
from jupyterlab_mlflow_workspace.monitor.profile import profile


def frame(rows: int, seed: int, shift: float = 0.0) -> dict[str, list]:
    rng = np.random.default_rng(seed)
    columns = {f"num{i}": (rng.normal(i, 1 + i, rows) + shift).tolist() for i in range(10)}
    for i in range(10):
        columns[f"cat{i}"] = rng.choice([f"v{j}" for j in range(3 + i)], rows).tolist()
    return columns


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    train = frame(args.rows, 1)
    started = time.perf_counter()
    baseline = profile(train)
    profiled = time.perf_counter() - started
    current = frame(args.rows, 2, shift=0.2)
    names = list(current)
    samples = [{"row": dict(zip(names, values, strict=True))}
               for values in zip(*current.values(), strict=True)]  # fmt: skip
    times = []
    for _ in range(5):
        started = time.perf_counter()
        result = drift.report(baseline, samples)
        times.append(time.perf_counter() - started)
    print(f"profile of {args.rows:,} rows × 20 features: {profiled:.2f} s")
    print(
        f"drift of {args.rows:,} rows × 20 features: median {statistics.median(times):.2f} s "
        f"(min {min(times):.2f}, max {max(times):.2f}); drifted: {len(result['drifted'])}"
    )


if __name__ == "__main__":
    main()
