"""The MLflow server behind the browser benchmark of the run browser (ui-tests/benchmarks/).

    .build/venv-test/bin/python benchmarks/runs_browser_server.py [--port 5078] [--db PATH]

Serves a copy of a tracking database with two experiments, both seeded through MLflow's store API
(tests/python/seeded_runs.py):
- ``bench-runs``: 10,000 finished runs x 20 metrics x 20 params;
- ``bench-sweep``: one parent run with 200 children (20 params, 20 metrics), for the parallel
  coordinates.
Seeding 10,000 runs takes ~15 minutes on this machine, so the seeded database is kept in
``.build/bench/mlflow-10k.db`` (or ``--db``) and only copied on later runs;
``benchmarks/runs_browser.py --reuse-db`` accepts the same file. The copy lives in a temporary
folder; the server runs in the foreground (Playwright's webServer stops it).
"""

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "python"))

from seeded_runs import seed_runs  # noqa: E402


def experiments(db):
    if not os.path.exists(db):
        return set()
    with sqlite3.connect(db) as conn:
        return {name for (name,) in conn.execute("SELECT name FROM experiments")}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=5078)
    parser.add_argument(
        "--db", default=os.path.join(HERE, "..", ".build", "bench", "mlflow-10k.db")
    )
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--trials", type=int, default=200)
    args = parser.parse_args()
    db = os.path.abspath(args.db)
    os.makedirs(os.path.dirname(db), exist_ok=True)
    artifacts = os.path.join(os.path.dirname(db), "artifacts")
    have = experiments(db)
    if "bench-runs" not in have:
        print(f"seeding {args.runs} runs into {db} (takes minutes)", flush=True)
        seed_runs(f"sqlite:///{db}", artifacts, "bench-runs", runs=args.runs, metrics=20,
                  params=20, steps=1)  # fmt: skip
    if "bench-sweep" not in have:
        print(f"seeding a sweep of {args.trials} trials into {db}", flush=True)
        seed_runs(f"sqlite:///{db}", artifacts, "bench-sweep", runs=args.trials, metrics=20,
                  params=20, steps=1, sweep_children=args.trials, seed=7)  # fmt: skip
    tmp = tempfile.mkdtemp(prefix="mlflow-ws-runs-bench-")
    copy = os.path.join(tmp, "mlflow.db")
    shutil.copy(db, copy)
    os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
    os.environ.setdefault("MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false")
    command = [
        sys.executable, "-m", "mlflow", "server", "--host", "127.0.0.1",
        "--port", str(args.port), "--workers", "1",
        "--backend-store-uri", f"sqlite:///{copy}",
        "--artifacts-destination", os.path.join(tmp, "artifacts"),
    ]  # fmt: skip
    print(" ".join(command), flush=True)
    # Replace this process, so that stopping it (Playwright does) stops the server.
    os.execv(sys.executable, command)  # noqa: S606 - fixed argv, no shell


if __name__ == "__main__":
    main()
